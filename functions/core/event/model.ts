/**
 * From a workbook snapshot to the view models messages are made of: each participant's agenda
 * (the timetable with their own placements and trains, as instants in the event's zone), each
 * tutor's hosting, each lunch-talk registration's seat. Pure.
 */
import { createHash } from "node:crypto";
import { DateTime } from "luxon";
import type { WorkbookSnapshot } from "../../ports.js";
import { checkLunch, closingInstant, parseLunchWorkbook } from "../checks/check-lunch.js";
import {
  attends,
  checkSeminar,
  isImmersion,
  isTravel,
  type SeminarCheck,
  travelKind,
} from "../checks/check-seminar.js";
import { careOfAddresses, isReverseView } from "../inversee/view.js";
import { readLedger } from "../ledger/journal.js";
import type { LedgerKeys } from "../ledger/keys.js";
import { hasBounced, type JournalState, journalState } from "../ledger/state.js";
import { allocateSeats, type SeatStatus } from "../seats/seats.js";
import { eventZone } from "../settings/event-settings.js";
import {
  cellText,
  type IsoDate,
  instantOf,
  minutesOf,
  normalizeKey,
  parseEmail,
  parseTime,
  type WallTime,
} from "../sheet/cells.js";
import type { Mailbox } from "../sheet/fields.js";
import { programmeIds } from "../sheet/item-ids.js";
import type { ParticipantRow, ProgrammeRow, RegistrationRow, TutorRow } from "../sheet/schemas.js";
import { TABS } from "../sheet/schemas.js";
import type { ParsedRow } from "../sheet/table.js";

/** Minutes between leaving the last sequence and the train (the same margin the checks use). */
export const STATION_MARGIN_MINUTES = 30;

export interface Recipient {
  readonly name: string;
  readonly address: string;
  /**
   * When the message goes to someone other than the person it is about (a service user's
   * registrar, `careOf`): that person's name. The message then carries no display name (the
   * address is not theirs) and its subject names them, so that a registrar of several people
   * tells the messages apart.
   */
  readonly about?: string;
}

/** A participant as a recipient: themselves, or their registrar when they have one (`careOf`). */
export function personRecipient(person: {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly careOf?: string | undefined;
}): Recipient {
  const name = fullName(person.firstName, person.lastName);
  return person.careOf === undefined
    ? { name, address: person.email }
    : { name, address: person.careOf, about: name };
}

export interface SeminarInfo {
  readonly event: string;
  readonly title: string;
  readonly city?: string;
  readonly zone: string;
  readonly days: readonly [IsoDate, IsoDate];
  readonly venue: string;
  readonly station?: string;
  readonly organizerEmail: string;
  readonly sender: Mailbox;
  readonly reminderDays: number;
  readonly trainReminderMinutes: number;
  readonly surveyLink?: string;
  /** A reverse immersion (issue 18): the people who receive are hosts, not tutors. */
  readonly reverse?: boolean;
}

export interface Placement {
  readonly slot: string;
  readonly structure: string;
  readonly situation: string;
  readonly address?: string;
  readonly tutor?: string;
  readonly tutorEmail?: string;
  /** The structure's `Contact` (for a reverse immersion: the host's position, phone and address). */
  readonly contact?: string;
}

export type AgendaItemKind = "item" | "immersion" | "arrival" | "return";

export interface AgendaItem {
  /** Stable within the agenda, whatever the times or the placement: the calendar's UID is made of it. */
  readonly id: string;
  readonly kind: AgendaItemKind;
  readonly day: number;
  readonly start: Date;
  readonly end: Date;
  readonly title: string;
  readonly place?: string;
  readonly placement?: Placement;
}

export interface ParticipantView {
  readonly row: number;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly employer: string;
  readonly position?: string;
  readonly dinner: boolean;
  readonly visit: boolean;
  /** `Besoins`, as typed (step-free access, others), for the tutors who host the person. */
  readonly needs?: string;
  /** `Convocation à`: who receives the person's messages in their place (a service user's registrar). */
  readonly careOf?: string;
}

export interface ReturnTrain {
  readonly departure: Date;
  /** When to leave the last sequence to catch it. */
  readonly leaveBy: Date;
  /** The last sequence before it, when there is one. */
  readonly lastItem?: AgendaItem;
  /** Whether the participant must leave before that sequence ends. */
  readonly leavesEarly: boolean;
}

/** An item as a participant's convocation announced it (kept in `Agenda annoncé`). */
export interface AnnouncedItem {
  readonly id: string;
  readonly title: string;
  readonly start: Date;
  readonly end: Date;
  readonly place?: string;
}

/** What changed in one item since the convocation: `before` absent for a new item, `after` for a removed one. */
export interface ItemChange {
  readonly id: string;
  readonly before?: AnnouncedItem;
  readonly after?: AnnouncedItem;
}

/** A participant whose registration was cancelled after their convocation left. */
export interface WithdrawnParticipant {
  readonly row: number;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  /** The items their calendar holds: all to be cancelled. */
  readonly announced: readonly AnnouncedItem[];
  /** `Convocation à`, as for a participant. */
  readonly careOf?: string;
}

export interface ParticipantAgenda {
  readonly participant: ParticipantView;
  /** What the convocation announced, when `Agenda annoncé` holds it (else absent or undefined). */
  readonly announced?: readonly AnnouncedItem[] | undefined;
  /** Announced items that are gone (removed from the programme, or no longer attended). */
  readonly cancelled: readonly AnnouncedItem[];
  /** Every item added, changed or removed since the convocation, in the order of the agenda. */
  readonly changes: readonly ItemChange[];
  readonly items: readonly AgendaItem[];
  readonly placements: readonly Placement[];
  /** Immersion slots this participant has no placement in yet. */
  readonly missingSlots: readonly string[];
  readonly arrival?: Date;
  readonly returnTrain?: ReturnTrain;
  /** A short digest of everything the convocation shows: it changes when a placement or a time does. */
  readonly fingerprint: string;
}

export interface HostedSlot {
  readonly slot: string;
  readonly start: Date;
  readonly end: Date;
  readonly structure: string;
  readonly situation: string;
  readonly address?: string;
  readonly participants: readonly { name: string; employer: string; position?: string; needs?: string }[];
}

export interface TutorView {
  readonly name: string;
  /** Absent when neither `Affectations` nor `Tuteurs` gives a valid address. */
  readonly email?: string;
  /** The tutor's row in `Tuteurs`, when there is one. */
  readonly row?: number;
  readonly confirmation?: string;
  readonly hosts: readonly HostedSlot[];
  /** Timetable items tutors are invited to (the shared lunch). */
  readonly alsoInvited: readonly AgendaItem[];
  readonly fingerprint: string;
}

export interface Excluded {
  readonly tab: string;
  readonly row: number;
  readonly reason: string;
  /** The row's address, when it is the reason (a bounced address). */
  readonly email?: string;
}

/** A row of `Tuteurs` with a valid address, whether or not it hosts anyone now. */
export interface TutorRecord {
  readonly row: number;
  readonly email: string;
  readonly name: string;
  readonly confirmation?: string;
}

export interface SeminarModel {
  readonly kind: "seminar";
  readonly info: SeminarInfo;
  readonly agendas: readonly ParticipantAgenda[];
  readonly tutors: readonly TutorView[];
  /** Every tutor of `Tuteurs` with a valid address (a tutor who declined hosts nobody any more). */
  readonly tutorRecords: readonly TutorRecord[];
  readonly excluded: readonly Excluded[];
  /** Participants whose registration is `Annulée` and whose convocation announced an agenda. */
  readonly withdrawn: readonly WithdrawnParticipant[];
  readonly journal: JournalState;
  /** The event's ledger keys: recipients are named in keys by `keys.recipientId`. */
  readonly keys: LedgerKeys;
  /** Why no message can be planned at all (the seminar's own problems that matter to messages). */
  readonly problems: readonly string[];
  /** When the seminar ends (the end of its last item). */
  readonly endsAt: Date;
  readonly startsAt: Date;
}

export interface LunchInfo {
  readonly event: string;
  readonly title: string;
  readonly theme?: string;
  readonly zone: string;
  readonly start: Date;
  readonly end: Date;
  readonly venue: string;
  readonly speakers?: string;
  readonly organizerEmail: string;
  readonly sender: Mailbox;
  readonly reminderHours: number;
  readonly surveyLink?: string;
  /** The talk's identity in the calendar's UID (`rencontre` when absent; each talk of a cycle has its own). */
  readonly calendarItem?: string;
}

export interface LunchRegistration {
  readonly row: number;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly service: string;
  readonly seat: SeatStatus;
  /** Recorded absent (`Présent: Non`, from the attendance sheet): the survey is not for them. */
  readonly absent: boolean;
}

export interface LunchModel {
  readonly kind: "lunch";
  readonly info: LunchInfo;
  readonly registrations: readonly LunchRegistration[];
  readonly excluded: readonly Excluded[];
  readonly journal: JournalState;
  readonly keys: LedgerKeys;
  readonly problems: readonly string[];
}

export type EventModel = SeminarModel | LunchModel;

/** The tabs a model needs, by canonical name. */
export const MESSAGE_TABS = [
  TABS.seminar.name,
  TABS.programme.name,
  TABS.structures.name,
  TABS.tutors.name,
  TABS.participants.name,
  TABS.placements.name,
  TABS.lunch.name,
  TABS.registrations.name,
  TABS.journal.name,
] as const;

export function digest(value: unknown, length = 12): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, length);
}

export function fullName(firstName: string, lastName: string): string {
  return `${firstName} ${lastName}`.trim();
}

/**
 * The model of whichever event the snapshot holds; `null` when it holds neither. `keys` name the
 * event (`keys.event`) and its recipients; the snapshot's Journal must be verified
 * (`functions/app/ledger-workbook.ts`).
 */
export function eventModel(snapshot: WorkbookSnapshot, keys: LedgerKeys, now: Date): EventModel | null {
  if (snapshot.has(TABS.seminar.name)) return seminarModel(snapshot, keys, now);
  if (snapshot.has(TABS.lunch.name)) return lunchModel(snapshot, keys, now);
  return null;
}

function itemTitle(item: ProgrammeRow): string {
  return item.label && normalizeKey(item.label) !== normalizeKey(item.sequence)
    ? `${item.sequence} — ${item.label}`
    : item.sequence;
}

/**
 * The spans already computed, as epoch milliseconds, by date, times and zone: a seminar's agendas
 * ask for the same few spans once per participant, and luxon's zone arithmetic is the costly part
 * of a model. Emptied when it grows past `SPAN_MEMO_LIMIT` (a process serves many events).
 */
const spanMemo = new Map<string, readonly [start: number, end: number]>();
const SPAN_MEMO_LIMIT = 4096;

/** Start and end instants; an end before the start is the next day (a dinner ending after midnight). */
function span(date: IsoDate, start: WallTime, end: WallTime, zone: string): { start: Date; end: Date } {
  const key = `${date}\u0000${start}\u0000${end}\u0000${zone}`;
  let times = spanMemo.get(key);
  if (!times) {
    const from = DateTime.fromISO(`${date}T${start}`, { zone });
    let to = DateTime.fromISO(`${date}T${end}`, { zone });
    if (minutesOf(end) < minutesOf(start)) to = to.plus({ days: 1 });
    times = [from.toMillis(), to.toMillis()];
    if (spanMemo.size >= SPAN_MEMO_LIMIT) spanMemo.clear();
    spanMemo.set(key, times);
  }
  // New objects each time: a caller may keep or change its own.
  return { start: new Date(times[0]), end: new Date(times[1]) };
}

/**
 * The problem of a Journal written for another event (rows sealed in another spreadsheet: a renamed
 * or copied workbook). Its rows cannot be trusted here, and without them every message would look
 * unsent: the event sends nothing until the organizer gives the file its name back or, for a new
 * event, empties the Journal.
 */
export function foreignLedgerProblems(rows: readonly number[]): string[] {
  if (rows.length === 0) return [];
  const count = `${rows.length} ligne${rows.length > 1 ? "s" : ""}`;
  return [
    `Le Journal a été écrit pour un autre classeur (${count}) : ce fichier a-t-il été renommé ou copié ? Pour ne rien envoyer deux fois, Passerelle n'envoie rien. Redonnez au fichier son nom d'origine ; ou, s'il s'agit d'un nouvel événement, videz l'onglet Journal (lignes 2 et suivantes).`,
  ];
}

const DAY1_UNREADABLE = "Jour 1 manquant ou illisible dans l'onglet Séminaire (tapez-le comme 17/03/2027).";
const LUNCH_DATE_UNREADABLE =
  "Date manquante ou illisible dans l'onglet Rencontre (tapez-la comme 08/04/2027).";

/** The model's problems that leave the event without a day: nothing dated can be made of it. */
export const UNDATED_PROBLEMS: ReadonlySet<string> = new Set([DAY1_UNREADABLE, LUNCH_DATE_UNREADABLE]);

/**
 * Everything a seminar's messages are planned from, read from its checked workbook: the event's
 * facts, each participant's agenda (or why they are left out), each tutor's hosting, the Journal's
 * state, and the span of the event. Problems that stop every message (no day 1, no sender) are in
 * `problems`.
 */
export function seminarModel(snapshot: WorkbookSnapshot, keys: LedgerKeys, now: Date): SeminarModel {
  const check = checkSeminar(snapshot, now);
  const settings = check.workbook.settings.partial;
  const journal = journalState(readLedger(snapshot.get(TABS.journal.name)), now);
  const problems: string[] = [...foreignLedgerProblems(journal.foreignRows)];
  if (!settings.day1) problems.push(DAY1_UNREADABLE);
  if (!settings.sender) problems.push("Expéditeur manquant dans l'onglet Séminaire.");
  if (!settings.organizerEmail) problems.push("Email organisateur manquant dans l'onglet Séminaire.");
  const context = seminarContext(snapshot, check, keys, journal);
  const { agendas, excluded, withdrawn } = participantAgendas(context);
  const { tutors, tutorRecords } = tutorViews(context, agendas);
  return {
    kind: "seminar",
    info: context.info,
    agendas,
    tutors,
    tutorRecords,
    excluded,
    withdrawn,
    journal,
    keys,
    problems,
    ...seminarSpan(context, agendas),
  };
}

/** What the parts of a seminar's model share: its facts, days, programme, and the rows read once. */
interface SeminarContext {
  readonly snapshot: WorkbookSnapshot;
  readonly check: SeminarCheck;
  readonly settings: SeminarCheck["workbook"]["settings"]["partial"];
  readonly keys: LedgerKeys;
  readonly journal: JournalState;
  readonly info: SeminarInfo;
  readonly zone: string;
  readonly day1: IsoDate;
  readonly day2: IsoDate;
  /** The programme's last day (1 or 2). */
  readonly lastDay: number;
  readonly programmeRows: readonly { readonly item: ProgrammeRow; readonly id: string }[];
  readonly tutorRows: ReadonlyMap<string, TutorRow>;
}

const dateOfDay = (context: SeminarContext, day: number): IsoDate =>
  day === 2 ? context.day2 : context.day1;

/** The seminar's facts (`SeminarInfo`), its two days, and its programme with each item's id. */
function seminarContext(
  snapshot: WorkbookSnapshot,
  check: SeminarCheck,
  keys: LedgerKeys,
  journal: JournalState,
): SeminarContext {
  const settings = check.workbook.settings.partial;
  const zone = eventZone(settings);
  const day1 = settings.day1 ?? "1970-01-01";
  // A reverse immersion is one day: its survey leaves the day after it.
  const day2 = isReverseView(snapshot)
    ? day1
    : (check.days[1] ?? DateTime.fromISO(day1).plus({ days: 1 }).toISODate()!);
  const info: SeminarInfo = {
    event: keys.event,
    title: settings.title ?? "Séminaire",
    ...(settings.city ? { city: settings.city } : {}),
    zone,
    days: [day1, day2],
    venue: settings.venue ?? "",
    ...(settings.station ? { station: settings.station } : {}),
    organizerEmail: settings.organizerEmail ?? "",
    sender: settings.sender ?? { address: settings.organizerEmail ?? "" },
    reminderDays: settings.reminderDays ?? 2,
    trainReminderMinutes: settings.trainReminderMinutes ?? 120,
    ...(settings.surveyLink ? { surveyLink: settings.surveyLink } : {}),
    ...(isReverseView(snapshot) ? { reverse: true } : {}),
  };
  const { workbook } = check;
  const ids = programmeIds(workbook.programme);
  const programmeRows = workbook.programme.rows.flatMap((row) =>
    row.value ? [{ item: row.value, id: `p${ids.get(row.row)}` }] : [],
  );
  const tutorRows = new Map(
    workbook.tutors.rows.flatMap((row) => (row.value ? [[row.value.email, row.value] as const] : [])),
  );
  return {
    snapshot,
    check,
    settings,
    keys,
    journal,
    info,
    zone,
    day1,
    day2,
    lastDay: Math.max(1, ...programmeRows.map(({ item }) => item.day)),
    programmeRows,
    tutorRows,
  };
}

type OwnPlacement = Placement & { start?: WallTime; end?: WallTime };

/** The placements of `Affectations`, by participant's email, then by slot name. */
function placementsByParticipant(context: SeminarContext): Map<string, Map<string, OwnPlacement>> {
  const { workbook } = context.check;
  const slotKeys = new Map(context.check.slots.map((slot) => [normalizeKey(slot.name), slot]));
  const structures = new Map(
    workbook.structures.rows.flatMap((row) =>
      row.value ? [[normalizeKey(row.value.name), row.value] as const] : [],
    ),
  );
  const placementsOf = new Map<string, Map<string, OwnPlacement>>();
  for (const row of workbook.placements.rows) {
    const value = row.value;
    if (!value) continue;
    const slot = slotKeys.get(normalizeKey(value.slot));
    if (!slot) continue;
    const tutorEmail = value.tutorEmail ?? undefined;
    const tutor = tutorEmail ? context.tutorRows.get(tutorEmail) : undefined;
    const start = parseTime(value.start ?? null);
    const end = parseTime(value.end ?? null);
    const placement = {
      slot: slot.name,
      structure: value.structure,
      situation: value.situation,
      ...optional(
        "address",
        cellText(value.address ?? null) || structures.get(normalizeKey(value.structure))?.address,
      ),
      ...optional(
        "tutor",
        cellText(value.tutor ?? null) || (tutor ? fullName(tutor.firstName, tutor.lastName) : ""),
      ),
      ...optional("tutorEmail", tutorEmail),
      ...optional("contact", structures.get(normalizeKey(value.structure))?.contact),
      ...optional("start", start ?? undefined),
      ...optional("end", end ?? undefined),
    };
    const bySlot = placementsOf.get(value.participantEmail) ?? new Map();
    bySlot.set(slot.name, placement);
    placementsOf.set(value.participantEmail, bySlot);
  }
  return placementsOf;
}

type ParticipantRowRead = SeminarCheck["workbook"]["participants"]["rows"][number];

/**
 * Each participant's agenda, or why they get none: a cancelled registration (with what they were
 * told, when they were convened: they are told of the cancellation), a row to correct, a bounced
 * address.
 */
function participantAgendas(context: SeminarContext): {
  agendas: ParticipantAgenda[];
  excluded: Excluded[];
  withdrawn: WithdrawnParticipant[];
} {
  const careOf = careOfAddresses(context.snapshot);
  const placementsOf = placementsByParticipant(context);
  const blocked = new Set(
    context.check.rows
      .filter((verdict) => verdict.tab === TABS.participants.name && verdict.blocking)
      .map((v) => v.row),
  );
  const excluded: Excluded[] = [];
  const withdrawn: WithdrawnParticipant[] = [];
  const agendas: ParticipantAgenda[] = [];
  for (const row of context.check.workbook.participants.rows) {
    const person = row.value;
    if (row.partial.registration === "Annulée") {
      excluded.push({ tab: TABS.participants.name, row: row.row, reason: "inscription annulée" });
      const announced = readAnnounced(row.partial.announced);
      if (row.partial.email && (row.partial.convocation ?? "") !== "" && announced && announced.length > 0)
        withdrawn.push({
          row: row.row,
          email: row.partial.email,
          firstName: row.partial.firstName ?? "",
          lastName: row.partial.lastName ?? "",
          announced,
          ...optional("careOf", careOf.get(row.row)),
        });
      continue;
    }
    if (!person || blocked.has(row.row)) {
      excluded.push({
        tab: TABS.participants.name,
        row: row.row,
        reason: "inscription à corriger (voir son Statut)",
      });
      continue;
    }
    if (hasBounced(context.journal, context.keys, person.email)) {
      excluded.push({
        tab: TABS.participants.name,
        row: row.row,
        reason: "adresse en échec",
        email: person.email,
      });
      continue;
    }
    const participant: ParticipantView = {
      row: row.row,
      email: person.email,
      firstName: person.firstName,
      lastName: person.lastName,
      employer: person.employer,
      ...optional("position", person.position),
      dinner: person.dinner === "Oui",
      visit: person.visit === "Oui",
      ...optional("needs", person.needs),
      ...optional("careOf", careOf.get(row.row)),
    };
    const own = placementsOf.get(person.email) ?? new Map();
    agendas.push(participantAgenda(context, row, { participant, person }, own));
  }
  return { agendas, excluded, withdrawn };
}

/**
 * One participant's agenda: their items in time order, their return train, what they were told.
 * What they were told (`announced`, `cancelled`, `changes`) and the `fingerprint` are worked out
 * when first read: a plan for a few people (`PlanOptions.recipients`) reads them for those alone.
 */
function participantAgenda(
  context: SeminarContext,
  row: ParticipantRowRead,
  who: { readonly participant: ParticipantView; readonly person: ParticipantRow },
  own: ReadonlyMap<string, OwnPlacement>,
): ParticipantAgenda {
  const { info } = context;
  const { participant } = who;
  const { items, missingSlots, arrival, departure } = agendaItems(context, who.person, own);
  const returnTrain = departure ? returnTrainOf(context, items, departure) : undefined;
  const placements = [...own.values()].map(({ start: _s, end: _e, ...rest }) => rest as Placement);
  const announced = once(() =>
    (row.partial.convocation ?? "") !== "" ? readAnnounced(row.partial.announced) : undefined,
  );
  const comparison = once(() => {
    const told = announced();
    return told ? compareAgenda(told, items) : { cancelled: [], changes: [] };
  });
  const agenda = {
    participant,
    items,
    placements,
    missingSlots,
    ...optional("arrival", arrival),
    ...optional("returnTrain", returnTrain),
  };
  return lazily(agenda, {
    announced,
    cancelled: () => comparison().cancelled,
    changes: () => comparison().changes,
    fingerprint: () =>
      digest([
        info.title,
        info.venue,
        items.map((item) => [
          item.id,
          item.start.getTime(),
          item.end.getTime(),
          item.title,
          item.place ?? "",
          item.placement ?? null,
        ]),
      ]),
  });
}

/** A function that computes its value on its first call and answers the same value after. */
function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/**
 * `target` with each of `parts` as an own enumerable property worked out on its first read and
 * kept (read-only) after; answers `target`, typed with them.
 */
function lazily<T extends object, P extends Record<string, unknown>>(
  target: T,
  parts: { readonly [K in keyof P]: () => P[K] },
): T & P {
  for (const key of Object.keys(parts) as (keyof P & string)[]) {
    const compute = once(parts[key]);
    Object.defineProperty(target, key, { enumerable: true, configurable: false, get: compute });
  }
  return target as T & P;
}

/**
 * A participant's items: the programme's items they attend (their own times for their arrival,
 * return and immersions), plus an arrival and a return train of their own when the programme has
 * none; sorted by time. The slots with no placement for them are `missingSlots`.
 */
function agendaItems(
  context: SeminarContext,
  person: ParticipantRow,
  own: ReadonlyMap<string, OwnPlacement>,
): { items: AgendaItem[]; missingSlots: string[]; arrival?: Date; departure?: Date } {
  const { info, zone, settings } = context;
  const items: AgendaItem[] = [];
  const seen = new Map<string, number>();
  const idOf = (base: string) => {
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  };
  const missingSlots: string[] = [];
  let arrival: Date | undefined;
  let departure: Date | undefined;
  const travelItem = (kind: "arrival" | "return", day: number, time: WallTime, place: string | undefined) => {
    const at = span(dateOfDay(context, day), time, time, zone);
    const first = kind === "arrival";
    items.push({
      id: idOf(first ? "arrivee" : "train-retour"),
      kind,
      day,
      ...at,
      title: first ? "Arrivée en gare" : "Train de retour",
      ...optional("place", place),
    });
    return at.start;
  };
  for (const { item, id: itemId } of context.programmeRows) {
    const date = dateOfDay(context, item.day);
    const travel = travelKind(item);
    if (travel === "arrival") {
      arrival = travelItem("arrival", item.day, person.arrival ?? item.start, item.place ?? info.station);
      continue;
    }
    if (travel === "return") {
      const time = person.departure ?? settings.returnTrain ?? item.start;
      departure = travelItem("return", item.day, time, item.place ?? info.station);
      continue;
    }
    if (isImmersion(item)) {
      const name = item.label ?? "";
      const placement = own.get(name);
      if (!placement) {
        missingSlots.push(name);
        continue;
      }
      const { start: ownStart, end: ownEnd, ...rest } = placement;
      items.push({
        id: idOf(itemId),
        kind: "immersion",
        day: item.day,
        ...span(date, ownStart ?? item.start, ownEnd ?? item.end, zone),
        title: `Immersion (${name}) — ${rest.structure}`,
        ...optional("place", rest.address),
        placement: rest,
      });
      continue;
    }
    if (!attends(item, person)) continue;
    items.push({
      id: idOf(itemId),
      kind: "item",
      day: item.day,
      ...span(date, item.start, item.end, zone),
      title: itemTitle(item),
      ...optional("place", item.place),
    });
  }
  if (!arrival && person.arrival) arrival = travelItem("arrival", 1, person.arrival, info.station);
  const departureTime = person.departure ?? settings.returnTrain;
  if (!departure && departureTime)
    departure = travelItem("return", context.lastDay, departureTime, info.station);
  items.sort((a, b) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime());
  return { items, missingSlots, ...optional("arrival", arrival), ...optional("departure", departure) };
}

/**
 * The return train of an agenda: when the participant must leave their last item of the last day
 * to be at the station `STATION_MARGIN_MINUTES` before the departure (`leavesEarly` when that item
 * ends later).
 */
function returnTrainOf(context: SeminarContext, items: readonly AgendaItem[], departure: Date): ReturnTrain {
  const before = items.filter(
    (item) =>
      item.kind !== "return" &&
      item.kind !== "arrival" &&
      item.day === context.lastDay &&
      item.start < departure,
  );
  const lastItem = before.at(-1);
  // Minutes are elapsed time whatever the zone (luxon's `minus({ minutes })` is the same).
  const latest = new Date(departure.getTime() - STATION_MARGIN_MINUTES * 60_000);
  const leavesEarly = lastItem !== undefined && lastItem.end > latest;
  return {
    departure,
    leaveBy: lastItem && !leavesEarly ? lastItem.end : latest,
    ...optional("lastItem", lastItem),
    leavesEarly,
  };
}

type Hosting = Map<string, { name: string; email?: string; slots: Map<string, HostedSlot> }>;

/** Who hosts whom: from the placements of the participants who will receive a convocation. */
function hostingOf(agendas: readonly ParticipantAgenda[]): Hosting {
  const hosting: Hosting = new Map();
  for (const agenda of agendas) {
    for (const item of agenda.items) {
      const placement = item.placement;
      if (!placement) continue;
      const email =
        placement.tutorEmail && parseEmail(placement.tutorEmail) ? placement.tutorEmail : undefined;
      const key = email ?? `nom:${normalizeKey(placement.tutor ?? placement.structure)}`;
      const entry = hosting.get(key) ?? {
        name: placement.tutor || (email ? email : `Tuteur de ${placement.structure}`),
        ...optional("email", email),
        slots: new Map<string, HostedSlot>(),
      };
      const slot = entry.slots.get(placement.slot) ?? {
        slot: placement.slot,
        start: item.start,
        end: item.end,
        structure: placement.structure,
        situation: placement.situation,
        ...optional("address", placement.address),
        participants: [],
      };
      entry.slots.set(placement.slot, {
        ...slot,
        participants: [
          ...slot.participants,
          {
            name: fullName(agenda.participant.firstName, agenda.participant.lastName),
            employer: agenda.participant.employer,
            ...optional("position", agenda.participant.position),
            ...optional("needs", agenda.participant.needs),
          },
        ],
      });
      hosting.set(key, entry);
    }
  }
  return hosting;
}

/**
 * The tutors: each one's rows of `Tuteurs` (`tutorRecords`), and what each hosts with the
 * programme items tutors are invited to on the days they host (`tutors`).
 */
function tutorViews(
  context: SeminarContext,
  agendas: readonly ParticipantAgenda[],
): { tutors: TutorView[]; tutorRecords: TutorRecord[] } {
  const { zone, tutorRows } = context;
  const tutorRecords: TutorRecord[] = context.check.workbook.tutors.rows.flatMap((row) => {
    const email = row.partial.email;
    if (!email) return [];
    return [
      {
        row: row.row,
        email,
        name: fullName(row.partial.firstName ?? "", row.partial.lastName ?? "") || email,
        ...optional("confirmation", row.partial.confirmation),
      },
    ];
  });
  const tutorRowNumbers = new Map(tutorRecords.map((record) => [record.email, record.row]));
  const tutorItems = context.programmeRows
    .map(({ item }) => item)
    .filter(
      (item) =>
        !isImmersion(item) && !isTravel(item) && (item.audience === "Tuteurs" || item.audience === "Tous"),
    )
    .map((item, index) => ({
      id: `tuteurs-${index}`,
      kind: "item" as const,
      day: item.day,
      ...span(dateOfDay(context, item.day), item.start, item.end, zone),
      title: itemTitle(item),
      ...optional("place", item.place),
    }));
  // The event's day of an instant: tutors share a few instants, each turned into a day once.
  const days = new Map<number, string | null>();
  const dayOf = (instant: Date) => {
    let day = days.get(instant.getTime());
    if (day === undefined) {
      day = DateTime.fromJSDate(instant, { zone }).toISODate();
      days.set(instant.getTime(), day);
    }
    return day;
  };
  const tutors: TutorView[] = [...hostingOf(agendas).values()].map((entry) => {
    const row = entry.email ? tutorRows.get(entry.email) : undefined;
    const hosts = [...entry.slots.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
    const hostDays = new Set(hosts.map((slot) => dayOf(slot.start)));
    const alsoInvited = tutorItems.filter((item) => hostDays.has(dayOf(item.start)));
    const view = {
      name: row ? fullName(row.firstName, row.lastName) : entry.name,
      ...optional("email", entry.email),
      ...optional("row", entry.email ? tutorRowNumbers.get(entry.email) : undefined),
      ...optional("confirmation", row?.confirmation ?? undefined),
      hosts,
      alsoInvited,
    };
    // Worked out when first read: a plan for a few people reads it for their tutors alone.
    return lazily(view, {
      fingerprint: () =>
        digest(
          hosts.map((slot) => [
            slot.slot,
            slot.start.getTime(),
            slot.end.getTime(),
            slot.structure,
            slot.situation,
            slot.address ?? "",
            slot.participants,
          ]),
        ),
    });
  });
  return { tutors, tutorRecords };
}

/** When the seminar starts and ends: its earliest and latest item, agendas and programme alike. */
function seminarSpan(
  context: SeminarContext,
  agendas: readonly ParticipantAgenda[],
): { startsAt: Date; endsAt: Date } {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const widen = (instant: Date) => {
    first = Math.min(first, instant.getTime());
    last = Math.max(last, instant.getTime());
  };
  for (const agenda of agendas)
    for (const item of agenda.items) {
      widen(item.start);
      widen(item.end);
    }
  for (const { item } of context.programmeRows) {
    const at = span(dateOfDay(context, item.day), item.start, item.end, context.zone);
    widen(at.start);
    widen(at.end);
  }
  const { zone, day1, day2 } = context;
  const startsAt = Number.isFinite(first) ? new Date(first) : DateTime.fromISO(day1, { zone }).toJSDate();
  const endsAt = Number.isFinite(last)
    ? new Date(last)
    : DateTime.fromISO(day2, { zone }).endOf("day").toJSDate();
  return { startsAt, endsAt };
}

export function lunchModel(snapshot: WorkbookSnapshot, keys: LedgerKeys, now: Date): LunchModel {
  const event = keys.event;
  const check = checkLunch(snapshot, now);
  const workbook = parseLunchWorkbook(snapshot);
  const settings = workbook.settings.partial;
  const zone = eventZone(settings);
  const journal = journalState(readLedger(snapshot.get(TABS.journal.name)), now);
  const problems: string[] = [...foreignLedgerProblems(journal.foreignRows)];
  if (!settings.date) problems.push(LUNCH_DATE_UNREADABLE);
  if (!settings.sender) problems.push("Expéditeur manquant dans l'onglet Rencontre.");
  const date = settings.date ?? "1970-01-01";
  const times = span(date, settings.start ?? "12:15", settings.end ?? "13:45", zone);
  const info: LunchInfo = {
    event,
    title: settings.title ?? "Rencontre méridienne",
    ...optional("theme", settings.theme),
    zone,
    ...times,
    venue: settings.venue ?? "",
    ...optional("speakers", settings.speakers),
    organizerEmail: settings.organizerEmail ?? "",
    sender: settings.sender ?? { address: settings.organizerEmail ?? "" },
    reminderHours: settings.reminderHours ?? 24,
    ...optional("surveyLink", settings.surveyLink),
  };
  const blocked = new Set(check.rows.filter((verdict) => verdict.blocking).map((verdict) => verdict.row));
  const closing = closingInstant(settings)?.toJSDate() ?? times.start;
  const { registrations, excluded } = lunchRegistrations(
    workbook.registrations.rows,
    blocked,
    (valid) =>
      allocateSeats(
        valid.map((value) => ({
          id: value.email,
          service: value.service,
          registeredAt: instantOf(value.registeredAt, zone).toJSDate(),
          cancelled: false,
          announced: (value.convocation ?? "") !== "",
        })),
        {
          capacity: settings.capacity ?? 30,
          quotaPerService: settings.quotaPerService ?? null,
          closingAt: closing,
        },
        now,
      ).statuses,
    (email) => hasBounced(journal, keys, email),
  );
  return { kind: "lunch", info, registrations, excluded, journal, keys, problems };
}

/**
 * The registrations of one lunch talk as its messages read them, for a single talk and for each talk
 * of a cycle alike: a cancelled row, a row to fix (no value, or a blocking verdict: its row number in
 * `blocked`) and an address that bounced are left out with their reason (French, for the preview); the
 * others get the seat `seatsOf` gives them (computed on the rows neither cancelled nor to fix; a
 * bounced address keeps its seat, it is only not written to). A row without a seat is dropped.
 */
export function lunchRegistrations(
  rows: readonly ParsedRow<RegistrationRow>[],
  blocked: ReadonlySet<number>,
  seatsOf: (valid: readonly RegistrationRow[]) => ReadonlyMap<string, SeatStatus>,
  bounced: (email: string) => boolean,
): { registrations: LunchRegistration[]; excluded: Excluded[] } {
  const tab = TABS.registrations.name;
  const excluded: Excluded[] = [];
  const valid: { row: number; value: RegistrationRow }[] = [];
  for (const row of rows) {
    if (row.partial.registration === "Annulée")
      excluded.push({ tab, row: row.row, reason: "inscription annulée" });
    else if (!row.value || blocked.has(row.row))
      excluded.push({ tab, row: row.row, reason: "inscription à corriger (voir son Statut)" });
    else valid.push({ row: row.row, value: row.value });
  }
  const seats = seatsOf(valid.map(({ value }) => value));
  const registrations: LunchRegistration[] = [];
  for (const { row, value } of valid) {
    if (bounced(value.email)) {
      excluded.push({ tab, row, reason: "adresse en échec", email: value.email });
      continue;
    }
    const seat = seats.get(value.email);
    if (!seat) continue;
    registrations.push({
      row,
      email: value.email,
      firstName: value.firstName,
      lastName: value.lastName,
      service: value.service,
      seat,
      absent: value.present === "Non",
    });
  }
  return { registrations, excluded };
}

function optional<K extends string, V>(key: K, value: V | undefined | null | ""): { [P in K]?: V } {
  return value === undefined || value === null || value === "" ? {} : ({ [key]: value } as { [P in K]: V });
}

/** An agenda as `Agenda annoncé` keeps it: compact JSON, instants in UTC. */
export function writeAnnounced(items: readonly AgendaItem[]): string {
  return JSON.stringify(
    items.map((item) => ({
      id: item.id,
      title: item.title,
      start: item.start.toISOString(),
      end: item.end.toISOString(),
      ...(item.place ? { place: item.place } : {}),
    })),
  );
}

/** Reads `Agenda annoncé`; `undefined` when the cell is empty or not what the system wrote. */
export function readAnnounced(cell: string | undefined): AnnouncedItem[] | undefined {
  if (!cell) return undefined;
  try {
    const parsed: unknown = JSON.parse(cell);
    if (!Array.isArray(parsed)) return undefined;
    const items: AnnouncedItem[] = [];
    for (const entry of parsed as Record<string, unknown>[]) {
      const start = new Date(String(entry.start));
      const end = new Date(String(entry.end));
      if (typeof entry.id !== "string" || typeof entry.title !== "string") return undefined;
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return undefined;
      items.push({
        id: entry.id,
        title: entry.title,
        start,
        end,
        ...(typeof entry.place === "string" && entry.place !== "" ? { place: entry.place } : {}),
      });
    }
    return items;
  } catch {
    return undefined;
  }
}

function asAnnounced(item: AgendaItem): AnnouncedItem {
  return {
    id: item.id,
    title: item.title,
    start: item.start,
    end: item.end,
    ...optional("place", item.place),
  };
}

function sameItem(a: AnnouncedItem, b: AnnouncedItem): boolean {
  return (
    a.title === b.title &&
    a.start.getTime() === b.start.getTime() &&
    a.end.getTime() === b.end.getTime() &&
    (a.place ?? "") === (b.place ?? "")
  );
}

/** What is gone and what changed between the announced agenda and the current one. */
function compareAgenda(
  announced: readonly AnnouncedItem[],
  items: readonly AgendaItem[],
): { cancelled: AnnouncedItem[]; changes: ItemChange[] } {
  const current = new Map(items.map((item) => [item.id, asAnnounced(item)]));
  const before = new Map(announced.map((item) => [item.id, item]));
  const cancelled = announced.filter((item) => !current.has(item.id));
  const changes: ItemChange[] = [];
  for (const [id, after] of current) {
    const old = before.get(id);
    if (!old) changes.push({ id, after });
    else if (!sameItem(old, after)) changes.push({ id, before: old, after });
  }
  for (const item of cancelled) changes.push({ id: item.id, before: item });
  return { cancelled, changes };
}
