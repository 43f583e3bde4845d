import { describe, expect, it } from "vitest";
import { finalize, greedyAssignment } from "../../functions/core/matching/assignment.js";
import { checkHardRules } from "../../functions/core/matching/check.js";
import { generateInstance } from "../../functions/core/matching/generator.js";
import { LEVELS, levelValues } from "../../functions/core/matching/levels.js";
import { lockedContext } from "../../functions/core/matching/model.js";
import { polish } from "../../functions/core/matching/polish.js";
import { prepare } from "../../functions/core/matching/prepare.js";
import { greedySituations } from "../../functions/core/matching/situations.js";

/** Level values with every level made "bigger is better", for comparing in order. */
const oriented = (values: readonly number[]) => values.map((v, i) => (LEVELS[i]!.sense === "max" ? v : -v));

describe("the last local search on a placement", () => {
  it("never gives up a level for one below it, keeps every hard rule, and improves the greedy placement", () => {
    let improved = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const problem = generateInstance({ participants: 80, seed, tight: seed % 2 === 0 });
      const prep = prepare(problem);
      const ctx = lockedContext(prep);
      const assign = greedyAssignment(prep, ctx);
      const situation = greedySituations(prep, ctx, assign);
      const before = oriented(levelValues(prep, ctx, assign, situation));
      const after = polish(prep, ctx, assign, situation);
      const values = oriented(levelValues(prep, ctx, after.assign, after.situation));
      const first = values.findIndex((v, i) => v !== before[i]);
      if (after.changes > 0) {
        // The first level that changed is better, and so every level above it is as it was.
        expect({ seed, first, gain: values[first]! > before[first]! }).toEqual({ seed, first, gain: true });
        improved++;
      } else expect(values).toEqual(before);
      const { placements, unplaced } = finalize(prep, ctx, after.assign, after.situation);
      expect(checkHardRules(problem, placements)).toEqual([]);
      expect(unplaced.length).toBe(finalize(prep, ctx, assign, situation).unplaced.length);
      // The given arrays are left as they were.
      expect(oriented(levelValues(prep, ctx, assign, situation))).toEqual(before);
    }
    expect(improved).toBeGreaterThan(6);
  });

  it("leaves a re-run's participants where they were, so nobody is moved who need not be", () => {
    const problem = generateInstance({ participants: 80, seed: 5 });
    const first = prepare(problem);
    const ctx0 = lockedContext(first);
    const assign0 = greedyAssignment(first, ctx0);
    const { placements } = finalize(first, ctx0, assign0, greedySituations(first, ctx0, assign0));
    const rerun = { ...problem, previous: placements };
    const prep = prepare(rerun);
    const ctx = lockedContext(prep);
    const assign = greedyAssignment(prep, ctx);
    const situation = greedySituations(prep, ctx, assign);
    const after = polish(prep, ctx, assign, situation);
    expect(after.changes).toBe(0);
  });
});
