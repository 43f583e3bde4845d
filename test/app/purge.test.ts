import { describe, expect, it } from "vitest";
import { personalHeaders, purgeWorkbook } from "../../functions/app/purge.js";
import { TABS } from "../../functions/core/schemas.js";
import { lunchSnapshot, MemoryWorkbook, seminarSnapshot } from "../support/workbooks.js";

describe("purging an event's personal data", () => {
  it("refuses before the seminar is over and erases nothing", async () => {
    const workbook = new MemoryWorkbook(seminarSnapshot());
    const report = await purgeWorkbook(workbook, new Date("2027-03-18T12:00:00Z"));
    expect(report.done).toBe(false);
    expect(report.refused).toContain("n'est pas terminé");
    expect(workbook.writes).toEqual([]);
  });

  it("empties every personal column of participants and tutors once the seminar is over, and keeps the rest", async () => {
    const workbook = new MemoryWorkbook(seminarSnapshot());
    const report = await purgeWorkbook(workbook, new Date("2027-04-20T12:00:00Z"));
    expect(report.done).toBe(true);
    const participants = workbook.tabs.get(TABS.participants.name)!;
    const header = participants[0]!.map(String);
    for (const name of personalHeaders(TABS.participants)) {
      const column = header.indexOf(name);
      expect(
        participants.slice(1).every((row) => row[column] === null || row[column] === ""),
        name,
      ).toBe(true);
    }
    expect(participants[1]![header.indexOf("Organisme")]).toBe("Préfecture d'Ille-et-Vilaine");
    const tutors = workbook.tabs.get(TABS.tutors.name)!;
    expect(tutors.slice(1).every((row) => row[2] === "")).toBe(true);
    expect(report.summary).toContain("Données personnelles effacées");
  });

  it("purges a lunch talk after its date", async () => {
    const workbook = new MemoryWorkbook(lunchSnapshot());
    const report = await purgeWorkbook(workbook, new Date("2027-04-09T12:00:00Z"));
    expect(report.done).toBe(true);
    expect(report.cellsErased).toBe(45 * 4);
  });
});
