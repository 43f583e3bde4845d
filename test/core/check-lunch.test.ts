import { describe, expect, it } from "vitest";
import { checkLunch } from "../../functions/core/checks/check-lunch.js";
import { lunchModel } from "../../functions/core/event/model.js";
import * as example from "../../sheets-templates/example-data.js";
import { testKeys } from "../support/ledger.js";
import { lunchSnapshot } from "../support/workbooks.js";

/** Before the example's closing (6 April 2027, 12:00 in Paris), and after it. */
const BEFORE = new Date("2027-03-20T10:00:00Z");
const AFTER = new Date("2027-04-06T10:30:00Z");

const WAITING = /^Liste d'attente \((\d+)\)$/;

function statuses(check: ReturnType<typeof checkLunch>): string[] {
  return check.rows.map((row) => row.status);
}

function waitingRanks(list: readonly string[]): number[] {
  return list.flatMap((status) => {
    const rank = WAITING.exec(status)?.[1];
    return rank === undefined ? [] : [Number(rank)];
  });
}

/** The example's 45 people, all from three services: the quota of 4 seats only 12 before the closing. */
const threeServices = example.registrations.map((row, index) => ({
  ...row,
  Service: ["Ressources humaines", "Communication", "Contrôle de gestion"][index % 3]!,
}));

describe("checking a lunch talk: the seats", () => {
  it("seats exactly 30 of the example's 45 registrations and ranks the other 15 in order of registration", () => {
    const check = checkLunch(lunchSnapshot(), BEFORE);
    const list = statuses(check);
    expect(list).toHaveLength(45);
    expect(list.filter((status) => status === "Inscrit")).toHaveLength(30);
    expect(waitingRanks(list)).toEqual(Array.from({ length: 15 }, (_, index) => index + 1));
    // The example registers in row order: the first 30 rows hold the seats.
    expect(list.slice(0, 30).every((status) => status === "Inscrit")).toBe(true);
    expect(check.rows.every((row) => row.problems.length === 0 && !row.blocking)).toBe(true);
    expect(check.lunchProblems).toEqual([]);
  });

  it("holds a service to its quota before the closing, then lifts it", () => {
    const before = statuses(checkLunch(lunchSnapshot(example.lunchSettings, threeServices), BEFORE));
    expect(before.filter((status) => status === "Inscrit")).toHaveLength(12);
    expect(waitingRanks(before)).toEqual(Array.from({ length: 33 }, (_, index) => index + 1));
    expect(before.slice(0, 12).every((status) => status === "Inscrit")).toBe(true);

    const after = statuses(checkLunch(lunchSnapshot(example.lunchSettings, threeServices), AFTER));
    expect(after.filter((status) => status === "Inscrit")).toHaveLength(30);
    expect(after.slice(0, 30).every((status) => status === "Inscrit")).toBe(true);
    expect(waitingRanks(after)).toEqual(Array.from({ length: 15 }, (_, index) => index + 1));
  });

  it("closes two days before the talk, at its start, when no closing is typed", () => {
    const settings = { ...example.lunchSettings, "Clôture des inscriptions": null };
    const snapshot = lunchSnapshot(settings, threeServices);
    // The talk starts on 8 April 2027 at 12:15 in Paris (10:15 UTC).
    const justBefore = statuses(checkLunch(snapshot, new Date("2027-04-06T10:14:00Z")));
    const justAfter = statuses(checkLunch(snapshot, new Date("2027-04-06T10:15:00Z")));
    expect(justBefore.filter((status) => status === "Inscrit")).toHaveLength(12);
    expect(justAfter.filter((status) => status === "Inscrit")).toHaveLength(30);
  });

  it("says Annulé for a cancellation, keeps the problems of a wrong row, and gives neither a seat", () => {
    const rows = example.registrations.map((row, index) =>
      index === 0
        ? { ...row, Inscription: "Annulée" }
        : index === 1
          ? { ...row, Email: "pas-une-adresse" }
          : row,
    );
    const check = checkLunch(lunchSnapshot(example.lunchSettings, rows), BEFORE);
    expect(check.rows[0]).toMatchObject({ row: 2, status: "Annulé", problems: [] });
    expect(check.rows[1]?.status).toMatch(/^bloquant : Email :/);
    expect(check.rows[1]?.status).toBe(check.rows[1]?.problems.map((p) => `bloquant : ${p}`).join("\n"));
    const list = statuses(check);
    // The two freed seats go to the first two of the waiting list.
    expect(list.filter((status) => status === "Inscrit")).toHaveLength(30);
    expect(list.slice(2, 32).every((status) => status === "Inscrit")).toBe(true);
    expect(waitingRanks(list)).toEqual(Array.from({ length: 13 }, (_, index) => index + 1));
  });

  it("never disagrees with the seat the messages announce", () => {
    const rows = threeServices.map((row, index) =>
      index === 3 ? { ...row, Inscription: "Annulée" } : index === 7 ? { ...row, Service: null } : row,
    );
    for (const now of [BEFORE, AFTER]) {
      const snapshot = lunchSnapshot(example.lunchSettings, rows);
      const check = checkLunch(snapshot, now);
      const model = lunchModel(snapshot, testKeys("rencontre"), now);
      expect(model.registrations.length).toBeGreaterThan(40);
      for (const registration of model.registrations) {
        const verdict = check.rows.find((row) => row.row === registration.row);
        expect(verdict?.status).toBe(registration.seat.label);
      }
    }
  });
});
