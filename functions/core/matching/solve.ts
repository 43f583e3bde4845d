/**
 * The solve, by size:
 * - up to `EXACT_COLUMN_LIMIT` eligible placements (participant × slot × pool), the lexicographic
 *   solve (`lexicographic.ts`): the levels of `levels.ts` in order, each proven (or bounded) with
 *   the levels above fixed at their optimum; then, if the situation level is not proven, the
 *   situations alone, structures fixed (`situations.ts`), which changes no other level;
 * - above, the aggregated model (`aggregate.ts`): pools of one type in one slot as one group,
 *   identical participants as one unit, solved in the same order level by level (each level's
 *   bound the LP's with the levels above held); its rounded solution (improved by a MIP when
 *   short) is spread over the pools, then the situations are solved on the structures chosen.
 * Either way the greedy assignment is the fallback when the solver does not answer.
 */
import { type FirstStage, solveAggregated } from "./aggregate.js";
import { evaluate, finalize, greedyAssignment } from "./assignment.js";
import { HELD_TRY_SHARE, solveHoldingPrevious } from "./held-rerun.js";
import { LEVELS, type LevelReport, levelGap, levelValues, trivialReports } from "./levels.js";
import { type LexOutcome, solveLexicographic } from "./lexicographic.js";
import { eligible, type LockedContext, lockedContext, type ModelArrays } from "./model.js";
import { polishReported } from "./polish.js";
import { type Prepared, prepare } from "./prepare.js";
import {
  buildSituationModel,
  evaluateSituations,
  greedySituations,
  readSituations,
  situationStart,
} from "./situations.js";
import {
  EPSILON,
  type LinearSolver,
  MODEL_STATUS,
  type SolveAnswer,
  SolverUnavailableError,
  TimeBudget,
} from "./solver.js";
import type { MatchingProblem, MatchingResult, SolveOptions } from "./types.js";

/** Above this many eligible placements (participant × slot × pool), the aggregated model is used. */
const EXACT_COLUMN_LIMIT = 120_000;
/** The whole solve's time limit when none is given (seconds). */
const DEFAULT_TIME_LIMIT_SECONDS = 50;

/**
 * Places every participant (see the module comment for the path by size). `solver` is the
 * `LinearSolver` port (HiGHS in a worker, `adapters/highs-solver.ts`, in production);
 * `options.timeLimitSeconds` (default 50) bounds the whole solve, by `options.clock` when given,
 * else by the solver's own time. Throws only on a bug: a solver that fails falls back to greedy,
 * which the result says (`stats.solverStatus` `fallback`).
 */
export async function solvePlacements(
  problem: MatchingProblem,
  options: SolveOptions,
  linearSolver: LinearSolver,
): Promise<MatchingResult> {
  if (options.holdPrevious !== false && problem.previous?.length) {
    const started = options.clock?.();
    const whole = (rerun: MatchingProblem, rerunOptions: SolveOptions) =>
      solvePlacements(rerun, { ...rerunOptions, holdPrevious: false }, linearSolver);
    const held = await solveHoldingPrevious(problem, options, whole);
    if (held) return held;
    const spent = started === undefined ? 0 : options.clock!() - started;
    const limit = options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS;
    return whole(problem, {
      ...options,
      timeLimitSeconds: Math.max(limit * (1 - HELD_TRY_SHARE), limit - spent),
    });
  }
  const budget = new TimeBudget(options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS, options.clock);
  const solver = budget.counting(linearSolver);
  const elapsed = () => budget.spent();
  const remaining = () => budget.remaining();
  const prep = prepare(problem);
  const ctx = lockedContext(prep);
  const greedy = greedyAssignment(prep, ctx);
  if (eligibleColumns(prep, ctx) <= (options.aggregateAbove ?? EXACT_COLUMN_LIMIT) || prep.slots.length > 2) {
    const start = { assign: greedy, situation: greedySituations(prep, ctx, greedy) };
    let outcome: LexOutcome | undefined;
    try {
      outcome = await solveLexicographic(prep, ctx, start, solver, remaining);
    } catch (error) {
      if (!(error instanceof SolverUnavailableError)) throw error;
    }
    let chosen = outcome ?? start;
    let levels =
      outcome?.levels ?? trivialReports(prep, ctx, levelValues(prep, ctx, start.assign, start.situation));
    if (!levels[SAME_SITUATION]?.proven) {
      // The situations alone, structures fixed, change no other level: a gain on level 5 for free.
      const improved = await solveSituationsSafely(prep, ctx, chosen, solver, remaining);
      const values = levelValues(prep, ctx, chosen.assign, improved);
      if (values[SAME_SITUATION]! < levels[SAME_SITUATION]!.value) {
        chosen = { assign: chosen.assign, situation: improved };
        levels = levels.map((level, i) => ({
          ...level,
          value: values[i]!,
          proven: level.proven || values[i] === level.bound,
        }));
      }
    }
    if (levels.some((level) => !level.proven)) {
      const polished = polishReported(prep, ctx, chosen, levels);
      chosen = polished;
      levels = polished.levels;
    }
    const { placements, unplaced } = finalize(prep, ctx, chosen.assign, chosen.situation);
    return {
      placements,
      unplaced,
      levels,
      objective:
        evaluate(prep, ctx, chosen.assign) + evaluateSituations(prep, ctx, chosen.assign, chosen.situation),
      optimal: levels.every((level) => level.proven),
      gap: Math.max(0, ...levels.map(levelGap)),
      stats: {
        participants: prep.participants.length,
        columns: outcome?.columns ?? 0,
        rows: outcome?.rows ?? 0,
        pricedColumns: 0,
        pricingRounds: outcome?.solves ?? 0,
        lpBound: 0,
        solveSeconds: elapsed(),
        solverStatus: outcome ? "lexicographic" : "fallback",
      },
    };
  }
  return solveWeighted(prep, ctx, greedy, solver, remaining, elapsed, options);
}

/**
 * Large instances: the aggregated model (see `aggregate.ts`), solved in the order of the levels,
 * then the situations on the pools chosen. Each level's bound is the aggregated LP's with the
 * levels above held at their optimum; the situations' (5b) holds for the structures chosen.
 */
async function solveWeighted(
  prep: Prepared,
  ctx: LockedContext,
  greedy: Int32Array,
  solver: LinearSolver,
  remaining: () => number,
  elapsed: () => number,
  options: SolveOptions,
): Promise<MatchingResult> {
  const greedyStage: FirstStage = {
    assign: greedy,
    status: "fallback",
    levelBounds: LEVELS.map(() => undefined),
    columns: 0,
    rows: 0,
    pricedColumns: 0,
    pricingRounds: 0,
  };
  let first = greedyStage;
  try {
    first = await solveAggregated(prep, ctx, greedyStage, solver, options, remaining);
  } catch (error) {
    if (!(error instanceof SolverUnavailableError)) throw error;
  }
  const start = greedySituations(prep, ctx, first.assign);
  const solved = await solveSituations(prep, ctx, first.assign, start, solver, remaining);
  const values = levelValues(prep, ctx, first.assign, solved.situation);
  const polished = polishReported(
    prep,
    ctx,
    { assign: first.assign, situation: solved.situation },
    reportsAt(prep, ctx, first, values),
  );
  const { assign: best, situation } = polished;
  const levels = reportsAt(
    prep,
    ctx,
    first,
    polished.levels.map((level) => level.value),
  );
  const second = evaluateSituations(prep, ctx, best, situation);
  const { placements, unplaced } = finalize(prep, ctx, best, situation);
  return {
    placements,
    unplaced,
    levels,
    objective: evaluate(prep, ctx, best) + second,
    optimal: levels.every((level) => level.proven),
    gap: Math.max(0, ...levels.map(levelGap)),
    stats: {
      participants: prep.participants.length,
      columns: first.columns,
      rows: first.rows,
      pricedColumns: first.pricedColumns,
      pricingRounds: first.pricingRounds,
      lpBound: 0,
      solveSeconds: elapsed(),
      solverStatus: first.status,
    },
  };
}

/**
 * The level reports of a placement of level values `values`: each aggregated bound made valid for
 * those values (`FirstStage.boundsAt`), else the trivial one; never past the value reached.
 */
function reportsAt(
  prep: Prepared,
  ctx: LockedContext,
  first: FirstStage,
  values: readonly number[],
): LevelReport[] {
  const bounds = first.boundsAt?.(values) ?? first.levelBounds;
  return trivialReports(prep, ctx, values).map((level, k) => {
    const found = bounds[k] ?? level.bound;
    const bound = level.sense === "min" ? Math.min(found, level.value) : Math.max(found, level.value);
    return { ...level, bound, proven: level.value === bound };
  });
}

/**
 * The situations, structures being fixed (see `situations.ts`): the value of the situation stage
 * and its proven bound. Never worse than `start`.
 */
async function solveSituations(
  prep: Prepared,
  ctx: LockedContext,
  best: Int32Array,
  start: Int32Array,
  solver: LinearSolver,
  remaining: () => number,
): Promise<{ situation: Int32Array; value: number; bound: number }> {
  let situation = start;
  let second = evaluateSituations(prep, ctx, best, situation);
  let secondBound = 0;
  try {
    const model = buildSituationModel(prep, ctx, best);
    // The LP is usually integral: then it is the optimum, and the MIP is not needed; when it is
    // not, the MIP around it usually reaches its bound.
    const lp =
      model.zCount > 0 && second > 0
        ? await solver.solve({ kind: "lp", model: model.arrays, timeLimitSeconds: remaining() })
        : undefined;
    const integral =
      lp?.status === MODEL_STATUS.optimal &&
      lp.colValue.subarray(0, model.zCount).every((v) => v < EPSILON || v > 1 - EPSILON);
    const rounded =
      lp && !integral && lp.status === MODEL_STATUS.optimal
        ? await solveAroundLp(solver, model.arrays, lp, remaining())
        : undefined;
    if (lp && (integral || rounded)) {
      const chosen = readSituations(model, rounded ?? lp.colValue, best.length);
      const value = evaluateSituations(prep, ctx, best, chosen);
      if (value < second - EPSILON) {
        situation = chosen;
        second = value;
      }
      secondBound = Math.min(second, Math.ceil(lp.objective - EPSILON));
    } else if (model.zCount > 0 && second > 0) {
      const answer = await solver.solve({
        kind: "mip",
        model: model.arrays,
        timeLimitSeconds: remaining(),
        start: situationStart(model, situation),
        mipAbsGap: 1 - EPSILON,
        // A small model: presolve costs more than it saves.
        presolve: "off",
      });
      if (answer.hasSolution) {
        const chosen = readSituations(model, answer.colValue, best.length);
        const value = evaluateSituations(prep, ctx, best, chosen);
        if (value < second - EPSILON) {
          situation = chosen;
          second = value;
        }
      }
      secondBound =
        answer.status === MODEL_STATUS.optimal ? second : Math.ceil(answer.mipDualBound - EPSILON);
    } else secondBound = second;
  } catch (error) {
    if (!(error instanceof SolverUnavailableError)) throw error;
  }

  return { situation, value: second, bound: secondBound };
}

const SAME_SITUATION = LEVELS.findIndex((level) => level.key === "sameSituation");

async function solveSituationsSafely(
  prep: Prepared,
  ctx: LockedContext,
  chosen: { assign: Int32Array; situation: Int32Array },
  solver: LinearSolver,
  remaining: () => number,
): Promise<Int32Array> {
  try {
    return (await solveSituations(prep, ctx, chosen.assign, chosen.situation, solver, remaining)).situation;
  } catch (error) {
    if (!(error instanceof SolverUnavailableError)) throw error;
    return chosen.situation;
  }
}

/** The greedy baseline as a full result (its `gap` is measured against a bound of 0). */
export function greedyPlacements(problem: MatchingProblem): MatchingResult {
  const prep = prepare(problem);
  const ctx = lockedContext(prep);
  const assign = greedyAssignment(prep, ctx);
  const situation = greedySituations(prep, ctx, assign);
  const objective = evaluate(prep, ctx, assign) + evaluateSituations(prep, ctx, assign, situation);
  const { placements, unplaced } = finalize(prep, ctx, assign, situation);
  return {
    placements,
    unplaced,
    levels: trivialReports(prep, ctx, levelValues(prep, ctx, assign, situation)),
    objective,
    optimal: false,
    gap: objective > 0 ? 1 : 0,
    stats: {
      participants: prep.participants.length,
      columns: 0,
      rows: 0,
      pricedColumns: 0,
      pricingRounds: 0,
      lpBound: 0,
      solveSeconds: 0,
      solverStatus: "greedy",
    },
  };
}

function eligibleColumns(prep: Prepared, ctx: LockedContext): number {
  const S = prep.slots.length;
  let count = 0;
  for (let p = 0; p < prep.participants.length; p++) {
    for (let s = 0; s < S; s++) {
      if (prep.locked[p * S + s]) continue;
      for (const q of prep.poolsBySlot[s]!) if (eligible(prep, ctx, p, q)) count++;
    }
  }
  return count;
}

/**
 * The MIP restricted to the LP's fractional variables, every integral one fixed at its LP value:
 * a model of a few dozen free columns, solved in milliseconds where the full MIP spends its time at
 * the root. On these instances its solution usually reaches the LP bound rounded up, which proves
 * it optimal for the full model (the objective is an integer); then its values are returned.
 * Otherwise (no solution, or one above the bound) `undefined`, and the caller runs the full MIP.
 */
async function solveAroundLp(
  solver: LinearSolver,
  model: ModelArrays,
  lp: SolveAnswer,
  timeLimitSeconds: number,
): Promise<Float64Array | undefined> {
  const colLower = Float64Array.from(model.colLower);
  const colUpper = Float64Array.from(model.colUpper);
  for (let col = 0; col < model.numCols; col++) {
    if (model.integrality[col] !== 1) continue;
    const v = lp.colValue[col]!;
    if (v < EPSILON) colUpper[col] = colLower[col]!;
    else if (v > 1 - EPSILON) colLower[col] = colUpper[col]!;
  }
  const answer = await solver.solve({
    kind: "mip",
    model: { ...model, colLower, colUpper },
    timeLimitSeconds,
    mipAbsGap: 1 - EPSILON,
  });
  const target = Math.ceil(lp.objective - EPSILON);
  return answer.hasSolution && answer.objective < target + EPSILON ? answer.colValue : undefined;
}
