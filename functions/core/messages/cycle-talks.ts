/**
 * Each talk of a cycle read as a single lunch talk, so that its seated and waiting people get what
 * a single talk sends them (seat confirmation, waiting-list notice, a seat freed, the reminder, the
 * survey) from the single talk's own plan (`planMessages` on a `LunchModel`), unchanged.
 *
 * - The seats are the cycle's (`core/cycle/check-cycle.ts`: fair access across the talks, a seat once
 *   announced kept): the view reads them from the talk's check, it does not seat anyone again.
 * - The keys differ per talk: a talk's view names its recipients `<recipient id>.<talk tag>`, so the
 *   ledger key of a message (`messageKey`) holds the talk, and a person seated at three talks gets
 *   three convocations, each once.
 * - A send that failed or stays uncertain is told to the organizer by the view of its own talk only.
 * Pure: the checked cycle, its verified Journal, its keys and `now` in.
 */
import type { TabValues, WorkbookSnapshot } from "../../ports.js";
import { type CycleCheck, checkCycle, type TalkCheck, unscheduledLine } from "../cycle/check-cycle.js";
import { CYCLE_TABS_SPEC } from "../cycle/cycle-schemas.js";
import { talkTag } from "../cycle/talk-identity.js";
import type { DocumentSet } from "../documents/common.js";
import { fileSlug } from "../documents/layout.js";
import { lunchDocuments } from "../documents/lunch.js";
import { type LunchInfo, type LunchModel, lunchRegistrations } from "../event/model.js";
import { readLedger } from "../ledger/journal.js";
import type { LedgerKeys } from "../ledger/keys.js";
import { type JournalState, journalState } from "../ledger/state.js";
import { eventZone } from "../settings/event-settings.js";
import { TABS } from "../sheet/schemas.js";
import { type MessagePlan, type PlanOptions, planMessages } from "./plan.js";

/**
 * The keys of one talk's view: those of the cycle, each recipient named `<id>.<talk tag>`. Sealing
 * and verifying are the cycle's (one Journal).
 */
export function talkKeys(keys: LedgerKeys, talk: string): LedgerKeys {
  const tag = talkTag(talk);
  return { ...keys, recipientId: (address) => `${keys.recipientId(address)}.${tag}` };
}

/**
 * The Journal as a talk's view reads it: its recipients' bounces under the view's identifiers, and
 * only the failed or uncertain sends of this talk (each talk tells the organizer of its own).
 */
function talkJournal(
  journal: JournalState,
  keys: LedgerKeys,
  talk: string,
  addresses: readonly string[],
): JournalState {
  const view = talkKeys(keys, talk);
  const tag = `.${talkTag(talk)}:`;
  const ours = (key: string) => key.startsWith(`message:${keys.event}:`) && key.includes(tag);
  return {
    ...journal,
    failed: new Set([...journal.failed].filter(ours)),
    uncertain: new Map([...journal.uncertain].filter(([key]) => ours(key))),
    rejectedRows: [],
    bounced: new Set(
      addresses.filter((address) => journal.bounced.has(keys.recipientId(address))).map(view.recipientId),
    ),
  };
}

/** The single talk's information of a talk of the cycle: the cycle's parameters, overridden by the talk's row. */
function talkInfo(cycle: CycleCheck, talk: TalkCheck, event: string): LunchInfo {
  const settings = talk.lunch.workbook.settings.partial;
  const cycleSettings = cycle.workbook.settings.partial;
  return {
    event,
    title: settings.title ?? talk.name,
    ...(settings.theme ? { theme: settings.theme } : {}),
    zone: eventZone(cycleSettings),
    start: talk.start,
    end: talk.end,
    venue: settings.venue ?? "",
    ...(settings.speakers ? { speakers: settings.speakers } : {}),
    organizerEmail: settings.organizerEmail ?? "",
    sender: settings.sender ?? { address: settings.organizerEmail ?? "" },
    reminderHours: settings.reminderHours ?? 24,
    ...(settings.surveyLink ? { surveyLink: settings.surveyLink } : {}),
    calendarItem: `rencontre-${talkTag(talk.name)}`,
  };
}

/**
 * One talk of the cycle as a single lunch talk's model: its registrations with the seats the cycle
 * gave them, its Journal and its keys as the view reads them (`talkKeys`).
 */
export function talkLunchModel(
  cycle: CycleCheck,
  talk: TalkCheck,
  journal: JournalState,
  keys: LedgerKeys,
): LunchModel {
  const blocked = new Set(
    talk.lunch.rows.filter((verdict) => verdict.blocking).map((verdict) => verdict.row),
  );
  // The seats are the cycle's (fair access across the talks): read, not computed again.
  const { registrations, excluded } = lunchRegistrations(
    talk.lunch.workbook.registrations.rows,
    blocked,
    () => talk.lunch.seats.statuses,
    (email) => journal.bounced.has(keys.recipientId(email)),
  );
  const info = talkInfo(cycle, talk, keys.event);
  const addresses = [...registrations.map((registration) => registration.email), info.organizerEmail];
  return {
    kind: "lunch",
    info,
    registrations,
    excluded,
    journal: talkJournal(journal, keys, talk.name, addresses),
    keys: talkKeys(keys, talk.name),
    problems: [],
  };
}

/**
 * The messages of the seated and waiting people of every talk not yet over (a talk's survey leaves
 * after it ends), each planned by the single talk's plan on the talk's view.
 */
export function planTalks(
  cycle: CycleCheck,
  journal: JournalState,
  keys: LedgerKeys,
  now: Date,
  options: Pick<PlanOptions, "replyAddress" | "workbookLink"> = {},
): MessagePlan[] {
  return cycle.talks.map((talk) => planMessages(talkLunchModel(cycle, talk, journal, keys), now, options));
}

/**
 * The printed documents of a cycle at `now`: each talk's, as a single talk's (attendance sheet,
 * certificates once it is over, headcounts), under a folder named after the talk. The headcounts
 * line and the notes name their talk.
 */
export function cycleDocuments(snapshot: WorkbookSnapshot, keys: LedgerKeys, now: Date): DocumentSet {
  const cycle = checkCycle(snapshot, now);
  const journal = journalState(readLedger(snapshot.get(TABS.journal.name)), now);
  // A single talk's documents read its rows (direction, function, `Présent`) and its organizer.
  const tabs: [string, TabValues | undefined][] = [
    [TABS.lunch.name, snapshot.get(CYCLE_TABS_SPEC.cycle.name)],
    [TABS.registrations.name, snapshot.get(CYCLE_TABS_SPEC.registrations.name)],
  ];
  const talkSnapshot: WorkbookSnapshot = new Map(
    tabs.flatMap(([name, tab]) => (tab ? [[name, tab] as [string, TabValues]] : [])),
  );
  const sets = cycle.talks.map((talk) => ({
    talk: talk.name,
    set: lunchDocuments(talkSnapshot, keys, now, talkLunchModel(cycle, talk, journal, keys)),
  }));
  return {
    kind: "lunch",
    title: cycle.workbook.settings.partial.title ?? "Cycle de rencontres",
    zone: eventZone(cycle.workbook.settings.partial),
    documents: sets.flatMap(({ talk, set }) =>
      set.documents.map((document) => ({ ...document, file: `${fileSlug(talk)}/${document.file}` })),
    ),
    headcountLine: sets.map(({ talk, set }) => `« ${talk} » : ${set.headcountLine}`).join("\n"),
    notes: [
      ...cycle.unscheduled.map(unscheduledLine),
      ...sets.flatMap(({ talk, set }) => set.notes.map((note) => `« ${talk} » : ${note}`)),
    ],
  };
}
