import { describe, expect, it } from "vitest";
import { matchWorkbook } from "../../functions/app/match-workbook.js";
import {
  type LinearSolver,
  SolverUnavailableError,
  solvePlacements,
} from "../../functions/core/matching/index.js";
import { MemoryWorkbook, seminarSnapshot } from "../support/workbooks.js";

const NOW = new Date("2027-03-01T09:00:00Z");

/** A solver that never answers, as when its worker cannot start. */
const unavailable: LinearSolver = {
  solve: async () => {
    throw new SolverUnavailableError("the HiGHS worker exited (1)");
  },
};

describe("matchWorkbook", () => {
  it("places everyone in registration order and says so in the Statut when the solver does not answer", async () => {
    const workbook = new MemoryWorkbook(seminarSnapshot(), "seminaire-rennes-2027");
    const report = await matchWorkbook(workbook, NOW, (problem, options) =>
      solvePlacements(problem, { ...options }, unavailable),
    );
    expect(report.ok).toBe(true);
    expect(report.result?.stats.solverStatus).toBe("fallback");
    expect(report.result?.placements.length).toBeGreaterThan(0);
    expect(report.summary).toContain(
      "Le solveur n'a pas répondu : placements faits dans l'ordre d'inscription",
    );
    expect(report.summary).not.toContain("écart prouvé");
  });
});
