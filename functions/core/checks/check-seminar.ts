/**
 * Checking an immersion seminar workbook: every row of every tab, then what only the rows together
 * can tell (duplicates, unknown structures, trains that leave too early, not enough tutors...).
 * Pure: the workbook's values and `now` in, verdicts out.
 */
import { DateTime } from "luxon";
import type { WorkbookSnapshot } from "../../ports.js";
import { type IsoDate, minutesOf, normalizeKey, quote, type WallTime } from "../sheet/cells.js";
import {
  type ParticipantRow,
  type PlacementRow,
  type ProgrammeRow,
  type SeminarSettings,
  type StructureRow,
  TABS,
  type TutorRow,
} from "../sheet/schemas.js";
import {
  missingTabProblem,
  type ParsedRow,
  type ParsedSettings,
  type ParsedTable,
  parseSettings,
  parseTable,
} from "../sheet/table.js";
import { participantProblems } from "./participant-checks.js";
import { endMinutes, frenchDate, isImmersion } from "./programme-items.js";

// What the programme's items mean, as the callers of the checks read it.
export { attends, isImmersion, isTravel, travelKind } from "./programme-items.js";

/** The verdict on one row, as written to its `Statut`. */
export interface RowVerdict {
  /** Canonical tab name (`Participants`...). */
  readonly tab: string;
  readonly row: number;
  /** Everything wrong with the row, each in plain French with how to fix it. */
  readonly problems: readonly string[];
  /** Whether the row must be left out of matching and sending until fixed. */
  readonly blocking: boolean;
  /**
   * The problems (among `problems`) that do not block: the row is matched and convoked anyway, and
   * its `Statut` says « à vérifier : » before each of them (« bloquant : » before the others).
   */
  readonly warnings?: readonly string[];
  /** The text for `Statut`. */
  readonly status: string;
}

export interface CheckOptions {
  /** Minutes between the end of the last sequence and the return train. */
  readonly trainMarginMinutes?: number;
}

export interface Slot {
  readonly name: string;
  readonly day: number;
  readonly start: WallTime;
  readonly end: WallTime;
}

export interface SeminarWorkbook {
  readonly settings: ParsedSettings<SeminarSettings>;
  readonly programme: ParsedTable<ProgrammeRow>;
  readonly structures: ParsedTable<StructureRow>;
  readonly tutors: ParsedTable<TutorRow>;
  readonly participants: ParsedTable<ParticipantRow>;
  readonly placements: ParsedTable<PlacementRow>;
}

export interface SeminarCheck {
  readonly workbook: SeminarWorkbook;
  /** Problems of the seminar as a whole, shown in the `Statut` of the `Séminaire` tab. */
  readonly seminarProblems: readonly string[];
  readonly rows: readonly RowVerdict[];
  readonly slots: readonly Slot[];
  /** The dates of day 1 and day 2, when day 1 is known. */
  readonly days: readonly IsoDate[];
}

export const SEMINAR_TABS = [
  TABS.seminar.name,
  TABS.programme.name,
  TABS.structures.name,
  TABS.tutors.name,
  TABS.participants.name,
  TABS.placements.name,
] as const;

export function parseSeminarWorkbook(snapshot: WorkbookSnapshot): SeminarWorkbook {
  return {
    settings: parseSettings<SeminarSettings>(TABS.seminar, snapshot.get(TABS.seminar.name)),
    programme: parseTable<ProgrammeRow>(TABS.programme, snapshot.get(TABS.programme.name)),
    structures: parseTable<StructureRow>(TABS.structures, snapshot.get(TABS.structures.name)),
    tutors: parseTable<TutorRow>(TABS.tutors, snapshot.get(TABS.tutors.name)),
    participants: parseTable<ParticipantRow>(TABS.participants, snapshot.get(TABS.participants.name)),
    placements: parseTable<PlacementRow>(TABS.placements, snapshot.get(TABS.placements.name)),
  };
}

/** The prefix of a problem that keeps the row out of matching and sending. */
export const BLOCKING_PREFIX = "bloquant : ";
/** The prefix of a problem the organizer should look at, that convokes the row anyway. */
export const WARNING_PREFIX = "à vérifier : ";

/**
 * The `Statut` of a row: `OK`, or one line per problem, each saying whether it blocks
 * (« bloquant : ») or only needs a look (« à vérifier : »).
 */
export function statusText(problems: readonly string[], warnings: readonly string[] = []): string {
  if (problems.length === 0) return "OK";
  return problems
    .map((problem) => `${warnings.includes(problem) ? WARNING_PREFIX : BLOCKING_PREFIX}${problem}`)
    .join("\n");
}

export function checkSeminar(
  snapshot: WorkbookSnapshot,
  now: Date,
  options: CheckOptions = {},
): SeminarCheck {
  const workbook = parseSeminarWorkbook(snapshot);
  const seminarProblems: string[] = [...workbook.settings.problems];
  const settings = workbook.settings.partial;
  const findings = new RowFindings();
  for (const tab of [workbook.programme, workbook.structures, workbook.tutors, workbook.participants]) {
    if (tab.rows.length === 0 && snapshot.get(tab.spec.name) === undefined) {
      seminarProblems.push(missingTabProblem(tab.spec.name));
    } else if (tab.problems.length > 0) {
      seminarProblems.push(...tab.problems);
    }
    for (const row of tab.rows) findings.init(row as ParsedRow<unknown>);
  }
  const days = seminarDays(settings, seminarProblems);
  const slots = checkProgramme(workbook, findings, seminarProblems);
  const structuresByKey = checkStructures(workbook, findings);
  const usableTutors = checkTutors(workbook, findings, structuresByKey, slots);
  participantProblems(
    workbook,
    now,
    options.trainMarginMinutes ?? 30,
    structuresByKey,
    (row, message, blocking) => findings.add(row as ParsedRow<unknown>, message, blocking),
  );
  const placeable = workbook.participants.rows.filter(
    (row) => row.partial.registration !== "Annulée" && !findings.blocking(row as ParsedRow<unknown>),
  ).length;
  seminarProblems.push(...slotCapacityProblems(slots, usableTutors, placeable));
  if (settings.timeZone && settings.day1 && days[0]) {
    const start = DateTime.fromISO(days[0], { zone: settings.timeZone });
    if (start.isValid && start.toJSDate() < now) {
      seminarProblems.push(`Jour 1 : le ${frenchDate(days[0])} est déjà passé : vérifiez la date.`);
    }
  }
  return { workbook, seminarProblems, rows: findings.verdicts(workbook), slots, days };
}

/** The problems found on each row, blocking or to check (« à vérifier »), beside the row's own. */
class RowFindings {
  private readonly problemsOf = new Map<ParsedRow<unknown>, string[]>();
  private readonly blockingOf = new Map<ParsedRow<unknown>, boolean>();
  private readonly warningsOf = new Map<ParsedRow<unknown>, string[]>();

  /** Starts a row with the problems its own cells have (each blocking). */
  init(row: ParsedRow<unknown>): void {
    if (!this.problemsOf.has(row)) this.problemsOf.set(row, [...row.problems]);
    if (row.problems.length > 0) this.blockingOf.set(row, true);
  }

  add(row: ParsedRow<unknown>, message: string, blocking = true): void {
    const list = this.problemsOf.get(row) ?? [...row.problems];
    if (!list.includes(message)) list.push(message);
    this.problemsOf.set(row, list);
    if (blocking) this.blockingOf.set(row, true);
    else this.warningsOf.set(row, [...(this.warningsOf.get(row) ?? []), message]);
  }

  /** Whether the row has any problem, blocking or not. */
  hasProblems(row: ParsedRow<unknown>): boolean {
    return (this.problemsOf.get(row) ?? []).length > 0;
  }

  blocking(row: ParsedRow<unknown>): boolean {
    return this.blockingOf.get(row) === true;
  }

  /** The verdict of every row of the four tabs, in order; a cancelled registration is only that. */
  verdicts(workbook: SeminarWorkbook): RowVerdict[] {
    const rows: RowVerdict[] = [];
    for (const tab of [workbook.programme, workbook.structures, workbook.tutors, workbook.participants]) {
      for (const row of tab.rows as readonly ParsedRow<unknown>[]) {
        const cancelled =
          tab === workbook.participants &&
          (row.partial as Partial<ParticipantRow>).registration === "Annulée";
        const problems = cancelled ? [] : (this.problemsOf.get(row) ?? row.problems);
        const warnings = cancelled ? [] : (this.warningsOf.get(row) ?? []);
        rows.push({
          tab: tab.spec.name,
          row: row.row,
          problems,
          blocking: cancelled || this.blocking(row),
          ...(warnings.length > 0 ? { warnings } : {}),
          status: cancelled ? "Inscription annulée" : statusText(problems, warnings),
        });
      }
    }
    return rows;
  }
}

/** The seminar's days: day 1, and day 2 (the day after when empty), which must come after it. */
function seminarDays(settings: Partial<SeminarSettings>, seminarProblems: string[]): IsoDate[] {
  const days: IsoDate[] = [];
  if (settings.day1) {
    days.push(settings.day1);
    const day2 = settings.day2 ?? DateTime.fromISO(settings.day1).plus({ days: 1 }).toISODate()!;
    if (day2 <= settings.day1)
      seminarProblems.push("Jour 2 : il doit venir après le jour 1 : corrigez la date.");
    days.push(day2);
  }
  return days;
}

/** The programme's rows (an end before the start, immersion slots named once); answers the slots. */
function checkProgramme(workbook: SeminarWorkbook, findings: RowFindings, seminarProblems: string[]): Slot[] {
  const slots: Slot[] = [];
  for (const row of workbook.programme.rows) {
    const item = row.value;
    if (!item) continue;
    if (endMinutes(item) - minutesOf(item.start) > 12 * 60) {
      findings.add(
        row,
        `Fin : ${item.end} vient avant le début (${item.start}) : corrigez l'une des deux heures.`,
      );
    }
    if (isImmersion(item)) {
      if (!item.label) {
        findings.add(
          row,
          "Intitulé : une immersion doit porter le nom de son créneau (Matin, Après-midi) : renseignez-le.",
        );
      } else if (slots.some((slot) => normalizeKey(slot.name) === normalizeKey(item.label!))) {
        findings.add(
          row,
          `Intitulé : le créneau ${quote(item.label)} existe déjà : donnez un nom différent à chaque créneau.`,
        );
      } else {
        slots.push({ name: item.label, day: item.day, start: item.start, end: item.end });
      }
    }
  }
  if (workbook.programme.rows.length > 0 && slots.length === 0) {
    seminarProblems.push(
      "Programme : aucune ligne de séquence « Immersion » : ajoutez les créneaux d'immersion (Matin, Après-midi).",
    );
  }
  return slots;
}

/** The structures, each name once; answers the readable ones by their name's key. */
function checkStructures(workbook: SeminarWorkbook, findings: RowFindings): Map<string, StructureRow> {
  const structuresByKey = new Map<string, StructureRow>();
  for (const row of workbook.structures.rows) {
    const name = row.partial.name;
    if (!name) continue;
    const key = normalizeKey(name);
    const first = workbook.structures.rows.find(
      (other) => other.partial.name && normalizeKey(other.partial.name) === key,
    );
    if (first !== row) {
      findings.add(
        row,
        `Structure : ${quote(name)} figure déjà ligne ${first!.row} : donnez un nom unique à chaque structure.`,
      );
      continue;
    }
    if (row.value) structuresByKey.set(key, row.value);
  }
  return structuresByKey;
}

/**
 * The tutors (one line each, of a known structure and one of its situations, on the programme's
 * slots), then the structures no tutor covers (to check). Answers the tutors with no problem.
 */
function checkTutors(
  workbook: SeminarWorkbook,
  findings: RowFindings,
  structuresByKey: ReadonlyMap<string, StructureRow>,
  slots: readonly Slot[],
): TutorRow[] {
  const tutorEmails = new Map<string, number[]>();
  for (const row of workbook.tutors.rows) {
    if (row.partial.email)
      tutorEmails.set(row.partial.email, [...(tutorEmails.get(row.partial.email) ?? []), row.row]);
  }
  const coveredSituations = new Map<string, Set<string>>();
  const usableTutors: TutorRow[] = [];
  for (const row of workbook.tutors.rows) {
    const tutor = row.partial;
    const others = (tutorEmails.get(tutor.email ?? "") ?? []).filter((line) => line !== row.row);
    if (others.length > 0) {
      findings.add(
        row,
        `Email : ${quote(tutor.email!)} figure aussi ligne ${others.join(", ")} : gardez une seule ligne par tuteur.`,
      );
    }
    if (tutor.structure) {
      const structure = structuresByKey.get(normalizeKey(tutor.structure));
      if (!structure) {
        findings.add(
          row,
          `Structure : ${quote(tutor.structure)} n'existe pas dans l'onglet Structures : corrigez le nom ou ajoutez la structure.`,
        );
      } else if (tutor.situation) {
        if (!structure.situations.includes(tutor.situation)) {
          findings.add(
            row,
            `Situation : la structure ${quote(structure.name)} ne propose pas « ${tutor.situation} » : choisissez l'une de ses situations (${structure.situations.join(", ")}) ou complétez la structure.`,
          );
        } else {
          const key = normalizeKey(structure.name);
          coveredSituations.set(key, (coveredSituations.get(key) ?? new Set()).add(tutor.situation));
        }
      }
    }
    for (const name of tutor.slots ?? []) {
      if (normalizeKey(name) === "tous") continue;
      if (slots.length > 0 && !slots.some((slot) => normalizeKey(slot.name) === normalizeKey(name))) {
        findings.add(
          row,
          `Créneaux : ${quote(name)} n'est pas un créneau du programme : utilisez ${slots.map((slot) => slot.name).join(", ")} ou Tous.`,
        );
      }
    }
    if (row.value && !findings.hasProblems(row as ParsedRow<unknown>)) usableTutors.push(row.value);
  }
  for (const row of workbook.structures.rows) {
    const structure = row.value;
    if (!structure || findings.hasProblems(row as ParsedRow<unknown>)) continue;
    if (!coveredSituations.has(normalizeKey(structure.name))) {
      findings.add(
        row,
        "Aucun tuteur de l'onglet Tuteurs ne couvre les situations de cette structure : ajoutez un tuteur ou retirez la structure.",
        false,
      );
    }
  }
  return usableTutors;
}

/** Each slot needs tutors available on it (not declined) with seats for every placeable participant. */
function slotCapacityProblems(
  slots: readonly Slot[],
  usableTutors: readonly TutorRow[],
  placeable: number,
): string[] {
  const problems: string[] = [];
  for (const slot of slots) {
    const available = usableTutors.filter(
      (tutor) =>
        tutor.confirmation !== "Décliné" &&
        (tutor.slots.length === 0 ||
          tutor.slots.some(
            (name) => normalizeKey(name) === "tous" || normalizeKey(name) === normalizeKey(slot.name),
          )),
    );
    if (available.length === 0) {
      problems.push(
        `Créneau « ${slot.name} » : aucun tuteur disponible : ajoutez des tuteurs dans l'onglet Tuteurs (colonne Créneaux).`,
      );
      continue;
    }
    const seats = available.reduce((sum, tutor) => sum + tutor.capacity, 0);
    if (seats < placeable) {
      problems.push(
        `Créneau « ${slot.name} » : ${seats} places chez les tuteurs pour ${placeable} participants : ajoutez des tuteurs ou augmentez leur capacité.`,
      );
    }
  }
  return problems;
}
