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
  const pools = prep.pools;

  // The x columns of participant × slot `ps` are `psStart[ps]` to `psStart[ps + 1]`.
  const psStart = new Int32Array(P * S + 1);
  for (let ps = 0; ps < P * S; ps++)
    psStart[ps + 1] = psStart[ps]! + (prep.locked[ps] ? 0 : candidates[ps]!.length);
  const xCount = psStart[P * S]!;
  const colParticipant = new Int32Array(xCount);
  const colSlot = new Int32Array(xCount);
  const colPool = new Int32Array(xCount);
  const colStructure = new Int32Array(xCount);
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
        colStructure[c] = pools[q]!.structure;
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

  // Rows are sums of x columns, taken from `list[from..to)`, plus an optional `extra` column
  // (a penalty, coefficient −1, or the unplaced column, +1).
  const rowStarts: number[] = [0];
  const rowIdx = new GrowingInt32(xCount * 4);
  const rowVal = new GrowingInt32(xCount * 4);
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const addRow = (
    list: Int32Array,
    from: number,
    to: number,
    lo: number,
    hi: number,
    extra = -1,
    extraValue = -1,
  ) => {
    for (let k = from; k < to; k++) {
      rowIdx.push(list[k]!);
      rowVal.push(1);
    }
    if (extra >= 0) {
      rowIdx.push(extra);
      rowVal.push(extraValue);
    }
    rowStarts.push(rowIdx.length);
    rowLower.push(lo);
    rowUpper.push(hi);
    return rowLower.length - 1;
  };
  /** `Σ cols − v ≤ bound`, v costing `weight` per unit, when the sum can exceed the bound. */
  const penalties: number[] = [];
  const addPenalty = (list: Int32Array, from: number, to: number, bound: number, weight: number) => {
    if (to - from <= bound) return -1;
    const col = newColumn(weight, Infinity);
    const row = addRow(list, from, to, -Infinity, bound, col);
    penalties.push(row, col);
    return row;
  };
  const identity = new Int32Array(xCount);
  for (let col = 0; col < xCount; col++) identity[col] = col;

  // One placement or the explicit "unplaced" per participant × free slot.
  const assign = new Int32Array(P * S).fill(-1);
  const unplacedCol = new Int32Array(P * S).fill(-1);
  for (let ps = 0; ps < P * S; ps++) {
    if (prep.locked[ps]) continue;
    const u = newColumn(WEIGHTS.unplaced, 1);
    unplacedCol[ps] = u;
    assign[ps] = addRow(identity, psStart[ps]!, psStart[ps + 1]!, 1, 1, u, 1);
  }

  // Pool capacity and load balance: the columns of each pool, in column order.
  const poolStart = new Int32Array(pools.length + 1);
  for (let col = 0; col < xCount; col++) poolStart[colPool[col]! + 1]!++;
  for (let q = 0; q < pools.length; q++) poolStart[q + 1]! += poolStart[q]!;
  const byPool = new Int32Array(xCount);
  const poolFill = poolStart.slice(0, pools.length);
  for (let col = 0; col < xCount; col++) byPool[poolFill[colPool[col]!]!++] = col;
  const capacity = new Int32Array(pools.length).fill(-1);
  const load = new Int32Array(pools.length).fill(-1);
  for (const pool of pools) {
    const from = poolStart[pool.index]!;
    const to = poolStart[pool.index + 1]!;
    if (to === from) continue;
    if (to - from > pool.capacity) capacity[pool.index] = addRow(byPool, from, to, -Infinity, pool.capacity);
    if (pool.lockedLoad < pool.softCapacity) {
      load[pool.index] = addPenalty(byPool, from, to, pool.softCapacity - pool.lockedLoad, WEIGHTS.tutorLoad);
    }
  }

  // Per participant: never the same structure twice; different types preferred. Keys are grouped
  // in the order they first appear among the participant's columns.
  const structure = new Map<number, number>();
  // Added last, so that a model with more of them keeps every other row and column in place.
  const structureKeys: number[] = [];
  const structureStarts: number[] = [0];
  const structureCols = new GrowingInt32(1024);
  const type = new Map<number, number>();
  const groupBy = grouper(Math.max(nSt, T), xCount);
  for (let p = 0; p < P; p++) {
    const from = psStart[p * S]!;
    const to = psStart[p * S + S]!;
    if (from === to) continue;
    groupBy(
      from,
      to,
      (col) => colStructure[col]!,
      (st, list, a, b) => {
        if (!spansSlots(colSlot, list, a, b)) return;
        if (!structureRows.has(-(p + 1)) && !structureRows.has(p * nSt + st)) return;
        structureKeys.push(p * nSt + st);
        for (let k = a; k < b; k++) structureCols.push(list[k]!);
        structureStarts.push(structureCols.length);
      },
    );
    groupBy(
      from,
      to,
      (col) => prep.structureType[colStructure[col]!]!,
      (t, list, a, b) => {
        if (ctx.lockedType.has(p * T + t) || !spansSlots(colSlot, list, a, b)) return;
        type.set(p * T + t, addPenalty(list, a, b, 1, WEIGHTS.sameType));
      },
    );
  }

  // Mixing: organismes and publics within one structure and slot, by key, columns in order.
  const organisme = new Map<number, number>();
  const publicRows = new Map<number, number>();
  // Sorted by key (group, then structure, then slot) and column: two stable counting sorts.
  const byPlace = new Int32Array(xCount);
  const sorted = new Int32Array(xCount);
  countingSort(identity, byPlace, nSt * S, (col) => colStructure[col]! * S + colSlot[col]!);
  const byMixKey = (
    group: Int32Array,
    groups: number,
    each: (key: number, from: number, to: number) => void,
  ) => {
    countingSort(byPlace, sorted, groups, (col) => group[colParticipant[col]!]!);
    const keyOf = (col: number) =>
      mixKey(group[colParticipant[col]!]!, colStructure[col]!, colSlot[col]!, nSt, S);
    for (let from = 0; from < xCount; ) {
      const key = keyOf(sorted[from]!);
      let to = from + 1;
      while (to < xCount && keyOf(sorted[to]!) === key) to++;
      each(key, from, to);
      from = to;
    }
  };
  byMixKey(prep.participantOrganisme, prep.organismeCount, (key, from, to) => {
    if (prep.lockedOrganisme.has(key)) return;
    const row = addPenalty(sorted, from, to, 1, WEIGHTS.sameOrganisme);
    if (row >= 0) organisme.set(key, row);
  });
  byMixKey(prep.participantPublic, prep.publicCount, (key, from, to) => {
    const free = WEIGHTS.publicsFree - (prep.lockedPublic.get(key) ?? 0);
    if (free <= 0) return;
    const row = addPenalty(sorted, from, to, free, WEIGHTS.samePublic);
    if (row >= 0) publicRows.set(key, row);
  });

  structureKeys.forEach((key, i) => {
    structure.set(
      key,
      addRow(structureCols.data, structureStarts[i]!, structureStarts[i + 1]!, -Infinity, 1),
    );
  });

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
    indices: rowIdx.data.slice(0, rowIdx.length),
    values: Float64Array.from(rowVal.data.subarray(0, rowVal.length)),
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

/** An `Int32Array` that grows as values are pushed. */
class GrowingInt32 {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const data = new Int32Array(this.data.length * 2);
      data.set(this.data);
      this.data = data;
    }
    this.data[this.length++] = value;
  }
}

/** Stable sort of `from` into `to` by a key in `[0, keys)`. */
function countingSort(from: Int32Array, to: Int32Array, keys: number, keyOf: (col: number) => number): void {
  const start = new Int32Array(keys + 1);
  for (const col of from) start[keyOf(col) + 1]!++;
  for (let k = 0; k < keys; k++) start[k + 1]! += start[k]!;
  for (const col of from) to[start[keyOf(col)]!++] = col;
}

/** Whether the columns `list[from..to)` lie in more than one slot. */
function spansSlots(colSlot: Int32Array, list: Int32Array, from: number, to: number): boolean {
  const first = colSlot[list[from]!];
  for (let k = from + 1; k < to; k++) if (colSlot[list[k]!] !== first) return true;
  return false;
}

/**
 * Groups a range of columns by a small integer key without allocating per group: calls `each` for
 * every key, in the order the keys first appear, with the key's columns (in column order) as
 * `list[from..to)`. The returned function reuses its buffers, so `list` is only valid during `each`.
 */
function grouper(keyCount: number, maxColumns: number) {
  const seen = new Int32Array(keyCount).fill(-1);
  const count = new Int32Array(keyCount);
  const offset = new Int32Array(keyCount);
  const keys = new Int32Array(maxColumns);
  const list = new Int32Array(maxColumns);
  let stamp = 0;
  return (
    from: number,
    to: number,
    keyOf: (col: number) => number,
    each: (key: number, list: Int32Array, from: number, to: number) => void,
  ) => {
    stamp++;
    let distinct = 0;
    for (let col = from; col < to; col++) {
      const key = keyOf(col);
      if (seen[key] !== stamp) {
        seen[key] = stamp;
        count[key] = 0;
        keys[distinct++] = key;
      }
      count[key]!++;
    }
    let next = 0;
    for (let i = 0; i < distinct; i++) {
      const key = keys[i]!;
      offset[key] = next;
      next += count[key]!;
    }
    for (let col = from; col < to; col++) list[offset[keyOf(col)]!++] = col;
    next = 0;
    for (let i = 0; i < distinct; i++) {
      const key = keys[i]!;
      each(key, list, next, next + count[key]!);
      next += count[key]!;
    }
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
