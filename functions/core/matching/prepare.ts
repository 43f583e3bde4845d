/**
 * Indexes a matching problem for the solver: sorted entities (determinism), integer ids, and the
 * tutors of one structure × situation × slot aggregated into one pool. Tutors of a pool are
 * interchangeable for every rule and preference, so the model decides how many participants each
 * pool takes, and a final step names the tutors.
 */

import { textKey } from "../sheet/cells.js";
import { WISH_ALTERNATIVES } from "../sheet/schemas.js";
import type { LockedPlacement, MatchingProblem, Participant, Structure } from "./types.js";

/** Case-, accent- and spacing-insensitive key, so `caf ` matches `CAF` and `Urgences` matches `urgences`. */
export { textKey };

export interface PoolTutor {
  readonly id: string;
  /** `Capacité` per slot. */
  readonly capacity: number;
  /** Places left in this slot once locked rows are counted. */
  readonly remaining: number;
}

/** The tutors of one situation of a pool. */
export interface PoolPart {
  readonly situation: number;
  /** Sorted by tutor id. */
  readonly tutors: readonly PoolTutor[];
  /** Free places: the sum of `remaining`. */
  readonly capacity: number;
}

/** The tutors of one structure in one slot, by situation. */
export interface Pool {
  readonly index: number;
  readonly structure: number;
  readonly slot: number;
  /** Sorted by situation. */
  readonly parts: readonly PoolPart[];
  /** Free places over every situation. */
  readonly capacity: number;
  /** Locked placements already in the pool (they count for load). */
  readonly lockedLoad: number;
  /** Load above which the balance penalty applies. */
  readonly softCapacity: number;
}

export interface Prepared {
  readonly problem: MatchingProblem;
  readonly participants: readonly Participant[];
  readonly structures: readonly Structure[];
  readonly slots: readonly string[];
  readonly pools: readonly Pool[];
  /** Pool indices of each slot, sorted by structure. */
  readonly poolsBySlot: readonly (readonly number[])[];
  /** Pool index of a structure in a slot, or -1. */
  readonly poolOf: (structure: number, slot: number) => number;
  readonly situationIndex: ReadonlyMap<string, number>;
  readonly situationNames: readonly string[];
  readonly typeNames: readonly string[];
  readonly structureType: Int32Array;
  readonly structureOrganisme: Int32Array;
  readonly structureStepFree: Uint8Array;
  readonly participantOrganisme: Int32Array;
  readonly participantPublic: Int32Array;
  readonly participantStepFree: Uint8Array;
  readonly organismeCount: number;
  readonly publicCount: number;
  /** Per participant, up to three wishes: each `type` (>= 0 type index) or `structure` index. */
  readonly wishes: readonly (readonly Wish[])[];
  /** Locked placement per participant and slot (`p * slots + s`), if any. */
  readonly locked: readonly (LockedPlacement | undefined)[];
  /** Every locked row, including those naming someone or something unknown: kept as they are. */
  readonly lockedRows: readonly LockedPlacement[];
  /** Previous pool and situation per participant and slot, or -1. */
  readonly previousPool: Int32Array;
  readonly previousSituation: Int32Array;
  readonly previousTutor: readonly (string | undefined)[];
  /** Locked participants per organisme × structure × slot, and per public × structure × slot. */
  readonly lockedOrganisme: Map<number, number>;
  readonly lockedPublic: Map<number, number>;
  readonly structureIndex: ReadonlyMap<string, number>;
  readonly participantIndex: ReadonlyMap<string, number>;
}

/**
 * A wish, resolved: a structure (`Structure` name), a structure type (`Type`), an organisme
 * (`Organisme` of host structures: any of its structures meets it), or several structures at once
 * (`set`: names joined by ` | `, any of which meets it; a reverse immersion's type of institution).
 * `index` is the structure, type or organisme index (0 for a set); -1 for a wish that names
 * nothing of the workbook (it holds its rank and matches nothing).
 */
export interface Wish {
  readonly kind: "type" | "structure" | "organisme" | "set";
  readonly index: number;
  /** The structures of a `set`. */
  readonly structures?: readonly number[];
}

/** Whether structure `st` meets the wish (the one rule every part of the matching uses). */
export function wishMetBy(
  prep: Pick<Prepared, "structureType" | "structureOrganisme">,
  wish: Wish,
  st: number,
): boolean {
  if (wish.index < 0) return false;
  if (wish.kind === "structure") return wish.index === st;
  if (wish.kind === "type") return wish.index === prep.structureType[st];
  if (wish.kind === "set") return wish.structures?.includes(st) ?? false;
  return wish.index === prep.structureOrganisme[st];
}

/** Whether the wish names one or several particular structures (not a type): such participants are modelled one by one. */
export function namesStructures(wish: Wish): boolean {
  return wish.index >= 0 && wish.kind !== "type";
}

export function mixKey(group: number, structure: number, slot: number, structures: number, slots: number) {
  return (group * structures + structure) * slots + slot;
}

/**
 * Indexes the problem: entities sorted by id (determinism), names interned to integers, locked
 * rows counted, tutors aggregated into pools, previous placements read.
 */
export function prepare(problem: MatchingProblem): Prepared {
  const participants = [...problem.participants].sort(byId((p) => p.id));
  const structures = [...problem.structures].sort(byId((s) => s.name));
  const slots = [...problem.slots];
  const index: Indexes = {
    slotCount: slots.length,
    structureCount: structures.length,
    slotIndex: new Map(slots.map((s, i) => [textKey(s), i])),
    structureIndex: new Map(structures.map((s, i) => [textKey(s.name), i])),
    participantIndex: new Map(participants.map((p, i) => [textKey(p.id), i])),
  };
  const names: Names = { types: intern(), situations: intern(), organismes: intern(), publics: intern() };
  for (const s of [...structures.map((s) => s.type)].sort()) names.types.get(s);
  for (const s of [...structures.flatMap((s) => s.situations)].sort()) names.situations.get(s);
  const ofStructures = structureAttributes(structures, names);
  const ofParticipants = participantAttributes(
    participants,
    index,
    names,
    new Set(ofStructures.structureOrganisme),
  );
  const lockedRows = [...(problem.locked ?? [])];
  const locks = lockedCounts(lockedRows, index, ofParticipants, participants.length);
  const members = poolTutors(problem.tutors, slots, index, names, ofStructures.structureSituations, locks);
  const { pools, poolsBySlot, poolOf } = buildPools(members, locks.lockedPoolLoad, index, names);
  const previous = previousPlacements(problem, index, names, poolOf, participants.length);
  return {
    problem,
    participants,
    structures,
    slots,
    pools,
    poolsBySlot,
    poolOf,
    situationIndex: names.situations.map,
    situationNames: names.situations.names,
    typeNames: names.types.names,
    structureType: ofStructures.structureType,
    structureOrganisme: ofStructures.structureOrganisme,
    structureStepFree: ofStructures.structureStepFree,
    ...ofParticipants,
    organismeCount: names.organismes.names.length,
    publicCount: names.publics.names.length,
    locked: locks.locked,
    lockedRows,
    ...previous,
    lockedOrganisme: locks.lockedOrganisme,
    lockedPublic: locks.lockedPublic,
    structureIndex: index.structureIndex,
    participantIndex: index.participantIndex,
  };
}

function byId<T>(key: (item: T) => string) {
  return (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/** Index by `textKey` of slots, structures and participants (sorted), and their counts. */
interface Indexes {
  readonly slotCount: number;
  readonly structureCount: number;
  readonly slotIndex: ReadonlyMap<string, number>;
  readonly structureIndex: ReadonlyMap<string, number>;
  readonly participantIndex: ReadonlyMap<string, number>;
}

/** Names interned to integers in the order first met (`get` interns, `map` looks up by `textKey`). */
interface Interner {
  readonly map: Map<string, number>;
  readonly names: string[];
  readonly get: (name: string) => number;
}

interface Names {
  readonly types: Interner;
  readonly situations: Interner;
  readonly organismes: Interner;
  readonly publics: Interner;
}

function intern(): Interner {
  const map = new Map<string, number>();
  const names: string[] = [];
  const get = (name: string) => {
    const key = textKey(name);
    let id = map.get(key);
    if (id === undefined) {
      id = names.length;
      map.set(key, id);
      names.push(name);
    }
    return id;
  };
  return { map, names, get };
}

/** Per structure: type, organisme, step-free access and the situations it offers. */
function structureAttributes(structures: readonly Structure[], names: Names) {
  const structureType = new Int32Array(structures.length);
  const structureOrganisme = new Int32Array(structures.length);
  const structureStepFree = new Uint8Array(structures.length);
  const structureSituations = structures.map((s, i) => {
    structureType[i] = names.types.get(s.type);
    structureOrganisme[i] = names.organismes.get(s.organisme);
    structureStepFree[i] = s.stepFree ? 1 : 0;
    return new Set(s.situations.map((x) => names.situations.get(x)));
  });
  return { structureType, structureOrganisme, structureStepFree, structureSituations };
}

/** Per participant: organisme, public, step-free need and up to three wishes. */
function participantAttributes(
  participants: readonly Participant[],
  index: Indexes,
  names: Names,
  hostOrganismes: ReadonlySet<number>,
) {
  const participantOrganisme = new Int32Array(participants.length);
  const participantPublic = new Int32Array(participants.length);
  const participantStepFree = new Uint8Array(participants.length);
  const wishes = participants.map((p, i) => {
    participantOrganisme[i] = names.organismes.get(p.organisme);
    participantPublic[i] = names.publics.get(p.public);
    participantStepFree[i] = p.needsStepFree ? 1 : 0;
    const list: Wish[] = [];
    for (const wish of p.wishes.slice(0, 3)) {
      const key = textKey(wish);
      const structure = index.structureIndex.get(key);
      const type = names.types.map.get(key);
      const organisme = names.organismes.map.get(key);
      const alternatives = wish
        .split(WISH_ALTERNATIVES.trim())
        .map((part) => index.structureIndex.get(textKey(part)));
      // A wish naming no structure, type or host organisme holds its rank but matches nothing.
      if (structure !== undefined) list.push({ kind: "structure", index: structure });
      else if (alternatives.length > 1 && alternatives.every((st) => st !== undefined))
        list.push({ kind: "set", index: 0, structures: alternatives as number[] });
      else if (type !== undefined) list.push({ kind: "type", index: type });
      else if (organisme !== undefined && hostOrganismes.has(organisme))
        list.push({ kind: "organisme", index: organisme });
      else list.push({ kind: "type", index: -1 });
    }
    return list;
  });
  return { participantOrganisme, participantPublic, participantStepFree, wishes };
}

/**
 * Locked rows consume their tutor's capacity and fix the participant's slot. Returns per
 * participant × slot the locked row, and the counts locked rows take: per tutor × slot, per
 * structure × situation × slot (load), per organisme and public × structure × slot (`mixKey`).
 */
function lockedCounts(
  lockedRows: readonly LockedPlacement[],
  index: Indexes,
  people: { readonly participantOrganisme: Int32Array; readonly participantPublic: Int32Array },
  participantCount: number,
) {
  const { slotCount: S, structureCount } = index;
  const locked: (LockedPlacement | undefined)[] = new Array(participantCount * S).fill(undefined);
  const lockedTutorUse = new Map<string, number>();
  const lockedOrganisme = new Map<number, number>();
  const lockedPublic = new Map<number, number>();
  const lockedPoolLoad = new Map<string, number>();
  for (const row of lockedRows) {
    const p = index.participantIndex.get(textKey(row.participant));
    const s = index.slotIndex.get(textKey(row.slot));
    if (s === undefined) continue;
    const tutorKey = `${textKey(row.tutor)}|${s}`;
    lockedTutorUse.set(tutorKey, (lockedTutorUse.get(tutorKey) ?? 0) + 1);
    const st = index.structureIndex.get(textKey(row.structure));
    if (st !== undefined) {
      const poolKey = `${st}|${textKey(row.situation)}|${s}`;
      lockedPoolLoad.set(poolKey, (lockedPoolLoad.get(poolKey) ?? 0) + 1);
    }
    if (p === undefined) continue;
    locked[p * S + s] = row;
    if (st !== undefined) {
      const ok = mixKey(people.participantOrganisme[p]!, st, s, structureCount, S);
      lockedOrganisme.set(ok, (lockedOrganisme.get(ok) ?? 0) + 1);
      const pk = mixKey(people.participantPublic[p]!, st, s, structureCount, S);
      lockedPublic.set(pk, (lockedPublic.get(pk) ?? 0) + 1);
    }
  }
  return { locked, lockedTutorUse, lockedOrganisme, lockedPublic, lockedPoolLoad };
}

/** The usable tutors (sorted by id) of each structure × situation × slot, keyed `st|si|s`. */
function poolTutors(
  tutors: MatchingProblem["tutors"],
  slots: readonly string[],
  index: Indexes,
  names: Names,
  structureSituations: readonly Set<number>[],
  locks: { readonly lockedTutorUse: ReadonlyMap<string, number> },
): Map<string, PoolTutor[]> {
  const members = new Map<string, PoolTutor[]>();
  const sortedTutors = [...tutors].sort(byId((t) => t.id));
  for (const tutor of sortedTutors) {
    if (tutor.declined) continue;
    const st = index.structureIndex.get(textKey(tutor.structure));
    const si = names.situations.map.get(textKey(tutor.situation));
    if (st === undefined || si === undefined || !structureSituations[st]!.has(si)) continue;
    const tutorSlots =
      tutor.slots === "all"
        ? slots.map((_, i) => i)
        : tutor.slots.map((x) => index.slotIndex.get(textKey(x)));
    for (const s of tutorSlots) {
      if (s === undefined) continue;
      const remaining = tutor.capacity - (locks.lockedTutorUse.get(`${textKey(tutor.id)}|${s}`) ?? 0);
      const key = `${st}|${si}|${s}`;
      const list = members.get(key) ?? [];
      list.push({ id: tutor.id, capacity: tutor.capacity, remaining: Math.max(0, remaining) });
      members.set(key, list);
    }
  }
  return members;
}

/** Pools: the usable tutors of one structure × situation × slot, slot by slot, structure by structure. */
function buildPools(
  members: ReadonlyMap<string, PoolTutor[]>,
  lockedPoolLoad: ReadonlyMap<string, number>,
  index: Indexes,
  names: Names,
) {
  const { slotCount: S, structureCount } = index;
  const pools: Pool[] = [];
  const poolIds = new Map<number, number>();
  const poolsBySlot: number[][] = Array.from({ length: S }, () => []);
  const sitCount = names.situations.names.length;
  for (let s = 0; s < S; s++) {
    for (let st = 0; st < structureCount; st++) {
      const parts: PoolPart[] = [];
      let lockedLoad = 0;
      for (let si = 0; si < sitCount; si++) {
        lockedLoad += lockedPoolLoad.get(`${st}|${textKey(names.situations.names[si]!)}|${s}`) ?? 0;
        const tutors = members.get(`${st}|${si}|${s}`);
        if (!tutors) continue;
        parts.push({ situation: si, tutors, capacity: tutors.reduce((sum, t) => sum + t.remaining, 0) });
      }
      if (parts.length === 0) continue;
      const capacity = parts.reduce((sum, part) => sum + part.capacity, 0);
      const pool: Pool = {
        index: pools.length,
        structure: st,
        slot: s,
        parts,
        capacity,
        lockedLoad,
        softCapacity: Math.ceil((capacity + lockedLoad) / 2),
      };
      poolIds.set(st * S + s, pool.index);
      pools.push(pool);
      poolsBySlot[s]!.push(pool.index);
    }
  }
  const poolOf = (st: number, s: number) => poolIds.get(st * S + s) ?? -1;
  return { pools, poolsBySlot, poolOf };
}

/** The previous run's pool, situation and tutor per participant × slot (-1 or undefined when none). */
function previousPlacements(
  problem: MatchingProblem,
  index: Indexes,
  names: Names,
  poolOf: (st: number, s: number) => number,
  participantCount: number,
) {
  const S = index.slotCount;
  const previousPool = new Int32Array(participantCount * S).fill(-1);
  const previousSituation = new Int32Array(participantCount * S).fill(-1);
  const previousTutor: (string | undefined)[] = new Array(participantCount * S).fill(undefined);
  for (const row of problem.previous ?? []) {
    const p = index.participantIndex.get(textKey(row.participant));
    const s = index.slotIndex.get(textKey(row.slot));
    const st = index.structureIndex.get(textKey(row.structure));
    if (p === undefined || s === undefined || st === undefined) continue;
    previousPool[p * S + s] = poolOf(st, s);
    previousSituation[p * S + s] = names.situations.map.get(textKey(row.situation)) ?? -1;
    previousTutor[p * S + s] = row.tutor;
  }
  return { previousPool, previousSituation, previousTutor };
}

/** Rank (0-based) of the first wish the structure meets, or 3 when it meets none. */
export function wishRank(prep: Prepared, p: number, structure: number): number {
  const wishes = prep.wishes[p]!;
  for (let i = 0; i < wishes.length; i++) if (wishMetBy(prep, wishes[i]!, structure)) return i;
  return 3;
}
