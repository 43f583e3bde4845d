/**
 * The exact lexicographic solve (see `levels.ts`): one model whose integer columns place a
 * participant in one situation of one pool (`x[p, s, q, situation]`), with one objective per level.
 * The levels are solved in order; after each, a row keeps its value at the optimum found
 * (`Σ level ≤ value`), so a lower level can never buy anything with a higher one. Each level is an
 * LP first (usually integral here), then a MIP over the LP's fractional columns alone, then, when
 * that does not reach the LP bound, the full MIP from the best placement known.
 *
 * Auxiliary continuous columns make the per-participant levels linear: `y[p, w] ≤ Σ x meeting wish
 * w` and `≤ 1` (wish points), `m[p] ≤ Σ y[p, ·]` and `≤ 1` (a wish met), `mv[p] ≥ 1 − x[previous]`
 * (moved), and excess columns `v ≥ Σ x − free` (type, situation, organisme, public, load).
 */
import { emptyAssignment } from "./assignment.js";
import {
  LEVELS,
  type LevelReport,
  levelValues,
  lockedSituationsOf,
  meetsWish,
  PUBLICS_FREE,
  previousPart,
  previousStillPossible,
  WISH_POINTS,
} from "./levels.js";
import { eligible, type LockedContext, type ModelArrays } from "./model.js";
import { mixKey, type Prepared } from "./prepare.js";
import { EPSILON, type LinearSolver, MODEL_STATUS, type SolveAnswer } from "./solver.js";

/** How an auxiliary column takes its value from its row's activity (for a start vector). */
type AuxKind = "excess" | "cap" | "cover";

interface Aux {
  readonly col: number;
  readonly row: number;
  readonly kind: AuxKind;
  /** `excess`: the free amount; `cap`, `cover`: 1. */
  readonly free: number;
}

/** One level's objective, in the minimising sense: `constant + Σ coef · column`. */
interface LevelObjective {
  readonly cols: number[];
  readonly coefs: number[];
  constant: number;
}

/** Every possible placement column: an eligible pool part of a free participant × slot. */
export interface Universe {
  readonly colPs: Int32Array;
  readonly colPool: Int32Array;
  readonly colSituation: Int32Array;
  readonly colStructure: Int32Array;
  /** The columns of participant × slot `ps` are `psStart[ps]` to `psStart[ps + 1]`. */
  readonly psStart: Int32Array;
}

export function universe(prep: Prepared, ctx: LockedContext): Universe {
  const S = prep.slots.length;
  const P = prep.participants.length;
  const colPs: number[] = [];
  const colPool: number[] = [];
  const colSituation: number[] = [];
  const psStart = new Int32Array(P * S + 1);
  for (let p = 0; p < P; p++) {
    for (let s = 0; s < S; s++) {
      const ps = p * S + s;
      psStart[ps] = colPs.length;
      if (prep.locked[ps]) continue;
      for (const q of prep.poolsBySlot[s]!) {
        if (!eligible(prep, ctx, p, q)) continue;
        for (const part of prep.pools[q]!.parts) {
          if (part.capacity <= 0) continue;
          colPs.push(ps);
          colPool.push(q);
          colSituation.push(part.situation);
        }
      }
    }
  }
  psStart[P * S] = colPs.length;
  return {
    colPs: Int32Array.from(colPs),
    colPool: Int32Array.from(colPool),
    colSituation: Int32Array.from(colSituation),
    colStructure: Int32Array.from(colPool, (q) => prep.pools[q]!.structure),
    psStart,
  };
}

/** The rows a placement column enters, by what they count (for pricing a column not in the model). */
interface RowMaps {
  readonly assign: Int32Array;
  readonly part: Map<number, number>;
  readonly structure: Map<number, number>;
  /** Per participant × slot, the "stay" row and the column it counts (pool, situation or -1). */
  readonly moved: Int32Array;
  readonly wish: Map<number, number>;
  readonly type: Map<number, number>;
  readonly situation: Map<number, number>;
  readonly organisme: Map<number, number>;
  readonly public: Map<number, number>;
  readonly load: Int32Array;
}

export interface LexModel {
  readonly base: ModelArrays;
  readonly xCount: number;
  /** Universe index of each placement column. */
  readonly colUniverse: Int32Array;
  readonly colPs: Int32Array;
  readonly colPool: Int32Array;
  readonly colSituation: Int32Array;
  readonly unplacedCol: Int32Array;
  readonly aux: readonly Aux[];
  readonly objectives: readonly LevelObjective[];
  readonly rows: RowMaps;
}

/** The columns of the universe a model includes, in universe order, and per participant × slot its own. */
interface IncludedColumns {
  readonly xCount: number;
  readonly colUniverse: number[];
  readonly colPs: number[];
  readonly colPool: number[];
  readonly colSituation: number[];
  readonly colStructure: number[];
  readonly byPs: number[][];
}

function includedColumns(uni: Universe, included: Uint8Array, cells: number): IncludedColumns {
  const colUniverse: number[] = [];
  const colPs: number[] = [];
  const colPool: number[] = [];
  const colSituation: number[] = [];
  const colStructure: number[] = [];
  const byPs: number[][] = Array.from({ length: cells }, () => []);
  for (let u = 0; u < uni.colPs.length; u++) {
    if (!included[u]) continue;
    byPs[uni.colPs[u]!]!.push(colPs.length);
    colUniverse.push(u);
    colPs.push(uni.colPs[u]!);
    colPool.push(uni.colPool[u]!);
    colSituation.push(uni.colSituation[u]!);
    colStructure.push(uni.colStructure[u]!);
  }
  return { xCount: colPs.length, colUniverse, colPs, colPool, colSituation, colStructure, byPs };
}

/**
 * The matrix, bounds and objectives of a lexicographic model being built: the placement columns
 * first (binary), then auxiliary columns (continuous) and rows in the order they are added.
 */
class LexBuilder {
  readonly upper: number[];
  readonly integer: number[];
  readonly starts: number[] = [0];
  readonly indices: number[] = [];
  readonly values: number[] = [];
  readonly rowLower: number[] = [];
  readonly rowUpper: number[] = [];
  readonly objectives: LevelObjective[] = LEVELS.map(() => ({ cols: [], coefs: [], constant: 0 }));
  readonly aux: Aux[] = [];

  constructor(xCount: number) {
    this.upper = new Array(xCount).fill(1);
    this.integer = new Array(xCount).fill(1);
  }

  /** A continuous column in [0, columnUpper]; its index. */
  newColumn(columnUpper: number): number {
    this.upper.push(columnUpper);
    this.integer.push(0);
    return this.upper.length - 1;
  }

  /** The row `lo ≤ Σ coef · col ≤ hi` (one coefficient for all, or one per column); its index. */
  addRow(cols: readonly number[], coefs: readonly number[] | number, lo: number, hi: number): number {
    cols.forEach((col, i) => {
      this.indices.push(col);
      this.values.push(typeof coefs === "number" ? coefs : coefs[i]!);
    });
    this.starts.push(this.indices.length);
    this.rowLower.push(lo);
    this.rowUpper.push(hi);
    return this.rowLower.length - 1;
  }

  term(level: number, col: number, coef: number): void {
    this.objectives[level]!.cols.push(col);
    this.objectives[level]!.coefs.push(coef);
  }

  /** `Σ cols + locked − v ≤ free`: v counts the excess beyond `free`; locked rows add a constant. Its row, or -1. */
  excess(level: number, cols: readonly number[], locked: number, free: number): number {
    this.objectives[level]!.constant += Math.max(0, locked - free);
    const room = Math.max(0, free - locked);
    if (cols.length <= room) return -1;
    const v = this.newColumn(Infinity);
    const row = this.addRow([...cols, v], [...cols.map(() => 1), -1], -Infinity, room);
    this.aux.push({ col: v, row, kind: "excess", free: room });
    this.term(level, v, 1);
    return row;
  }

  /** The solver's arrays. */
  arrays(): ModelArrays {
    const numCols = this.upper.length;
    return {
      numCols,
      numRows: this.rowLower.length,
      colCost: new Float64Array(numCols),
      colLower: new Float64Array(numCols),
      colUpper: Float64Array.from(this.upper),
      integrality: Int32Array.from(this.integer),
      rowLower: Float64Array.from(this.rowLower),
      rowUpper: Float64Array.from(this.rowUpper),
      starts: Int32Array.from(this.starts),
      indices: Int32Array.from(this.indices),
      values: Float64Array.from(this.values),
    };
  }
}

function emptyRowMaps(cells: number, pools: number): RowMaps {
  return {
    assign: new Int32Array(cells).fill(-1),
    part: new Map(),
    structure: new Map(),
    moved: new Int32Array(cells).fill(-1),
    wish: new Map(),
    type: new Map(),
    situation: new Map(),
    organisme: new Map(),
    public: new Map(),
    load: new Int32Array(pools).fill(-1),
  };
}

/** The columns of `cols` grouped by `keyOf`, in order. */
function groupColumns(cols: readonly number[], keyOf: (col: number) => number): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const col of cols) {
    const key = keyOf(col);
    const list = map.get(key);
    if (list) list.push(col);
    else map.set(key, [col]);
  }
  return map;
}

/** Builds the model over the universe columns marked in `included`. */
export function buildLexModel(
  prep: Prepared,
  ctx: LockedContext,
  uni: Universe,
  included: Uint8Array,
): LexModel {
  const slotCount = prep.slots.length;
  const cells = prep.participants.length * slotCount;
  const columns = includedColumns(uni, included, cells);
  const rows = emptyRowMaps(cells, prep.pools.length);
  const builder = new LexBuilder(columns.xCount);
  const unplacedCol = addAssignmentRows(prep, columns, builder, rows);
  addPartCapacityRows(prep, columns, builder, rows);
  const lockedSituation = lockedSituationsOf(prep);
  for (let p = 0; p < prep.participants.length; p++) {
    const cols = columns.byPs.slice(p * slotCount, p * slotCount + slotCount).flat();
    addStructureRows(prep, columns, builder, rows, p, cols);
    addMovedRows(prep, ctx, columns, builder, rows, p);
    addWishRows(prep, ctx, columns, builder, rows, p, cols);
    addTypeAndSituationRows(prep, ctx, lockedSituation, columns, builder, rows, p, cols);
  }
  addMixRows(prep, columns, builder, prep.participantOrganisme, prep.lockedOrganisme, 6, 1, rows.organisme);
  addMixRows(prep, columns, builder, prep.participantPublic, prep.lockedPublic, 7, PUBLICS_FREE, rows.public);
  addLoadRows(prep, columns, builder, rows);
  return {
    base: builder.arrays(),
    xCount: columns.xCount,
    colUniverse: Int32Array.from(columns.colUniverse),
    colPs: Int32Array.from(columns.colPs),
    colPool: Int32Array.from(columns.colPool),
    colSituation: Int32Array.from(columns.colSituation),
    unplacedCol,
    aux: builder.aux,
    objectives: builder.objectives,
    rows,
  };
}

/** Level 1 and the assignment rows: per free participant × slot, one placement or "unplaced". Returns the unplaced columns. */
function addAssignmentRows(
  prep: Prepared,
  columns: IncludedColumns,
  builder: LexBuilder,
  rows: RowMaps,
): Int32Array {
  const cells = columns.byPs.length;
  const unplacedCol = new Int32Array(cells).fill(-1);
  for (let ps = 0; ps < cells; ps++) {
    if (prep.locked[ps]) continue;
    const u = builder.newColumn(1);
    unplacedCol[ps] = u;
    rows.assign[ps] = builder.addRow([...columns.byPs[ps]!, u], 1, 1, 1);
    builder.term(0, u, 1);
  }
  return unplacedCol;
}

/** Hard: part capacity. */
function addPartCapacityRows(
  prep: Prepared,
  columns: IncludedColumns,
  builder: LexBuilder,
  rows: RowMaps,
): void {
  const situationCount = prep.situationNames.length;
  const byPart = new Map<number, number[]>();
  for (let col = 0; col < columns.xCount; col++) {
    const key = columns.colPool[col]! * situationCount + columns.colSituation[col]!;
    const list = byPart.get(key);
    if (list) list.push(col);
    else byPart.set(key, [col]);
  }
  for (const [key, cols] of byPart) {
    const pool = prep.pools[Math.floor(key / situationCount)]!;
    const part = pool.parts.find((x) => x.situation === key % situationCount)!;
    if (cols.length > part.capacity) rows.part.set(key, builder.addRow(cols, 1, -Infinity, part.capacity));
  }
}

/** Hard: never the same structure twice (participant p, whose columns are `cols`). */
function addStructureRows(
  prep: Prepared,
  columns: IncludedColumns,
  builder: LexBuilder,
  rows: RowMaps,
  p: number,
  cols: readonly number[],
): void {
  const { colPs, colStructure } = columns;
  const spans = (list: number[]) => list.some((col) => colPs[col] !== colPs[list[0]!]);
  for (const [st, list] of groupColumns(cols, (col) => colStructure[col]!))
    if (spans(list))
      rows.structure.set(p * prep.structures.length + st, builder.addRow(list, 1, -Infinity, 1));
}

/** Level 2: moved, when the previous placement is still possible. */
function addMovedRows(
  prep: Prepared,
  ctx: LockedContext,
  columns: IncludedColumns,
  builder: LexBuilder,
  rows: RowMaps,
  p: number,
): void {
  const slotCount = prep.slots.length;
  let mv = -1;
  for (let s = 0; s < slotCount; s++) {
    const ps = p * slotCount + s;
    if (!previousStillPossible(prep, ctx, ps)) continue;
    const part = previousPart(prep, ps);
    const stay = columns.byPs[ps]!.filter(
      (col) =>
        columns.colPool[col] === prep.previousPool[ps] && (part < 0 || columns.colSituation[col] === part),
    );
    if (mv < 0) {
      mv = builder.newColumn(1);
      builder.term(1, mv, 1);
    }
    const row = builder.addRow([...stay, mv], 1, 1, Infinity);
    rows.moved[ps] = row;
    builder.aux.push({ col: mv, row, kind: "cover", free: 1 });
  }
}

/** Levels 3 and 4: wishes, each counted once. */
function addWishRows(
  prep: Prepared,
  ctx: LockedContext,
  columns: IncludedColumns,
  builder: LexBuilder,
  rows: RowMaps,
  p: number,
  cols: readonly number[],
): void {
  const slotCount = prep.slots.length;
  const objectives = builder.objectives;
  const lockedHeld: number[] = [];
  for (let s = 0; s < slotCount; s++)
    if (prep.locked[p * slotCount + s]) lockedHeld.push(ctx.lockedStructure[p * slotCount + s]!);
  const wishes = prep.wishes[p]!;
  const ys: number[] = [];
  let metByLock = false;
  wishes.forEach((_, w) => {
    const points = WISH_POINTS[w] ?? 0;
    if (lockedHeld.some((st) => st >= 0 && meetsWish(prep, p, w, st))) {
      metByLock = true;
      objectives[3]!.constant -= points;
      return;
    }
    const meeting = cols.filter((col) => meetsWish(prep, p, w, columns.colStructure[col]!));
    if (meeting.length === 0) return;
    const y = builder.newColumn(1);
    const row = builder.addRow([y, ...meeting], [1, ...meeting.map(() => -1)], -Infinity, 0);
    rows.wish.set(p * 3 + w, row);
    builder.aux.push({ col: y, row, kind: "cap", free: 1 });
    builder.term(3, y, -points);
    ys.push(y);
  });
  if (metByLock) objectives[2]!.constant -= 1;
  else if (ys.length > 0) {
    const m = builder.newColumn(1);
    const row = builder.addRow([m, ...ys], [1, ...ys.map(() => -1)], -Infinity, 0);
    builder.aux.push({ col: m, row, kind: "cap", free: 1 });
    builder.term(2, m, -1);
  }
}

/** Level 5: types, then situations, each at most once per participant (locked rows counted). */
function addTypeAndSituationRows(
  prep: Prepared,
  ctx: LockedContext,
  lockedSituation: ReturnType<typeof lockedSituationsOf>,
  columns: IncludedColumns,
  builder: LexBuilder,
  rows: RowMaps,
  p: number,
  cols: readonly number[],
): void {
  const slotCount = prep.slots.length;
  const typeCount = prep.typeNames.length;
  const situationCount = prep.situationNames.length;
  const lockedTypes = new Map<number, number>();
  const lockedSits = new Map<number, number>();
  for (let s = 0; s < slotCount; s++) {
    const st = ctx.lockedStructure[p * slotCount + s]!;
    if (st >= 0)
      lockedTypes.set(prep.structureType[st]!, (lockedTypes.get(prep.structureType[st]!) ?? 0) + 1);
    const si = lockedSituation[p * slotCount + s];
    if (si !== undefined) lockedSits.set(si, (lockedSits.get(si) ?? 0) + 1);
  }
  const types = groupColumns(cols, (col) => prep.structureType[columns.colStructure[col]!]!);
  for (let t = 0; t < typeCount; t++) {
    const row = builder.excess(4, types.get(t) ?? [], lockedTypes.get(t) ?? 0, 1);
    if (row >= 0) rows.type.set(p * typeCount + t, row);
  }
  const sits = groupColumns(cols, (col) => columns.colSituation[col]!);
  for (let si = 0; si < situationCount; si++) {
    const row = builder.excess(5, sits.get(si) ?? [], lockedSits.get(si) ?? 0, 1);
    if (row >= 0) rows.situation.set(p * situationCount + si, row);
  }
}

/** Level 6: organismes (or publics), per structure and slot: the excess beyond `free` of a group. */
function addMixRows(
  prep: Prepared,
  columns: IncludedColumns,
  builder: LexBuilder,
  groupOf: Int32Array,
  locked: ReadonlyMap<number, number>,
  level: number,
  free: number,
  rowOf: Map<number, number>,
): void {
  const slotCount = prep.slots.length;
  const structureCount = prep.structures.length;
  const { colPs, colStructure } = columns;
  const map = new Map<number, number[]>();
  for (let col = 0; col < columns.xCount; col++) {
    const p = Math.floor(colPs[col]! / slotCount);
    const key = mixKey(groupOf[p]!, colStructure[col]!, colPs[col]! % slotCount, structureCount, slotCount);
    const list = map.get(key);
    if (list) list.push(col);
    else map.set(key, [col]);
  }
  for (const [key, n] of locked)
    if (!map.has(key)) builder.objectives[level]!.constant += Math.max(0, n - free);
  for (const [key, cols] of map) {
    const row = builder.excess(level, cols, locked.get(key) ?? 0, free);
    if (row >= 0) rowOf.set(key, row);
  }
}

/** Level 7: load per pool, beyond its soft capacity. */
function addLoadRows(prep: Prepared, columns: IncludedColumns, builder: LexBuilder, rows: RowMaps): void {
  const byPool = new Map<number, number[]>();
  for (let col = 0; col < columns.xCount; col++) {
    const list = byPool.get(columns.colPool[col]!);
    if (list) list.push(col);
    else byPool.set(columns.colPool[col]!, [col]);
  }
  for (const pool of prep.pools)
    rows.load[pool.index] = builder.excess(
      8,
      byPool.get(pool.index) ?? [],
      pool.lockedLoad,
      pool.softCapacity,
    );
}

/** The full column vector of a placement (auxiliary columns at their best value): a MIP start. */
export function lexStart(model: LexModel, assign: Int32Array, situation: Int32Array): Float64Array {
  const a = model.base;
  const x = new Float64Array(a.numCols);
  for (let col = 0; col < model.xCount; col++) {
    const ps = model.colPs[col]!;
    if (assign[ps] === model.colPool[col] && situation[ps] === model.colSituation[col]) x[col] = 1;
  }
  model.unplacedCol.forEach((col, ps) => {
    if (col >= 0 && assign[ps]! < 0) x[col] = 1;
  });
  // Auxiliary columns in creation order: a `cap` row may read earlier auxiliary columns.
  const sorted = [...model.aux].sort((a1, a2) => a1.col - a2.col);
  for (const { col, row, kind, free } of sorted) {
    let activity = 0;
    for (let k = a.starts[row]!; k < a.starts[row + 1]!; k++) {
      const other = a.indices[k]!;
      if (other !== col) activity += a.values[k]! * x[other]!;
    }
    if (kind === "excess") x[col] = Math.max(x[col]!, activity - free);
    else if (kind === "cap") x[col] = Math.min(1, -activity);
    else x[col] = Math.max(x[col]!, 1 - activity);
  }
  return x;
}

/** Reads the placement of a solution: pool and situation per participant × slot. */
export function readLex(prep: Prepared, model: LexModel, values: Float64Array) {
  const assign = emptyAssignment(prep);
  const situation = new Int32Array(assign.length).fill(-1);
  for (let col = 0; col < model.xCount; col++) {
    if (values[col]! > 0.5) {
      assign[model.colPs[col]!] = model.colPool[col]!;
      situation[model.colPs[col]!] = model.colSituation[col]!;
    }
  }
  return { assign, situation };
}

export interface LexOutcome {
  readonly assign: Int32Array;
  readonly situation: Int32Array;
  readonly levels: LevelReport[];
  readonly columns: number;
  readonly rows: number;
  readonly solves: number;
}

/** Pools per wish (and of no wish) per participant × slot in the first model; pricing adds any other that helps. */
const INITIAL_POOLS = 3;
const MAX_PRICING_ROUNDS = 40;

/**
 * The largest weight of a weighted group (levels solved as one objective): above it the solver's
 * tolerances would start to matter next to a cost of 1, so a group stops growing before.
 */
const MAX_GROUP_WEIGHT = 1_000_000;
/** The first level below the wishes (`sameType`). */
const FIRST_LOWER_LEVEL = 4;
/** From this many columns, the LPs of the lower levels use the interior point (see `solveObjective`). */
const IPM_FROM_COLUMNS = 10_000;

/**
 * How far a level's internal value (minimising sense) can move, at most, between two placements:
 * the sum of |cost| × upper bound of its columns; for a level of excess columns (no finite upper
 * bound), the free participant × slots, since a placement enters one row of each such level and
 * adds at most 1 to its excess.
 */
function levelRange(model: LexModel, objective: LevelObjective): number {
  let range = 0;
  for (let i = 0; i < objective.cols.length; i++) {
    const upper = model.base.colUpper[objective.cols[i]!]!;
    if (!Number.isFinite(upper)) return model.unplacedCol.reduce((n, col) => n + (col >= 0 ? 1 : 0), 0);
    range += Math.abs(objective.coefs[i]!) * upper;
  }
  return range;
}

/**
 * Weights that make one weighted objective order-preserving over consecutive levels (`objectives`,
 * top level first, all minimising with integer values): the last level weighs 1 and each level
 * above weighs `1 + Σ (weight × range)` of the levels below it. Proof: let A be lexicographically
 * better than B, first differing at level j; then A_j ≤ B_j − 1 (integer values), and
 * `Σ w_i (A_i − B_i) ≤ −w_j + Σ_{i>j} w_i·range_i = −1 < 0`: the weighted optimum is the
 * lexicographic optimum of the group, and a weighted value proven optimal proves every level in it.
 */
export function orderPreservingWeights(ranges: readonly number[]): number[] {
  const weights = new Array<number>(ranges.length).fill(1);
  let below = 0;
  for (let i = ranges.length - 1; i >= 0; i--) {
    weights[i] = 1 + below;
    below += weights[i]! * ranges[i]!;
  }
  return weights;
}

/** The weighted sum of several level objectives (see `orderPreservingWeights`). */
function combine(objectives: readonly LevelObjective[], weights: readonly number[]): LevelObjective {
  const combined: LevelObjective = { cols: [], coefs: [], constant: 0 };
  objectives.forEach((objective, i) => {
    combined.constant += weights[i]! * objective.constant;
    objective.cols.forEach((col, j) => {
      combined.cols.push(col);
      combined.coefs.push(weights[i]! * objective.coefs[j]!);
    });
  });
  return combined;
}

/**
 * Solves the levels in order from a feasible start (`assign`, `situation`, usually the greedy
 * one). Each level's value is fixed before the next; a level the solver cannot prove in time is
 * fixed at the best value found, and its bound is what the solver proved.
 *
 * Consecutive levels are solved together when weights that provably keep their order
 * (`orderPreservingWeights`) stay below `MAX_GROUP_WEIGHT`: the wish levels (1-4) in one group
 * when they fit, the lower levels (5-7) in another. A group proven optimal proves each of its
 * levels; one that is not is solved again level by level from its best placement.
 *
 * The model starts with a few columns per participant × slot (the pools their wishes name, their
 * previous and starting placements, a couple of others) and grows by pricing: a column left out
 * whose reduced cost is negative enters, until none is; the LP bound then holds for every column.
 * `remaining()` is the time left, in seconds: levels 1-4 may take half of it each, the others share it.
 */
export async function solveLexicographic(
  prep: Prepared,
  ctx: LockedContext,
  start: { assign: Int32Array; situation: Int32Array },
  solver: LinearSolver,
  remaining: () => number,
): Promise<LexOutcome> {
  const search = new LexSearch(prep, ctx, solver, start);
  for (let k = 0; k < LEVELS.length; ) k = await search.solveFrom(k, remaining);
  return {
    ...search.best,
    levels: search.reports,
    columns: search.model.base.numCols,
    rows: search.model.base.numRows + search.fixed.length,
    solves: search.solves,
  };
}

/** A level's value in the minimising sense. */
function internalOf(values: readonly number[], k: number): number {
  return LEVELS[k]!.sense === "min" ? values[k]! : -values[k]!;
}

/**
 * The state of one lexicographic solve: the model (grown by pricing), the best placement found and
 * its level values, the levels fixed so far (rows `Σ level ≤ upper`) and their reports.
 */
class LexSearch {
  readonly uni: Universe;
  readonly included: Uint8Array;
  model: LexModel;
  best: { assign: Int32Array; situation: Int32Array };
  bestValues: number[];
  readonly fixed: { level: number; upper: number }[] = [];
  readonly reports: LevelReport[] = [];
  solves = 0;
  stalled = false;

  constructor(
    readonly prep: Prepared,
    readonly ctx: LockedContext,
    readonly solver: LinearSolver,
    start: { assign: Int32Array; situation: Int32Array },
  ) {
    this.uni = universe(prep, ctx);
    this.included = initialColumns(prep, this.uni, start);
    this.model = buildLexModel(prep, ctx, this.uni, this.included);
    this.best = start;
    this.bestValues = levelValues(prep, ctx, start.assign, start.situation);
  }

  fixedRows() {
    return this.fixed.map(({ level, upper }) => ({
      cols: this.model.objectives[level]!.cols,
      coefs: this.model.objectives[level]!.coefs,
      upper,
    }));
  }

  /**
   * Solves level k, or the longest group from k whose weights stay small, and fixes what it
   * solved; returns the next level to solve.
   */
  async solveFrom(k: number, remaining: () => number): Promise<number> {
    const { model, bestValues } = this;
    const level = LEVELS[k]!;
    const sign = level.sense === "min" ? 1 : -1;
    // Wishes first: levels 1-4 may take half of what is left, the others share it equally.
    const share = (levels: number) => () =>
      Math.max(0.5, k < 4 ? remaining() / 2 : (remaining() * levels) / (LEVELS.length - k));
    const budget = share(1);
    if (this.stalled) {
      const bound = trivialBound(model, model.objectives[k]!) * sign;
      this.reports.push({ ...level, value: bestValues[k]!, bound, proven: bestValues[k] === bound });
      return k + 1;
    }
    // A `min` level whose columns all cost ≥ 0 cannot go below its constant: nothing to solve.
    const objective = model.objectives[k]!;
    if (
      objective.cols.length === 0 ||
      (level.sense === "min" && internalOf(bestValues, k) <= objective.constant)
    ) {
      this.fix(k, true, 0);
      return k + 1;
    }
    // The longest group from k (wishes and the rest apart) whose weights stay small.
    let end = k < 4 ? 4 : LEVELS.length;
    let weights = orderPreservingWeights(model.objectives.slice(k, end).map((o) => levelRange(model, o)));
    while (end > k + 1 && weights[0]! > MAX_GROUP_WEIGHT) {
      end--;
      weights = orderPreservingWeights(model.objectives.slice(k, end).map((o) => levelRange(model, o)));
    }
    if (end > k + 1) {
      const { bound, value } = await this.solveObjective(k, end, weights, share(end - k));
      if (!this.stalled && value <= bound) {
        for (let j = k; j < end; j++) this.fix(j, true, 0);
        return end;
      }
      // Not proven in its share: the levels one by one, from the best placement found.
      this.stalled = false;
    }
    const { bound } = await this.solveObjective(k, k + 1, [1], budget);
    const internal = internalOf(this.bestValues, k);
    this.fix(k, internal <= bound, Math.min(internal, bound));
    return k + 1;
  }

  /** Reports level k (the best value found; its bound) and holds it at that value by a row. */
  fix(k: number, proven: boolean, bound: number): void {
    const level = LEVELS[k]!;
    const sign = level.sense === "min" ? 1 : -1;
    const internal = internalOf(this.bestValues, k);
    this.reports.push({
      ...level,
      value: this.bestValues[k]!,
      bound: proven ? this.bestValues[k]! : bound * sign,
      proven,
    });
    this.fixed.push({ level: k, upper: internal - this.model.objectives[k]!.constant + EPSILON });
  }

  /**
   * One objective over levels `from`..`to` − 1 with `weights` (one level: weight 1): LP with
   * pricing, then the MIP around the LP, then the full MIP. Keeps the best placement when it is
   * no worse on those levels (the levels above being fixed by rows). Returns the proven lower bound
   * of the weighted internal objective, and the weighted value of the best placement.
   */
  async solveObjective(from: number, to: number, weights: readonly number[], budget: () => number) {
    const objectiveOf = () => combine(this.model.objectives.slice(from, to), weights);
    const weighted = (values: readonly number[]) =>
      weights.reduce((sum, w, i) => sum + w * internalOf(values, from + i), 0);
    const { lp, arrays, priced } = await this.#pricedLp(from, objectiveOf, budget);
    const objective = objectiveOf();
    let boundInternal = trivialBound(this.model, objective);
    let candidate: Float64Array | undefined;
    if (lp && lp.status === MODEL_STATUS.optimal) {
      if (priced)
        boundInternal = Math.max(boundInternal, Math.ceil(lp.objective + objective.constant - EPSILON));
      const found = await this.#integerCandidate(arrays, lp, objective, budget);
      candidate = found.candidate;
      if (found.bound !== undefined) boundInternal = Math.max(boundInternal, found.bound);
    }
    if (candidate) {
      const read = readLex(this.prep, this.model, candidate);
      const values = levelValues(this.prep, this.ctx, read.assign, read.situation);
      // Every level above is kept by the rows; these levels must not get worse than the incumbent.
      if (weighted(values) <= weighted(this.bestValues) && keepsAbove(values, this.bestValues, from)) {
        this.best = read;
        this.bestValues = values;
      }
    }
    return { bound: boundInternal, value: weighted(this.bestValues) };
  }

  /** The LP of the objective, priced until no column left out has a negative reduced cost (`priced`). */
  async #pricedLp(from: number, objectiveOf: () => LevelObjective, budget: () => number) {
    let lp: SolveAnswer | undefined;
    let arrays = withRows(this.model.base, this.fixedRows(), objectiveOf());
    let priced = false;
    for (let round = 0; round < MAX_PRICING_ROUNDS; round++) {
      lp = await this.solver.solve({
        kind: "lp",
        model: arrays,
        timeLimitSeconds: budget(),
        // Without presolve, the simplex stalls on these degenerate models (30 s against 3 s at 300),
        // warm-started too: each LP starts cold, with presolve.
        presolve: "on",
        // The levels below the wishes (types, situations, mixing, load): the interior point, then
        // crossover, 1.2 to 3.5 times faster than the simplex at 300 participants (5 s against 17 s).
        // Small models stay with the simplex, which starts faster.
        ...(from >= FIRST_LOWER_LEVEL && arrays.numCols >= IPM_FROM_COLUMNS
          ? { method: "ipm" as const }
          : {}),
      });
      this.solves++;
      if (lp.status !== MODEL_STATUS.optimal) {
        // A level whose LP does not finish in its share: the levels below would not either.
        this.stalled = true;
        break;
      }
      if (price(this.prep, this.uni, this.model, this.included, lp.rowDual) === 0) {
        priced = true;
        break;
      }
      this.model = buildLexModel(this.prep, this.ctx, this.uni, this.included);
      arrays = withRows(this.model.base, this.fixedRows(), objectiveOf());
    }
    return { lp, arrays, priced };
  }

  /**
   * An integer solution from the optimal LP: the LP itself when integral, else the MIP around it,
   * else the full MIP from the best placement (whose dual bound, when every column is in the
   * model, is returned as `bound`, internal sense).
   */
  async #integerCandidate(
    arrays: ModelArrays,
    lp: SolveAnswer,
    objective: LevelObjective,
    budget: () => number,
  ): Promise<{ candidate: Float64Array | undefined; bound?: number | undefined }> {
    const { model, solver } = this;
    const incumbent = lexStart(model, this.best.assign, this.best.situation);
    if (isIntegral(model, lp.colValue)) return { candidate: lp.colValue };
    const around = await aroundLp(solver, arrays, lp, incumbent, budget());
    this.solves++;
    if (around) return { candidate: around };
    const answer = await solver.solve({
      kind: "mip",
      model: arrays,
      timeLimitSeconds: budget(),
      start: incumbent,
      mipAbsGap: 1 - EPSILON,
      mipRelGap: 0,
    });
    this.solves++;
    // The MIP's bound holds for every column only when every column is in the model.
    const bound =
      model.xCount === this.uni.colPs.length && Number.isFinite(answer.mipDualBound)
        ? Math.ceil(answer.mipDualBound + objective.constant - EPSILON)
        : undefined;
    return { candidate: answer.hasSolution ? answer.colValue : undefined, bound };
  }
}

/** The least a level can be whatever the placement: its constant plus every negative cost at its column's upper bound. */
function trivialBound(model: LexModel, objective: LevelObjective): number {
  let bound = objective.constant;
  objective.cols.forEach((col, i) => {
    const coef = objective.coefs[i]!;
    if (coef < 0) bound += coef * model.base.colUpper[col]!;
  });
  return bound;
}

/**
 * The first columns of participant × slot: the previous and starting placements, for each wish the
 * roomiest pools that meet it, and the roomiest others.
 */
function initialColumns(
  prep: Prepared,
  uni: Universe,
  start: { assign: Int32Array; situation: Int32Array },
): Uint8Array {
  const S = prep.slots.length;
  const included = new Uint8Array(uni.colPs.length);
  for (let ps = 0; ps < uni.psStart.length - 1; ps++) {
    const p = Math.floor(ps / S);
    const from = uni.psStart[ps]!;
    const to = uni.psStart[ps + 1]!;
    const pools = [...new Set(uni.colPool.subarray(from, to))].sort(
      (a, b) => prep.pools[b]!.capacity - prep.pools[a]!.capacity || a - b,
    );
    const chosen = new Set<number>([prep.previousPool[ps]!, start.assign[ps]!]);
    const groups: ((q: number) => boolean)[] = [
      ...prep.wishes[p]!.map((_, w) => (q: number) => meetsWish(prep, p, w, prep.pools[q]!.structure)),
      (q: number) => !prep.wishes[p]!.some((_, w) => meetsWish(prep, p, w, prep.pools[q]!.structure)),
    ];
    for (const inGroup of groups)
      for (const q of pools.filter(inGroup).slice(0, INITIAL_POOLS)) chosen.add(q);
    for (let u = from; u < to; u++) if (chosen.has(uni.colPool[u]!)) included[u] = 1;
  }
  return included;
}

/**
 * Marks the universe columns left out of the model whose reduced cost (`0 − Σ rows · dual`; a
 * row the model lacks has a dual of 0, the LP solution satisfying it) is negative. Returns how many.
 */
function price(
  prep: Prepared,
  uni: Universe,
  model: LexModel,
  included: Uint8Array,
  dual: Float64Array,
): number {
  const S = prep.slots.length;
  const nSt = prep.structures.length;
  const T = prep.typeNames.length;
  const I = prep.situationNames.length;
  const r = model.rows;
  const at = (row: number | undefined) => (row === undefined || row < 0 ? 0 : dual[row]!);
  let entering = 0;
  for (let u = 0; u < uni.colPs.length; u++) {
    if (included[u]) continue;
    const ps = uni.colPs[u]!;
    const p = Math.floor(ps / S);
    const s = ps % S;
    const q = uni.colPool[u]!;
    const si = uni.colSituation[u]!;
    const st = uni.colStructure[u]!;
    let activity = at(r.assign[ps]) + at(r.part.get(q * I + si)) + at(r.structure.get(p * nSt + st));
    if (q === prep.previousPool[ps]) {
      const part = previousPart(prep, ps);
      if (part < 0 || part === si) activity += at(r.moved[ps]);
    }
    prep.wishes[p]!.forEach((_, w) => {
      if (meetsWish(prep, p, w, st)) activity -= at(r.wish.get(p * 3 + w));
    });
    activity += at(r.type.get(p * T + prep.structureType[st]!)) + at(r.situation.get(p * I + si));
    activity += at(r.organisme.get(mixKey(prep.participantOrganisme[p]!, st, s, nSt, S)));
    activity += at(r.public.get(mixKey(prep.participantPublic[p]!, st, s, nSt, S)));
    activity += at(r.load[q]);
    if (-activity < -EPSILON) {
      included[u] = 1;
      entering++;
    }
  }
  return entering;
}

function keepsAbove(values: readonly number[], incumbent: readonly number[], k: number): boolean {
  for (let j = 0; j < k; j++) if (values[j] !== incumbent[j]) return false;
  return true;
}

/** The base model with the fixed levels as rows and one level's objective as costs. */
function withRows(
  base: ModelArrays,
  rows: readonly { cols: number[]; coefs: number[]; upper: number }[],
  objective: LevelObjective,
): ModelArrays {
  const colCost = new Float64Array(base.numCols);
  objective.cols.forEach((col, i) => {
    colCost[col] = objective.coefs[i]!;
  });
  if (rows.length === 0) return { ...base, colCost };
  const extra = rows.reduce((n, row) => n + row.cols.length, 0);
  const indices = new Int32Array(base.indices.length + extra);
  const values = new Float64Array(base.values.length + extra);
  indices.set(base.indices);
  values.set(base.values);
  const starts = new Int32Array(base.numRows + rows.length + 1);
  starts.set(base.starts);
  let at = base.indices.length;
  rows.forEach((row, r) => {
    row.cols.forEach((col, i) => {
      indices[at] = col;
      values[at] = row.coefs[i]!;
      at++;
    });
    starts[base.numRows + r + 1] = at;
  });
  const rowLower = new Float64Array(base.numRows + rows.length).fill(-Infinity);
  rowLower.set(base.rowLower);
  const rowUpper = new Float64Array(base.numRows + rows.length);
  rowUpper.set(base.rowUpper);
  rows.forEach((row, r) => {
    rowUpper[base.numRows + r] = row.upper;
  });
  return {
    ...base,
    numRows: base.numRows + rows.length,
    colCost,
    rowLower,
    rowUpper,
    starts,
    indices,
    values,
  };
}

function isIntegral(model: LexModel, values: Float64Array): boolean {
  for (let col = 0; col < model.xCount; col++) {
    const v = values[col]!;
    if (v > EPSILON && v < 1 - EPSILON) return false;
  }
  return true;
}

/**
 * The MIP over the LP's support and the incumbent's placements (every other placement column
 * fixed at 0), from the incumbent: a model of a few columns per participant, always feasible. Its
 * solution, when it reaches the LP bound rounded up, is optimal for the level (every objective is
 * an integer); otherwise `undefined`.
 */
async function aroundLp(
  solver: LinearSolver,
  model: ModelArrays,
  lp: SolveAnswer,
  incumbent: Float64Array,
  timeLimitSeconds: number,
): Promise<Float64Array | undefined> {
  const colUpper = Float64Array.from(model.colUpper);
  for (let col = 0; col < model.numCols; col++) {
    if (model.integrality[col] !== 1) continue;
    if (lp.colValue[col]! < EPSILON && incumbent[col]! < 0.5) colUpper[col] = 0;
  }
  const answer = await solver.solve({
    kind: "mip",
    model: { ...model, colUpper },
    timeLimitSeconds,
    start: incumbent,
    mipAbsGap: 1 - EPSILON,
    mipRelGap: 0,
  });
  return answer.hasSolution && answer.objective < Math.ceil(lp.objective - EPSILON) + EPSILON
    ? answer.colValue
    : undefined;
}
