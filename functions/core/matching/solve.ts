/**
 * The exact solve, in three moves:
 * 1. sparse candidates: each participant × slot starts with a few pools per wish rank (rotated
 *    across participants so they do not all crowd the same pools), the greedy choice and the
 *    previous placement;
 * 2. pricing: the LP relaxation is solved and every pool left out is priced with its duals; pools
 *    that could lower the LP enter, until none can. The LP value is then a lower bound over every
 *    placement that respects the hard rules, not only over the candidates;
 * 3. the MIP over the candidates, started from the greedy assignment (pools are structures in a
 *    slot; the situation inside a structure is chosen afterwards, see `situations.ts`). Any placement using a pool
 *    left out costs at least LP + its reduced cost, so when every reduced cost left out is at
 *    least (incumbent − LP) the incumbent is optimal over all placements; otherwise those pools
 *    enter and the MIP runs again.
 */
import { emptyAssignment, evaluate, finalize, greedyAssignment, LOCKED, UNPLACED } from "./assignment.js";
import {
  type LinearSolver,
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
  price,
  startVector,
} from "./model.js";
import { type Prepared, prepare, wishRank } from "./prepare.js";
import {
  buildSituationModel,
  evaluateSituations,
  greedySituations,
  readSituations,
  situationStart,
} from "./situations.js";
import type { MatchingProblem, MatchingResult, SolveOptions } from "./types.js";

/** Below this many eligible pools in a slot, a participant gets them all. */
const ALL_POOLS_BELOW = 48;
/** Initial pools per wish rank (`Vœu 1`, `Vœu 2`, `Vœu 3`, none) when there are more. */
const POOLS_PER_RANK = [4, 3, 3, 2] as const;
const MAX_PRICING_ROUNDS = 40;
const ENTERING_PER_SLOT = 4;
const MAX_MIP_PASSES = 12;
const PRICING_SHARE = 0.5;
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
  // Pricing may use part of the time; the MIP always gets the rest to improve on the greedy start.
  const pricingBudget = () => Math.max(0.5, limit * PRICING_SHARE - elapsed());
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
  // Participants who wish a structure by name are the ones tempted to see it twice: rows from the start.
  const structureRows = new Set<number>();
  prep.wishes.forEach((wishes, p) => {
    for (const w of wishes)
      if (w.kind === "structure") structureRows.add(p * prep.structures.length + w.index);
  });
  try {
    // Pricing on the LP relaxation.
    for (; rounds < MAX_PRICING_ROUNDS; rounds++) {
      built = buildModel(prep, ctx, candidates, structureRows);
      if (elapsed() > limit * PRICING_SHARE) break;
      const lp = await solver.solve({ kind: "lp", model: built.arrays, timeLimitSeconds: pricingBudget() });
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

    // The MIP, re-run while a solution breaks a lazy row or pools left out could still improve it.
    for (let pass = 0; pass < MAX_MIP_PASSES && remaining() > 0.5; pass++) {
      built = buildModel(prep, ctx, candidates, structureRows);
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
      if (answer.hasSolution) {
        const assign = readAssignment(prep, built, answer.colValue);
        const repeats = sameStructureRepeats(prep, assign);
        if (repeats.length > 0) {
          for (const key of repeats) structureRows.add(-(Math.floor(key / prep.structures.length) + 1));
          continue;
        }
        const objective = evaluate(prep, ctx, assign);
        if (objective < bestObjective - EPSILON && isConsistent(prep, ctx, assign)) {
          best = assign;
          bestObjective = objective;
        }
      }
      mipBound = answer.mipDualBound;
      if (!lpProven || !dualModel || !dual || status !== "optimal") break;
      const gapToLp = bestObjective - lpBound;
      const left = price(prep, ctx, dualModel, dual, candidates, gapToLp - EPSILON, 50, gapToLp);
      minReducedCost = left.minReducedCost;
      if (left.count === 0) break;
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
  const firstOptimal = status !== "fallback" && bestObjective - provenBound < 1 - EPSILON;

  // Second stage: the situations, structures being fixed.
  let situation = greedySituations(prep, ctx, best);
  let second = evaluateSituations(prep, ctx, best, situation);
  let secondBound = 0;
  try {
    const model = buildSituationModel(prep, ctx, best);
    if (model.zCount > 0 && second > 0) {
      const answer = await solver.solve({
        kind: "mip",
        model: model.arrays,
        timeLimitSeconds: remaining(),
        start: situationStart(model, situation),
        mipAbsGap: 1 - EPSILON,
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

function withEntering(
  candidates: readonly Int32Array[],
  entering: ReadonlyMap<number, number[]>,
): Int32Array[] {
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
