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
import type { Cell, Mailer, OutgoingMessage } from "../../functions/ports.js";
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
function cycleWorkbook(full = false): MemoryWorkbook {
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
    Object.fromEntries(tabs.map((tab) => [tab.title, tab.rows as (readonly Cell[])[]])),
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
    // The last talk has started; its survey, two hours after its end, is still to send.
    const lastStarted = new Date("2027-06-03T10:30:00Z");
    const late = cycleModel(snapshot, state.workbook.keys, lastStarted);
    expect(nextCycleWake(late, lastStarted)?.toISOString()).toBe("2027-06-03T13:45:00.000Z");
    const afterAll = new Date("2027-07-10T10:00:00Z");
    expect(nextCycleWake(cycleModel(snapshot, state.workbook.keys, afterAll), afterAll)).toBeNull();
  });
});
