/**
 * A pool-level assignment (`assign[p * S + s]` = pool index, `UNPLACED`, or `LOCKED`): its
 * objective, the greedy baseline, and the final step that names tutors and explains each placement.
 */
import { LOCKED, UNPLACED } from "./assignment-codes.js";
import { eligible, type LockedContext, linearCost } from "./model.js";
import { mixKey, type Prepared, wishMetBy, wishRank } from "./prepare.js";
import type { Motif, PlacementWithMotif, Unplaced } from "./types.js";
import { WEIGHTS } from "./weights.js";

export { LOCKED, UNPLACED };

/** An empty assignment: every locked slot marked, everything else unplaced. */
export function emptyAssignment(prep: Prepared): Int32Array {
  const assign = new Int32Array(prep.participants.length * prep.slots.length).fill(UNPLACED);
  prep.locked.forEach((row, ps) => {
    if (row) assign[ps] = LOCKED;
  });
  return assign;
}

/** The first-stage objective of an assignment, exactly as the model counts it (see `weights.ts`). */
export function evaluate(prep: Prepared, ctx: LockedContext, assign: Int32Array): number {
  const S = prep.slots.length;
  const P = prep.participants.length;
  const nSt = prep.structures.length;
  const T = prep.typeNames.length;
  let total = 0;
  const poolLoad = new Int32Array(prep.pools.length);
  const organisme = new Map<number, number>();
  const publics = new Map<number, number>();
  const bump = (map: Map<number, number>, key: number) => map.set(key, (map.get(key) ?? 0) + 1);
  for (let p = 0; p < P; p++) {
    const types = new Map<number, number>();
    for (let s = 0; s < S; s++) {
      const q = assign[p * S + s]!;
      if (q === LOCKED) continue;
      if (q === UNPLACED) {
        total += WEIGHTS.unplaced;
        continue;
      }
      const pool = prep.pools[q]!;
      total += linearCost(prep, ctx, p, s, q);
      poolLoad[q]!++;
      bump(types, prep.structureType[pool.structure]!);
      bump(organisme, mixKey(prep.participantOrganisme[p]!, pool.structure, s, nSt, S));
      bump(publics, mixKey(prep.participantPublic[p]!, pool.structure, s, nSt, S));
    }
    for (const [t, n] of types)
      if (!ctx.lockedType.has(p * T + t)) total += Math.max(0, n - 1) * WEIGHTS.sameType;
  }
  for (const [key, n] of organisme) {
    if (!prep.lockedOrganisme.has(key)) total += Math.max(0, n - 1) * WEIGHTS.sameOrganisme;
  }
  for (const [key, n] of publics) {
    const free = WEIGHTS.publicsFree - (prep.lockedPublic.get(key) ?? 0);
    if (free > 0) total += Math.max(0, n - free) * WEIGHTS.samePublic;
  }
  for (const pool of prep.pools) {
    if (pool.lockedLoad >= pool.softCapacity) continue;
    total += Math.max(0, poolLoad[pool.index]! - (pool.softCapacity - pool.lockedLoad)) * WEIGHTS.tutorLoad;
  }
  return total;
}

/**
 * The baseline an organizer would apply by hand: in registration order, each participant takes,
 * slot after slot, the best wish still available (then a different type from their other slot,
 * then the emptiest pool); situations are then chosen by `greedySituations`.
 */
export function greedyAssignment(prep: Prepared, ctx: LockedContext): Int32Array {
  const S = prep.slots.length;
  const assign = emptyAssignment(prep);
  const left = new Int32Array(prep.pools.map((pool) => pool.capacity));
  const order = prep.participants
    .map((participant, p) => ({ p, participant }))
    .sort(
      (a, b) => a.participant.order - b.participant.order || (a.participant.id < b.participant.id ? -1 : 1),
    );
  for (const { p } of order) {
    for (let s = 0; s < S; s++) {
      if (assign[p * S + s] === LOCKED) continue;
      const taken = placedElsewhere(prep, ctx, assign, p, s);
      let best = -1;
      let bestKey: number[] = [];
      for (const q of prep.poolsBySlot[s]!) {
        if (left[q]! <= 0 || !eligible(prep, ctx, p, q)) continue;
        const pool = prep.pools[q]!;
        if (taken.structures.has(pool.structure)) continue;
        const key = [
          wishRank(prep, p, pool.structure),
          taken.types.has(prep.structureType[pool.structure]!) ? 1 : 0,
          -left[q]!,
        ];
        if (best < 0 || lexLess(key, bestKey)) {
          best = q;
          bestKey = key;
        }
      }
      if (best >= 0) {
        assign[p * S + s] = best;
        left[best]!--;
      }
    }
  }
  return assign;
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** Structures and types a participant holds in the other slots (decided or locked). */
function placedElsewhere(prep: Prepared, ctx: LockedContext, assign: Int32Array, p: number, slot: number) {
  const S = prep.slots.length;
  const structures = new Set<number>();
  const types = new Set<number>();
  for (let s = 0; s < S; s++) {
    if (s === slot) continue;
    const q = assign[p * S + s]!;
    const st = q >= 0 ? prep.pools[q]!.structure : ctx.lockedStructure[p * S + s]!;
    if (st < 0) continue;
    structures.add(st);
    types.add(prep.structureType[st]!);
  }
  return { structures, types };
}

/**
 * Names a tutor for every placement of each pool and situation (a participant keeps their previous tutor when
 * that tutor still has room; the others go to the least loaded tutor), writes the `Motif`, and
 * explains in French why anyone is left unplaced.
 */
export function finalize(
  prep: Prepared,
  ctx: LockedContext,
  assign: Int32Array,
  situation: Int32Array,
): { placements: PlacementWithMotif[]; unplaced: Unplaced[] } {
  const S = prep.slots.length;
  const poolLoad = new Int32Array(prep.pools.length);
  // Members of each pool part (pool × situation), in participant order.
  const members = new Map<number, number[]>();
  const I = prep.situationNames.length;
  assign.forEach((q, ps) => {
    if (q < 0) return;
    poolLoad[q]!++;
    const key = q * I + situation[ps]!;
    const list = members.get(key);
    if (list) list.push(ps);
    else members.set(key, [ps]);
  });
  const poolRoom = new Int32Array(prep.pools.map((pool, q) => pool.capacity - poolLoad[q]!));
  const tutorOf = new Map<number, string>();
  for (const [key, list] of members) {
    const pool = prep.pools[Math.floor(key / I)]!;
    const part = pool.parts.find((x) => x.situation === key % I)!;
    const assigned = new Map(part.tutors.map((t) => [t.id, 0]));
    const keep = (ps: number) => {
      const previous = prep.previousTutor[ps];
      if (prep.previousPool[ps] !== pool.index || previous === undefined) return false;
      const tutor = part.tutors.find((t) => t.id === previous);
      if (!tutor || assigned.get(tutor.id)! >= tutor.remaining) return false;
      assigned.set(tutor.id, assigned.get(tutor.id)! + 1);
      tutorOf.set(ps, tutor.id);
      return true;
    };
    const rest = list.filter((ps) => !keep(ps));
    for (const ps of rest) {
      let chosen: (typeof part.tutors)[number] | undefined;
      let chosenLoad = Infinity;
      for (const tutor of part.tutors) {
        const n = assigned.get(tutor.id)!;
        if (n >= tutor.remaining) continue;
        const load = (tutor.capacity - tutor.remaining + n + 1) / tutor.capacity;
        if (load < chosenLoad) {
          chosen = tutor;
          chosenLoad = load;
        }
      }
      // A part's capacity is the sum of its tutors' room, so a tutor is always found.
      const tutor = chosen!;
      assigned.set(tutor.id, assigned.get(tutor.id)! + 1);
      tutorOf.set(ps, tutor.id);
    }
  }

  const placements: PlacementWithMotif[] = [];
  const unplaced: Unplaced[] = [];
  for (const row of prep.lockedRows) placements.push({ ...row, motif: "verrouillé", locked: true });
  prep.participants.forEach((participant, p) => {
    for (let s = 0; s < S; s++) {
      const q = assign[p * S + s]!;
      if (q === LOCKED) continue;
      if (q === UNPLACED) {
        unplaced.push({
          participant: participant.id,
          slot: prep.slots[s]!,
          reason: unplacedReason(prep, ctx, p, s),
        });
        continue;
      }
      const pool = prep.pools[q]!;
      placements.push({
        participant: participant.id,
        slot: prep.slots[s]!,
        structure: prep.structures[pool.structure]!.name,
        situation: prep.situationNames[situation[p * S + s]!]!,
        tutor: tutorOf.get(p * S + s)!,
        motif: motif(prep, ctx, assign, poolRoom, p, s, q),
        locked: false,
      });
    }
  });
  return { placements, unplaced };
}

/**
 * The `Motif` of a placement, in French: the wish it meets (`Vœu 1`, `Vœu 2`, `Vœu 3`), or, when it
 * meets none, why each wish could not be met in this slot (`hors vœux — Vœu 1 « Urgences » :
 * complet sur ce créneau ; Vœu 2 « CAF » : conflit d'intérêts…`).
 */
function motif(
  prep: Prepared,
  ctx: LockedContext,
  assign: Int32Array,
  poolRoom: Int32Array,
  p: number,
  s: number,
  q: number,
): Motif {
  const rank = wishRank(prep, p, prep.pools[q]!.structure);
  if (rank < 3) return `Vœu ${rank + 1}`;
  const wishes = prep.participants[p]!.wishes.slice(0, 3);
  if (wishes.length === 0) return "hors vœux (aucun vœu exprimé)";
  const reasons = wishes.map(
    (text, w) => `Vœu ${w + 1} « ${text} » : ${wishObstacle(prep, ctx, assign, poolRoom, p, s, w)}`,
  );
  return `hors vœux — ${reasons.join(" ; ")}`;
}

/** Why wish `w` of participant p is not met in slot s, in French (the rule that prevented it). */
function wishObstacle(
  prep: Prepared,
  ctx: LockedContext,
  assign: Int32Array,
  poolRoom: Int32Array,
  p: number,
  s: number,
  w: number,
): string {
  const S = prep.slots.length;
  const wish = prep.wishes[p]![w]!;
  if (wish.index < 0)
    return "ne désigne aucune structure, aucun type de structure ni aucun organisme d'accueil du classeur";
  const meets = (st: number) => wishMetBy(prep, wish, st);
  for (let other = 0; other < S; other++) {
    if (other === s) continue;
    const r = assign[p * S + other]!;
    const st = r >= 0 ? prep.pools[r]!.structure : ctx.lockedStructure[p * S + other]!;
    if (st >= 0 && meets(st)) return `déjà exaucé sur le créneau « ${prep.slots[other]} »`;
  }
  const pools = prep.poolsBySlot[s]!.map((x) => prep.pools[x]!).filter((pool) => meets(pool.structure));
  if (pools.length === 0) return "aucun tuteur de cette structure sur ce créneau";
  const taken = placedElsewhere(prep, ctx, assign, p, s);
  const obstacles = new Set<string>();
  for (const pool of pools) {
    const st = pool.structure;
    if (prep.structureOrganisme[st] === prep.participantOrganisme[p])
      obstacles.add("conflit d'intérêts (structure de son organisme)");
    else if (prep.participantStepFree[p] === 1 && prep.structureStepFree[st] === 0)
      obstacles.add("pas d'accès de plain-pied (PMR)");
    else if (taken.structures.has(st)) obstacles.add("déjà dans cette structure sur l'autre créneau");
    else if (pool.capacity <= 0 || poolRoom[pool.index]! <= 0) obstacles.add("complet sur ce créneau");
    else return "place libre, mais la prendre déplacerait quelqu'un ou dégraderait un critère prioritaire";
  }
  return [...obstacles].join(", ou ");
}

function unplacedReason(prep: Prepared, ctx: LockedContext, p: number, s: number): string {
  const slot = `« ${prep.slots[s]} »`;
  const pools = prep.poolsBySlot[s]!.map((q) => prep.pools[q]!);
  if (pools.length === 0) return `Aucun tuteur disponible sur le créneau ${slot}.`;
  const own = prep.participantOrganisme[p]!;
  const outside = pools.filter((pool) => prep.structureOrganisme[pool.structure] !== own);
  if (outside.length === 0) {
    return `Toutes les structures qui ont un tuteur sur le créneau ${slot} relèvent de son organisme (conflit d'intérêts).`;
  }
  const stepFree = prep.participantStepFree[p] === 1;
  const reachable = stepFree
    ? outside.filter((pool) => prep.structureStepFree[pool.structure] === 1)
    : outside;
  if (reachable.length === 0) {
    return `Aucune structure accessible PMR hors de son organisme n'a de tuteur sur le créneau ${slot}.`;
  }
  if (!reachable.some((pool) => eligible(prep, ctx, p, pool.index))) {
    return `Les seules structures possibles sur le créneau ${slot} l'accueillent déjà sur un autre créneau.`;
  }
  const where = stepFree ? "hors de son organisme et accessibles PMR" : "hors de son organisme";
  return `Plus de place sur le créneau ${slot} : les tuteurs des structures possibles (${where}) sont complets. Ajoutez un tuteur ou augmentez une capacité.`;
}
