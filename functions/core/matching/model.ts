/**
 * The mixed-integer model, built from sparse candidate lists.
 *
 * Variables: x[p,q] = 1 when participant p goes to pool q (the tutors of one structure in one slot);
 * u[p,s] = 1 when p stays unplaced in slot s (a large cost, so the model is never infeasible);
 * and continuous penalty variables that count what the preferences dislike (the same type
 * twice, two people of one organisme or public in one structure and slot, a pool loaded
 * beyond half its capacity). Each penalty is `v ≥ Σx − 1`: integral whenever x is.
 *
 * A preference that a locked row already triggers becomes a plain cost on x (each new placement
 * adds exactly one unit), so no row is needed and the objective never counts a locked constant.
 */
import { mixKey, type Prepared, textKey, wishRank } from "./prepare.js";
import { WEIGHTS, wishCost } from "./weights.js";

/** The model as plain arrays, ready to be sent to the HiGHS worker. */
export interface ModelArrays {
  readonly numCols: number;
  readonly numRows: number;
  readonly colCost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  readonly integrality: Int32Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  /** The matrix: by rows (`csr`, the default) or by columns (`csc`). */
  readonly format?: "csr" | "csc";
  readonly starts: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** What locked rows already hold, per participant (type and situation counts). */
export interface LockedContext {
  readonly lockedType: Map<number, number>;
  readonly lockedSituation: Map<number, number>;
  /** Structure index locked for participant × slot, or -1. */
  readonly lockedStructure: Int32Array;
}

export function lockedContext(prep: Prepared): LockedContext {
  const S = prep.slots.length;
  const T = prep.typeNames.length;
  const I = prep.situationNames.length;
  const lockedType = new Map<number, number>();
  const lockedSituation = new Map<number, number>();
  const lockedStructure = new Int32Array(prep.participants.length * S).fill(-1);
  const situationIndex = new Map(prep.situationNames.map((n, i) => [textKey(n), i]));
  prep.locked.forEach((row, ps) => {
    if (!row) return;
    const p = Math.floor(ps / S);
    const st = prep.structureIndex.get(textKey(row.structure));
    if (st === undefined) return;
    lockedStructure[ps] = st;
    const tk = p * T + prep.structureType[st]!;
    lockedType.set(tk, (lockedType.get(tk) ?? 0) + 1);
    const si = situationIndex.get(textKey(row.situation));
    if (si !== undefined) lockedSituation.set(p * I + si, (lockedSituation.get(p * I + si) ?? 0) + 1);
  });
  return { lockedType, lockedSituation, lockedStructure };
}

/** Whether participant p may go to pool q at all (hard rules that involve one placement). */
export function eligible(prep: Prepared, ctx: LockedContext, p: number, q: number): boolean {
  const pool = prep.pools[q]!;
  if (pool.capacity <= 0) return false;
  const st = pool.structure;
  if (prep.structureOrganisme[st] === prep.participantOrganisme[p]) return false;
  if (prep.participantStepFree[p] === 1 && prep.structureStepFree[st] === 0) return false;
  const S = prep.slots.length;
  for (let s = 0; s < S; s++) if (ctx.lockedStructure[p * S + s] === st) return false;
  return true;
}

/** The part of the cost of x[p,q] that does not depend on anyone else's placement. */
export function linearCost(prep: Prepared, ctx: LockedContext, p: number, s: number, q: number): number {
  const S = prep.slots.length;
  const pool = prep.pools[q]!;
  const st = pool.structure;
  let cost = wishCost(wishRank(prep, p, st));
  const previous = prep.previousPool[p * S + s]!;
  if (previous >= 0 && previous !== q) cost += WEIGHTS.moved;
  if (ctx.lockedType.has(p * prep.typeNames.length + prep.structureType[st]!)) cost += WEIGHTS.sameType;
  const nSt = prep.structures.length;
  if (prep.lockedOrganisme.has(mixKey(prep.participantOrganisme[p]!, st, s, nSt, S)))
    cost += WEIGHTS.sameOrganisme;
  const lockedPublic = prep.lockedPublic.get(mixKey(prep.participantPublic[p]!, st, s, nSt, S)) ?? 0;
  if (lockedPublic >= WEIGHTS.publicsFree) cost += WEIGHTS.samePublic;
  if (pool.lockedLoad >= pool.softCapacity) cost += WEIGHTS.tutorLoad;
  return cost;
}
