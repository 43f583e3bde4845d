import { existsSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ledgerCopyOf, runPurge } from "../../functions/cli/purge.js";
import { exampleFiles } from "../support/workbooks.js";

describe("passerelle purge", () => {
  it("removes the local safety copy of the Journal, which holds addresses, with the workbook's data", async () => {
    const { seminar } = await exampleFiles();
    const copy = ledgerCopyOf(seminar);
    writeFileSync(
      copy,
      `${JSON.stringify({ header: ["Destinataire"], row: ["lea.martin@caf.example.fr"] })}\n`,
    );

    const text = await runPurge(seminar, { force: false, now: new Date("2027-04-20T12:00:00Z") });

    expect(existsSync(copy)).toBe(false);
    expect(text).toContain("Copie de sûreté du Journal");
    expect(text).toContain("aucun ne reste");
  });

  it("keeps the safety copy when it refuses because the seminar is not over", async () => {
    const { seminar } = await exampleFiles();
    const copy = ledgerCopyOf(seminar);
    writeFileSync(copy, "{}\n");

    await expect(runPurge(seminar, { force: false, now: new Date("2027-03-18T12:00:00Z") })).rejects.toThrow(
      "fin le 18/03/2027 à 18:35",
    );
    expect(existsSync(copy)).toBe(true);
  });
});
