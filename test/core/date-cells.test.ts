/**
 * Kind: every date, time and date-time cell is understood in full (ISO 8601 with an offset is
 * converted to the event's zone) or refused with a message on the row; nothing is cut silently.
 */
import { describe, expect, it } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { checkLunch } from "../../functions/core/checks/check-lunch.js";
import { checkSeminar } from "../../functions/core/checks/check-seminar.js";
import { instantOf, inZone, parseDateTime } from "../../functions/core/sheet/cells.js";
import * as example from "../../sheets-templates/example-data.js";
import { lunchSnapshot, seminarSnapshot } from "../support/workbooks.js";

const FIELD = "test/fixtures/field";
const NOW = new Date("2027-03-03T09:00:00Z");

function registration(first: string, email: string, at: unknown, service = "Service A") {
  return {
    Nom: "Test",
    Prénom: first,
    Email: email,
    Direction: "DGS",
    Service: service,
    Fonction: "Cadre",
    "Inscrit le": at as string,
    Inscription: "Confirmée",
  };
}

describe("date and time cells, read in full or refused", () => {
  it.each([
    ["2027-03-01T23:30:00Z", "2027-03-02", "00:30"],
    ["2027-03-01T23:30:00+01:00", "2027-03-01", "23:30"],
    ["2027-03-01T18:30:00-05:00", "2027-03-02", "00:30"],
    ["2027-03-01 23:30:00Z", "2027-03-02", "00:30"],
    ["2027-03-01T22:30:00.500Z", "2027-03-01", "23:30"],
    ["2027-10-31T00:30:00Z", "2027-10-31", "02:30"],
  ])("converts the ISO 8601 instant %j to the wall-clock time of Europe/Paris", (cell, date, time) => {
    const value = parseDateTime(cell);
    expect(value).not.toBeNull();
    expect(inZone(value!, "Europe/Paris")).toMatchObject({ date, time });
  });

  it("keeps the seconds and the fraction of an ISO 8601 instant, so two close registrations keep their order", () => {
    const first = instantOf(parseDateTime("2027-03-01T08:00:00.250Z")!, "Europe/Paris");
    const second = instantOf(parseDateTime("2027-03-01T08:00:00.750Z")!, "Europe/Paris");
    expect(second.toMillis() - first.toMillis()).toBe(500);
  });

  it.each([
    "2027-03-01T25:00:00Z",
    "2027-03-01T23:30:00+25:00",
    "2027-03-01T23:30Zulu",
    "01/03/2027 23h30 UTC",
    "2027-03-01 vers midi",
    "2027-02-30T10:00:00Z",
  ])("refuses %j as a date and time instead of keeping only part of it", (cell) => {
    expect(parseDateTime(cell)).toBeNull();
  });

  it("orders the seats of the field case by the instant typed, not by its date alone (13-lunch-iso-timestamps)", async () => {
    const snapshot = await new XlsxWorkbook(`${FIELD}/13-lunch-iso-timestamps.xlsx`).read([
      "Rencontre",
      "Inscriptions",
      "Journal",
    ]);
    const check = checkLunch(snapshot, NOW);
    const status = (row: number) => check.rows.find((verdict) => verdict.row === row)?.status;
    // Chloé (09:00 on the 1st, Paris), then Bruno (00:10 on the 2nd), then Alice (00:30 on the 2nd).
    expect(status(4)).toBe("Inscrit");
    expect(status(3)).toBe("Inscrit");
    expect(status(2)).toBe("Liste d'attente (1)");
  });

  it("refuses an unreadable Inscrit le on the row, in French, naming the cell", () => {
    const rows = [
      registration("Alice", "alice@example.org", "2027-03-01T09:00:00Z"),
      registration("Bruno", "bruno@example.org", "le 1er mars vers 9h"),
    ];
    const check = checkLunch(lunchSnapshot({ ...example.lunchSettings, Capacité: 2 }, rows), NOW);
    expect(check.rows[0]?.status).toBe("Inscrit");
    expect(check.rows[1]?.blocking).toBe(true);
    expect(check.rows[1]?.status).toContain("bloquant : Inscrit le : « le 1er mars vers 9h »");
    expect(check.rows[1]?.status).toContain("tapez-la comme 2027-03-15 12:00");
  });

  it("refuses a date-time typed in a date column of the seminar instead of cutting it to its date", () => {
    const result = checkSeminar(
      seminarSnapshot({ settings: { ...example.seminarSettings, "Jour 1": "2027-03-17T15:00:00+01:00" } }),
      new Date("2026-11-23T10:00:00Z"),
    );
    expect(result.seminarProblems.join("\n")).toContain("contient aussi une heure");
  });

  it("refuses a time with seconds and a date-time serial in a time column (Arrivée)", () => {
    const participants = [
      { ...example.participants[0]!, Arrivée: "13:05:30" },
      { ...example.participants[1]!, Arrivée: 46463.6 },
    ];
    const result = checkSeminar(seminarSnapshot({ participants }), new Date("2026-11-23T10:00:00Z"));
    const status = (row: number) =>
      result.rows.find((verdict) => verdict.tab === "Participants" && verdict.row === row)?.status ?? "";
    expect(status(2)).toContain("a des secondes");
    expect(status(3)).toContain("contient aussi une date");
  });

  it("answers an unreadable date and time with the forms the templates use", () => {
    const check = checkLunch(
      lunchSnapshot({ ...example.lunchSettings, "Clôture des inscriptions": "mardi midi" }, []),
      NOW,
    );
    const said = JSON.stringify(check);
    expect(said).toContain("« mardi midi » n'est pas une date et heure lisible");
    expect(said).toContain("tapez-la comme 2027-03-15 12:00 ou 15/03/2027 12:00");
    expect(said).not.toContain("ISO");
  });

  it("converts a closing of registrations typed with an offset to the talk's zone", () => {
    const check = checkLunch(
      lunchSnapshot({ ...example.lunchSettings, "Clôture des inscriptions": "2027-04-06T10:00:00Z" }, []),
      NOW,
    );
    expect(check.closingAt?.toISOString()).toBe("2027-04-06T10:00:00.000Z");
  });
});
