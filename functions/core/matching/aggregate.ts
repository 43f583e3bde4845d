import { disaggregate } from "./disaggregate.js";
import {
  LEVELS,
  levelValues,
  lexBetter,
  previousStillPossible,
  trivialReports,
  WISH_POINTS,
} from "./levels.js";
import { orderPreservingWeights } from "./lexicographic.js";
import { eligible, type LockedContext, type ModelArrays } from "./model.js";
import { mixKey, namesStructures, type Prepared, wishMetBy } from "./prepare.js";
import { greedySituations } from "./situations.js";
import { EPSILON, type LinearSolver, type LpBasis, MODEL_STATUS, type SolveAnswer } from "./solver.js";
import type { SolveOptions } from "./types.js";
import { WEIGHTS } from "./weights.js";

/** What the first stage (structures) hands to the second (situations). */
export interface FirstStage {
  readonly assign: Int32Array;
  readonly status: string;
  /**
   * Per level (`LEVELS` order, in the level's own sense), the bound the aggregated LP proves with
   * the levels above held at their LP optimum, or `undefined` when that level was not solved.
   */
  readonly levelBounds: readonly (number | undefined)[];
  /**
   * The bounds of `levelBounds` made valid for a placement of level values `values` (`LEVELS`
   * order, own sense) whose levels above miss the LP's values (`boundsAt` of `LevelsState`);
   * absent, `levelBounds` as they are.
   */
  readonly boundsAt?: (values: readonly number[]) => (number | undefined)[];
  readonly columns: number;
  readonly rows: number;
  readonly pricedColumns: number;
  readonly pricingRounds: number;
}

/** Levels a combination carries itself (unplaced, moved, wish met, wish points, type twice); the mix and load levels are penalty columns. */
const COMBO_LEVELS = 5;
/** `LEVELS` indices by key. */
const LEVEL = Object.fromEntries(LEVELS.map((level, i) => [level.key, i])) as Record<
  (typeof LEVELS)[number]["key"],
  number
>;
/** Combinations of a unit stay below this (two slots of a few options): keys of unit × combination. */
const COMBO_KEY = 1 << 16;
const OPTION_UNPLACED = -1;
const OPTION_LOCKED = -2;
/**
 * Groups of at most this many pools get the rows of a structure held in another slot
 * (`heldElsewhereRows`): a type of few structures, where holding one of them leaves a large share
 * of the group out of reach. In larger groups the others leave room; there the rows tripled the
 * time of a re-run at 3,000 participants (9 s to 26 s) and changed no level.
 */
const HELD_ROW_MAX_POOLS = 3;
/** Cheapest combinations per unit in the first model, before any pricing. */
const INITIAL_COMBINATIONS = 6;
/** The levels the aggregated model solves, in order (5b, the situations, comes afterwards). */
const AGGREGATED_LEVELS = LEVELS.map((_, k) => k).filter((k) => LEVELS[k]!.key !== "sameSituation");
const ENTERING_PER_UNIT = 3;
const MAX_PRICING_ROUNDS = 30;
/** Share of the time limit pricing may use; the rest goes to the integer solution. */
const PRICING_SHARE = 0.6;
/** Share of the time limit the MIP may use at most (the pools are named and the situations solved after). */
const MIP_SHARE = 0.3;
/**
 * The rounded LP is kept without a MIP when every level is within this share of its LP value
 * (below 1, an integer level must be met exactly): a tenth of the 0.5 % the levels are held to.
 */
const ROUNDING_TOLERANCE = 0.001;
/**
 * Levels whose first LP starts from the last level's basis (measured: the mix and load levels in
 * a tenth of a second); the others start cold with presolve, the type level of a first run by the
 * interior point (with crossover: 2.6 s against 19.5 s for the simplex at 10,000 tight participants).
 */
const WARM_START_LEVELS: readonly number[] = LEVELS.flatMap((level, k) =>
  level.key === "sameOrganisme" || level.key === "publicSpread" || level.key === "tutorLoad" ? [k] : [],
);

interface Unit {
  readonly members: readonly number[];
  /** Options per slot: each a group index (`slot * types + type`), `groups + pool` for a named pool, or a code. */
  readonly options: readonly (readonly number[])[];
}

interface Group {
  readonly slot: number;
  readonly type: number;
  readonly pools: readonly number[];
  readonly capacity: number;
  readonly stepFreeCapacity: number;
  /** Capacity of the group's pools per structure organisme. */
  readonly capacityByOrganisme: ReadonlyMap<number, number>;
  /** Pools per structure organisme (with room). */
  readonly poolsByOrganisme: ReadonlyMap<number, number>;
  readonly poolCount: number;
  readonly stepFreeByOrganisme: ReadonlyMap<number, number>;
  readonly stepFreePools: number;
  /** Load free of the balance penalty. */
  readonly softRoom: number;
}

interface Rows {
  readonly unit: Int32Array;
  readonly capacity: Int32Array;
  readonly stepFree: Int32Array;
  readonly load: Int32Array;
  /** Per group × organisme: conflict of interest and mixing rows. */
  readonly conflict: Map<number, number>;
  readonly organisme: Map<number, number>;
  readonly public: Map<number, number>;
  readonly named: Map<number, number>;
  /**
   * Per group, the structures of its pools someone may hold in another slot, each with its row:
   * those holding it who take the group generically, with the named takers of its other pools, fit
   * in the group's other pools (`heldElsewhereRows`).
   */
  readonly heldElsewhere: Map<number, readonly (readonly [number, number])[]>;
  readonly lower: number[];
  readonly upper: number[];
  /** Penalty column cost per row, or 0 (a hard row). */
  readonly penaltyCost: number[];
  /** The level (`LEVELS` index) a penalty column of the row counts for, or -1. */
  readonly penaltyLevel: number[];
}

/** Columns being added, column-wise (CSC): per column its cost, bound, integrality, unit and combination (or row). */
interface ColumnSink {
  readonly cost: number[];
  readonly upper: number[];
  readonly integer: number[];
  readonly colUnit: number[];
  readonly colCombo: number[];
  readonly starts: number[];
  readonly indices: number[];
  readonly values: number[];
}

/** Rows being added: bounds, and the cost and level of the penalty column of each (0 and -1: a hard row). */
interface RowSink {
  readonly lower: number[];
  readonly upper: number[];
  readonly penaltyCost: number[];
  readonly penaltyLevel: number[];
  /** Adds the row `lo ≤ … ≤ hi`; its index. */
  readonly add: (lo: number, hi: number, penalty?: number, level?: number) => number;
}

function rowSink(): RowSink {
  const lower: number[] = [];
  const upper: number[] = [];
  const penaltyCost: number[] = [];
  const penaltyLevel: number[] = [];
  const add = (lo: number, hi: number, penalty = 0, level = -1) => {
    lower.push(lo);
    upper.push(hi);
    penaltyCost.push(penalty);
    penaltyLevel.push(level);
    return lower.length - 1;
  };
  return { lower, upper, penaltyCost, penaltyLevel, add };
}

/**
 * The aggregated model solved in the order of `levels.ts`: level by level, each an LP over the
 * combinations (grown by pricing) with the levels above held at their LP optimum by rows, so a
 * lower level never buys anything with a higher one in the relaxation. Levels 3 and 4 are one LP
 * whose weights keep their order (`orderPreservingWeights`); level 4's bound then holds for the
 * placements whose level 3 is at its bound. Each level's LP value
 * (Lagrangian when pricing stops early) is its bound. The last LP is rounded; then the MIP over its
 * columns, the levels above bounded by the rounding's values, minimises the Lagrangian weights of
 * the levels (the duals of their rows, which make the LP's lexicographic optimum an optimum of
 * one objective). The candidates (start, rounding, MIP) are compared level by level after naming
 * the pools. Level 5b (situations, solved afterwards on the pools chosen) gets no bound here.
 */
export async function solveAggregated(
  prep: Prepared,
  ctx: LockedContext,
  start: FirstStage,
  solver: LinearSolver,
  options: SolveOptions,
  remaining: () => number,
): Promise<FirstStage> {
  const limitAtStart = remaining();
  const agg = new Aggregation(prep, ctx);
  const inModel = initialColumns(agg, start);
  const startValues = levelValues(prep, ctx, start.assign, greedySituations(prep, ctx, start.assign));
  const trivial = trivialReports(prep, ctx, startValues);
  const run: AggregatedRun = {
    agg,
    inModel,
    solver,
    limitAtStart,
    spent: () => limitAtStart - remaining(),
    trivialInternal: (k: number) => (LEVELS[k]!.sense === "min" ? 1 : -1) * trivial[k]!.bound,
    // A first run (no previous placement): the type level by the interior point. In a re-run its
    // vertex, rounded, moved more participants than the simplex's (at 3,000 tight, as many others
    // as the declining tutor had participants).
    firstRun: prep.previousPool.every((q) => q < 0),
  };
  const state = await solveLevels(run, startValues);
  const found = await bestPlacement(prep, ctx, run, state, start.assign, startValues, options);
  const bestInternal = (k: number) => (LEVELS[k]!.sense === "min" ? found.values[k]! : -found.values[k]!);
  return {
    assign: found.assign,
    status: found.status,
    levelBounds: state.levelBounds.map((bound, k) => {
      if (bound === undefined) return undefined;
      // Never past the value reached (a bound is at most as good as a placement).
      return LEVELS[k]!.sense === "min"
        ? Math.min(bound, bestInternal(k))
        : Math.max(bound, -bestInternal(k));
    }),
    boundsAt: (values) => boundsAt(state, run.trivialInternal, values),
    columns: state.model.arrays.numCols,
    rows: state.model.arrays.numRows,
    pricedColumns: state.priced,
    pricingRounds: state.rounds,
  };
}

/** What every stage of one aggregated solve reads. */
interface AggregatedRun {
  readonly agg: Aggregation;
  readonly inModel: Columns;
  readonly solver: LinearSolver;
  /** Seconds left when the solve started. */
  readonly limitAtStart: number;
  /** Seconds spent since. */
  readonly spent: () => number;
  /** The trivial bound of level k, minimising sense: a Lagrangian bound below it says nothing more. */
  readonly trivialInternal: (k: number) => number;
  readonly firstRun: boolean;
}

/**
 * What a level's bound rests on: the Lagrangian bound of its LP (the group's weighted objective,
 * levels 3 and 4 together), and the levels held in that LP with the duals of their rows.
 */
interface LevelSensitivity {
  readonly lagrange: number;
  readonly group: readonly number[];
  readonly weights: readonly number[];
  /** Per level held: its held value (minimising sense) and the dual of its row (≤ 0). */
  readonly held: readonly { readonly level: number; readonly upper: number; readonly dual: number }[];
}

/** What the levels' LPs leave: bounds, held levels, the last optimal LP and its model, counts. */
interface LevelsState {
  readonly fixed: FixedLevel[];
  readonly levelBounds: (number | undefined)[];
  /** Per level solved by LP, what its bound rests on (a level held at 0 by the start has none: 0 bounds it). */
  readonly sensitivity: (LevelSensitivity | undefined)[];
  rounds: number;
  priced: number;
  model: AggregatedModel;
  lp: SolveAnswer | undefined;
  /** The levels held by rows in the model of `lp`, and the level it minimised. */
  lpFixed: FixedLevel[];
  lpLevel: number;
  lpModel: AggregatedModel;
  previous: { basis: LpBasis; numCols: number } | undefined;
}

/** The first columns: each unit's cheapest combinations, and those of the start placement. */
function initialColumns(agg: Aggregation, start: FirstStage): Columns {
  const inModel = new Columns(agg.units.length);
  agg.units.forEach((_, u) => {
    const ranked = Array.from(
      { length: agg.combinations(u).length },
      (_, i) => [agg.comboKey(u, i), i] as const,
    );
    ranked.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [, i] of ranked.slice(0, INITIAL_COMBINATIONS)) inModel.add(u, i);
  });
  agg.combosOf(start.assign).forEach((combo, p) => {
    inModel.add(agg.unitOf[p]!, combo);
  });
  return inModel;
}

/** Solves the aggregated levels in order by LP with pricing, holding each at its optimum. */
async function solveLevels(run: AggregatedRun, startValues: readonly number[]): Promise<LevelsState> {
  const { agg, inModel, trivialInternal } = run;
  const fixed: FixedLevel[] = [];
  const model = agg.build(
    inModel,
    LEVELS.map(() => 0),
    fixed,
  );
  const state: LevelsState = {
    fixed,
    levelBounds: LEVELS.map(() => undefined),
    sensitivity: LEVELS.map(() => undefined),
    rounds: 0,
    priced: 0,
    model,
    lp: undefined,
    lpFixed: [],
    lpLevel: -1,
    lpModel: model,
    previous: undefined,
  };
  // Whether the start is at the bound of every level solved so far.
  let startAtBounds = true;
  for (let stage = 0; stage < AGGREGATED_LEVELS.length; stage++) {
    const k = AGGREGATED_LEVELS[stage]!;
    // A `min` level the start already has at 0, the levels above at their bounds, is at its
    // optimum: held there, nothing to solve. (Not when the start is short above: a greedy start
    // that left two slots unplaced had no type twice, and the level held at 0 was never solved.)
    if (LEVELS[k]!.sense === "min" && startValues[k] === 0 && startAtBounds) {
      state.levelBounds[k] = 0;
      fixed.push({ level: k, upper: 0 });
      continue;
    }
    // Levels 3 and 4 as one LP, weighted so that the order holds (`orderPreservingWeights`): the
    // wish-met level alone is a degenerate 0/1 objective whose LP did not finish at 10,000.
    const group = k === LEVEL.wishMet && AGGREGATED_LEVELS[stage + 1] === LEVEL.wishPoints ? [k, k + 1] : [k];
    const groupWeights =
      group.length === 1 ? [1] : orderPreservingWeights(group.map((level) => -trivialInternal(level)));
    const weights = LEVELS.map((_, i) => {
      const at = group.indexOf(i);
      return at < 0 ? 0 : groupWeights[at]!;
    });
    state.model = agg.build(inModel, weights, fixed);
    const { answer, lagrange, heldDuals } = await priceLevel(run, state, k, weights);
    if (answer.status !== MODEL_STATUS.optimal) break;
    state.lp = answer;
    state.lpModel = state.model;
    state.lpFixed = [...fixed];
    state.lpLevel = k;
    const sensitivity: LevelSensitivity = {
      lagrange,
      group,
      weights: groupWeights,
      held: fixed.map((f, j) => ({ level: f.level, upper: f.upper, dual: heldDuals[j] ?? 0 })),
    };
    for (const level of group) state.sensitivity[level] = sensitivity;
    holdLevels(run, state, group, groupWeights, lagrange, answer);
    startAtBounds &&= group.every((level) => state.levelBounds[level] === startValues[level]);
    if (group.length > 1) stage++;
  }
  return state;
}

/**
 * The LPs of level k: solved, priced from the duals, and solved again while columns enter (and
 * time is left). Returns the last answer and the best Lagrangian bound met.
 */
async function priceLevel(
  run: AggregatedRun,
  state: LevelsState,
  k: number,
  weights: readonly number[],
): Promise<{ answer: SolveAnswer; lagrange: number; heldDuals: number[] }> {
  const { agg, inModel, solver, spent } = run;
  const pricingEnd = run.limitAtStart * PRICING_SHARE;
  let lagrange = -Infinity;
  let heldDuals: number[] = [];
  let answer: SolveAnswer;
  let firstOfStage = true;
  for (;;) {
    const model = state.model;
    // All the pricing time left: the first LP is the long one (cold); those after start warm.
    const share = Math.max(0.5, pricingEnd - spent());
    // From the last LP's basis (columns and rows only ever added): each LP starts where the
    // last one ended. The first is cold, with presolve.
    const basis =
      WARM_START_LEVELS.includes(k) || !firstOfStage ? warmBasis(state.previous, model.arrays) : undefined;
    firstOfStage = false;
    answer = await solver.solve({
      kind: "lp",
      model: model.arrays,
      timeLimitSeconds: share,
      ...(basis
        ? { basis }
        : {
            presolve: "on" as const,
            ...(k >= LEVEL.sameType && run.firstRun ? { method: "ipm" as const } : {}),
          }),
    });
    if (answer.basis) state.previous = { basis: answer.basis, numCols: model.arrays.numCols };
    state.rounds++;
    if (answer.status !== MODEL_STATUS.optimal) break;
    const pricing = agg.price(model, answer.colValue, answer.rowDual, inModel, weights, state.fixed);
    if (answer.objective + pricing.boundShift > lagrange) {
      lagrange = answer.objective + pricing.boundShift;
      const base = agg.rows.lower.length;
      heldDuals = state.fixed.map((_, j) => answer.rowDual[base + j] ?? 0);
    }
    if (pricing.entering === 0 || state.rounds >= MAX_PRICING_ROUNDS * AGGREGATED_LEVELS.length) break;
    state.priced += pricing.entering;
    state.model = agg.build(inModel, weights, state.fixed);
    if (spent() > pricingEnd) {
      answer = await solver.solve({ kind: "lp", model: state.model.arrays, timeLimitSeconds: 1 });
      state.rounds++;
      break;
    }
  }
  return { answer, lagrange, heldDuals };
}

/**
 * The bound of each level for a placement of level values `values` (`LEVELS` order, own sense).
 * A level's LP held the levels above at their LP values; when the placement misses them
 * by δ_j (minimising sense), its LP's dual solution stays feasible and bounds the
 * level with those rows relaxed by δ_j: the Lagrangian bound less Σ |dual_j| · δ_j (weak duality).
 * The miss is measured from the right-hand side the LP held (its value and tolerance), not from
 * that value rounded up: a placement one unit short of a held value of 47.99995 misses it by
 * 0.99995, and rounding first counted 0, giving a bound a placement beat. Level 4's bound also
 * takes level 3 at its value reached (w·L_3 + L_4 ≥ bound). Without this, a bound held only for the
 * LP's values above (measured: 1 unplaced where the LP had 0, and a bound of 2 participants with a
 * wish met where 3 were possible with 1 unplaced). `undefined` for a level not solved.
 */
function boundsAt(
  state: LevelsState,
  trivialInternal: (k: number) => number,
  values: readonly number[],
): (number | undefined)[] {
  const sign = (level: number) => (LEVELS[level]!.sense === "min" ? 1 : -1);
  const internal = (level: number) => sign(level) * values[level]!;
  return LEVELS.map((_, k) => {
    const bound = state.levelBounds[k];
    const sensitivity = state.sensitivity[k];
    if (bound === undefined || !sensitivity) return bound;
    let relax = 0;
    for (const held of sensitivity.held) {
      // Measured from the right-hand side the LP held (weak duality): rounding it up first would
      // drop up to a whole unit of the miss, and the bound below would then be beaten.
      relax += Math.abs(held.dual) * Math.max(0, internal(held.level) - held.upper);
    }
    const { group, weights } = sensitivity;
    if (group.length === 1 && relax <= EPSILON) return bound;
    const lagrange = sensitivity.lagrange - relax;
    const at = group.indexOf(k);
    const own =
      group.length === 1
        ? Math.ceil(lagrange - EPSILON)
        : at === 0
          ? Math.ceil(lagrange / weights[0]! - EPSILON)
          : Math.ceil(lagrange - weights[0]! * internal(group[0]!) - EPSILON);
    // Never better than the bound of the LP's values above.
    return sign(k) * Math.min(sign(k) * bound, Math.max(own, trivialInternal(k))) + 0;
  });
}

/** Records the bounds the Lagrangian proves for the level (or the two levels) solved, and holds them at the LP's value. */
function holdLevels(
  run: AggregatedRun,
  state: LevelsState,
  group: readonly number[],
  groupWeights: readonly number[],
  lagrange: number,
  answer: SolveAnswer,
): void {
  const { trivialInternal } = run;
  const { levelBounds, fixed } = state;
  const k = group[0]!;
  const sign = (level: number) => (LEVELS[level]!.sense === "min" ? 1 : -1);
  if (group.length === 1) {
    levelBounds[k] = sign(k) * Math.max(Math.ceil(lagrange - EPSILON), trivialInternal(k)) + 0;
    fixed.push({ level: k, upper: answer.objective + EPSILON * Math.max(1, Math.abs(answer.objective)) });
    return;
  }
  // Any placement has w·L_k + L_{k+1} ≥ lagrange, with L_{k+1} ≤ 0 (a `max` level, counted
  // negative): L_k ≥ lagrange / w; and, L_k at the value v reached, L_{k+1} ≥ lagrange − w·v.
  const next = group[1]!;
  const w = groupWeights[0]!;
  const boundK = Math.max(Math.ceil(lagrange / w - EPSILON), trivialInternal(k));
  levelBounds[k] = sign(k) * boundK + 0;
  levelBounds[next] =
    sign(next) * Math.max(Math.ceil(lagrange - w * boundK - EPSILON), trivialInternal(next)) + 0;
  const held = group.map((level) => ({ level, upper: 0 }));
  run.agg.levelActivity(state.model, answer.colValue, held).forEach((value, j) => {
    fixed.push({ level: group[j]!, upper: value + EPSILON * Math.max(1, Math.abs(value)) });
  });
}

/**
 * The best placement found: the start, the last LP rounded, and when the rounding falls short the
 * MIP's, each with pools named; then the local search of the spread on the best choice.
 */
async function bestPlacement(
  prep: Prepared,
  ctx: LockedContext,
  run: AggregatedRun,
  state: LevelsState,
  startAssign: Int32Array,
  startValues: readonly number[],
  options: SolveOptions,
): Promise<{ assign: Int32Array; values: readonly number[]; status: string }> {
  const { agg } = run;
  const { lp, lpModel, fixed } = state;
  let best = startAssign;
  let bestValues = startValues;
  let bestChoice: Choice | undefined;
  let improved: Choice | undefined;
  let status = lp ? "aggregated LP" : "fallback";
  const consider = (assign: Int32Array, choice?: Choice) => {
    const values = levelValues(prep, ctx, assign, greedySituations(prep, ctx, assign));
    if (lexBetter(values, bestValues)) {
      best = assign;
      bestValues = values;
      bestChoice = choice;
    }
  };
  if (lp) {
    const rounded = agg.round(lpModel, lp.colValue);
    consider(agg.disaggregate(rounded, false), rounded);
    const roundedLevels = agg.levelActivity(lpModel, agg.startVector(lpModel, rounded), fixed);
    const short = (f: FixedLevel, j: number) =>
      roundedLevels[j]! >
      Math.ceil(f.upper - EPSILON) + Math.floor(ROUNDING_TOLERANCE * Math.abs(f.upper)) + EPSILON;
    if (fixed.some(short)) {
      const mip = await solveMip(run, state, lp, rounded, roundedLevels, options);
      if (mip) {
        consider(agg.disaggregate(mip.choice, true), mip.choice);
        improved = mip.choice;
        if (mip.optimal) status = "aggregated MIP";
      }
    }
  }
  // The local search of the spread runs on the MIP's choice, or on the rounding when that is best.
  if (bestChoice && bestChoice !== improved) consider(agg.disaggregate(bestChoice, true), bestChoice);
  return { assign: best, values: bestValues, status };
}

/**
 * The MIP: every level bounded by what the rounding reaches (the start stays feasible), the
 * Lagrangian weights as objective: the last level's own, and the duals of the rows above.
 * Returns its choice, or undefined when it found none.
 */
async function solveMip(
  run: AggregatedRun,
  state: LevelsState,
  lp: SolveAnswer,
  rounded: Choice,
  roundedLevels: readonly number[],
  options: SolveOptions,
): Promise<{ choice: Choice; optimal: boolean } | undefined> {
  const { agg, inModel, limitAtStart, spent } = run;
  const mipWeights: number[] = LEVELS.map((_, i) => (i === state.lpLevel ? 1 : 0));
  state.lpFixed.forEach((f, j) => {
    mipWeights[f.level] = Math.max(0, -(lp.rowDual[agg.rows.lower.length + j] ?? 0));
  });
  const bounded = state.fixed.map((f, j) => ({
    level: f.level,
    upper: Math.max(Math.ceil(f.upper - EPSILON), roundedLevels[j]!) + EPSILON,
  }));
  const mipModel = agg.build(inModel, mipWeights, bounded);
  const answer = await run.solver.solve({
    kind: "mip",
    model: mipModel.arrays,
    timeLimitSeconds: Math.max(0.5, Math.min(limitAtStart * MIP_SHARE, limitAtStart - spent() - 2)),
    start: agg.startVector(mipModel, rounded),
    mipAbsGap: 1 - EPSILON,
    mipRelGap: Math.max(options.relativeGap ?? 0, 1e-4),
  });
  if (!answer.hasSolution) return undefined;
  return {
    choice: agg.readChoice(mipModel, answer.colValue),
    optimal: answer.status === MODEL_STATUS.optimal,
  };
}

/**
 * The basis of the last LP for `model`, whose columns and rows extend the last one's (added rows
 * basic, added columns at 0), else `undefined`.
 */
function warmBasis(
  previous: { basis: LpBasis; numCols: number } | undefined,
  model: ModelArrays,
): LpBasis | undefined {
  if (!previous || previous.numCols > model.numCols) return undefined;
  const rowStatus = new Int32Array(model.numRows).fill(1);
  rowStatus.set(previous.basis.rowStatus.subarray(0, model.numRows));
  // Columns added since are nonbasic at their lower bound (0).
  const colStatus = new Int32Array(model.numCols);
  colStatus.set(previous.basis.colStatus.subarray(0, model.numCols));
  return { colStatus, rowStatus };
}

interface AggregatedModel {
  readonly arrays: ModelArrays;
  /** Per column: unit and combination index, or -1 for a penalty column. */
  readonly colUnit: Int32Array;
  readonly colCombo: Int32Array;
  readonly rows: Rows;
}

/**
 * A unit's combinations, one option per slot, flat (`S` numbers each): at 10,000 participants the
 * units hold millions of combinations, and an array per combination weighed hundreds of megabytes.
 */
class ComboList {
  constructor(
    private readonly flat: Int32Array,
    private readonly S: number,
  ) {}

  get length(): number {
    return this.flat.length / this.S;
  }

  /** Combination i (a view, not a copy). */
  at(i: number): Int32Array {
    return this.flat.subarray(i * this.S, (i + 1) * this.S);
  }

  findIndex(match: (combo: Int32Array) => boolean): number {
    for (let i = 0; i < this.length; i++) if (match(this.at(i))) return i;
    return -1;
  }

  forEach(visit: (combo: Int32Array, i: number) => void): void {
    for (let i = 0; i < this.length; i++) visit(this.at(i), i);
  }
}

/** The combinations in the model, in the order they entered. */
class Columns {
  readonly list: number[] = [];
  readonly #units: Set<number>[];

  constructor(units: number) {
    this.#units = Array.from({ length: units }, () => new Set<number>());
  }

  has(u: number, i: number): boolean {
    return this.#units[u]!.has(i);
  }

  add(u: number, i: number): void {
    if (this.#units[u]!.has(i)) return;
    this.#units[u]!.add(i);
    this.list.push(u * COMBO_KEY + i);
  }
}

/** A level held at its optimum by a row: its value (minimising sense) at most `upper`. */
interface FixedLevel {
  readonly level: number;
  readonly upper: number;
}

/** Per participant and slot, the option chosen (a group, a named pool, or a code). */
type Choice = Int32Array;

class Aggregation {
  readonly S: number;
  readonly T: number;
  readonly groups: Group[] = [];
  readonly units: Unit[] = [];
  readonly unitOf: Int32Array;
  readonly rows: Rows;
  readonly #combos = new Map<number, ComboList>();
  readonly #levels = new Map<number, Int8Array>();
  /** Per column key (unit × combination), the rows it enters, sorted, repeated per slot. */
  readonly #entries = new Map<number, Int32Array>();

  constructor(
    readonly prep: Prepared,
    readonly ctx: LockedContext,
  ) {
    this.S = prep.slots.length;
    this.T = prep.typeNames.length;
    this.unitOf = new Int32Array(prep.participants.length);
    this.#buildGroups();
    this.#buildUnits();
    this.rows = this.#buildRows();
  }

  #buildGroups() {
    const { prep, S, T } = this;
    for (let s = 0; s < S; s++) {
      for (let t = 0; t < T; t++) {
        const pools = prep.poolsBySlot[s]!.filter(
          (q) => prep.pools[q]!.capacity > 0 && prep.structureType[prep.pools[q]!.structure] === t,
        );
        const capacityByOrganisme = new Map<number, number>();
        const poolsByOrganisme = new Map<number, number>();
        const stepFreeByOrganisme = new Map<number, number>();
        let capacity = 0;
        let stepFreeCapacity = 0;
        let stepFreePools = 0;
        let softRoom = 0;
        for (const q of pools) {
          const pool = prep.pools[q]!;
          const o = prep.structureOrganisme[pool.structure]!;
          capacity += pool.capacity;
          capacityByOrganisme.set(o, (capacityByOrganisme.get(o) ?? 0) + pool.capacity);
          poolsByOrganisme.set(o, (poolsByOrganisme.get(o) ?? 0) + 1);
          if (prep.structureStepFree[pool.structure] === 1) {
            stepFreeCapacity += pool.capacity;
            stepFreePools++;
            stepFreeByOrganisme.set(o, (stepFreeByOrganisme.get(o) ?? 0) + 1);
          }
          softRoom += Math.max(0, pool.softCapacity - pool.lockedLoad);
        }
        this.groups.push({
          slot: s,
          type: t,
          pools,
          capacity,
          stepFreeCapacity,
          capacityByOrganisme,
          poolsByOrganisme,
          poolCount: pools.length,
          stepFreeByOrganisme,
          stepFreePools,
          softRoom,
        });
      }
    }
  }

  #buildUnits() {
    const { prep, ctx, S, T } = this;
    const G = this.groups.length;
    const byKey = new Map<string, number[]>();
    const singles: number[][] = [];
    for (let p = 0; p < prep.participants.length; p++) {
      let alone = prep.wishes[p]!.some(namesStructures);
      for (let s = 0; s < S; s++) {
        if (prep.locked[p * S + s] || prep.previousPool[p * S + s]! >= 0) alone = true;
      }
      if (alone) {
        singles.push([p]);
        continue;
      }
      const key = [
        prep.participantOrganisme[p],
        prep.participantPublic[p],
        prep.participantStepFree[p],
        ...prep.wishes[p]!.map((w) => w.index),
      ].join(",");
      const list = byKey.get(key);
      if (list) list.push(p);
      else byKey.set(key, [p]);
    }
    const all = [...byKey.values(), ...singles].sort((a, b) => a[0]! - b[0]!);
    for (const members of all) {
      const p = members[0]!;
      const options: number[][] = [];
      for (let s = 0; s < S; s++) {
        if (prep.locked[p * S + s]) {
          options.push([OPTION_LOCKED]);
          continue;
        }
        const list: number[] = [OPTION_UNPLACED];
        for (let t = 0; t < T; t++) {
          const g = s * T + t;
          if (this.#genericEligible(p, g)) list.push(g);
        }
        // A wish naming structures (one, or those of an organisme): each of their pools is an option.
        for (const w of prep.wishes[p]!) {
          if (!namesStructures(w)) continue;
          for (const q of prep.poolsBySlot[s]!) {
            const st = prep.pools[q]!.structure;
            if (wishMetBy(prep, w, st) && !list.includes(G + q) && eligible(prep, ctx, p, q))
              list.push(G + q);
          }
        }
        // The previous pool as an option of its own: staying is then free and a generic option
        // always a move, which is exactly what the placement costs.
        const previous = prep.previousPool[p * S + s]!;
        if (previous >= 0 && !list.includes(G + previous) && eligible(prep, ctx, p, previous)) {
          list.push(G + previous);
        }
        options.push(list);
      }
      const index = this.units.length;
      for (const member of members) this.unitOf[member] = index;
      this.units.push({ members, options });
    }
  }

  #genericEligible(p: number, g: number): boolean {
    const { prep, ctx } = this;
    const group = this.groups[g]!;
    const o = prep.participantOrganisme[p]!;
    const stepFree = prep.participantStepFree[p] === 1;
    const available = stepFree
      ? group.stepFreePools - (group.stepFreeByOrganisme.get(o) ?? 0)
      : group.poolCount - (group.poolsByOrganisme.get(o) ?? 0);
    if (available <= 0) return false;
    if (available > this.S) return true;
    return group.pools.some((q) => eligible(prep, ctx, p, q));
  }

  /**
   * Combinations of a unit's options, one per slot, each one some placement stands for: the
   * structures its options may be (a named pool its own, a group those of its eligible pools) must
   * give each slot a structure of its own (`distinctStructures`). Without that, a group whose only
   * pool for the participant is the structure they hold in the other slot counted as a placement:
   * in a re-run the model kept someone in a structure and gave them "that type" in the other slot,
   * and naming the pools had to move a second person.
   */
  combinations(u: number): ComboList {
    const cached = this.#combos.get(u);
    if (cached) return cached;
    const G = this.groups.length;
    const unit = this.units[u]!;
    const p = unit.members[0]!;
    const candidates = unit.options.map((list) => list.map((option) => this.#optionStructures(p, option)));
    let combos: number[][] = [[]];
    let picks: number[][] = [[]];
    for (const list of unit.options) {
      const next: number[][] = [];
      const nextPicks: number[][] = [];
      combos.forEach((combo, c) => {
        list.forEach((option, k) => {
          if (option >= G) {
            const st = this.prep.pools[option - G]!.structure;
            if (combo.some((o) => o >= G && this.prep.pools[o - G]!.structure === st)) return;
          }
          const pick = [...picks[c]!, k];
          const constrained = pick.map((at, slot) => candidates[slot]![at]).filter((x) => x !== undefined);
          if (constrained.length > 1 && !distinctStructures(constrained)) return;
          next.push([...combo, option]);
          nextPicks.push(pick);
        });
      });
      combos = next;
      picks = nextPicks;
    }
    const list = new ComboList(Int32Array.from(combos.flat()), this.S);
    this.#combos.set(u, list);
    return list;
  }

  /**
   * The structures an option of participant p may stand for: a named pool's, a group's eligible
   * pools' (`undefined`, any, when the group has more than one per slot: then some is always left),
   * none for a code (`undefined` too: no structure to keep apart).
   */
  #optionStructures(p: number, option: number): readonly number[] | undefined {
    if (option < 0) return undefined;
    const { prep, ctx } = this;
    const G = this.groups.length;
    if (option >= G) return [prep.pools[option - G]!.structure];
    const structures: number[] = [];
    for (const q of this.groups[option]!.pools) {
      if (!eligible(prep, ctx, p, q)) continue;
      structures.push(prep.pools[q]!.structure);
      if (structures.length > this.S) return undefined;
    }
    return structures;
  }

  /** The option's group, or -1. */
  groupOf(option: number): number {
    if (option < 0) return -1;
    const G = this.groups.length;
    if (option < G) return option;
    const pool = this.prep.pools[option - G]!;
    return pool.slot * this.T + this.prep.structureType[pool.structure]!;
  }

  /**
   * Per combination of unit u, its value on the first `COMBO_LEVELS` levels in their minimising
   * sense (`combos × COMBO_LEVELS`): slots unplaced, moved (1 when a slot whose previous placement
   * is still possible takes another option), minus 1 when a wish is met, minus the wish points
   * (each wish once: a named pool meets its structure, any option of a type meets that type),
   * and extra slots in a type already held (locked slots counted). Exact for the combination: the
   * placement it stands for has these values whatever the pools.
   */
  comboLevels(u: number): Int8Array {
    const cached = this.#levels.get(u);
    if (cached) return cached;
    const { prep, ctx, S, T } = this;
    const G = this.groups.length;
    const p = this.units[u]!.members[0]!;
    const combos = this.combinations(u);
    const out = new Int8Array(combos.length * COMBO_LEVELS);
    const held: number[] = [];
    const types: number[] = [];
    combos.forEach((combo, i) => {
      let unplaced = 0;
      let moved = 0;
      held.length = 0;
      types.length = 0;
      combo.forEach((option, s) => {
        const ps = p * S + s;
        if (option === OPTION_LOCKED) {
          const st = ctx.lockedStructure[ps]!;
          if (st >= 0) {
            held.push(st);
            types.push(prep.structureType[st]!);
          }
          return;
        }
        if (option === OPTION_UNPLACED) unplaced++;
        else {
          if (option >= G) held.push(prep.pools[option - G]!.structure);
          types.push(this.groupOf(option) % T);
        }
        if (option !== G + prep.previousPool[ps]! && previousStillPossible(prep, ctx, ps)) moved = 1;
      });
      let met = 0;
      let points = 0;
      prep.wishes[p]!.forEach((wish, w) => {
        const ok =
          wish.kind === "type" ? types.includes(wish.index) : held.some((st) => wishMetBy(prep, wish, st));
        if (ok && wish.index >= 0) {
          met = 1;
          points += WISH_POINTS[w] ?? 0;
        }
      });
      let sameType = 0;
      types.forEach((t, k) => {
        if (types.indexOf(t) < k) sameType++;
      });
      out.set([unplaced, moved, -met, -points, sameType], i * COMBO_LEVELS);
    });
    this.#levels.set(u, out);
    return out;
  }

  /** A key that orders a unit's combinations by their levels, lexicographically (for a first choice of columns). */
  comboKey(u: number, i: number): number {
    const v = this.comboLevels(u).subarray(i * COMBO_LEVELS, (i + 1) * COMBO_LEVELS);
    return v[0]! * 1e6 + v[1]! * 1e5 + v[2]! * 1e4 + v[3]! * 1e2 + v[4]!;
  }

  /** The cost of combination i of unit u under per-level `weights` (`LEVELS` order). */
  comboCost(u: number, i: number, weights: readonly number[]): number {
    const v = this.comboLevels(u);
    let cost = 0;
    for (let k = 0; k < COMBO_LEVELS; k++) cost += weights[k]! * v[i * COMBO_LEVELS + k]!;
    return cost;
  }

  /**
   * Rows a combination of participant p touches: its options' (`optionRows`), and the rows of a
   * structure held in one slot for a group taken in another (`heldElsewhereRows`).
   */
  comboRows(p: number, combo: ArrayLike<number>, out: number[]) {
    const { prep, ctx, S } = this;
    const G = this.groups.length;
    for (let s = 0; s < S; s++) {
      const option = combo[s]!;
      this.optionRows(p, option, out);
      const g = this.groupOf(option);
      const list = g >= 0 ? this.rows.heldElsewhere.get(g) : undefined;
      if (!list) continue;
      if (option >= G) {
        // A named pool of the group: it counts in the rows of the group's other structures.
        const own = prep.pools[option - G]!.structure;
        for (const [st, row] of list) if (st !== own) out.push(row);
        continue;
      }
      for (let other = 0; other < S; other++) {
        if (other === s) continue;
        const o = combo[other]!;
        const held =
          o >= G
            ? prep.pools[o - G]!.structure
            : o === OPTION_LOCKED
              ? ctx.lockedStructure[p * S + other]!
              : -1;
        if (held < 0) continue;
        for (const [st, row] of list) if (st === held) out.push(row);
      }
    }
  }

  /** Rows an option of participant p touches. */
  optionRows(p: number, option: number, out: number[]) {
    const g = this.groupOf(option);
    if (g < 0) return;
    const { prep, rows } = this;
    const G = this.groups.length;
    const o = prep.participantOrganisme[p]!;
    const push = (row: number | undefined) => {
      if (row !== undefined && row >= 0) out.push(row);
    };
    push(rows.capacity[g]);
    push(rows.load[g]);
    if (prep.participantStepFree[p] === 1) push(rows.stepFree[g]);
    push(rows.conflict.get(g * prep.organismeCount + o));
    push(rows.organisme.get(g * prep.organismeCount + o));
    push(rows.public.get(g * prep.publicCount + prep.participantPublic[p]!));
    if (option >= G) push(rows.named.get(option - G));
  }

  #buildRows(): Rows {
    const sink = rowSink();
    const add = sink.add;
    const unit = Int32Array.from(this.units.map((x) => add(x.members.length, x.members.length)));
    const demand = this.#rowDemand();
    const G = this.groups.length;
    const rows = {
      capacity: new Int32Array(G).fill(-1),
      stepFree: new Int32Array(G).fill(-1),
      load: new Int32Array(G).fill(-1),
      conflict: new Map<number, number>(),
      organisme: new Map<number, number>(),
      public: new Map<number, number>(),
      named: new Map<number, number>(),
    };
    this.groups.forEach((group, g) => {
      const total = demand.get(`c${g}`) ?? 0;
      if (total === 0) return;
      if (total > group.capacity) rows.capacity[g] = add(-Infinity, group.capacity);
      if (total > group.softRoom)
        rows.load[g] = add(-Infinity, group.softRoom, WEIGHTS.tutorLoad, LEVEL.tutorLoad);
      if ((demand.get(`s${g}`) ?? 0) > group.stepFreeCapacity)
        rows.stepFree[g] = add(-Infinity, group.stepFreeCapacity);
      this.#organismeRows(group, g, demand, add, rows);
      this.#publicRows(group, g, demand, add, rows.public);
    });
    this.prep.pools.forEach((pool, q) => {
      if ((demand.get(`n${q}`) ?? 0) > pool.capacity) rows.named.set(q, add(-Infinity, pool.capacity));
    });
    const heldElsewhere = this.#heldElsewhereRows(demand, add);
    return {
      unit,
      ...rows,
      heldElsewhere,
      lower: sink.lower,
      upper: sink.upper,
      penaltyCost: sink.penaltyCost,
      penaltyLevel: sink.penaltyLevel,
    };
  }

  /**
   * Demand that could reach each row, to leave out rows that can never bind: keyed `c<group>`
   * (capacity and load), `o<group>,<organisme>`, `p<group>,<public>`, `s<group>` (step-free),
   * `n<pool>` (named).
   */
  #rowDemand(): Map<string, number> {
    const prep = this.prep;
    const G = this.groups.length;
    const demand = new Map<string, number>();
    const bump = (key: string, n: number) => demand.set(key, (demand.get(key) ?? 0) + n);
    this.units.forEach((x) => {
      const p = x.members[0]!;
      const n = x.members.length;
      const seen = new Set<number>();
      x.options.forEach((list) => {
        for (const option of list) {
          const g = this.groupOf(option);
          if (g < 0) continue;
          if (option >= G) bump(`n${option - G}`, n);
          if (seen.has(g)) continue;
          seen.add(g);
          bump(`c${g}`, n);
          bump(`o${g},${prep.participantOrganisme[p]}`, n);
          bump(`p${g},${prep.participantPublic[p]}`, n);
          if (prep.participantStepFree[p] === 1) bump(`s${g}`, n);
        }
      });
    });
    return demand;
  }

  /**
   * Someone who holds structure st in one slot (a named pool, or a locked row) and takes group g
   * generically in another cannot be in st's pool of g: with the named takers of g's other pools,
   * they fit in the capacity of g's pools other than st's. The group's capacity row alone let the
   * model count st's seats for them (measured: two people meant for one CAF left, one of them
   * holding the other CAF in the other slot, and naming the pools lost a wish met). A row per
   * group and structure some unit may hold so, when the group's demand exceeds that capacity.
   */
  #heldElsewhereRows(
    demand: ReadonlyMap<string, number>,
    add: RowSink["add"],
  ): Map<number, readonly (readonly [number, number])[]> {
    const { prep } = this;
    const nSt = prep.structures.length;
    const pairs = this.#heldElsewherePairs();
    const out = new Map<number, [number, number][]>();
    for (const key of [...pairs].sort((a, b) => a - b)) {
      const g = Math.floor(key / nSt);
      const st = key % nSt;
      const group = this.groups[g]!;
      let room = 0;
      for (const q of group.pools) if (prep.pools[q]!.structure !== st) room += prep.pools[q]!.capacity;
      if ((demand.get(`c${g}`) ?? 0) <= room) continue;
      const list = out.get(g) ?? [];
      list.push([st, add(-Infinity, room)]);
      out.set(g, list);
    }
    return out;
  }

  /** The pairs `group * structures + structure` some unit may take generically while holding the structure in another slot. */
  #heldElsewherePairs(): Set<number> {
    const { prep, S } = this;
    const G = this.groups.length;
    const nSt = prep.structures.length;
    const pairs = new Set<number>();
    for (const unit of this.units) {
      for (let s = 0; s < S; s++) {
        for (const option of unit.options[s]!) {
          if (option < 0 || option >= G) continue;
          const pools = this.groups[option]!.pools;
          if (pools.length > HELD_ROW_MAX_POOLS) continue;
          for (let other = 0; other < S; other++) {
            if (other === s) continue;
            for (const st of this.#heldStructures(unit, other)) {
              if (pools.some((q) => prep.pools[q]!.structure === st)) pairs.add(option * nSt + st);
            }
          }
        }
      }
    }
    return pairs;
  }

  /** The structures a unit may hold in slot s: its named pools', or its locked row's. */
  #heldStructures(unit: Unit, s: number): Set<number> {
    const { prep, ctx, S } = this;
    const G = this.groups.length;
    const p = unit.members[0]!;
    const held = new Set<number>();
    for (const o of unit.options[s]!) {
      if (o >= G) held.add(prep.pools[o - G]!.structure);
      else if (o === OPTION_LOCKED && ctx.lockedStructure[p * S + s]! >= 0)
        held.add(ctx.lockedStructure[p * S + s]!);
    }
    return held;
  }

  /** Per organisme in the group: the conflict-of-interest row and the mixing row, when they can bind. */
  #organismeRows(
    group: Group,
    g: number,
    demand: ReadonlyMap<string, number>,
    add: RowSink["add"],
    rows: { readonly conflict: Map<number, number>; readonly organisme: Map<number, number> },
  ): void {
    const { prep, S } = this;
    const nSt = prep.structures.length;
    for (let o = 0; o < prep.organismeCount; o++) {
      const n = demand.get(`o${g},${o}`) ?? 0;
      if (n === 0) continue;
      const room = group.capacity - (group.capacityByOrganisme.get(o) ?? 0);
      if (n > room) rows.conflict.set(g * prep.organismeCount + o, add(-Infinity, room));
      // One person of an organisme per pool is free, in pools of another organisme where none is locked.
      let free = 0;
      for (const q of group.pools) {
        const st = prep.pools[q]!.structure;
        if (prep.structureOrganisme[st] === o) continue;
        if (!prep.lockedOrganisme.has(mixKey(o, st, group.slot, nSt, S))) free++;
      }
      if (n > free)
        rows.organisme.set(
          g * prep.organismeCount + o,
          add(-Infinity, free, WEIGHTS.sameOrganisme, LEVEL.sameOrganisme),
        );
    }
  }

  /** Per public in the group: the spread row, when it can bind. */
  #publicRows(
    group: Group,
    g: number,
    demand: ReadonlyMap<string, number>,
    add: RowSink["add"],
    publicRows: Map<number, number>,
  ): void {
    const { prep, S } = this;
    const nSt = prep.structures.length;
    for (let k = 0; k < prep.publicCount; k++) {
      const n = demand.get(`p${g},${k}`) ?? 0;
      if (n === 0) continue;
      let free = 0;
      for (const q of group.pools) {
        const st = prep.pools[q]!.structure;
        free += Math.max(
          0,
          WEIGHTS.publicsFree - (prep.lockedPublic.get(mixKey(k, st, group.slot, nSt, S)) ?? 0),
        );
      }
      if (n > free)
        publicRows.set(
          g * prep.publicCount + k,
          add(-Infinity, free, WEIGHTS.samePublic, LEVEL.publicSpread),
        );
    }
  }

  /**
   * The model over the combinations in `inModel`, column-wise: penalty columns first, then the
   * combinations in the order they entered (so a basis stays valid when columns are added). Costs are the
   * levels weighted by `weights` (`LEVELS` order); each `fixed` level becomes a row after the
   * aggregation's own, its value at most `upper` (the levels above, held at their optimum).
   */
  build(inModel: Columns, weights: readonly number[], fixed: readonly FixedLevel[]): AggregatedModel {
    const rows = this.rows;
    const base = rows.lower.length;
    const cols: ColumnSink = {
      cost: [],
      upper: [],
      integer: [],
      colUnit: [],
      colCombo: [],
      starts: [0],
      indices: [],
      values: [],
    };
    this.#penaltyColumns(cols, weights, fixed);
    const scratch: number[] = [];
    for (const key of inModel.list) this.#comboColumn(cols, key, weights, fixed, scratch);
    const numCols = cols.cost.length;
    return {
      arrays: {
        numCols,
        numRows: base + fixed.length,
        colCost: Float64Array.from(cols.cost),
        colLower: new Float64Array(numCols),
        colUpper: Float64Array.from(cols.upper),
        integrality: Int32Array.from(cols.integer),
        rowLower: Float64Array.from([...rows.lower, ...fixed.map(() => -Infinity)]),
        rowUpper: Float64Array.from([...rows.upper, ...fixed.map((f) => f.upper)]),
        format: "csc",
        starts: Int32Array.from(cols.starts),
        indices: Int32Array.from(cols.indices),
        values: Float64Array.from(cols.values),
      },
      colUnit: Int32Array.from(cols.colUnit),
      colCombo: Int32Array.from(cols.colCombo),
      rows,
    };
  }

  /** The penalty columns, one per penalty row, each also in the rows of the `fixed` levels it counts for. */
  #penaltyColumns(cols: ColumnSink, weights: readonly number[], fixed: readonly FixedLevel[]): void {
    const base = this.rows.lower.length;
    this.rows.penaltyLevel.forEach((level, row) => {
      if (level < 0) return;
      cols.indices.push(row);
      cols.values.push(-1);
      fixed.forEach((f, j) => {
        if (f.level === level) {
          cols.indices.push(base + j);
          cols.values.push(1);
        }
      });
      cols.starts.push(cols.indices.length);
      cols.cost.push(weights[level]!);
      cols.upper.push(Infinity);
      cols.integer.push(0);
      cols.colUnit.push(-1);
      cols.colCombo.push(row);
    });
  }

  /** The column of one combination (`key`: unit × combination): its rows, those of the `fixed` levels, its cost. */
  #comboColumn(
    cols: ColumnSink,
    key: number,
    weights: readonly number[],
    fixed: readonly FixedLevel[],
    scratch: number[],
  ): void {
    const rows = this.rows;
    const base = rows.lower.length;
    const u = Math.floor(key / COMBO_KEY);
    const i = key % COMBO_KEY;
    const unit = this.units[u]!;
    const levels = this.comboLevels(u);
    let entries = this.#entries.get(key);
    if (!entries) {
      const combo = this.combinations(u).at(i);
      const p = unit.members[0]!;
      scratch.length = 0;
      scratch.push(rows.unit[u]!);
      this.comboRows(p, combo, scratch);
      scratch.sort((a, b) => a - b);
      entries = Int32Array.from(scratch);
      this.#entries.set(key, entries);
    }
    const { indices, values } = cols;
    // Sorted rows, a row repeated once per slot that enters it.
    for (let e = 0; e < entries.length; e++) {
      const row = entries[e]!;
      if (e > 0 && entries[e - 1] === row) values[values.length - 1]!++;
      else {
        indices.push(row);
        values.push(1);
      }
    }
    fixed.forEach(({ level }, j) => {
      const v = level < COMBO_LEVELS ? levels[i * COMBO_LEVELS + level]! : 0;
      if (v !== 0) {
        indices.push(base + j);
        values.push(v);
      }
    });
    cols.starts.push(indices.length);
    cols.cost.push(this.comboCost(u, i, weights));
    cols.upper.push(unit.members.length);
    cols.integer.push(1);
    cols.colUnit.push(u);
    cols.colCombo.push(i);
  }

  /**
   * Adds, per unit, the combinations with the most negative reduced costs under `weights` (the
   * `fixed` rows' duals counted). `boundShift` makes LP + boundShift the Lagrangian bound of the
   * model over every combination: per unit, size × the most negative reduced cost, less what the
   * LP already gains from columns at their upper bound (size × their negative reduced cost).
   */
  price(
    model: AggregatedModel,
    values: Float64Array,
    dual: Float64Array,
    inModel: Columns,
    weights: readonly number[],
    fixed: readonly FixedLevel[],
  ): { entering: number; boundShift: number } {
    let entering = 0;
    let boundShift = 0;
    const scratch: number[] = [];
    const base = this.rows.lower.length;
    const taken = new Map<number, number>();
    for (let col = 0; col < model.colUnit.length; col++) {
      const u = model.colUnit[col]!;
      if (u >= 0 && values[col]! > EPSILON) taken.set(u * COMBO_KEY + model.colCombo[col]!, values[col]!);
    }
    this.units.forEach((unit, u) => {
      const p = unit.members[0]!;
      const combos = this.combinations(u);
      const levels = this.comboLevels(u);
      const found: [number, number][] = [];
      let best = 0;
      let gained = 0;
      combos.forEach((combo, i) => {
        let rc = this.comboCost(u, i, weights) - dual[this.rows.unit[u]!]!;
        scratch.length = 0;
        this.comboRows(p, combo, scratch);
        for (const row of scratch) rc -= dual[row]!;
        fixed.forEach(({ level }, j) => {
          if (level < COMBO_LEVELS) rc -= dual[base + j]! * levels[i * COMBO_LEVELS + level]!;
        });
        if (rc < best) best = rc;
        if (rc < 0) gained += rc * (taken.get(u * COMBO_KEY + i) ?? 0);
        if (rc < -EPSILON && !inModel.has(u, i)) found.push([rc, i]);
      });
      boundShift += best * unit.members.length - gained;
      found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (const [, i] of found.slice(0, ENTERING_PER_UNIT)) {
        inModel.add(u, i);
        entering++;
      }
    });
    return { entering, boundShift };
  }

  /** The value (minimising sense) of each `fixed` level at column values `x` of `model`. */
  levelActivity(model: AggregatedModel, x: Float64Array, fixed: readonly FixedLevel[]): number[] {
    return fixed.map(({ level }) => {
      let total = 0;
      for (let col = 0; col < model.colUnit.length; col++) {
        const v = x[col]!;
        if (v === 0) continue;
        const u = model.colUnit[col]!;
        if (u >= 0) {
          if (level < COMBO_LEVELS)
            total += v * this.comboLevels(u)[model.colCombo[col]! * COMBO_LEVELS + level]!;
        } else if (this.rows.penaltyLevel[model.colCombo[col]!] === level) total += v;
      }
      return total;
    });
  }

  /** Per participant, the combination index their placement in `assign` maps to. */
  combosOf(assign: Int32Array): number[] {
    const { prep, S, T } = this;
    const G = this.groups.length;
    return prep.participants.map((_, p) => {
      const u = this.unitOf[p]!;
      const combo: number[] = [];
      for (let s = 0; s < S; s++) {
        const q = assign[p * S + s]!;
        if (prep.locked[p * S + s]) combo.push(OPTION_LOCKED);
        else if (q < 0) combo.push(OPTION_UNPLACED);
        else {
          const options = this.units[u]!.options[s]!;
          combo.push(options.includes(G + q) ? G + q : s * T + prep.structureType[prep.pools[q]!.structure]!);
        }
      }
      const index = this.combinations(u).findIndex((c) => c.every((o, s) => o === combo[s]));
      // A placement the options do not cover would be a bug; unplaced everywhere is always there.
      return index >= 0 ? index : this.combinations(u).findIndex((c) => c.every((o) => o < 0));
    });
  }

  /**
   * An integer choice from LP values: whole parts first, then the remaining members of each unit in
   * order of fractional value, each taking the first combination the group rows still have room for.
   */
  round(model: AggregatedModel, values: Float64Array): Choice {
    const counts = this.#counts(model, values, true);
    const room = this.#rowRoom(model, counts);
    const choice = new Int32Array(this.prep.participants.length * this.S);
    const scratch: number[] = [];
    const fits = (u: number, combo: Int32Array) => {
      scratch.length = 0;
      const p = this.units[u]!.members[0]!;
      this.comboRows(p, combo, scratch);
      const need = new Map<number, number>();
      for (const row of scratch) need.set(row, (need.get(row) ?? 0) + 1);
      for (const [row, n] of need) if (this.rows.penaltyCost[row] === 0 && room[row]! < n) return false;
      for (const [row, n] of need) room[row]! -= n;
      return true;
    };
    const colsOf: number[][] = this.units.map(() => []);
    for (let col = 0; col < model.colUnit.length; col++) {
      const u = model.colUnit[col]!;
      if (u >= 0) colsOf[u]!.push(col);
    }
    this.units.forEach((unit, u) => {
      const whole = counts.get(u) ?? new Map<number, number>();
      let left = unit.members.length - [...whole.values()].reduce((a, b) => a + b, 0);
      const fractional: [number, number][] = [];
      for (const col of colsOf[u] ?? []) {
        const f = values[col]! - Math.floor(values[col]! + EPSILON);
        if (f > EPSILON) fractional.push([f, model.colCombo[col]!]);
      }
      fractional.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      const combos = this.combinations(u);
      const byCost = Array.from({ length: combos.length }, (_, i) => [this.comboKey(u, i), i] as const).sort(
        (a, b) => a[0] - b[0] || a[1] - b[1],
      );
      const extra: number[] = [];
      while (left > 0) {
        const pick =
          fractional.find(([, i]) => fits(u, combos.at(i)))?.[1] ??
          byCost.find(([, i]) => fits(u, combos.at(i)))![1];
        extra.push(pick);
        left--;
      }
      const list = [...[...whole].flatMap(([i, n]) => Array<number>(n).fill(i)), ...extra];
      unit.members.forEach((p, k) => {
        const combo = combos.at(list[k]!);
        combo.forEach((option, s) => {
          choice[p * this.S + s] = option;
        });
      });
    });
    return choice;
  }

  /** Per unit, whole counts per combination (`floor` of the LP, or the MIP's integers). */
  #counts(model: AggregatedModel, values: Float64Array, floor: boolean): Map<number, Map<number, number>> {
    const counts = new Map<number, Map<number, number>>();
    for (let col = 0; col < model.colUnit.length; col++) {
      const u = model.colUnit[col]!;
      if (u < 0) continue;
      const n = floor ? Math.floor(values[col]! + EPSILON) : Math.round(values[col]!);
      if (n <= 0) continue;
      const map = counts.get(u) ?? new Map<number, number>();
      map.set(model.colCombo[col]!, (map.get(model.colCombo[col]!) ?? 0) + n);
      counts.set(u, map);
    }
    return counts;
  }

  #rowRoom(model: AggregatedModel, counts: Map<number, Map<number, number>>): Float64Array {
    const room = Float64Array.from(this.rows.upper);
    const scratch: number[] = [];
    for (const [u, map] of counts) {
      const p = this.units[u]!.members[0]!;
      for (const [i, n] of map) {
        scratch.length = 0;
        this.comboRows(p, this.combinations(u).at(i), scratch);
        for (const row of scratch) room[row]! -= n;
      }
    }
    void model;
    return room;
  }

  readChoice(model: AggregatedModel, values: Float64Array): Choice {
    const counts = this.#counts(model, values, false);
    const choice = new Int32Array(this.prep.participants.length * this.S);
    this.units.forEach((unit, u) => {
      const list = [...(counts.get(u) ?? [])]
        .sort((a, b) => a[0] - b[0])
        .flatMap(([i, n]) => Array<number>(n).fill(i));
      const combos = this.combinations(u);
      unit.members.forEach((p, k) => {
        const combo = combos.at(list[k] ?? combos.findIndex((c) => c.every((o) => o < 0)));
        combo.forEach((option, s) => {
          choice[p * this.S + s] = option;
        });
      });
    });
    return choice;
  }

  /** A MIP start from a choice: combination counts and the penalty columns they imply. */
  startVector(model: AggregatedModel, choice: Choice): Float64Array {
    const x = new Float64Array(model.arrays.numCols);
    const colOf = new Map<string, number>();
    for (let col = 0; col < model.colUnit.length; col++) {
      if (model.colUnit[col]! >= 0) colOf.set(`${model.colUnit[col]},${model.colCombo[col]}`, col);
    }
    const activity = new Float64Array(model.arrays.numRows);
    const scratch: number[] = [];
    this.prep.participants.forEach((_, p) => {
      const u = this.unitOf[p]!;
      const combo = Array.from({ length: this.S }, (_, s) => choice[p * this.S + s]!);
      const i = this.combinations(u).findIndex((c) => c.every((o, s) => o === combo[s]));
      const col = colOf.get(`${u},${i}`);
      if (col !== undefined) x[col]!++;
      scratch.length = 0;
      this.comboRows(p, combo, scratch);
      for (const row of scratch) activity[row]!++;
    });
    for (let col = 0; col < model.colUnit.length; col++) {
      if (model.colUnit[col]! >= 0) continue;
      const row = model.colCombo[col]!;
      x[col] = Math.max(0, activity[row]! - this.rows.upper[row]!);
    }
    return x;
  }

  /** Names the pool of every placement (`disaggregate` of ./disaggregate.ts). */
  disaggregate(choice: Choice, improve: boolean): Int32Array {
    return disaggregate(this.prep, this.ctx, this.groups, choice, improve);
  }
}

/**
 * Whether each slot can be given a structure of its own among its candidates (`undefined`: no
 * constraint), no structure twice: a system of distinct representatives, by backtracking (a
 * handful of slots, each with at most slots + 1 candidates or unconstrained).
 */
export function distinctStructures(candidates: readonly (readonly number[] | undefined)[]): boolean {
  const lists = candidates.filter((list): list is readonly number[] => list !== undefined);
  const used = new Set<number>();
  const place = (i: number): boolean => {
    if (i === lists.length) return true;
    for (const st of lists[i]!) {
      if (used.has(st)) continue;
      used.add(st);
      if (place(i + 1)) return true;
      used.delete(st);
    }
    return false;
  };
  return place(0);
}
