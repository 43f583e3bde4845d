import { describe, expect, it } from "vitest";
import { personalHeaders, purgeWorkbook } from "../../functions/app/purge.js";
import { cellText } from "../../functions/core/sheet/cells.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import * as example from "../../sheets-templates/example-data.js";
import { lunchSnapshot, MemoryWorkbook, seminarSnapshot, tableTab } from "../support/workbooks.js";

const AFTER = new Date("2027-04-20T12:00:00Z");
const first = example.participants[0]!;
const ADDRESS = String(first.Email);
const NAME = `${String(first.Prénom)} ${String(first.Nom)}`;
const ORGANIZER = "organisation@seminaire.example.org";

/** The example seminar as a finished one leaves it: verdicts, an added column, a Journal with keys. */
/** The cells as they stand, sealed or not: the purge erases every row, the ones typed by hand too. */
function raw(workbook: MemoryWorkbook) {
  return { read: workbook.rawRead.bind(workbook), write: workbook.rawWrite.bind(workbook) };
}

function finishedSeminar(): MemoryWorkbook {
  const snapshot = seminarSnapshot();
  const participants = snapshot.get(TABS.participants.name)!;
  const [header = [], firstRow = [], ...rest] = participants.rows;
  const status = header.map(String).indexOf("Statut");
  snapshot.set(TABS.participants.name, {
    title: participants.title,
    rows: [
      [...header, "Notes"],
      [
        ...firstRow.map((cell, index) =>
          index === status ? `Doublon : ${ADDRESS} est inscrite deux fois.` : cell,
        ),
        `${NAME}, joindre au 06 12 34 56 78`,
      ],
      ...rest,
    ],
  });
  snapshot.set(
    TABS.journal.name,
    tableTab(TABS.journal, [
      {
        Horodatage: "2027-03-01 10:00:00",
        Événement: "Convocation envoyée",
        Destinataire: ADDRESS,
        Détail: `À ${NAME}`,
        Clé: `message:seminaire:${ADDRESS}:convocation:1`,
      },
      {
        Horodatage: "2027-03-01 10:00:01",
        Événement: "Déroulé automatique démarré",
        Clé: "workflow:execution:e-1",
      },
    ]),
  );
  return new MemoryWorkbook(snapshot);
}

function allText(workbook: MemoryWorkbook): string {
  return [...workbook.tabs.values()].flatMap((rows) => rows.flatMap((row) => row.map(cellText))).join("\n");
}

describe("purging an event's personal data", () => {
  it("refuses before the seminar is over and erases nothing", async () => {
    const workbook = new MemoryWorkbook(seminarSnapshot());
    const report = await purgeWorkbook(raw(workbook), new Date("2027-03-18T12:00:00Z"));
    expect(report.done).toBe(false);
    expect(report.refused).toContain("n'est pas terminé");
    expect(workbook.writes).toEqual([]);
  });

  it("names the end of the seminar's last programme item, in the event's zone, when it refuses", async () => {
    const workbook = new MemoryWorkbook(seminarSnapshot());
    const report = await purgeWorkbook(raw(workbook), new Date("2027-03-18T17:00:00Z"));
    expect(report.refused).toContain("fin le 18/03/2027 à 18:35");
    const after = await purgeWorkbook(raw(workbook), new Date("2027-03-18T17:36:00Z"));
    expect(after.done).toBe(true);
  });

  it("keeps the organizer's address, which the Journal names for alerts, and finds nothing left", async () => {
    const workbook = finishedSeminar();
    const journal = workbook.tabs.get(TABS.journal.name)!;
    const header = journal[0]!.map(String);
    const alert = header.map((column) =>
      column === "Destinataire" ? ORGANIZER : column === "Événement" ? "Alerte envoyée" : null,
    );
    journal.push(alert);

    const report = await purgeWorkbook(raw(workbook), AFTER, { confirmAddedColumns: async () => true });

    expect(report).toMatchObject({ done: true, remaining: [] });
    expect(allText(workbook)).toContain(ORGANIZER);
  });

  it("keeps the host structures' contact addresses, which rosters were sent to, and finds nothing left", async () => {
    const workbook = finishedSeminar();
    const journal = workbook.tabs.get(TABS.journal.name)!;
    const header = journal[0]!.map(String);
    journal.push(
      header.map((column) =>
        column === "Destinataire"
          ? "relation-usagers@caf35.example.org"
          : column === "Événement"
            ? "Fiche d'accueil envoyée"
            : null,
      ),
    );

    const report = await purgeWorkbook(raw(workbook), AFTER, { confirmAddedColumns: async () => true });

    expect(report).toMatchObject({ done: true, remaining: [] });
    expect(allText(workbook)).toContain("relation-usagers@caf35.example.org");
  });

  it("empties every personal column of participants and tutors once the seminar is over, and keeps the rest", async () => {
    const workbook = new MemoryWorkbook(seminarSnapshot());
    const report = await purgeWorkbook(raw(workbook), new Date("2027-04-20T12:00:00Z"));
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
    expect(report.summary).toContain("Arrivée");
  });

  it("clears verdicts, keys' addresses and, once confirmed by name, the added columns; the scan then finds nothing", async () => {
    const workbook = finishedSeminar();
    const asked: string[][] = [];

    const report = await purgeWorkbook(raw(workbook), AFTER, {
      confirmAddedColumns: async (columns) => {
        asked.push(columns.map((column) => `${column.tab} › ${column.header}`));
        return true;
      },
    });

    expect(asked).toEqual([["Participants › Notes"]]);
    expect(report).toMatchObject({ done: true, addedColumnsErased: true, remaining: [] });
    expect(report.searched).toBeGreaterThan(40);
    expect(report.erasedByTab).toMatchObject({ Participants: expect.any(Number), Journal: 3 });
    const text = allText(workbook);
    expect(text).not.toContain(ADDRESS);
    expect(text).not.toContain(NAME);
    expect(text).not.toContain("06 12 34 56 78");
    expect(text).toContain("message:seminaire:(effacé):convocation:1");
    expect(text).toContain("workflow:execution:e-1");
  });

  it("keeps the added columns without a confirmation, and its scan says where a name remains", async () => {
    const workbook = finishedSeminar();

    const report = await purgeWorkbook(raw(workbook), AFTER, { confirmAddedColumns: async () => false });

    expect(report.addedColumnsErased).toBe(false);
    const notes = workbook.tabs.get(TABS.participants.name)![0]!.indexOf("Notes") + 1;
    expect(report.remaining).toEqual([{ tab: "Participants", row: 2, column: notes }]);
  });

  it("purges a lunch talk after its date", async () => {
    const workbook = new MemoryWorkbook(lunchSnapshot());
    const report = await purgeWorkbook(raw(workbook), new Date("2027-04-09T12:00:00Z"));
    expect(report.done).toBe(true);
    expect(report.cellsErased).toBe(45 * 4);
    // The Statut names what was erased, by the talk's own columns: no train times for a lunch talk.
    expect(report.summary).toMatch(/^Données personnelles effacées le .* \(180 cellules\) : colonnes /);
    expect(report.summary).toContain("Email");
    expect(report.summary).not.toContain("train");
  });
});
