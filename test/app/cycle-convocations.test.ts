/**
 * The seated and waiting people of a cycle's talks, through the real sending
 * (`app/send-messages.ts`) on a sealed in-memory workbook: each talk sends what a single lunch talk
 * sends, under keys of its own, once; a seat once announced is kept.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { checkCycle } from "../../functions/core/cycle/check-cycle.js";
import { CYCLE_TABS_SPEC } from "../../functions/core/cycle/cycle-schemas.js";
import { talkTag } from "../../functions/core/cycle/talk-identity.js";
import { KEY_HEADER } from "../../functions/core/messages/plan.js";
import { cycleModel, nextCycleWake } from "../../functions/core/messages/speakers.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import { type Cell, type Mailer, type OutgoingMessage, PermanentSendError } from "../../functions/ports.js";
import * as cycleExample from "../../sheets-templates/example-cycle.js";
import { MemoryWorkbook } from "../inbound/memory-workbook.js";
import { settingsTab, tableTab } from "../support/workbooks.js";

const EVENT = "cycle-convocations";
const [FIRST, SECOND, THIRD] = cycleExample.TALK_NAMES;
const SEATING_KINDS = ["inscription", "liste-attente", "place-liberee", "rappel-rencontre"] as const;
/** Seats at the third talk when it is full: 22 registrations, a waiting list. */
const THIRD_SEATS = 15;
let now = new Date("2027-03-20T10:00:00Z");

/** The example cycle; its third talk with fewer seats than registrations when `full`. */
function cycleWorkbook(full = false, omit?: string): MemoryWorkbook {
  const spec = CYCLE_TABS_SPEC;
  const talks = cycleExample.talks.map((talk) =>
    full && talk.Rencontre === THIRD ? { ...talk, Capacité: THIRD_SEATS } : talk,
  );
  const tabs = [
    settingsTab(spec.cycle, cycleExample.cycleSettings),
    tableTab(spec.talks, talks),
    tableTab(spec.registrations, cycleExample.registrations),
    tableTab(spec.speakers, cycleExample.speakers),
    tableTab(TABS.journal, []),
  ];
  return new MemoryWorkbook(
    Object.fromEntries(
      tabs.filter((tab) => tab.title !== omit).map((tab) => [tab.title, tab.rows as (readonly Cell[])[]]),
    ),
    EVENT,
  );
}

const state = { workbook: cycleWorkbook(), sent: [] as OutgoingMessage[] };
const mailer: Mailer = {
  send: async (message) => {
    state.sent.push(message);
    return { messageId: `ses-${state.sent.length}` };
  },
};
const clock = { now: () => now };
const send = () =>
  sendDueMessages(state.workbook, mailer, clock, {
    event: EVENT,
    ratePerSecond: 1000,
    kinds: [...SEATING_KINDS],
  });
const addressOf = (message: OutgoingMessage) =>
  typeof message.to === "string" ? message.to : message.to.address;
const keyOf = (message: OutgoingMessage) => String(message.headers?.[KEY_HEADER] ?? "");
const check = async () =>
  checkCycle(await state.workbook.read([...Object.values(CYCLE_TABS_SPEC).map((s) => s.name)]), now);

/** Writes `Présent` on the registration of `email` for `talk`. */
function markAbsent(email: string, talk: string) {
  const rows = state.workbook.rows(CYCLE_TABS_SPEC.registrations.name);
  const header = rows[0]!.map(String);
  const row = rows.find((cells) => cells[header.indexOf("Email")] === email && cells[0] === talk)!;
  row[header.indexOf("Présent")] = "Non";
}

/** Writes `value` in the `column` of the first row of `tab` whose first cell is `first`. */
function setCell(tab: string, first: string, column: string, value: Cell) {
  const rows = state.workbook.rows(tab);
  const header = rows[0]!.map(String);
  const row = rows.find((cells) => cells[0] === first)!;
  row[header.indexOf(column)] = value;
}

/** Sends every kind a cycle sends to its registered people and its organizer, due at `now`. */
const sendAll = (mailer_: Mailer = mailer) =>
  sendDueMessages(state.workbook, mailer_, clock, {
    event: EVENT,
    ratePerSecond: 1000,
    kinds: [
      ...SEATING_KINDS,
      "questionnaire-rencontre",
      "alerte",
      "alerte-intervenant",
      "invitation-intervenant",
    ],
  });
const organizerAlerts = () => state.sent.filter((message) => message.subject.startsWith("[Passerelle]"));

beforeEach(() => {
  now = new Date("2027-03-20T10:00:00Z");
  state.workbook = cycleWorkbook();
  state.sent = [];
});

describe("the seated and waiting people of a cycle's talks", () => {
  it("confirms each seat once per talk, under a key that names the talk, and sends nothing again on a second run", async () => {
    const checked = await check();
    const seats = checked.talks.flatMap((talk) =>
      talk.lunch.seats.seated.map((email) => ({ talk: talk.name, email })),
    );
    const waiting = checked.talks.flatMap((talk) => talk.lunch.seats.waiting);

    const first = await send();
    const confirmations = state.sent.filter((message) => message.subject.startsWith("Inscription confirmée"));
    expect(confirmations).toHaveLength(seats.length);
    for (const seat of seats) {
      const mine = confirmations.filter(
        (message) => addressOf(message) === seat.email && message.subject.endsWith(`— ${seat.talk}`),
      );
      expect(mine, `${seat.email} at ${seat.talk}`).toHaveLength(1);
      expect(keyOf(mine[0]!)).toMatch(new RegExp(`\\.${talkTag(seat.talk)}:inscription:1$`));
    }
    // Manager 1 registered for the three talks: three confirmations, three keys, three calendars.
    const manager = String(cycleExample.managers[0]!.Email);
    const hers = confirmations.filter((message) => addressOf(message) === manager);
    expect(hers.map((message) => message.subject).sort()).toEqual(
      [FIRST, SECOND, THIRD]
        .map((talk) => `Inscription confirmée — Rencontres méridiennes 2027 — ${talk}`)
        .sort(),
    );
    expect(new Set(hers.map(keyOf)).size).toBe(3);
    const uids = hers.map((message) => /UID:(\S+)/.exec(String(message.attachments?.[0]?.content))?.[1]);
    expect(new Set(uids).size).toBe(3);
    const notices = state.sent.filter((message) => message.subject.startsWith("Liste d'attente"));
    expect(notices).toHaveLength(waiting.length);
    expect(first.sent).toBe(seats.length + waiting.length);
    // `Convocation` is filled on the row of each announced seat.
    const announced = state.workbook
      .records(CYCLE_TABS_SPEC.registrations.name)
      .filter((row) => (row.Convocation ?? "") !== "");
    expect(announced).toHaveLength(seats.length);

    now = new Date("2027-03-20T10:05:00Z");
    const again = await send();
    expect(again.sent).toBe(0);
    expect(state.sent).toHaveLength(seats.length + waiting.length);
  });

  it("keeps a seat already announced for a later talk when absences recorded at earlier talks rank its holder last", async () => {
    state.workbook = cycleWorkbook(true);
    const manager = String(cycleExample.managers[0]!.Email);
    await send();
    const before = await check();
    expect(before.talks[2]!.lunch.seats.seated).toContain(manager);

    // After the second talk, the manager is recorded absent at the first two.
    now = new Date("2027-05-07T10:00:00Z");
    markAbsent(manager, FIRST);
    markAbsent(manager, SECOND);
    const after = await check();
    expect(after.talks[2]!.lunch.seats.seated).toContain(manager);
    const sentBefore = state.sent.length;
    await send();
    expect(
      state.sent
        .slice(sentBefore)
        .filter((message) => addressOf(message) === manager && !message.subject.startsWith("Rappel")),
    ).toEqual([]);
  });

  it("ranks an absentee last at a later talk whose seat was not yet announced", async () => {
    // The same absences without any message sent: nothing holds the seat, the waiting list moves.
    state.workbook = cycleWorkbook(true);
    const manager = String(cycleExample.managers[0]!.Email);
    expect((await check()).talks[2]!.lunch.seats.seated).toContain(manager);
    now = new Date("2027-05-07T10:00:00Z");
    markAbsent(manager, FIRST);
    markAbsent(manager, SECOND);
    const after = await check();
    expect(after.talks[2]!.lunch.seats.seated).not.toContain(manager);
  });

  it("wakes the cycle's workflow for the reminder of the seated people, and ends after the last survey", async () => {
    await send();
    const snapshot = await state.workbook.read([
      ...Object.values(CYCLE_TABS_SPEC).map((spec) => spec.name),
      TABS.journal.name,
    ]);
    // Once the speakers' list has left, the day before, the next is the seated people's reminder.
    const listSent = new Date("2027-04-07T08:00:00Z");
    const model = cycleModel(snapshot, state.workbook.keys, listSent);
    expect(nextCycleWake(model, listSent)?.toISOString()).toBe("2027-04-07T10:15:00.000Z");
    // The last talk (Thursday 3 June) has started; its survey, the next working morning at 9:00, is still to send.
    const lastStarted = new Date("2027-06-03T10:30:00Z");
    const late = cycleModel(snapshot, state.workbook.keys, lastStarted);
    expect(nextCycleWake(late, lastStarted)?.toISOString()).toBe("2027-06-04T07:00:00.000Z");
    const afterAll = new Date("2027-07-10T10:00:00Z");
    expect(nextCycleWake(cycleModel(snapshot, state.workbook.keys, afterAll), afterAll)).toBeNull();
  });

  it("sends a talk's survey the next working morning, only to the seated people not recorded absent", async () => {
    await send();
    const seated = (await check()).talks[0]!.lunch.seats.seated;
    const absent = seated[0]!;
    // The first talk is on Thursday 8 April 2027, 12:15-13:45: nothing in the afternoon.
    now = new Date("2027-04-08T13:45:00Z");
    await sendAll();
    expect(state.sent.filter((message) => message.subject.startsWith("Merci"))).toEqual([]);
    markAbsent(absent, FIRST);
    // Friday 9 April, 9:00 in Paris.
    now = new Date("2027-04-09T07:00:00Z");
    await sendAll();
    const surveys = state.sent.filter((message) => keyOf(message).includes(":questionnaire-rencontre:"));
    expect(surveys.map(addressOf).sort()).toEqual(seated.filter((email) => email !== absent).sort());
  });

  it("names only the speakers who have not declined in what the participants read, and none when none is left", async () => {
    const [, ferrand] = cycleExample.speakers;
    setCell(CYCLE_TABS_SPEC.speakers.name, String(ferrand!.Nom), "Confirmation", "Décliné");
    await send();
    const second = state.sent.filter((message) => message.subject.endsWith(`— ${SECOND}`));
    expect(second.length).toBeGreaterThan(0);
    for (const message of second) {
      // Text, HTML and the calendar's description alike.
      expect(JSON.stringify(message)).not.toContain(String(ferrand!.Nom));
      expect(message.text).not.toContain("Intervenant");
    }
    const first = state.sent.filter(
      (message) => message.subject === `Inscription confirmée — Rencontres méridiennes 2027 — ${FIRST}`,
    );
    expect(first[0]!.text).toContain(
      `Intervenants : ${cycleExample.speakers[0]!.Prénom} ${cycleExample.speakers[0]!.Nom}`,
    );
  });

  it("says a talk with an unreadable date on its row and to the organizer once, and the other talks go on", async () => {
    setCell(CYCLE_TABS_SPEC.talks.name, SECOND!, "Date", "le 12 avrl");
    const checked = await check();
    const registered = cycleExample.registrations.filter((row) => row.Rencontre === SECOND).length;
    expect(checked.unscheduled).toEqual([expect.objectContaining({ row: 3, name: SECOND, registered })]);
    const status = checked.rows.find(
      (row) => row.tab === CYCLE_TABS_SPEC.talks.name && row.row === 3,
    )!.status;
    expect(status).toContain("tapez-la comme");
    expect(status).toContain(`les ${registered} personnes inscrites ne reçoivent rien`);

    await sendAll();
    const toPeople = state.sent.filter((message) => !message.subject.startsWith("[Passerelle]"));
    expect(toPeople.some((message) => message.subject.includes(SECOND!))).toBe(false);
    expect(state.sent.some((message) => message.subject.endsWith(`— ${FIRST}`))).toBe(true);
    const alerts = organizerAlerts();
    expect(alerts.map((message) => message.subject)).toEqual([
      `[Passerelle] Rencontres méridiennes 2027 : rencontre « ${SECOND} » non programmée`,
    ]);
    expect(alerts[0]!.text).toContain(`Ses ${registered} inscrits ne reçoivent rien`);
    now = new Date("2027-03-21T10:00:00Z");
    await sendAll();
    expect(organizerAlerts()).toHaveLength(1);
  });

  it("plans nothing for a cycle whose Inscriptions tab is missing, rather than lists of nobody", async () => {
    state.workbook = cycleWorkbook(false, CYCLE_TABS_SPEC.registrations.name);
    const snapshot = await state.workbook.read([
      ...Object.values(CYCLE_TABS_SPEC).map((spec) => spec.name),
      TABS.journal.name,
    ]);
    const model = cycleModel(snapshot, state.workbook.keys, now);
    expect(model.problems).toContain("Onglet « Inscriptions » introuvable : ajoutez-le (voir le modèle).");
    const report = await sendAll();
    expect(report.sent).toBe(0);
    // Not even the speakers' list of the registered, a week before the first talk's eve.
    now = new Date("2027-04-07T07:00:00Z");
    await sendDueMessages(state.workbook, mailer, clock, { event: EVENT, ratePerSecond: 1000 });
    expect(state.sent).toEqual([]);
  });

  it("tells the organizer once about an address registered for three talks that is refused, naming the three", async () => {
    const manager = String(cycleExample.managers[0]!.Email);
    const refusing: Mailer = {
      send: async (message) => {
        if (addressOf(message) === manager)
          throw new PermanentSendError("refusée", "invalid-address", { cause: new Error("550") });
        return mailer.send(message);
      },
    };
    await sendAll(refusing);
    now = new Date("2027-03-20T10:05:00Z");
    await sendAll(refusing);
    const alerts = organizerAlerts().filter((message) => message.text.includes(manager));
    expect(alerts).toHaveLength(1);
    for (const talk of [FIRST, SECOND, THIRD]) expect(alerts[0]!.text).toContain(`« ${talk} »`);
  });

  it("signs every message to the registered people and the speakers the same way, once", async () => {
    await sendAll();
    now = new Date("2027-04-07T10:15:00Z");
    await sendDueMessages(state.workbook, mailer, clock, { event: EVENT, ratePerSecond: 1000 });
    now = new Date("2027-04-09T07:00:00Z");
    await sendAll();
    const kinds = new Set(state.sent.map((message) => keyOf(message).split(":").at(-2)));
    expect([...kinds]).toEqual(
      expect.arrayContaining([
        "inscription",
        "invitation-intervenant",
        "liste-inscrits",
        "rappel-rencontre",
        "questionnaire-rencontre",
      ]),
    );
    for (const message of state.sent.filter((m) => !m.subject.startsWith("[Passerelle]")))
      expect(message.text.match(/^L'équipe .*$/gm), message.subject).toEqual(["L'équipe d'organisation"]);
  });
});
