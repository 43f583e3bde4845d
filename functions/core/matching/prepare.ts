/**
 * Indexes a matching problem for the solver: sorted entities (determinism), integer ids, and the
 * tutors of one structure × situation × slot aggregated into one pool. Tutors of a pool are
 * interchangeable for every rule and preference, so the model decides how many participants each
 * pool takes, and a final step names the tutors.
 */

import { textKey } from "../sheet/cells.js";
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

export interface Wish {
  readonly kind: "type" | "structure";
  readonly index: number;
}

export function mixKey(group: number, structure: number, slot: number, structures: number, slots: number) {
  return (group * structures + structure) * slots + slot;
}

export function prepare(problem: MatchingProblem): Prepared {
  const byId =
    <T>(key: (item: T) => string) =>
    (a: T, b: T) =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  const participants = [...problem.participants].sort(byId((p) => p.id));
  const structures = [...problem.structures].sort(byId((s) => s.name));
  const slots = [...problem.slots];
  const slotIndex = new Map(slots.map((s, i) => [textKey(s), i]));
  const S = slots.length;

  const structureIndex = new Map(structures.map((s, i) => [textKey(s.name), i]));
  const participantIndex = new Map(participants.map((p, i) => [textKey(p.id), i]));

  const intern = () => {
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
  };
  const types = intern();
  const situations = intern();
  const organismes = intern();
  const publics = intern();
  for (const s of [...structures.map((s) => s.type)].sort()) types.get(s);
  for (const s of [...structures.flatMap((s) => s.situations)].sort()) situations.get(s);

  const structureType = new Int32Array(structures.length);
  const structureOrganisme = new Int32Array(structures.length);
  const structureStepFree = new Uint8Array(structures.length);
  const structureSituations = structures.map((s, i) => {
    structureType[i] = types.get(s.type);
    structureOrganisme[i] = organismes.get(s.organisme);
    structureStepFree[i] = s.stepFree ? 1 : 0;
    return new Set(s.situations.map((x) => situations.get(x)));
  });

  const participantOrganisme = new Int32Array(participants.length);
  const participantPublic = new Int32Array(participants.length);
  const participantStepFree = new Uint8Array(participants.length);
  const wishes = participants.map((p, i) => {
    participantOrganisme[i] = organismes.get(p.organisme);
    participantPublic[i] = publics.get(p.public);
    participantStepFree[i] = p.needsStepFree ? 1 : 0;
    const list: Wish[] = [];
    for (const wish of p.wishes.slice(0, 3)) {
      const key = textKey(wish);
      const structure = structureIndex.get(key);
      const type = types.map.get(key);
      // A wish naming neither a structure nor a type holds its rank but matches nothing.
      if (structure !== undefined) list.push({ kind: "structure", index: structure });
      else if (type !== undefined) list.push({ kind: "type", index: type });
      else list.push({ kind: "type", index: -1 });
    }
    return list;
  });

  // Locked rows consume their tutor's capacity and fix the participant's slot.
  const lockedRows = [...(problem.locked ?? [])];
  const locked: (LockedPlacement | undefined)[] = new Array(participants.length * S).fill(undefined);
  const lockedTutorUse = new Map<string, number>();
  const lockedOrganisme = new Map<number, number>();
  const lockedPublic = new Map<number, number>();
  const lockedPoolLoad = new Map<string, number>();
  for (const row of lockedRows) {
    const p = participantIndex.get(textKey(row.participant));
    const s = slotIndex.get(textKey(row.slot));
    if (s === undefined) continue;
    const tutorKey = `${textKey(row.tutor)}|${s}`;
    lockedTutorUse.set(tutorKey, (lockedTutorUse.get(tutorKey) ?? 0) + 1);
    const st = structureIndex.get(textKey(row.structure));
    if (st !== undefined) {
      const poolKey = `${st}|${textKey(row.situation)}|${s}`;
      lockedPoolLoad.set(poolKey, (lockedPoolLoad.get(poolKey) ?? 0) + 1);
    }
    if (p === undefined) continue;
    locked[p * S + s] = row;
    if (st !== undefined) {
      const ok = mixKey(participantOrganisme[p]!, st, s, structures.length, S);
      lockedOrganisme.set(ok, (lockedOrganisme.get(ok) ?? 0) + 1);
      const pk = mixKey(participantPublic[p]!, st, s, structures.length, S);
      lockedPublic.set(pk, (lockedPublic.get(pk) ?? 0) + 1);
    }
  }

  // Pools: the usable tutors of one structure × situation × slot.
  const members = new Map<string, PoolTutor[]>();
  const sortedTutors = [...problem.tutors].sort(byId((t) => t.id));
  for (const tutor of sortedTutors) {
    if (tutor.declined) continue;
    const st = structureIndex.get(textKey(tutor.structure));
    const si = situations.map.get(textKey(tutor.situation));
    if (st === undefined || si === undefined || !structureSituations[st]!.has(si)) continue;
    const tutorSlots =
      tutor.slots === "all" ? slots.map((_, i) => i) : tutor.slots.map((x) => slotIndex.get(textKey(x)));
    for (const s of tutorSlots) {
      if (s === undefined) continue;
      const remaining = tutor.capacity - (lockedTutorUse.get(`${textKey(tutor.id)}|${s}`) ?? 0);
      const key = `${st}|${si}|${s}`;
      const list = members.get(key) ?? [];
      list.push({ id: tutor.id, capacity: tutor.capacity, remaining: Math.max(0, remaining) });
      members.set(key, list);
    }
  }
  const pools: Pool[] = [];
  const poolIds = new Map<number, number>();
  const poolsBySlot: number[][] = slots.map(() => []);
  const sitCount = situations.names.length;
  for (let s = 0; s < S; s++) {
    for (let st = 0; st < structures.length; st++) {
      const parts: PoolPart[] = [];
      let lockedLoad = 0;
      for (let si = 0; si < sitCount; si++) {
        lockedLoad += lockedPoolLoad.get(`${st}|${textKey(situations.names[si]!)}|${s}`) ?? 0;
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

  const previousPool = new Int32Array(participants.length * S).fill(-1);
  const previousSituation = new Int32Array(participants.length * S).fill(-1);
  const previousTutor: (string | undefined)[] = new Array(participants.length * S).fill(undefined);
  for (const row of problem.previous ?? []) {
    const p = participantIndex.get(textKey(row.participant));
    const s = slotIndex.get(textKey(row.slot));
    const st = structureIndex.get(textKey(row.structure));
    if (p === undefined || s === undefined || st === undefined) continue;
    previousPool[p * S + s] = poolOf(st, s);
    previousSituation[p * S + s] = situations.map.get(textKey(row.situation)) ?? -1;
    previousTutor[p * S + s] = row.tutor;
  }

  return {
    problem,
    participants,
    structures,
    slots,
    pools,
    poolsBySlot,
    poolOf,
    situationIndex: situations.map,
    situationNames: situations.names,
    typeNames: types.names,
    structureType,
    structureOrganisme,
    structureStepFree,
    participantOrganisme,
    participantPublic,
    participantStepFree,
    organismeCount: organismes.names.length,
    publicCount: publics.names.length,
    wishes,
    locked,
    lockedRows,
    previousPool,
    previousSituation,
    previousTutor,
    lockedOrganisme,
    lockedPublic,
    structureIndex,
    participantIndex,
  };
}

/** Rank (0-based) of the first wish the structure meets, or 3 when it meets none. */
export function wishRank(prep: Prepared, p: number, structure: number): number {
  const wishes = prep.wishes[p]!;
  const type = prep.structureType[structure]!;
  for (let i = 0; i < wishes.length; i++) {
    const w = wishes[i]!;
    if (w.kind === "structure" ? w.index === structure : w.index === type) return i;
  }
  return 3;
}
