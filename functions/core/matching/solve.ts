/**
 * The solve, in two stages: structures, then situations (see `situations.ts`).
 *
 * First stage, by size:
 * - up to `EXACT_COLUMN_LIMIT` eligible placements, the exact model over every eligible pool
 *   (`model.ts`): its LP relaxation is almost always integral here, so one or two LPs prove the
 *   optimum; when it is fractional, a MIP over its fractional variables alone usually reaches the
 *   LP bound (`solveAroundLp`), and the full MIP runs only when it does not;
 * - above, the aggregated model (`aggregate.ts`): pools of one type in one slot as one group,
 *   identical participants as one unit, whose LP bounds every placement; its rounded MIP solution is
 *   then spread over the pools, and the gap to that bound is reported.
 * Either way the greedy assignment is the fallback when the solver does not answer.
 */
import { type FirstStage, solveAggregated } from "./aggregate.js";
import { emptyAssignment, evaluate, finalize, greedyAssignment, LOCKED, UNPLACED } from "./assignment.js";
import {
  type LinearSolver,
  type LpBasis,
  MODEL_STATUS,
  type SolveAnswer,
  SolverUnavailableError,
  sharedSolver,
} from "./highs-runner.js";
import {
  type BuiltModel,
  buildModel,
  eligible,
  type LockedContext,
  lockedContext,
  type ModelArrays,
  startVector,
} from "./model.js";
import { type Prepared, prepare } from "./prepare.js";
import {
  buildSituationModel,
  evaluateSituations,
  greedySituations,
  readSituations,
  situationStart,
} from "./situations.js";
import type { MatchingProblem, MatchingResult, SolveOptions } from "./types.js";

/** Above this many eligible placements (participant × slot × pool), the aggregated model is used. */
const EXACT_COLUMN_LIMIT = 120_000;
const MAX_EXACT_PASSES = 8;
const EPSILON = 1e-6;

export async function solvePlacements(
  problem: MatchingProblem,
  options: SolveOptions = {},
  solver: LinearSolver = sharedSolver(),
): Promise<MatchingResult> {
  const started = performance.now();
  const limit = options.timeLimitSeconds ?? 50;
  const elapsed = () => (performance.now() - started) / 1000;
  const remaining = () => Math.max(0.5, limit - elapsed());
  const prep = prepare(problem);
  const ctx = lockedContext(prep);
  const greedy = greedyAssignment(prep, ctx);
  const greedyStage: FirstStage = {
    assign: greedy,
    objective: evaluate(prep, ctx, greedy),
    bound: 0,
    status: "fallback",
    columns: 0,
    rows: 0,
    pricedColumns: 0,
    pricingRounds: 0,
  };
  let first = greedyStage;
  try {
    first =
      eligibleColumns(prep, ctx) <= EXACT_COLUMN_LIMIT || prep.slots.length > 2
        ? await solveExact(prep, ctx, greedyStage, solver, options, remaining)
        : await solveAggregated(prep, ctx, greedyStage, solver, options, remaining);
  } catch (error) {
    if (!(error instanceof SolverUnavailableError)) throw error;
  }
  const best = first.assign;
  const bestObjective = first.objective;
  const provenBound = Math.ceil(first.bound - EPSILON);
  const firstOptimal = first.status !== "fallback" && bestObjective - provenBound < 1 - EPSILON;
  // Second stage: the situations, structures being fixed.
  let situation = greedySituations(prep, ctx, best);
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

  const objective = bestObjective + second;
  const gap = Math.max(0, objective - provenBound - secondBound) / Math.max(1, Math.abs(objective));
  const { placements, unplaced } = finalize(prep, ctx, best, situation);
  return {
    placements,
    unplaced,
    objective,
    optimal: firstOptimal && second - secondBound < 1 - EPSILON,
    gap,
    stats: {
      participants: prep.participants.length,
      columns: first.columns,
      rows: first.rows,
      pricedColumns: first.pricedColumns,
      pricingRounds: first.pricingRounds,
      lpBound: first.bound,
      solveSeconds: (performance.now() - started) / 1000,
      solverStatus: first.status,
    },
  };
}

/** The greedy baseline as a full result (its `gap` is measured against a bound of 0). */
export function greedyPlacements(problem: MatchingProblem): MatchingResult {
  const started = performance.now();
  const prep = prepare(problem);
  const ctx = lockedContext(prep);
  const assign = greedyAssignment(prep, ctx);
  const situation = greedySituations(prep, ctx, assign);
  const objective = evaluate(prep, ctx, assign) + evaluateSituations(prep, ctx, assign, situation);
  const { placements, unplaced } = finalize(prep, ctx, assign, situation);
  return {
    placements,
    unplaced,
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
      solveSeconds: (performance.now() - started) / 1000,
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
 * The exact model over every eligible pool. Its LP relaxation is almost always integral on these
 * instances, so the LP (without presolve, which costs more than it saves here) usually settles the
 * matter; otherwise the MIP around the LP (see `solveAroundLp`), and failing that the full MIP
 * from the best assignment known. A solution that still sends someone back to a structure (never
 * with every "same structure" row, kept as a guard) gets them moved at no cost, or rows for them
 * and the solve again; bounds found on the way stay valid either way.
 */
async function solveExact(
  prep: Prepared,
  ctx: LockedContext,
  start: FirstStage,
  solver: LinearSolver,
  options: SolveOptions,
  remaining: () => number,
): Promise<FirstStage> {
  const S = prep.slots.length;
  const candidates = allCandidates(prep, ctx);
  // Every "never the same structure twice" row from the start: cheaper than the LPs that find
  // the participants who need one (the LP often ties between two structures of one type).
  const structureRows = new Set(prep.participants.map((_, p) => -(p + 1)));
  let best = start.assign;
  let bestObjective = start.objective;
  let bound = 0;
  let status = "fallback";
  let built: BuiltModel | undefined;
  let basis: LpBasis | undefined;
  let pass = 0;
  for (; pass < MAX_EXACT_PASSES; pass++) {
    built = buildModel(prep, ctx, candidates, structureRows);
    const lp = await solver.solve({
      kind: "lp",
      model: built.arrays,
      timeLimitSeconds: remaining(),
      ...(basis ? { basis: extendBasis(basis, built.arrays.numRows) } : {}),
    });
    if (lp.status !== MODEL_STATUS.optimal) break;
    basis = lp.basis;
    bound = Math.max(bound, lp.objective);
    let values = lp.colValue;
    if (isIntegral(built, values)) status = "optimal";
    else {
      const rounded = await solveAroundLp(solver, built.arrays, lp, remaining());
      if (rounded) {
        status = "optimal";
        values = rounded;
      } else {
        const answer: SolveAnswer = await solver.solve({
          kind: "mip",
          model: built.arrays,
          timeLimitSeconds: remaining(),
          start: startVector(built, best, S),
          // The objective is an integer: a gap below 1 proves the optimum.
          mipAbsGap: 1 - EPSILON,
          mipRelGap: options.relativeGap ?? 0,
        });
        status = answer.status === MODEL_STATUS.optimal ? "optimal" : "time limit";
        if (Number.isFinite(answer.mipDualBound)) bound = Math.max(bound, answer.mipDualBound);
        if (!answer.hasSolution) break;
        values = answer.colValue;
      }
    }
    const assign = readAssignment(prep, built, values);
    const repeats = repairRepeats(prep, ctx, assign);
    if (repeats.length > 0) {
      // Anyone the solution gives one type twice could tie between one structure and another.
      for (const p of sameTypeTwice(prep, assign)) structureRows.add(-(p + 1));
      for (const key of repeats) structureRows.add(-(Math.floor(key / prep.structures.length) + 1));
      continue;
    }
    const objective = evaluate(prep, ctx, assign);
    if (objective < bestObjective + EPSILON && isConsistent(prep, ctx, assign)) {
      best = assign;
      bestObjective = objective;
    }
    break;
  }
  return {
    assign: best,
    objective: bestObjective,
    bound: Math.min(bound, bestObjective),
    status,
    columns: built?.arrays.numCols ?? 0,
    rows: built?.arrays.numRows ?? 0,
    pricedColumns: 0,
    pricingRounds: pass,
  };
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

/** The basis of a model to which rows were appended since: the new rows start basic. */
function extendBasis(basis: LpBasis, numRows: number): LpBasis {
  const rowStatus = new Int32Array(numRows).fill(1);
  rowStatus.set(basis.rowStatus.subarray(0, Math.min(numRows, basis.rowStatus.length)));
  return { colStatus: basis.colStatus, rowStatus };
}

function allCandidates(prep: Prepared, ctx: LockedContext): Int32Array[] {
  const S = prep.slots.length;
  const candidates: Int32Array[] = new Array(prep.participants.length * S);
  for (let p = 0; p < prep.participants.length; p++) {
    for (let s = 0; s < S; s++) {
      candidates[p * S + s] = prep.locked[p * S + s]
        ? new Int32Array(0)
        : Int32Array.from(prep.poolsBySlot[s]!.filter((q) => eligible(prep, ctx, p, q)));
    }
  }
  return candidates;
}

function isIntegral(built: BuiltModel, values: Float64Array): boolean {
  for (let col = 0; col < built.xCount; col++) {
    const v = values[col]!;
    if (v > EPSILON && v < 1 - EPSILON) return false;
  }
  return true;
}

function readAssignment(prep: Prepared, built: BuiltModel, values: Float64Array): Int32Array {
  const S = prep.slots.length;
  const assign = emptyAssignment(prep);
  for (let col = 0; col < built.xCount; col++) {
    if (values[col]! > 0.5)
      assign[built.colParticipant[col]! * S + built.colSlot[col]!] = built.colPool[col]!;
  }
  return assign;
}

/** Keys (`p * structures + st`) of participants placed twice at one structure. */
function sameStructureRepeats(prep: Prepared, assign: Int32Array): number[] {
  const S = prep.slots.length;
  const nSt = prep.structures.length;
  const keys: number[] = [];
  for (let p = 0; p < prep.participants.length; p++) {
    const seen = new Set<number>();
    for (let s = 0; s < S; s++) {
      const q = assign[p * S + s]!;
      if (q < 0) continue;
      const st = prep.pools[q]!.structure;
      if (seen.has(st)) keys.push(p * nSt + st);
      seen.add(st);
    }
  }
  return keys;
}

/**
 * Moves a participant placed twice at one structure to another pool of the same slot when that
 * costs nothing: the relaxation without a row for them often ties between the two. Returns the keys
 * of the repeats left.
 */
function repairRepeats(prep: Prepared, ctx: LockedContext, assign: Int32Array): number[] {
  const S = prep.slots.length;
  const repeats = sameStructureRepeats(prep, assign);
  if (repeats.length === 0) return repeats;
  const load = new Int32Array(prep.pools.length);
  for (const q of assign) if (q >= 0) load[q]!++;
  let current = evaluate(prep, ctx, assign);
  for (const key of repeats) {
    const p = Math.floor(key / prep.structures.length);
    const st = key % prep.structures.length;
    let moved = false;
    for (let s = S - 1; s >= 0 && !moved; s--) {
      const from = assign[p * S + s]!;
      if (from < 0 || prep.pools[from]!.structure !== st) continue;
      for (const q of prep.poolsBySlot[s]!) {
        const pool = prep.pools[q]!;
        if (load[q]! >= pool.capacity || !eligible(prep, ctx, p, q)) continue;
        let used = false;
        for (let other = 0; other < S; other++) {
          const r = assign[p * S + other]!;
          if (r >= 0 && prep.pools[r]!.structure === pool.structure) used = true;
        }
        if (used) continue;
        assign[p * S + s] = q;
        const value = evaluate(prep, ctx, assign);
        if (value <= current) {
          current = value;
          load[from]!--;
          load[q]!++;
          moved = true;
          break;
        }
        assign[p * S + s] = from;
      }
    }
  }
  return sameStructureRepeats(prep, assign);
}

function sameTypeTwice(prep: Prepared, assign: Int32Array): number[] {
  const S = prep.slots.length;
  const found: number[] = [];
  for (let p = 0; p < prep.participants.length; p++) {
    const seen = new Set<number>();
    for (let s = 0; s < S; s++) {
      const q = assign[p * S + s]!;
      if (q < 0) continue;
      const t = prep.structureType[prep.pools[q]!.structure]!;
      if (seen.has(t)) found.push(p);
      seen.add(t);
    }
  }
  return found;
}

/** Guards against a solver answer that breaks a hard rule (it never should). */
function isConsistent(prep: Prepared, ctx: LockedContext, assign: Int32Array): boolean {
  const S = prep.slots.length;
  const load = new Int32Array(prep.pools.length);
  for (let p = 0; p < prep.participants.length; p++) {
    const seen = new Set<number>();
    for (let s = 0; s < S; s++) {
      const q = assign[p * S + s]!;
      if (q === LOCKED || q === UNPLACED) continue;
      const pool = prep.pools[q]!;
      if (pool.slot !== s || !eligible(prep, ctx, p, q) || seen.has(pool.structure)) return false;
      seen.add(pool.structure);
      if (++load[q]! > pool.capacity) return false;
    }
  }
  return true;
}
