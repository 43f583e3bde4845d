import { afterAll, describe, expect, it } from "vitest";
import { WorkerLinearSolver } from "../../functions/adapters/highs-solver.js";
import {
  checkHardRules,
  type MatchingProblem,
  solvePlacements,
} from "../../functions/core/matching/index.js";

const solver = new WorkerLinearSolver();
afterAll(() => solver.close());

const structure = (name: string, type: string, organisme: string) => ({
  name,
  type,
  organisme,
  situations: ["Accueil physique"],
  stepFree: true,
});
const tutor = (id: string, structureName: string) => ({
  id,
  structure: structureName,
  situation: "Accueil physique",
  slots: "all" as const,
  capacity: 2,
  declined: false,
});

/** Two structures of the Ville de Rennes (a CCAS and a shelter), a CAF, a hospital. */
const problem = (wishes: string[]): MatchingProblem => ({
  slots: ["Matin", "Après-midi"],
  structures: [
    structure("CCAS de Rennes", "CCAS", "Ville de Rennes"),
    structure("Abri de nuit", "CHRS", "Ville de Rennes"),
    structure("CAF Rennes", "CAF", "CAF 35"),
    structure("Urgences CHU", "Urgences", "CHU de Rennes"),
  ],
  tutors: [
    tutor("ccas@ville.fr", "CCAS de Rennes"),
    tutor("abri@ville.fr", "Abri de nuit"),
    tutor("caf@caf.fr", "CAF Rennes"),
    tutor("chu@chu.fr", "Urgences CHU"),
  ],
  participants: [
    { id: "lea@etat.fr", organisme: "Préfecture", public: "État", wishes, needsStepFree: false, order: 1 },
  ],
});

describe("a wish naming an organisme", () => {
  it("is met by any of its structures, counted once however many slots it meets", async () => {
    const result = await solvePlacements(
      problem(["Ville de Rennes", "CAF"]),
      { timeLimitSeconds: 20 },
      solver,
    );
    expect(checkHardRules(problem(["Ville de Rennes", "CAF"]), result.placements)).toEqual([]);
    const motifs = result.placements.map((placement) => [placement.structure, placement.motif]);
    // 3 points for the organisme and 2 for the CAF: a second structure of the Ville would add nothing.
    expect(result.levels.find((level) => level.key === "wishPoints")).toMatchObject({
      value: 5,
      proven: true,
    });
    expect(motifs).toContainEqual(["CAF Rennes", "Vœu 2"]);
    expect(motifs.filter(([, motif]) => motif === "Vœu 1")).toHaveLength(1);
    const [first] = motifs.find(([, motif]) => motif === "Vœu 1")!;
    expect(["CCAS de Rennes", "Abri de nuit"]).toContain(first);
  });

  it("counts as one wish, so a third wish still counts", async () => {
    const result = await solvePlacements(
      problem(["Ville de Rennes", "Urgences", "CAF"]),
      { timeLimitSeconds: 20 },
      solver,
    );
    // Two slots: the organisme (3) and the emergency unit (2) beat anything with the CAF (1).
    expect(result.levels.find((level) => level.key === "wishPoints")).toMatchObject({
      value: 5,
      proven: true,
    });
    expect(result.placements.map((placement) => placement.motif).sort()).toEqual(["Vœu 1", "Vœu 2"]);
  });

  it("or several structures joined by « | », any of which meets it, counted once", async () => {
    const wishes = ["Abri de nuit | Urgences CHU", "CAF"];
    const result = await solvePlacements(problem(wishes), { timeLimitSeconds: 20 }, solver);
    expect(checkHardRules(problem(wishes), result.placements)).toEqual([]);
    expect(result.levels.find((level) => level.key === "wishPoints")).toMatchObject({
      value: 5,
      proven: true,
    });
    const first = result.placements.find((placement) => placement.motif === "Vœu 1")!;
    expect(["Abri de nuit", "Urgences CHU"]).toContain(first.structure);
    expect(result.placements.map((placement) => placement.motif).sort()).toEqual(["Vœu 1", "Vœu 2"]);
  });

  it("is never met by a structure of the participant's own organisme (conflict of interest)", async () => {
    const own = problem(["Ville de Rennes"]);
    const agent = { ...own.participants[0]!, organisme: "Ville de Rennes" };
    const result = await solvePlacements({ ...own, participants: [agent] }, { timeLimitSeconds: 20 }, solver);
    expect(result.placements.map((placement) => placement.structure)).not.toContain("CCAS de Rennes");
    expect(result.placements.map((placement) => placement.structure)).not.toContain("Abri de nuit");
  });
});
