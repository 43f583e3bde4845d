import { afterAll, describe, expect, it } from "vitest";
import { WorkerLinearSolver } from "../../functions/adapters/highs-solver.js";
import { generateInstance } from "../../functions/core/matching/generator.js";
import {
  checkHardRules,
  type MatchingProblem,
  type MatchingResult,
  solvePlacements,
} from "../../functions/core/matching/index.js";
import type { LinearSolver } from "../../functions/core/matching/solver.js";

const solver = new WorkerLinearSolver();
afterAll(() => solver.close());

/** The solver port, recording the number of columns of every model it is given. */
function countingSolver(): { port: LinearSolver; columns: number[] } {
  const columns: number[] = [];
  const port: LinearSolver = {
    solve: (request) => {
      columns.push(request.model.numCols);
      return solver.solve(request);
    },
  };
  return { port, columns };
}

/** A generated seminar, solved, then one of its tutors (the `rank`-th busiest) declines. */
async function declined(
  seed: number,
  rank: number,
): Promise<{ rerun: MatchingProblem; first: MatchingResult }> {
  const problem = generateInstance({ participants: 24, seed });
  const first = await solvePlacements(problem, { timeLimitSeconds: 20 }, solver);
  const load = new Map<string, number>();
  for (const placement of first.placements) load.set(placement.tutor, (load.get(placement.tutor) ?? 0) + 1);
  const ranked = [...load].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const tutor = ranked[Math.min(rank, ranked.length - 1)]![0];
  return {
    first,
    rerun: {
      ...problem,
      previous: first.placements,
      tutors: problem.tutors.map((t) => (t.id === tutor ? { ...t, declined: true } : t)),
    },
  };
}

const levelsOf = (result: MatchingResult) =>
  result.levels.map((level) => [level.key, level.value, level.proven]);

describe("a re-run solved around the change", () => {
  it("finds the same value at every level as the whole re-run, proven, on re-runs where it holds and where it cannot", async () => {
    let held = 0;
    let whole = 0;
    for (let seed = 1; seed <= 16; seed++) {
      const { rerun } = await declined(seed, seed % 4);
      const around = await solvePlacements(rerun, { timeLimitSeconds: 20 }, solver);
      const reference = await solvePlacements(rerun, { timeLimitSeconds: 20, holdPrevious: false }, solver);
      expect(checkHardRules(rerun, around.placements)).toEqual([]);
      expect({ seed, levels: levelsOf(around) }).toEqual({ seed, levels: levelsOf(reference) });
      expect(around.unplaced).toEqual(reference.unplaced);
      if (around.stats.held !== undefined) held++;
      else whole++;
    }
    // Both paths are exercised: a seminar with room keeps everyone, a full one must solve it whole.
    expect(held).toBeGreaterThan(0);
    expect(whole).toBeGreaterThan(0);
  }, 240_000);

  it("solves a model the size of the change, and writes no `verrouillé` the organizer did not set", async () => {
    const { rerun, first } = await declined(2, 0);
    const { port, columns } = countingSolver();
    const result = await solvePlacements(rerun, { timeLimitSeconds: 20 }, port);
    expect(result.stats.held).toBeGreaterThan(0);
    const wholeColumns = countingSolver();
    await solvePlacements(rerun, { timeLimitSeconds: 20, holdPrevious: false }, wholeColumns.port);
    expect(Math.max(...columns)).toBeLessThan(Math.max(...wholeColumns.columns) / 4);
    expect(result.placements.filter((placement) => placement.locked)).toEqual([]);
    // Everyone the change did not concern keeps their placement and their tutor.
    const declinedTutor = rerun.tutors.find((t) => t.declined)!.id;
    const after = new Map(result.placements.map((p) => [`${p.participant}|${p.slot}`, p]));
    for (const before of first.placements.filter((p) => p.tutor !== declinedTutor)) {
      const now = after.get(`${before.participant}|${before.slot}`)!;
      expect([now.structure, now.situation, now.tutor]).toEqual([
        before.structure,
        before.situation,
        before.tutor,
      ]);
      expect(now.motif).not.toBe("verrouillé");
    }
  }, 120_000);

  it("keeps the organizer's locked rows locked", async () => {
    const { rerun, first } = await declined(2, 6);
    const lockedRow = first.placements.find((p) => p.tutor !== rerun.tutors.find((t) => t.declined)!.id)!;
    const result = await solvePlacements({ ...rerun, locked: [lockedRow] }, { timeLimitSeconds: 20 }, solver);
    const locked = result.placements.filter((placement) => placement.locked);
    expect(locked).toEqual([{ ...lockedRow, motif: "verrouillé", locked: true }]);
  }, 120_000);
});
