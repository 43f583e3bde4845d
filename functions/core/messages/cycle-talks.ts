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
import { digest, type LunchInfo, type LunchModel, lunchRegistrations } from "../event/model.js";
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

/** An alert to the organizer about the cycle as a whole, before it is rendered. */
export interface CycleAlert {
  /** `echec` (sends refused) or `adresse-en-echec` (addresses that bounce), as for a single talk. */
  readonly kind: "echec" | "adresse-en-echec";
  /** A digest of what it is about: the same faults are told once. */
  readonly version: string;
  readonly summary: string;
  readonly paragraphs: readonly string[];
  /** One line per address, naming every talk it is registered for. */
  readonly items: readonly string[];
}

/** The single talk's alerts that a cycle tells once for all its talks (`cycleAddressAlerts`). */
export function isPerTalkAddressAlert(message: { kind: string; version: string }): boolean {
  return (
    message.kind === "alerte" &&
    (message.version.startsWith("echec-") || message.version.startsWith("adresse-en-echec-"))
  );
}

interface Person {
  name: string;
  address: string;
  /** The talks named in its rows, and where: `« talk » (onglet, ligne n)`. */
  readonly where: string[];
}

/** Everyone the cycle's rows name, by recipient id (the cycle's, without a talk tag). */
function cyclePeople(cycle: CycleCheck, keys: Pick<LedgerKeys, "recipientId">): Map<string, Person> {
  const people = new Map<string, Person>();
  const rows = [
    ...cycle.workbook.registrations.rows.map((row) => ({ tab: CYCLE_TABS_SPEC.registrations.name, row })),
    ...cycle.workbook.speakers.rows.map((row) => ({ tab: CYCLE_TABS_SPEC.speakers.name, row })),
  ];
  for (const { tab, row } of rows) {
    const { email, firstName, lastName, talk } = row.partial;
    if (!email) continue;
    const id = keys.recipientId(email);
    const person = people.get(id) ?? { name: "", address: email, where: [] };
    person.name ||= `${firstName ?? ""} ${lastName ?? ""}`.trim();
    person.where.push(`${talk ? `« ${talk} » ` : ""}(onglet ${tab}, ligne ${row.row})`);
    people.set(id, person);
  }
  return people;
}

const who = (person: Person | undefined) =>
  person
    ? `${person.name ? `${person.name} ` : ""}<${person.address}>`
    : "une adresse qui n'est plus dans le classeur";

/**
 * The organizer's alerts about addresses, once for the whole cycle: a single talk tells its own, so a
 * bad address registered for three talks would make three alerts; here it is one line naming the
 * three. Sends refused for good (`echec`: each address with the talks its failed messages were for)
 * and addresses that bounce (`adresse-en-echec`: each with its rows); an address a send failed on is
 * told by the first only, as for a single talk. Pure.
 */
export function cycleAddressAlerts(
  cycle: CycleCheck,
  journal: JournalState,
  keys: Pick<LedgerKeys, "event" | "recipientId">,
): CycleAlert[] {
  const people = cyclePeople(cycle, keys);
  const talkOfTag = new Map(
    cycle.workbook.talks.rows.flatMap((row) =>
      row.partial.name ? [[talkTag(row.partial.name), row.partial.name]] : [],
    ),
  );
  const prefix = `message:${keys.event}:`;
  const failed = new Map<string, Set<string>>();
  for (const key of [...journal.failed].sort()) {
    if (!key.startsWith(prefix) || key.includes(":alerte:")) continue;
    const recipient = key.slice(prefix.length).split(":")[0] ?? "";
    const [id = "", tag] = recipient.split(".");
    const talks = failed.get(id) ?? new Set<string>();
    const talk = tag ? talkOfTag.get(tag) : undefined;
    if (talk) talks.add(`« ${talk} »`);
    failed.set(id, talks);
  }
  const alerts: CycleAlert[] = [];
  if (failed.size > 0) {
    const ids = [...failed.keys()].sort();
    alerts.push({
      kind: "echec",
      version: digest([...journal.failed].filter((key) => key.startsWith(prefix)).sort()),
      summary: `${ids.length} adresse${ids.length > 1 ? "s" : ""} : messages non envoyés`,
      paragraphs: [
        `Des messages de « ${cycle.workbook.settings.partial.title ?? "Cycle de rencontres"} » n'ont pas pu être envoyés : l'adresse ou le message a été refusé. Le Journal du classeur indique la raison pour chacun (lignes « Échec d'envoi »).`,
        "Corrigez l'adresse dans le classeur (sur chacune de ses lignes) : les messages repartiront avec la prochaine étape d'envoi.",
      ],
      items: ids.map((id) => {
        const talks = [...(failed.get(id) ?? [])];
        return `${who(people.get(id))}${talks.length > 0 ? ` — ${talks.join(", ")}` : ""}`;
      }),
    });
  }
  const bounced = [...journal.bounced].filter((id) => !failed.has(id)).sort();
  if (bounced.length > 0)
    alerts.push({
      kind: "adresse-en-echec",
      version: digest(bounced),
      summary: `${bounced.length} adresse${bounced.length > 1 ? "s" : ""} en échec`,
      paragraphs: [
        "Le service d'envoi signale que ces adresses ne reçoivent pas nos messages (adresse inexistante, boîte fermée), ou que leur titulaire a signalé un message comme indésirable. Plus rien ne leur sera envoyé, pour aucune rencontre du cycle.",
        "S'il s'agit d'une erreur de saisie, corrigez l'adresse sur chacune de ses lignes : les messages repartiront vers la nouvelle adresse. Sinon, prévenez la personne par un autre moyen.",
      ],
      items: bounced.map((id) => {
        const person = people.get(id);
        return person ? `${person.address} : ${person.where.join(" ; ")}` : who(undefined);
      }),
    });
  return alerts;
}
