/**
 * The exact solve, in three moves:
 * 1. sparse candidates: each participant × slot starts with a few pools per wish rank (rotated
 *    across participants so they do not all crowd the same pools), the greedy choice and the
 *    previous placement;
 * 2. pricing: the LP relaxation is solved and every pool left out is priced with its duals; pools
 *    that could lower the LP enter, until none can. The LP value is then a lower bound over every
 *    placement that respects the hard rules, not only over the candidates;
 * 3. the MIP over the candidates, started from the greedy assignment. Any placement using a pool
 *    left out costs at least LP + its reduced cost, so when every reduced cost left out is at
 *    least (incumbent − LP) the incumbent is optimal over all placements; otherwise those pools
 *    enter and the MIP runs again.
 */
import { emptyAssignment, evaluate, finalize, greedyAssignment, LOCKED, UNPLACED } from "./assignment.js";
import { type LinearSolver, MODEL_STATUS, type SolveAnswer, SolverUnavailableError, sharedSolver } from "./highs-runner.js";
import {
  type BuiltModel,
  buildModel,
  eligible,
  type LockedContext,
  lockedContext,
  price,
  startVector,
} from "./model.js";
import { type Prepared, prepare, wishRank } from "./prepare.js";
import type { MatchingProblem, MatchingResult, SolveOptions } from "./types.js";

/** Below this many eligible pools in a slot, a participant gets them all. */
const ALL_POOLS_BELOW = 48;
/** Initial pools per wish rank (`Vœu 1`, `Vœu 2`, `Vœu 3`, none) when there are more. */
const POOLS_PER_RANK = [6, 4, 4, 4] as const;
const MAX_PRICING_ROUNDS = 40;
const ENTERING_PER_SLOT = 4;
const EPSILON = 1e-6;

export async function solvePlacements(
  problem: MatchingProblem,
  options: SolveOptions = {},
  solver: LinearSolver = sharedSolver(),
): Promise<MatchingResult> {
  const started = performance.now();
  const limit = options.timeLimitSeconds ?? 50;
  const remaining = () => Math.max(0.5, limit - (performance.now() - started) / 1000);
  const prep = prepare(problem);
  const ctx = lockedContext(prep);
  const S = prep.slots.length;
  const greedy = greedyAssignment(prep, ctx);
  let candidates = initialCandidates(prep, ctx, greedy);
  const initialColumns = candidates.reduce((n, c) => n + c.length, 0);

  let best = greedy;
  let bestObjective = evaluate(prep, ctx, greedy);
  let lpBound = 0;
  let lpProven = false;
  let rounds = 0;
  let status = "fallback";
  let built: BuiltModel | undefined;
  let dualModel: BuiltModel | undefined;
  let dual: Float64Array | undefined;
  let mipBound = 0;
  let minReducedCost = Infinity;
  try {
    // Pricing on the LP relaxation.
    for (; rounds < MAX_PRICING_ROUNDS; rounds++) {
      built = buildModel(prep, ctx, candidates);
      const lp = await solver.solve({ kind: "lp", model: built.arrays, timeLimitSeconds: remaining() });
      if (lp.status !== MODEL_STATUS.optimal) break;
      dualModel = built;
      dual = lp.rowDual;
      lpBound = lp.objective;
      const priced = price(prep, ctx, built, lp.rowDual, candidates, -EPSILON, ENTERING_PER_SLOT);
      if (priced.count === 0) {
        lpProven = true;
        break;
      }
      candidates = withEntering(candidates, priced.entering);
    }
    if (!lpProven) lpBound = 0;

    // The MIP, re-run while pools left out could still improve the incumbent.
    for (let pass = 0; pass < 3; pass++) {
      built = buildModel(prep, ctx, candidates);
      const answer: SolveAnswer = await solver.solve({
        kind: "mip",
        model: built.arrays,
        timeLimitSeconds: remaining(),
        start: startVector(built, best, S),
        // The objective is an integer: a gap below 1 proves the optimum.
        mipAbsGap: 1 - EPSILON,
        mipRelGap: options.relativeGap ?? 0,
      });
      if (answer.hasSolution) {
        const assign = readAssignment(prep, built, answer.colValue);
        const objective = evaluate(prep, ctx, assign);
        if (objective < bestObjective - EPSILON && isConsistent(prep, ctx, assign)) {
          best = assign;
          bestObjective = objective;
        }
      }
      status = answer.status === MODEL_STATUS.optimal ? "optimal" : "time limit";
      mipBound = answer.status === MODEL_STATUS.optimal ? Math.min(bestObjective, answer.mipDualBound) : answer.mipDualBound;
      if (!lpProven || !dualModel || !dual) break;
      const gapToLp = bestObjective - lpBound;
      const left = price(prep, ctx, dualModel, dual, candidates, gapToLp - EPSILON, 50, gapToLp);
      minReducedCost = left.minReducedCost;
      if (left.count === 0 || status !== "optimal" || remaining() < 1) break;
      candidates = withEntering(candidates, left.entering);
    }
  } catch (error) {
    if (!(error instanceof SolverUnavailableError)) throw error;
    status = "fallback";
  }

  // A bound valid over every placement: either a solution uses only candidates (≥ the MIP bound),
  // or it uses a pool left out (≥ LP + that pool's reduced cost).
  const bound = lpProven ? Math.max(lpBound, Math.min(mipBound, lpBound + minReducedCost)) : 0;
  const provenBound = Math.ceil(bound - EPSILON);
  const gap = Math.max(0, bestObjective - provenBound) / Math.max(1, Math.abs(bestObjective));
  const { placements, unplaced } = finalize(prep, ctx, best);
  return {
    placements,
    unplaced,
    objective: bestObjective,
    optimal: status !== "fallback" && bestObjective - provenBound < 1 - EPSILON,
    gap,
    stats: {
      participants: prep.participants.length,
      columns: built?.arrays.numCols ?? 0,
      rows: built?.arrays.numRows ?? 0,
      pricedColumns: candidates.reduce((n, c) => n + c.length, 0) - initialColumns,
      pricingRounds: rounds,
      lpBound,
      solveSeconds: (performance.now() - started) / 1000,
      solverStatus: status,
    },
  };
}

/** The greedy baseline as a full result (its `gap` is measured against a bound of 0). */
export function greedyPlacements(problem: MatchingProblem): MatchingResult {
  const started = performance.now();
  const prep = prepare(problem);
  const ctx = lockedContext(prep);
  const assign = greedyAssignment(prep, ctx);
  const objective = evaluate(prep, ctx, assign);
  const { placements, unplaced } = finalize(prep, ctx, assign);
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

function initialCandidates(prep: Prepared, ctx: LockedContext, greedy: Int32Array): Int32Array[] {
  const S = prep.slots.length;
  const P = prep.participants.length;
  const candidates: Int32Array[] = new Array(P * S);
  for (let p = 0; p < P; p++) {
    for (let s = 0; s < S; s++) {
      const ps = p * S + s;
      if (prep.locked[ps]) {
        candidates[ps] = new Int32Array(0);
        continue;
      }
      const buckets: number[][] = [[], [], [], []];
      for (const q of prep.poolsBySlot[s]!) {
        if (eligible(prep, ctx, p, q)) buckets[wishRank(prep, p, prep.pools[q]!.structure)]!.push(q);
      }
      const total = buckets.reduce((n, b) => n + b.length, 0);
      const chosen = new Set<number>();
      if (total <= ALL_POOLS_BELOW) {
        for (const bucket of buckets) for (const q of bucket) chosen.add(q);
      } else {
        buckets.forEach((bucket, rank) => {
          const take = Math.min(bucket.length, POOLS_PER_RANK[rank as 0 | 1 | 2 | 3]);
          // Rotating the start spreads participants over the pools of a popular wish.
          const start = (p * 40503 + s * 7919) % Math.max(1, bucket.length);
          for (let i = 0; i < take; i++) chosen.add(bucket[(start + i) % bucket.length]!);
        });
      }
      const extra = [greedy[ps]!, prep.previousPool[ps]!];
      for (const q of extra) if (q >= 0 && eligible(prep, ctx, p, q)) chosen.add(q);
      candidates[ps] = Int32Array.from([...chosen].sort((a, b) => a - b));
    }
  }
  return candidates;
}

function withEntering(candidates: readonly Int32Array[], entering: ReadonlyMap<number, number[]>): Int32Array[] {
  const next = [...candidates];
  for (const [ps, pools] of entering) {
    next[ps] = Int32Array.from(new Set([...candidates[ps]!, ...pools])).sort();
  }
  return next;
}

function readAssignment(prep: Prepared, built: BuiltModel, values: Float64Array): Int32Array {
  const S = prep.slots.length;
  const assign = emptyAssignment(prep);
  for (let col = 0; col < built.xCount; col++) {
    if (values[col]! > 0.5) assign[built.colParticipant[col]! * S + built.colSlot[col]!] = built.colPool[col]!;
  }
  return assign;
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
