/**
 * Checking a cycle of lunch talks (issue 18): the `Cycle` parameters, each talk of `Rencontres`,
 * every registration of `Inscriptions` (each names its talk) and every speaker of `Intervenants`.
 *
 * Each talk is checked and seated by `checkLunchWorkbook`, the single talk's computation, on that
 * talk's registrations with the parameters of the cycle overridden by the talk's row; talks are taken
 * in date order so that the waiting list of each ranks first those never seated before
 * (`core/cycle/cycle-fairness.ts`). Each talk's `Statut` says its seats and its décloisonnement figures;
 * the cycle's says how many managers came at least once, per direction.
 * Pure: the workbook's values and `now` in, verdicts out.
 */
import { DateTime } from "luxon";
import type { WorkbookSnapshot } from "../../ports.js";
import { checkLunchWorkbook, type LunchCheck, type LunchWorkbook } from "../checks/check-lunch.js";
import { type RowVerdict, statusText } from "../checks/check-seminar.js";
import { DEFAULT_ZONE } from "../settings/event-settings.js";
import { normalizeKey } from "../sheet/cells.js";
import type { LunchSettings, RegistrationRow } from "../sheet/schemas.js";
import {
  missingTabProblem,
  type ParsedRow,
  type ParsedSettings,
  type ParsedTable,
  parseSettings,
  parseTable,
} from "../sheet/table.js";
import { type Attendance, fairnessPriority, personKey, recordTalk } from "./cycle-fairness.js";
import {
  CYCLE_TABS_SPEC,
  type CycleRegistrationRow,
  type CycleSettings,
  type SpeakerRow,
  type TalkRow,
} from "./cycle-schemas.js";
import {
  type CycleReach,
  cycleReach,
  mixLine,
  type SeatedPerson,
  type TalkMix,
  talkMix,
} from "./decloisonnement.js";

export interface CycleWorkbook {
  readonly settings: ParsedSettings<CycleSettings>;
  readonly talks: ParsedTable<TalkRow>;
  readonly registrations: ParsedTable<CycleRegistrationRow>;
  readonly speakers: ParsedTable<SpeakerRow>;
}

/** One talk of the cycle, checked. */
export interface TalkCheck {
  /** Its row in `Rencontres`. */
  readonly row: number;
  readonly name: string;
  /** The single talk's check, on this talk's registrations. */
  readonly lunch: LunchCheck;
  readonly mix: TalkMix;
  /** Seated people marked absent (`Présent: Non`). */
  readonly absent: number;
  /** The talk has ended. */
  readonly held: boolean;
  /** The speakers' rows of this talk. */
  readonly speakers: readonly ParsedRow<SpeakerRow>[];
  /** When the talk starts and ends. */
  readonly start: Date;
  readonly end: Date;
}

/**
 * A row of `Rencontres` that cannot be scheduled (an unreadable date or time, a missing name...):
 * nothing is sent for it, and every path that plans (match, preview, documents, the workflow) says so.
 */
export interface UnscheduledTalk {
  /** Its row in `Rencontres`. */
  readonly row: number;
  /** `Rencontre`, when it can be read. */
  readonly name?: string;
  /** What to fix on the row, in French. */
  readonly problems: readonly string[];
  /** Registrations that name it and are not cancelled: the people who get nothing meanwhile. */
  readonly registered: number;
}

export interface CycleCheck {
  readonly workbook: CycleWorkbook;
  /** Problems of the cycle as a whole, shown in the `Cycle` tab's `Statut`. */
  readonly cycleProblems: readonly string[];
  /**
   * The cycle's tabs that are missing (among them in `cycleProblems` too): a missing `Inscriptions` is
   * a fault, not zero registrations, and nothing is planned or printed until it is back.
   */
  readonly missingTabs: readonly string[];
  /** The rows of `Rencontres` left out of `talks`, in row order. */
  readonly unscheduled: readonly UnscheduledTalk[];
  /** Verdicts of `Rencontres`, `Inscriptions` and `Intervenants` rows. */
  readonly rows: readonly RowVerdict[];
  /** The talks without a problem on their row, in date order. */
  readonly talks: readonly TalkCheck[];
  readonly reach: CycleReach;
}

export function parseCycleWorkbook(snapshot: WorkbookSnapshot): CycleWorkbook {
  const spec = CYCLE_TABS_SPEC;
  return {
    settings: parseSettings<CycleSettings>(spec.cycle, snapshot.get(spec.cycle.name)),
    talks: parseTable<TalkRow>(spec.talks, snapshot.get(spec.talks.name)),
    registrations: parseTable<CycleRegistrationRow>(
      spec.registrations,
      snapshot.get(spec.registrations.name),
    ),
    speakers: parseTable<SpeakerRow>(spec.speakers, snapshot.get(spec.speakers.name)),
  };
}

/**
 * The parameters of one talk as a single talk's `Rencontre` tab would hold them: the cycle's,
 * overridden by the talk's row; the closing is `Clôture (jours avant)` days before, at the start.
 */
export function talkSettings(
  cycle: Partial<CycleSettings>,
  talk: TalkRow,
  speakers: readonly SpeakerRow[],
): Partial<LunchSettings> {
  const closingDate = DateTime.fromISO(talk.date, { zone: cycle.timeZone ?? DEFAULT_ZONE })
    .minus({ days: cycle.closingDays ?? 2 })
    .toISODate();
  // Participants read the speakers they will hear: one who declined is not named.
  const names = speakers
    .filter((speaker) => speaker.confirmation !== "Décliné")
    .map((speaker) =>
      [`${speaker.firstName} ${speaker.lastName}`, speaker.organisation].filter(Boolean).join(", "),
    );
  const settings: Partial<LunchSettings> = {
    title: cycle.title ? `${cycle.title} — ${talk.name}` : talk.name,
    date: talk.date,
    start: talk.start,
    end: talk.end,
    venue: talk.venue,
    capacity: talk.capacity ?? cycle.capacity ?? 30,
    closingAt: talk.closingAt ?? { date: closingDate ?? talk.date, time: talk.start },
    reminderHours: cycle.reminderHours ?? 24,
    ...(talk.theme ? { theme: talk.theme } : {}),
    ...(names.length > 0 ? { speakers: names.join(" ; ") } : {}),
    ...(cycle.quotaPerService ? { quotaPerService: cycle.quotaPerService } : {}),
    ...(cycle.timeZone ? { timeZone: cycle.timeZone } : {}),
    ...(cycle.organizerEmail ? { organizerEmail: cycle.organizerEmail } : {}),
    ...(cycle.sender ? { sender: cycle.sender } : {}),
    ...(cycle.organizerName ? { organizerName: cycle.organizerName } : {}),
    ...(cycle.surveyLink ? { surveyLink: cycle.surveyLink } : {}),
    ...(talk.action ? { action: talk.action } : {}),
  };
  return settings;
}

function settingsOf(cycle: ParsedSettings<CycleSettings>, partial: Partial<LunchSettings>) {
  const settings: ParsedSettings<LunchSettings> = {
    ...(cycle as unknown as ParsedSettings<LunchSettings>),
    value: null,
    partial,
    problems: [],
  };
  return settings;
}

const talkKey = (name: string | undefined) => normalizeKey(name ?? "");

function unknownTalk(name: string): string {
  return `Rencontre : « ${name} » ne figure pas dans l'onglet ${CYCLE_TABS_SPEC.talks.name} : choisissez le nom d'une rencontre de la liste.`;
}

/** The seated people of a talk, with their direction and service, less those in `absent`. */
function seatedPeople(check: LunchCheck, absent: ReadonlySet<string> = new Set()): SeatedPerson[] {
  const byEmail = new Map<string, RegistrationRow>();
  for (const row of check.workbook.registrations.rows)
    if (row.value && row.value.registration !== "Annulée") byEmail.set(row.value.email, row.value);
  return check.seats.seated.flatMap((id) => {
    const row = byEmail.get(id);
    if (!row || absent.has(personKey(id))) return [];
    return [{ id, direction: row.direction ?? "", service: row.service }];
  });
}

function absentOf(rows: readonly ParsedRow<RegistrationRow>[]): Set<string> {
  return new Set(
    rows.flatMap((row) => (row.value && row.value.present === "Non" ? [personKey(row.value.email)] : [])),
  );
}

/** The problems of the talks' rows: their own, duplicate names, times out of order. */
function talkRowProblems(talks: ParsedTable<TalkRow>): Map<number, string[]> {
  const firstOf = new Map<string, number>();
  const problems = new Map<number, string[]>();
  for (const row of talks.rows) {
    const list = [...row.problems];
    const key = talkKey(row.partial.name);
    const first = firstOf.get(key);
    if (key !== "" && first !== undefined)
      list.push(
        `Rencontre : « ${row.partial.name} » est déjà le nom de la ligne ${first} : donnez à chaque rencontre un nom différent.`,
      );
    else if (key !== "") firstOf.set(key, row.row);
    if (row.partial.start && row.partial.end && row.partial.end <= row.partial.start)
      list.push(
        `Fin : ${row.partial.end} vient avant le début (${row.partial.start}) : corrigez l'une des deux heures.`,
      );
    problems.set(row.row, list);
  }
  return problems;
}

/** The `Statut` of a talk's row: its seats, its speakers and its décloisonnement figures. */
export function talkStatus(talk: TalkCheck, ownProblems: readonly string[]): string {
  if (ownProblems.length > 0) return statusText(ownProblems);
  const { seated, waiting } = talk.lunch.seats;
  const capacity = talk.lunch.workbook.settings.partial.capacity ?? 30;
  const confirmed = talk.speakers.filter((row) => row.partial.confirmation === "Confirmé").length;
  const came = seated.length - talk.absent;
  const lines = [
    talk.held
      ? `Rencontre tenue : ${seated.length} inscrit${seated.length > 1 ? "s" : ""}, ${came} présent${came > 1 ? "s" : ""}, ${talk.absent} absent${talk.absent > 1 ? "s" : ""}.`
      : `${seated.length} inscrit${seated.length > 1 ? "s" : ""} sur ${capacity} places, ${waiting.length} en liste d'attente.`,
    speakersLine(talk.speakers, confirmed),
    mixLine(talk.mix),
  ];
  return lines.join("\n");
}

/**
 * A talk's speakers as the organizer reads them: how many confirmed, and who declined by name (the
 * one line of the talk's `Statut` that should make them look for someone else).
 */
function speakersLine(speakers: TalkCheck["speakers"], confirmed: number): string {
  if (speakers.length === 0) return "Intervenants : aucun dans l'onglet Intervenants.";
  const declined = speakers
    .filter((row) => row.partial.confirmation === "Décliné")
    .map((row) => `${row.partial.firstName ?? ""} ${row.partial.lastName ?? ""}`.trim());
  const line = `Intervenants : ${confirmed} confirmé${confirmed > 1 ? "s" : ""} sur ${speakers.length}`;
  if (declined.length === 0) return `${line}.`;
  return `${line} ; ${declined.join(", ")} ${declined.length > 1 ? "ont" : "a"} décliné : trouvez ${declined.length > 1 ? "d'autres intervenants" : "un autre intervenant"} ou retirez ${declined.length > 1 ? "leurs lignes" : "sa ligne"} de l'onglet Intervenants.`;
}

/** Checks a cycle workbook. */
export function checkCycle(snapshot: WorkbookSnapshot, now: Date): CycleCheck {
  const workbook = parseCycleWorkbook(snapshot);
  const cycle = workbook.settings.partial;
  const zone = cycle.timeZone ?? DEFAULT_ZONE;
  const cycleProblems = [
    ...workbook.settings.problems,
    ...workbook.talks.problems,
    ...workbook.registrations.problems,
    ...workbook.speakers.problems,
  ];
  const missingTabs = [CYCLE_TABS_SPEC.talks, CYCLE_TABS_SPEC.registrations, CYCLE_TABS_SPEC.speakers]
    .filter((spec) => snapshot.get(spec.name) === undefined)
    .map((spec) => missingTabProblem(spec.name));
  cycleProblems.push(...missingTabs);

  const ownProblems = talkRowProblems(workbook.talks);
  const valid = workbook.talks.rows
    .filter((row) => row.value && (ownProblems.get(row.row) ?? []).length === 0)
    .map((row) => ({ row: row.row, value: row.value as TalkRow }))
    .sort(
      (a, b) =>
        `${a.value.date}T${a.value.start}`.localeCompare(`${b.value.date}T${b.value.start}`) || a.row - b.row,
    );
  const known = new Set(workbook.talks.rows.map((row) => talkKey(row.partial.name)));

  let history = new Map<string, Attendance>();
  const talks: TalkCheck[] = [];
  const attended: SeatedPerson[][] = [];
  for (const { row, value } of valid) {
    const key = talkKey(value.name);
    const speakers = workbook.speakers.rows.filter((speaker) => talkKey(speaker.partial.talk) === key);
    const registrations: ParsedTable<RegistrationRow> = {
      ...workbook.registrations,
      rows: workbook.registrations.rows.filter((registration) => talkKey(registration.partial.talk) === key),
    };
    const partial = talkSettings(
      cycle,
      value,
      speakers.flatMap((speaker) => (speaker.value ? [speaker.value] : [])),
    );
    const lunchWorkbook: LunchWorkbook = { settings: settingsOf(workbook.settings, partial), registrations };
    const before = history;
    const lunch = checkLunchWorkbook(lunchWorkbook, true, now, {
      priorityOf: (email) => fairnessPriority(before.get(personKey(email))),
      pastIsHeld: true,
    });
    const absent = absentOf(registrations.rows);
    history = recordTalk(history, lunch.seats.seated, absent);
    const start = DateTime.fromISO(`${value.date}T${value.start}`, { zone });
    const end = DateTime.fromISO(`${value.date}T${value.end}`, { zone });
    if (end.toJSDate() <= now) attended.push(seatedPeople(lunch, absent));
    talks.push({
      row,
      name: value.name,
      lunch,
      mix: talkMix(seatedPeople(lunch)),
      absent: lunch.seats.seated.filter((email) => absent.has(personKey(email))).length,
      held: end.toJSDate() <= now,
      speakers,
      start: start.toJSDate(),
      end: end.toJSDate(),
    });
  }

  const rows: RowVerdict[] = [];
  const talkByRow = new Map(talks.map((talk) => [talk.row, talk]));
  const unscheduled = unscheduledTalks(workbook, talkByRow, ownProblems);
  const unscheduledByRow = new Map(unscheduled.map((talk) => [talk.row, talk]));
  for (const row of workbook.talks.rows) {
    const problems = [...(ownProblems.get(row.row) ?? [])];
    const talk = talkByRow.get(row.row);
    if (talk) problems.push(...talk.lunch.lunchProblems.filter((p) => !cycleProblems.includes(p)));
    const left = unscheduledByRow.get(row.row);
    if (left) problems.push(nothingSentLine(left));
    rows.push({
      tab: CYCLE_TABS_SPEC.talks.name,
      row: row.row,
      problems,
      blocking: problems.length > 0,
      status:
        talk && problems.length === 0
          ? // A missing tab is a fault, not « 0 inscrits » nor « aucun intervenant ».
            missingTabs.length > 0
            ? statusText(missingTabs)
            : talkStatus(talk, [])
          : statusText(problems),
    });
  }
  const checked = new Map(talks.flatMap((talk) => talk.lunch.rows.map((verdict) => [verdict.row, verdict])));
  for (const row of workbook.registrations.rows) {
    const verdict = checked.get(row.row);
    if (verdict) {
      rows.push(verdict);
      continue;
    }
    const problems = [...row.problems];
    const name = row.partial.talk;
    if (name && !known.has(talkKey(name))) problems.push(unknownTalk(name));
    else if (name)
      problems.push(
        `Rencontre : « ${name} » est à corriger dans l'onglet ${CYCLE_TABS_SPEC.talks.name} d'abord.`,
      );
    const cancelled = row.partial.registration === "Annulée";
    rows.push({
      tab: CYCLE_TABS_SPEC.registrations.name,
      row: row.row,
      problems: cancelled ? [] : problems,
      blocking: true,
      status: cancelled ? "Annulé" : statusText(problems),
    });
  }
  for (const row of workbook.speakers.rows) {
    const problems = [...row.problems];
    const name = row.partial.talk;
    if (name && !known.has(talkKey(name))) problems.push(unknownTalk(name));
    rows.push({
      tab: CYCLE_TABS_SPEC.speakers.name,
      row: row.row,
      problems,
      blocking: problems.length > 0,
      status: statusText(problems),
    });
  }
  return {
    workbook,
    cycleProblems,
    missingTabs,
    unscheduled,
    rows,
    talks,
    reach: cycleReach(attended),
  };
}

/** The rows of `Rencontres` that are not among the checked talks, with how many people name each. */
function unscheduledTalks(
  workbook: CycleWorkbook,
  talks: ReadonlyMap<number, TalkCheck>,
  ownProblems: ReadonlyMap<number, readonly string[]>,
): UnscheduledTalk[] {
  // A row named like a scheduled talk (a duplicate) leaves no one out: its registrations are that talk's.
  const scheduled = new Set([...talks.values()].map((talk) => talkKey(talk.name)));
  return workbook.talks.rows
    .filter((row) => !talks.has(row.row))
    .map((row) => {
      const name = row.partial.name;
      const key = talkKey(name);
      const registered =
        key === "" || scheduled.has(key)
          ? 0
          : workbook.registrations.rows.filter(
              (registration) =>
                talkKey(registration.partial.talk) === key && registration.partial.registration !== "Annulée",
            ).length;
      const problems = ownProblems.get(row.row) ?? [];
      return {
        row: row.row,
        ...(name ? { name } : {}),
        problems: problems.length > 0 ? problems : row.problems,
        registered,
      };
    });
}

/** What a talk left out means for its people, for its `Statut`. */
function nothingSentLine(talk: UnscheduledTalk): string {
  const head = "Rencontre non programmée tant que cette ligne n'est pas corrigée :";
  if (talk.registered === 0)
    return `${head} rien n'est envoyé pour elle (ni confirmation, ni rappel, ni invitation aux intervenants).`;
  const people =
    talk.registered === 1
      ? "la personne inscrite ne reçoit rien"
      : `les ${talk.registered} personnes inscrites ne reçoivent rien`;
  return `${head} ${people} (ni confirmation, ni rappel) et ses intervenants ne sont pas invités.`;
}

/**
 * One line saying that a talk is left out and why, for the command line, the preview and the
 * organizer's alert: `« name » (Rencontres, ligne n) n'est pas programmée : problems. …`.
 */
export function unscheduledLine(talk: UnscheduledTalk): string {
  const name = talk.name ? `La rencontre « ${talk.name} »` : "Une rencontre";
  const people =
    talk.registered === 0
      ? "Rien n'est envoyé pour elle"
      : `Ses ${talk.registered} inscrit${talk.registered > 1 ? "s" : ""} ne reçoi${talk.registered > 1 ? "vent" : "t"} rien`;
  return `${name} (onglet ${CYCLE_TABS_SPEC.talks.name}, ligne ${talk.row}) n'est pas programmée : ${talk.problems.join(" ")} ${people} tant que la ligne n'est pas corrigée.`;
}
