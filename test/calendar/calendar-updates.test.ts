/**
 * Kind: calendar identities that do not come from editable text. A removed item is cancelled in
 * every participant's calendar, a renamed or moved one updated in place, a cancelled registration
 * removes everything; every file ends with CRLF and an instant has no DTEND.
 */

import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { checkSnapshot } from "../../functions/app/check-workbook.js";
import { eventModel, type PlannedMessage, planMessages } from "../../functions/core/messages/index.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import type { Cell, CellWrite, TabValues, WorkbookSnapshot } from "../../functions/ports.js";
import { EVENT, people, placement, seminar } from "../messages/fixtures.js";
import { sentRow, testKeys } from "../support/ledger.js";
import { tableTab } from "../support/workbooks.js";

const NOW = new Date("2027-03-01T10:00:00Z");

function apply(snapshot: WorkbookSnapshot, writes: readonly CellWrite[]): Map<string, TabValues> {
  const copy = new Map<string, TabValues>();
  for (const [name, tab] of snapshot)
    copy.set(name, { title: tab.title, rows: tab.rows.map((row) => [...row]) });
  for (const write of writes) {
    const entry = [...copy.values()].find((tab) => tab.title === write.tab)!;
    const rows = entry.rows as Cell[][];
    while (rows.length < write.row) rows.push([]);
    const row = rows[write.row - 1]!;
    while (row.length < write.column) row.push(null);
    row[write.column - 1] = write.value;
  }
  return copy;
}

/** The workbook as the check leaves it (identities and announced agendas written). */
function checked(snapshot: WorkbookSnapshot): Map<string, TabValues> {
  return apply(snapshot, checkSnapshot(snapshot, NOW).writes);
}

function planOf(snapshot: WorkbookSnapshot) {
  return planMessages(eventModel(snapshot, testKeys(EVENT), NOW)!, NOW);
}

/** What the sending step leaves: a Journal line per convocation, and the time in `Convocation`. */
function sendConvocations(snapshot: Map<string, TabValues>): Map<string, TabValues> {
  const sent = planOf(snapshot).messages.filter((message) => message.kind === "convocation");
  const journal = sent.map((message) =>
    sentRow(EVENT, message.key, {
      ...(message.fingerprint ? { fingerprint: message.fingerprint } : {}),
      recipient: message.to.address,
    }),
  );
  const marks = sent.map((message) => {
    const tab = snapshot.get(TABS.participants.name)!;
    const column = (tab.rows[0] as Cell[]).indexOf("Convocation") + 1;
    return { tab: tab.title, row: message.mark!.row, column, value: "2027-03-01 11:00" };
  });
  const next = apply(snapshot, marks);
  next.set(TABS.journal.name, tableTab(TABS.journal, journal));
  return next;
}

function removeRow(
  snapshot: Map<string, TabValues>,
  tabName: string,
  match: (row: readonly Cell[]) => boolean,
) {
  const tab = snapshot.get(tabName)!;
  const next = new Map(snapshot);
  next.set(tabName, { title: tab.title, rows: tab.rows.filter((row, index) => index === 0 || !match(row)) });
  return next;
}

function editCell(
  snapshot: Map<string, TabValues>,
  tabName: string,
  header: string,
  match: (row: readonly Cell[]) => boolean,
  value: Cell,
) {
  const tab = snapshot.get(tabName)!;
  const column = (tab.rows[0] as Cell[]).indexOf(header);
  const next = new Map(snapshot);
  next.set(tabName, {
    title: tab.title,
    rows: tab.rows.map((row, index) =>
      index > 0 && match(row) ? row.map((cell, at) => (at === column ? value : cell)) : row,
    ),
  });
  return next;
}

function calendarOf(message: PlannedMessage) {
  const built = message.render(NOW);
  const attachment = built.attachments![0]!;
  const text = String(attachment.content);
  const component = new ICAL.Component(ICAL.parse(text));
  const events = component.getAllSubcomponents("vevent").map((vevent) => ({
    uid: String(vevent.getFirstPropertyValue("uid")),
    summary: String(vevent.getFirstPropertyValue("summary")),
    status: String(vevent.getFirstPropertyValue("status")),
    sequence: Number(vevent.getFirstPropertyValue("sequence")),
    hasEnd: vevent.hasProperty("dtend"),
    start: String(vevent.getFirstPropertyValue("dtstart")),
    attendee: vevent.getFirstPropertyValue("attendee"),
    organizer: vevent.getFirstPropertyValue("organizer"),
  }));
  return {
    text,
    method: String(component.getFirstPropertyValue("method")),
    events,
    contentType: attachment.contentType,
    built,
  };
}

const seq = (name: string) => (row: readonly Cell[]) => row[3] === name;

describe("calendar identities and updates", () => {
  it("cancels the removed Séquence 4 in every participant's calendar, same UID, higher SEQUENCE (field case 10)", async () => {
    const field = await new XlsxWorkbook("test/fixtures/field/10-ics-removed-item.xlsx").read([
      ...Object.values(TABS).map((tab) => tab.name),
    ]);
    const emails = ["claire.martin@prefecture.example.org", "hugo.bernard@departement.example.org"];
    const withPlacements = new Map(field);
    withPlacements.set(
      TABS.placements.name,
      tableTab(
        TABS.placements,
        emails.flatMap((email) => [
          placement(email, "Matin", {
            Structure: "CAF — Accueil Centre",
            "Email tuteur": "sophie.legall@caf.example.org",
            Tuteur: "Sophie Le Gall",
          }),
          placement(email, "Après-midi", {
            Structure: "CCAS de Rennes",
            "Email tuteur": "gaelle.riou@ccas.example.org",
            Tuteur: "Gaëlle Riou",
          }),
        ]),
      ),
    );
    const before = sendConvocations(checked(withPlacements));
    const convocations = planOf(checked(withPlacements)).messages.filter((m) => m.kind === "convocation");
    expect(convocations).toHaveLength(2);
    const after = removeRow(before, TABS.programme.name, seq("Séquence 4"));
    const changes = planOf(after).messages.filter((m) => m.kind === "changement");
    expect(changes.map((m) => m.to.address).sort()).toEqual(emails);
    for (const change of changes) {
      const original = calendarOf(convocations.find((m) => m.to.address === change.to.address)!);
      const removed = original.events.find((event) => event.summary.startsWith("Séquence 4"))!;
      const update = calendarOf(change);
      const cancelled = update.events.find((event) => event.uid === removed.uid);
      expect(cancelled).toMatchObject({ status: "CANCELLED", sequence: 1 });
      expect(update.method).toBe("PUBLISH");
      expect(update.built.text).toContain("Supprimé : « Séquence 4 — Analyse partagée »");
    }
  });

  it("updates a renamed item in place: same UID, no cancellation, and the notice says old → new", () => {
    const before = sendConvocations(checked(seminar()));
    const renamed = editCell(
      before,
      TABS.programme.name,
      "Intitulé",
      seq("Séquence 1"),
      "Les usagers, nouvelle approche",
    );
    const change = planOf(renamed).messages.find(
      (m) => m.kind === "changement" && m.to.address === people.claire.Email,
    )!;
    const original = calendarOf(
      planOf(checked(seminar())).messages.find(
        (m) => m.kind === "convocation" && m.to.address === people.claire.Email,
      )!,
    );
    const update = calendarOf(change);
    const old = original.events.find((event) => event.summary.startsWith("Séquence 1"))!;
    const now = update.events.find((event) => event.uid === old.uid)!;
    expect(now.summary).toBe("Séquence 1 — Les usagers, nouvelle approche");
    expect(now.status).toBe("CONFIRMED");
    expect(update.events.filter((event) => event.status === "CANCELLED")).toEqual([]);
    expect(update.built.text).toMatch(
      /Modifié : « Séquence 1 — .* → « Séquence 1 — Les usagers, nouvelle approche »/,
    );
  });

  it("moves an item in place when its time changes, with the old and new times in French", () => {
    const before = sendConvocations(checked(seminar()));
    const moved = editCell(before, TABS.programme.name, "Début", seq("Séquence 1"), "16:45");
    const change = planOf(moved).messages.find(
      (m) => m.kind === "changement" && m.to.address === people.hugo.Email,
    )!;
    const update = calendarOf(change);
    const item = update.events.find((event) => event.summary.startsWith("Séquence 1"))!;
    expect(item.start).toBe("2027-03-17T15:45:00Z");
    expect(item.sequence).toBe(1);
    expect(update.built.text).toMatch(/16 h 30 – 18 h.* → .*16 h 45 – 18 h/);
  });

  it("keeps every UID when the organizer sorts the programme: nothing to send", () => {
    const before = sendConvocations(checked(seminar()));
    const tab = before.get(TABS.programme.name)!;
    const sorted = new Map(before);
    sorted.set(TABS.programme.name, {
      title: tab.title,
      rows: [tab.rows[0]!, ...tab.rows.slice(1).reverse()],
    });
    expect(planOf(sorted).messages.filter((m) => m.kind === "changement")).toEqual([]);
  });

  it("cancels the dinner in the calendar of a participant who no longer comes to it", () => {
    const before = sendConvocations(checked(seminar()));
    const dropped = editCell(
      before,
      TABS.participants.name,
      "Dîner",
      (row) => row.includes(people.claire.Email),
      "Non",
    );
    const update = calendarOf(
      planOf(dropped).messages.find((m) => m.kind === "changement" && m.to.address === people.claire.Email)!,
    );
    const dinner = update.events.find((event) => /d[îi]ner/i.test(event.summary))!;
    expect(dinner.status).toBe("CANCELLED");
  });

  it("sends a cancellation notice whose calendar (METHOD:CANCEL) removes everything when Inscription becomes Annulée", () => {
    const before = sendConvocations(checked(seminar()));
    const cancelled = editCell(
      before,
      TABS.participants.name,
      "Inscription",
      (row) => row.includes(people.hugo.Email),
      "Annulée",
    );
    const messages = planOf(cancelled).messages.filter((m) => m.to.address === people.hugo.Email);
    expect(messages.map((m) => m.kind)).toEqual(["annulation"]);
    const notice = calendarOf(messages[0]!);
    expect(notice.method).toBe("CANCEL");
    expect(notice.contentType).toContain("method=CANCEL");
    expect(notice.events.length).toBeGreaterThan(5);
    expect(notice.events.every((event) => event.status === "CANCELLED" && event.sequence === 1)).toBe(true);
    expect(String(notice.events[0]!.attendee).toLowerCase()).toBe(`mailto:${people.hugo.Email}`);
    expect(String(notice.events[0]!.organizer).toLowerCase()).toContain(
      "mailto:seminaire@seminaire.example.org",
    );
    expect(notice.built.subject).toContain("Annulation de votre participation");
    // Once: a second plan after it is journaled has nothing for Hugo.
    const journal = [...(cancelled.get(TABS.journal.name)!.rows.slice(1) as Cell[][])];
    const after = new Map(cancelled);
    after.set(TABS.journal.name, {
      title: "Journal",
      rows: [cancelled.get(TABS.journal.name)!.rows[0]!, ...journal],
    });
    const header = cancelled.get(TABS.journal.name)!.rows[0] as Cell[];
    const row = sentRow(EVENT, messages[0]!.key, { recipient: people.hugo.Email });
    (after.get(TABS.journal.name)!.rows as Cell[][]).push(header.map((title) => row[String(title)] ?? null));
    expect(planOf(after).messages.filter((m) => m.to.address === people.hugo.Email)).toEqual([]);
  });

  it("ends every calendar file with CRLF and gives an arrival or a train no DTEND", () => {
    const messages = planOf(checked(seminar())).messages.filter((m) => m.render(NOW).attachments?.length);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      const calendar = calendarOf(message);
      expect(calendar.text.endsWith("END:VCALENDAR\r\n")).toBe(true);
      expect(calendar.text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
      const instants = calendar.events.filter((event) => /^(Arrivée|Train de retour)/.test(event.summary));
      expect(instants.length).toBeGreaterThan(0);
      expect(instants.every((event) => !event.hasEnd)).toBe(true);
    }
  });

  it("writes an Identifiant once per Programme row and never rewrites it", () => {
    const first = checked(seminar());
    const ids = first
      .get(TABS.programme.name)!
      .rows.map((row) => row[(first.get(TABS.programme.name)!.rows[0] as Cell[]).indexOf("Identifiant")]);
    expect(ids.slice(1)).toEqual(ids.slice(1).map((_, index) => index + 1));
    const again = checkSnapshot(first, NOW).writes.filter((write) => write.tab === "Programme");
    expect(again).toEqual([]);
  });
});
