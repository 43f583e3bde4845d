import { describe, expect, it } from "vitest";
import { finalize, greedyAssignment } from "../../functions/core/matching/assignment.js";
import { checkHardRules } from "../../functions/core/matching/check.js";
import { generateInstance } from "../../functions/core/matching/generator.js";
import { LEVELS, levelValues } from "../../functions/core/matching/levels.js";
import { lockedContext } from "../../functions/core/matching/model.js";
import { polish } from "../../functions/core/matching/polish.js";
import { prepare, textKey } from "../../functions/core/matching/prepare.js";
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

  it("moves two people in a chain when neither a move nor a swap helps", () => {
    // A sees « Accueil physique » twice. The only other situation of the morning, at Y, is held by
    // B, whom the conflict of interest keeps out of A's X; Z has room for B. A to Y, B to Z.
    const structure = (name: string, type: string, organisme: string, situation: string) => ({
      name,
      type,
      organisme,
      situations: [situation],
      stepFree: true,
    });
    const tutor = (structure: string, situation: string, slot: string) => ({
      id: `${structure.toLowerCase()}@x.fr`,
      structure,
      situation,
      slots: [slot],
      capacity: 1,
      declined: false,
    });
    const problem = {
      slots: ["Matin", "Après-midi"],
      structures: [
        structure("X", "CAF", "Caisse", "Accueil physique"),
        structure("Y", "CAF", "Autre caisse", "Accueil téléphonique"),
        structure("Z", "CAF", "Troisième caisse", "Accueil physique"),
        structure("W", "CCAS", "Caisse", "Accueil physique"),
        structure("V", "Urgences", "CHU", "Visite"),
      ],
      tutors: [
        tutor("X", "Accueil physique", "Matin"),
        tutor("Y", "Accueil téléphonique", "Matin"),
        tutor("Z", "Accueil physique", "Matin"),
        tutor("W", "Accueil physique", "Après-midi"),
        tutor("V", "Visite", "Après-midi"),
      ],
      participants: [
        { id: "a@x.fr", organisme: "Préfecture", public: "État", wishes: [], needsStepFree: false, order: 0 },
        { id: "b@x.fr", organisme: "Caisse", public: "État", wishes: [], needsStepFree: false, order: 1 },
      ],
    };
    const prep = prepare(problem);
    const ctx = lockedContext(prep);
    const at = (name: string, slot: number) => prep.poolOf(prep.structureIndex.get(textKey(name))!, slot);
    const si = (name: string) => prep.situationIndex.get(textKey(name))!;
    const assign = Int32Array.from([at("X", 0), at("W", 1), at("Y", 0), at("V", 1)]);
    const situation = Int32Array.from([
      si("Accueil physique"),
      si("Accueil physique"),
      si("Accueil téléphonique"),
      si("Visite"),
    ]);
    const sameSituation = LEVELS.findIndex((level) => level.key === "sameSituation");
    expect(levelValues(prep, ctx, assign, situation)[sameSituation]).toBe(1);
    const after = polish(prep, ctx, assign, situation);
    expect(levelValues(prep, ctx, after.assign, after.situation)[sameSituation]).toBe(0);
    expect([after.assign[0], after.assign[2]]).toEqual([at("Y", 0), at("Z", 0)]);
    expect(checkHardRules(problem, finalize(prep, ctx, after.assign, after.situation).placements)).toEqual(
      [],
    );
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
