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

export interface BuiltModel {
  readonly arrays: ModelArrays;
  /** Number of x columns; they come first, ordered by participant, slot, pool. */
  readonly xCount: number;
  readonly colParticipant: Int32Array;
  readonly colSlot: Int32Array;
  readonly colPool: Int32Array;
  readonly unplacedCol: Int32Array;
  readonly rows: RowIndex;
  /** Pairs (row, penalty column): the penalty is `max(0, activity − row upper bound)`. */
  readonly penalties: Int32Array;
}

/** Where each constraint sits. */
export interface RowIndex {
  readonly assign: Int32Array;
  readonly capacity: Int32Array;
  readonly load: Int32Array;
  readonly structure: Map<number, number>;
  readonly type: Map<number, number>;
  readonly organisme: Map<number, number>;
  readonly public: Map<number, number>;
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

/**
 * Builds the model over the candidate pools of each participant × slot (`candidates[p * S + s]`,
 * empty for a locked slot).
 *
 * "Never the same structure twice" would take one row per participant and structure, most of the
 * model, while the type-diversity penalty already keeps almost everyone from it. So those rows are
 * lazy: only the keys in `structureRows` (`p * structures + st`, or `-(p + 1)` for all of p's
 * structures) get one, and the solve adds the participants a solution breaks, then solves again. A model with fewer rows is a relaxation, so its
 * bounds stay valid.
 */
export function buildModel(
  prep: Prepared,
  ctx: LockedContext,
  candidates: readonly Int32Array[],
  structureRows: ReadonlySet<number> = new Set(),
): BuiltModel {
  const S = prep.slots.length;
  const P = prep.participants.length;
  const nSt = prep.structures.length;
  const T = prep.typeNames.length;

  let xCount = 0;
  for (let ps = 0; ps < P * S; ps++) if (!prep.locked[ps]) xCount += candidates[ps]!.length;
  const colParticipant = new Int32Array(xCount);
  const colSlot = new Int32Array(xCount);
  const colPool = new Int32Array(xCount);
  const cost: number[] = [];
  const upper: number[] = [];
  const integer: number[] = [];
  let c = 0;
  for (let p = 0; p < P; p++) {
    for (let s = 0; s < S; s++) {
      if (prep.locked[p * S + s]) continue;
      for (const q of candidates[p * S + s]!) {
        colParticipant[c] = p;
        colSlot[c] = s;
        colPool[c] = q;
        cost.push(linearCost(prep, ctx, p, s, q));
        upper.push(1);
        integer.push(1);
        c++;
      }
    }
  }
  const newColumn = (columnCost: number, columnUpper: number) => {
    cost.push(columnCost);
    upper.push(columnUpper);
    integer.push(0);
    return cost.length - 1;
  };

  const rowStarts: number[] = [0];
  const rowIdx: number[] = [];
  const rowVal: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const addRow = (cols: readonly number[], lo: number, hi: number, penaltyCol = -1) => {
    for (const col of cols) {
      rowIdx.push(col);
      rowVal.push(1);
    }
    if (penaltyCol >= 0) {
      rowIdx.push(penaltyCol);
      rowVal.push(-1);
    }
    rowStarts.push(rowIdx.length);
    rowLower.push(lo);
    rowUpper.push(hi);
    return rowLower.length - 1;
  };
  /** `Σ cols − v ≤ bound`, v costing `weight` per unit, when the sum can exceed the bound. */
  const penalties: number[] = [];
  const addPenalty = (cols: readonly number[], bound: number, weight: number) => {
    if (cols.length <= bound) return -1;
    const col = newColumn(weight, Infinity);
    const row = addRow(cols, -Infinity, bound, col);
    penalties.push(row, col);
    return row;
  };

  // One placement or the explicit "unplaced" per participant × free slot.
  const assign = new Int32Array(P * S).fill(-1);
  const unplacedCol = new Int32Array(P * S).fill(-1);
  const byParticipantSlot: number[][] = Array.from({ length: P * S }, () => []);
  for (let col = 0; col < xCount; col++)
    byParticipantSlot[colParticipant[col]! * S + colSlot[col]!]!.push(col);
  for (let ps = 0; ps < P * S; ps++) {
    if (prep.locked[ps]) continue;
    const u = newColumn(WEIGHTS.unplaced, 1);
    unplacedCol[ps] = u;
    assign[ps] = addRow([...byParticipantSlot[ps]!, u], 1, 1);
  }

  // Pool capacity and load balance.
  const byPool: number[][] = prep.pools.map(() => []);
  for (let col = 0; col < xCount; col++) byPool[colPool[col]!]!.push(col);
  const capacity = new Int32Array(prep.pools.length).fill(-1);
  const load = new Int32Array(prep.pools.length).fill(-1);
  for (const pool of prep.pools) {
    const cols = byPool[pool.index]!;
    if (cols.length === 0) continue;
    if (cols.length > pool.capacity) capacity[pool.index] = addRow(cols, -Infinity, pool.capacity);
    if (pool.lockedLoad < pool.softCapacity) {
      load[pool.index] = addPenalty(cols, pool.softCapacity - pool.lockedLoad, WEIGHTS.tutorLoad);
    }
  }

  // Per participant: never the same structure twice; different types preferred.
  const structure = new Map<number, number>();
  // Added last, so that a model with more of them keeps every other row and column in place.
  const structureLists: [number, number[]][] = [];
  const type = new Map<number, number>();
  for (let p = 0; p < P; p++) {
    const byStructure = new Map<number, number[]>();
    const byType = new Map<number, number[]>();
    const push = (map: Map<number, number[]>, key: number, col: number) => {
      const list = map.get(key);
      if (list) list.push(col);
      else map.set(key, [col]);
    };
    for (let s = 0; s < S; s++) {
      for (const col of byParticipantSlot[p * S + s]!) {
        const pool = prep.pools[colPool[col]!]!;
        push(byStructure, pool.structure, col);
        push(byType, prep.structureType[pool.structure]!, col);
      }
    }
    const spansSlots = (cols: number[]) => cols.some((col) => colSlot[col] !== colSlot[cols[0]!]);
    for (const [st, cols] of byStructure) {
      const lazy = structureRows.has(-(p + 1)) || structureRows.has(p * nSt + st);
      if (lazy && spansSlots(cols)) structureLists.push([p * nSt + st, cols]);
    }
    for (const [t, cols] of byType) {
      if (ctx.lockedType.has(p * T + t) || !spansSlots(cols)) continue;
      type.set(p * T + t, addPenalty(cols, 1, WEIGHTS.sameType));
    }
  }

  // Mixing: organismes and publics within one structure and slot.
  const organismeCols = new Map<number, number[]>();
  const publicCols = new Map<number, number[]>();
  for (let col = 0; col < xCount; col++) {
    const p = colParticipant[col]!;
    const s = colSlot[col]!;
    const st = prep.pools[colPool[col]!]!.structure;
    for (const [map, group] of [
      [organismeCols, prep.participantOrganisme[p]!],
      [publicCols, prep.participantPublic[p]!],
    ] as const) {
      const key = mixKey(group, st, s, nSt, S);
      const list = map.get(key);
      if (list) list.push(col);
      else map.set(key, [col]);
    }
  }
  const organisme = new Map<number, number>();
  const publicRows = new Map<number, number>();
  for (const [key, cols] of [...organismeCols].sort((a, b) => a[0] - b[0])) {
    if (prep.lockedOrganisme.has(key)) continue;
    const row = addPenalty(cols, 1, WEIGHTS.sameOrganisme);
    if (row >= 0) organisme.set(key, row);
  }
  for (const [key, cols] of [...publicCols].sort((a, b) => a[0] - b[0])) {
    const free = WEIGHTS.publicsFree - (prep.lockedPublic.get(key) ?? 0);
    if (free <= 0) continue;
    const row = addPenalty(cols, free, WEIGHTS.samePublic);
    if (row >= 0) publicRows.set(key, row);
  }

  for (const [key, cols] of structureLists) structure.set(key, addRow(cols, -Infinity, 1));

  const numCols = cost.length;
  const arrays: ModelArrays = {
    numCols,
    numRows: rowLower.length,
    colCost: Float64Array.from(cost),
    colLower: new Float64Array(numCols),
    colUpper: Float64Array.from(upper),
    integrality: Int32Array.from(integer),
    rowLower: Float64Array.from(rowLower),
    rowUpper: Float64Array.from(rowUpper),
    starts: Int32Array.from(rowStarts),
    indices: Int32Array.from(rowIdx),
    values: Float64Array.from(rowVal),
  };
  return {
    arrays,
    xCount,
    colParticipant,
    colSlot,
    colPool,
    unplacedCol,
    rows: { assign, capacity, load, structure, type, organisme, public: publicRows },
    penalties: Int32Array.from(penalties),
  };
}

/** The full column vector of an assignment, penalties included: a MIP start. */
export function startVector(built: BuiltModel, assign: Int32Array, slots: number): Float64Array {
  const a = built.arrays;
  const x = new Float64Array(a.numCols);
  for (let col = 0; col < built.xCount; col++) {
    if (assign[built.colParticipant[col]! * slots + built.colSlot[col]!] === built.colPool[col]) x[col] = 1;
  }
  built.unplacedCol.forEach((col, ps) => {
    if (col >= 0 && assign[ps] === -1) x[col] = 1;
  });
  for (let i = 0; i < built.penalties.length; i += 2) {
    const row = built.penalties[i]!;
    let activity = 0;
    for (let k = a.starts[row]!; k < a.starts[row + 1]! - 1; k++) activity += x[a.indices[k]!]!;
    x[built.penalties[i + 1]!] = Math.max(0, activity - a.rowUpper[row]!);
  }
  return x;
}
