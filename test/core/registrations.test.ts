/**
 * Kinds: duplicates charged to the later row (an announced seat never taken back); a severity per
 * problem, said on the row; the consistency a person would check (arrival, departure, dates).
 */

import { describe, expect, it } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { checkLunch } from "../../functions/core/checks/check-lunch.js";
import { checkSeminar } from "../../functions/core/checks/check-seminar.js";
import { eventModel, planMessages, type SeminarModel } from "../../functions/core/messages/index.js";
import { allocateSeats } from "../../functions/core/seats/seats.js";
import type { TabValues, WorkbookSnapshot } from "../../functions/ports.js";
import * as example from "../../sheets-templates/example-data.js";
import { participant, placement, seminar } from "../messages/fixtures.js";
import { testKeys } from "../support/ledger.js";
import { lunchSnapshot, seminarSnapshot } from "../support/workbooks.js";

const NOW = new Date("2027-03-03T09:00:00Z");
const SEMINAR_NOW = new Date("2026-11-23T10:00:00Z");

async function field12(): Promise<WorkbookSnapshot> {
  return new XlsxWorkbook("test/fixtures/field/12-lunch-duplicate-case.xlsx").read([
    "Rencontre",
    "Inscriptions",
    "Journal",
  ]);
}

function withoutRow(snapshot: WorkbookSnapshot, tab: string, row: number): Map<string, TabValues> {
  const next = new Map(snapshot);
  const values = snapshot.get(tab)!;
  next.set(tab, { title: values.title, rows: values.rows.filter((_, index) => index !== row - 1) });
  return next;
}

function withCell(snapshot: WorkbookSnapshot, tab: string, row: number, header: string, value: string) {
  const next = new Map(snapshot);
  const values = snapshot.get(tab)!;
  const column = values.rows[0]!.indexOf(header);
  next.set(tab, {
    title: values.title,
    rows: values.rows.map((cells, index) => {
      if (index !== row - 1) return cells;
      const copy = [...cells];
      while (copy.length <= column) copy.push(null);
      copy[column] = value;
      return copy;
    }),
  });
  return next;
}

const statusOf = (
  check: { rows: readonly { tab: string; row: number; status: string }[] },
  row: number,
  tab?: string,
) => check.rows.find((verdict) => verdict.row === row && (tab === undefined || verdict.tab === tab))?.status;

describe("a duplicate is charged to the later row", () => {
  it("keeps Alice's and Bruno's seats, puts Chloé first on the waiting list, flags only Alice's second row (field case 12)", async () => {
    const check = checkLunch(await field12(), NOW);
    expect(statusOf(check, 2)).toBe("Inscrit");
    expect(statusOf(check, 3)).toBe("Inscrit");
    expect(statusOf(check, 4)).toBe("Liste d'attente (1)");
    expect(statusOf(check, 5)).toMatch(
      /^bloquant : Email : « alice\.arnaud@dir-a\.example\.org » est déjà inscrit ligne 2/,
    );
  });

  it("changes nobody's status when the duplicate row is deleted", async () => {
    const snapshot = await field12();
    const before = checkLunch(snapshot, NOW);
    const after = checkLunch(withoutRow(snapshot, "Inscriptions", 5), NOW);
    for (const row of [2, 3, 4]) expect(statusOf(after, row)).toBe(statusOf(before, row));
  });

  it("never takes back an announced seat when an earlier registration is added above it", async () => {
    let snapshot: WorkbookSnapshot = withCell(
      await field12(),
      "Inscriptions",
      3,
      "Convocation",
      "2027-03-01 09:06",
    );
    snapshot = withCell(snapshot, "Inscriptions", 2, "Convocation", "2027-03-01 09:01");
    snapshot = withCell(snapshot, "Inscriptions", 4, "Inscrit le", "2027-02-01 08:00");
    const check = checkLunch(snapshot, NOW);
    // Chloé now registered first, but Bruno was told he had a seat: he keeps it; Alice keeps hers.
    expect(statusOf(check, 3)).toBe("Inscrit");
    expect(statusOf(check, 2)).toBe("Inscrit");
    expect(statusOf(check, 4)).toBe("Liste d'attente (1)");
  });

  it("keeps the announced row of a seminar duplicate even when the new copy is typed above it, whatever its case and spaces", () => {
    const rows = [
      participant({ Email: "  Lea.Durand@Example.org " }),
      participant({ Email: "lea.durand@example.org", Convocation: "2027-03-01 11:00" }),
    ];
    const result = checkSeminar(seminarSnapshot({ participants: rows }), SEMINAR_NOW);
    expect(statusOf(result, 3, "Participants")).toBe("OK");
    expect(statusOf(result, 2, "Participants")).toContain("déjà inscrit ligne 3");
  });

  it("convokes the first row of the example seminar's duplicated participant", () => {
    const snapshot = seminarSnapshot({
      placements: example.participants.flatMap((row) => [
        placement(String(row.Email), "Matin"),
        placement(String(row.Email), "Après-midi"),
      ]),
    });
    const model = eventModel(snapshot, testKeys("exemple"), SEMINAR_NOW) as SeminarModel;
    const convoked = planMessages(model, SEMINAR_NOW).messages.filter((m) => m.kind === "convocation");
    expect(
      convoked.filter((m) => m.to.address === "hugo.bernard@conseil-departemental-morbihan.example.org"),
    ).toHaveLength(1);
    expect(
      convoked.find((m) => m.to.address === "hugo.bernard@conseil-departemental-morbihan.example.org")?.mark
        ?.row,
    ).toBe(3);
  });

  it("seats an announced registration even beyond the capacity, and only its cancellation frees it", () => {
    const closingAt = new Date("2027-04-06T10:00:00Z");
    const at = (minute: number) => new Date(Date.UTC(2027, 2, 1, 9, minute));
    const people = [
      { id: "a", service: "A", registeredAt: at(5), cancelled: false, announced: true },
      { id: "b", service: "B", registeredAt: at(1), cancelled: false },
      { id: "c", service: "C", registeredAt: at(2), cancelled: false },
    ];
    const seats = allocateSeats(people, { capacity: 2, closingAt }, NOW);
    expect(seats.seated).toEqual(["b", "a"]);
    expect(seats.waiting).toEqual(["c"]);
    const freed = allocateSeats(
      people.map((p) => (p.id === "a" ? { ...p, cancelled: true } : p)),
      { capacity: 2, closingAt },
      NOW,
    );
    expect(freed.seated).toEqual(["b", "c"]);
  });
});

describe("each problem says on the row whether it blocks", () => {
  it("marks an invalid address and a missing consent as « bloquant » and leaves the rows out", () => {
    const result = checkSeminar(seminarSnapshot(), SEMINAR_NOW);
    expect(statusOf(result, 6, "Participants")).toMatch(/^bloquant : Email/);
    expect(statusOf(result, 12, "Participants")).toMatch(/^bloquant : Consentement/);
  });

  it("marks an unknown Vœu 2 « à vérifier » and convokes the row anyway", () => {
    const rows = [participant({ "Vœu 2": "Mairie annexe" })];
    const snapshot = seminar({ participants: rows });
    const result = checkSeminar(snapshot, SEMINAR_NOW);
    expect(statusOf(result, 2, "Participants")).toMatch(/^à vérifier : Vœu 2 : « Mairie annexe »/);
    const model = eventModel(snapshot, testKeys("x"), SEMINAR_NOW) as SeminarModel;
    expect(model.agendas.map((agenda) => agenda.participant.row)).toEqual([2]);
  });

  it("blocks a late registration until the organizer chooses « Acceptée hors délai »", () => {
    const late = participant({ "Inscrit le": "2026-11-18" });
    const blocked = checkSeminar(seminarSnapshot({ participants: [late] }), SEMINAR_NOW);
    expect(statusOf(blocked, 2, "Participants")).toMatch(
      /^bloquant : Inscrit le : inscription reçue après la date limite/,
    );
    const accepted = checkSeminar(
      seminarSnapshot({ participants: [{ ...late, Inscription: "Acceptée hors délai" }] }),
      SEMINAR_NOW,
    );
    expect(statusOf(accepted, 2, "Participants")).toBe("OK");
  });

  it("reads « accepté hors délai » typed without its capital or its final e", () => {
    const late = participant({ "Inscrit le": "2026-11-18", Inscription: "accepté hors délai" });
    const result = checkSeminar(seminarSnapshot({ participants: [late] }), SEMINAR_NOW);
    expect(statusOf(result, 2, "Participants")).toBe("OK");
  });

  it("keeps a lunch seat and adds « à vérifier » when Inscrit le is in the future", () => {
    const rows = example.registrations
      .slice(0, 2)
      .map((row, index) => (index === 1 ? { ...row, "Inscrit le": "2027-03-20 09:00" } : row));
    const check = checkLunch(lunchSnapshot(example.lunchSettings, rows), NOW);
    expect(statusOf(check, 3)).toMatch(/^Inscrit\nà vérifier : Inscrit le : cette date est dans le futur/);
    expect(check.rows[1]?.blocking).toBe(false);
  });
});

describe("every item a participant attends fits between arrival and departure", () => {
  it("tells a participant registered for the 14:00 visit who arrives at 15:20", () => {
    const rows = [participant({ Visite: "Oui", Arrivée: "15:20" })];
    const result = checkSeminar(seminarSnapshot({ participants: rows }), SEMINAR_NOW);
    expect(statusOf(result, 2, "Participants")).toMatch(
      /^à vérifier : Arrivée : le train arrive à 15:20, après le début de « Visite/,
    );
  });

  it("tells a participant who leaves on day 1 that the dinner and day 2 are missed", () => {
    const rows = [participant({ Dîner: "Oui", "Jour de départ": 1, Départ: "19:00" })];
    const status = statusOf(
      checkSeminar(seminarSnapshot({ participants: rows }), SEMINAR_NOW),
      2,
      "Participants",
    )!;
    expect(status).toMatch(/^à vérifier : Départ : le train de 19:00 \(jour 1\)/);
    expect(status).toMatch(/Dîner/);
    expect(status).toMatch(/Immersion \(Matin\)/);
  });

  it("tells a participant whose train leaves before the end of Séquence 4", () => {
    const rows = [participant({ Départ: "17:10" })];
    const status = statusOf(
      checkSeminar(seminarSnapshot({ participants: rows }), SEMINAR_NOW),
      2,
      "Participants",
    )!;
    expect(status).toMatch(
      /^à vérifier : Départ : le train de 17:10 \(jour 2\) part avant la fin de « Séquence 4/,
    );
  });

  it("tells a registration dated in the future", () => {
    const rows = [participant({ "Inscrit le": "2026-12-24" })];
    const status = statusOf(
      checkSeminar(seminarSnapshot({ participants: rows }), SEMINAR_NOW),
      2,
      "Participants",
    )!;
    expect(status).toContain("à vérifier : Inscrit le : 24 décembre 2026 est dans le futur");
  });

  it("says OK when the person arrives before everything they attend and leaves after", () => {
    const rows = [participant({ Visite: "Oui", Dîner: "Oui", Arrivée: "12:30", Départ: "18:35" })];
    expect(
      statusOf(checkSeminar(seminarSnapshot({ participants: rows }), SEMINAR_NOW), 2, "Participants"),
    ).toBe("OK");
  });
});
