/**
 * The checking use case: read the workbook once, check every row, write back only the verdicts
 * that changed, in one batch. Used on every edit (`sheetEdit`), by `passerelle check`, and as the
 * workflow's first step.
 */

import { DateTime } from "luxon";
import { checkLunch, LUNCH_TABS, type LunchCheck } from "../core/checks/check-lunch.js";
import {
  checkSeminar,
  type RowVerdict,
  SEMINAR_TABS,
  type SeminarCheck,
  statusText,
} from "../core/checks/check-seminar.js";
import { type CycleCheck, checkCycle } from "../core/cycle/check-cycle.js";
import { CYCLE_TABS, CYCLE_TABS_SPEC } from "../core/cycle/cycle-schemas.js";
import { reachLine } from "../core/cycle/decloisonnement.js";
import { seminarModel, writeAnnounced } from "../core/event/model.js";
import { REVERSE_TABS } from "../core/inversee/schemas.js";
import { ledgerKeys } from "../core/ledger/keys.js";
import { placementProblems } from "../core/matching/placements.js";
import { eventZone } from "../core/settings/event-settings.js";
import { cellText, normalizeKey } from "../core/sheet/cells.js";
import { programmeIdWrites } from "../core/sheet/item-ids.js";
import { TABS } from "../core/sheet/schemas.js";
import { keptStatusLines } from "../core/sheet/status-lines.js";
import type { ParsedSettings, ParsedTable } from "../core/sheet/table.js";
import { frenchDate, plural, pluralSuffix } from "../core/text/french.js";
import type { Cell, CellWrite, TabValues, Workbook, WorkbookSnapshot } from "../ports.js";

/** The events a workflow runs. */
export type EventKind = "seminar" | "lunch";
/** What a workbook holds: an event, or a cycle of lunch talks (checked, seated, its speakers' messages sent by `workflows/cycle.yaml`). */
export type WorkbookKind = EventKind | "cycle";

export interface CheckReport {
  readonly kind: WorkbookKind | "unknown";
  /** Problems of the event as a whole (its parameters tab), shown in that tab's `Statut`. */
  readonly eventProblems: readonly string[];
  readonly rows: readonly RowVerdict[];
  /** The text written to the event's `Statut`. */
  readonly summary: string;
  /** How many cells this check wrote (only what changed). */
  readonly cellsWritten: number;
  readonly seminar?: SeminarCheck;
  readonly lunch?: LunchCheck;
  readonly cycle?: CycleCheck;
}

export const ALL_TABS = [...new Set([...SEMINAR_TABS, ...LUNCH_TABS, ...CYCLE_TABS])];

export function eventKind(snapshot: WorkbookSnapshot): WorkbookKind | "unknown" {
  if (snapshot.has(TABS.seminar.name)) return "seminar";
  if (snapshot.has(TABS.lunch.name)) return "lunch";
  if (snapshot.has(CYCLE_TABS_SPEC.cycle.name)) return "cycle";
  return "unknown";
}

/**
 * Said of a workbook that holds none of the four kinds of event (its first tab names the kind:
 * `Séminaire`, `Rencontre`, `Cycle`, `Immersion` for a reverse immersion).
 */
export const NOT_AN_EVENT = `Aucun onglet « ${TABS.seminar.name} », « ${TABS.lunch.name} », « ${CYCLE_TABS_SPEC.cycle.name} » ni « ${REVERSE_TABS.settings.name} » : ce classeur n'est pas un classeur Passerelle (partez d'un modèle).`;

/** Checks a snapshot without writing anything: what the verdicts and the cells to write would be. */
export function checkSnapshot(
  snapshot: WorkbookSnapshot,
  now: Date,
): { report: Omit<CheckReport, "cellsWritten">; writes: CellWrite[] } {
  const kind = eventKind(snapshot);
  if (kind === "unknown") {
    return {
      report: { kind, eventProblems: [NOT_AN_EVENT], rows: [], summary: NOT_AN_EVENT },
      writes: [],
    };
  }
  if (kind === "seminar") {
    const seminar = withPlacementProblems(checkSeminar(snapshot, now));
    const tables = [
      seminar.workbook.programme,
      seminar.workbook.structures,
      seminar.workbook.tutors,
      seminar.workbook.participants,
    ];
    const zone = eventZone(seminar.workbook.settings.partial);
    const summary = summarize(
      seminar.rows,
      seminar.seminarProblems,
      now,
      zone,
      "seminar",
      seminarStage(seminar, now, zone),
    );
    const writes = [
      ...tables.flatMap((table) => statusWrites(table, snapshot.get(table.spec.name), seminar.rows)),
      ...programmeIdWrites(seminar.workbook.programme, snapshot.get(TABS.programme.name)),
      ...announcedWrites(snapshot, seminar, now),
      ...settingsStatusWrite(seminar.workbook.settings, snapshot.get(TABS.seminar.name), summary),
    ];
    return {
      report: { kind, eventProblems: seminar.seminarProblems, rows: seminar.rows, summary, seminar },
      writes,
    };
  }
  if (kind === "cycle") return checkCycleSnapshot(snapshot, now);
  const lunch = checkLunch(snapshot, now);
  const zone = eventZone(lunch.workbook.settings.partial);
  const summary = summarize(
    lunch.rows,
    lunch.lunchProblems,
    now,
    zone,
    "lunch",
    lunchStage(lunch, now, zone),
  );
  const writes = [
    ...statusWrites(lunch.workbook.registrations, snapshot.get(TABS.registrations.name), lunch.rows),
    ...settingsStatusWrite(lunch.workbook.settings, snapshot.get(TABS.lunch.name), summary),
  ];
  return { report: { kind, eventProblems: lunch.lunchProblems, rows: lunch.rows, summary, lunch }, writes };
}

/** A cycle of lunch talks: the verdicts of its talks, registrations and speakers, and its `Statut`. */
function checkCycleSnapshot(
  snapshot: WorkbookSnapshot,
  now: Date,
): { report: Omit<CheckReport, "cellsWritten">; writes: CellWrite[] } {
  const cycle = checkCycle(snapshot, now);
  const zone = eventZone(cycle.workbook.settings.partial);
  const summary = [
    summarize(cycle.rows, cycle.cycleProblems, now, zone, "cycle", cycleStage(cycle)),
    reachLine(cycle.reach),
  ].join("\n");
  const { settings, talks, registrations, speakers } = cycle.workbook;
  const writes = [
    ...[talks, registrations, speakers].flatMap((table) =>
      statusWrites(table, snapshot.get(table.spec.name), cycle.rows),
    ),
    ...settingsStatusWrite(settings, snapshot.get(CYCLE_TABS_SPEC.cycle.name), summary),
  ];
  return {
    report: { kind: "cycle", eventProblems: cycle.cycleProblems, rows: cycle.rows, summary, cycle },
    writes,
  };
}

/** The kind of event an edited tab belongs to, when its name tells. */
export function kindOfTab(tab: string): WorkbookKind | undefined {
  const key = normalizeKey(tab);
  if (LUNCH_TABS.some((name) => normalizeKey(name) === key)) return "lunch";
  if (CYCLE_TABS.some((name) => normalizeKey(name) === key)) return "cycle";
  if (SEMINAR_TABS.some((name) => normalizeKey(name) === key)) return "seminar";
  return undefined;
}

/**
 * Reads what a check needs in one round trip: the tabs of the kind of event when it is known
 * (a guess is verified: without its parameters tab, every tab is read again), all tabs otherwise.
 */
export async function readEvent(
  workbook: Workbook,
  kind?: WorkbookKind,
  extra: readonly string[] = [],
): Promise<WorkbookSnapshot> {
  const tabs =
    kind === "seminar"
      ? SEMINAR_TABS
      : kind === "lunch"
        ? LUNCH_TABS
        : kind === "cycle"
          ? CYCLE_TABS
          : ALL_TABS;
  const snapshot = await workbook.read([...tabs, ...extra]);
  if (kind !== undefined && eventKind(snapshot) === "unknown") return workbook.read([...ALL_TABS, ...extra]);
  return snapshot;
}

export async function checkWorkbook(
  workbook: Workbook,
  now: Date,
  options: { kind?: WorkbookKind } = {},
): Promise<CheckReport> {
  const snapshot = await readEvent(workbook, options.kind);
  const { report, writes } = checkSnapshot(snapshot, now);
  if (writes.length > 0) await workbook.write({ cells: writes });
  return { ...report, cellsWritten: writes.length };
}

/** The `Statut` cells of a tab whose text differs from the verdict; the header is added when missing. */
export function statusWrites(
  table: ParsedTable<unknown>,
  tab: TabValues | undefined,
  verdicts: readonly RowVerdict[],
): CellWrite[] {
  if (tab === undefined || table.rows.length === 0) return [];
  const writes: CellWrite[] = [];
  let column = table.columns.find((candidate) => candidate.key === "status")?.index;
  if (column === undefined) {
    column = table.nextColumn;
    writes.push({ tab: tab.title, row: 1, column, value: "Statut" });
  }
  for (const verdict of verdicts) {
    if (verdict.tab !== table.spec.name) continue;
    const current: Cell = tab.rows[verdict.row - 1]?.[column - 1] ?? null;
    if (cellText(current) !== verdict.status)
      writes.push({ tab: tab.title, row: verdict.row, column, value: verdict.status });
  }
  return writes;
}

function settingsStatusWrite(
  settings: ParsedSettings<unknown>,
  tab: TabValues | undefined,
  summary: string,
): CellWrite[] {
  if (tab === undefined) return [];
  const line = settings.lines.get("status");
  if (line) {
    const current = cellText(tab.rows[line.row - 1]?.[line.valueColumn - 1] ?? null);
    // The headcounts and the feedback lines are not the check's: they stay.
    const status = [summary, ...keptStatusLines(current)].join("\n");
    return current === status
      ? []
      : [{ tab: tab.title, row: line.row, column: line.valueColumn, value: status }];
  }
  return [
    { tab: tab.title, row: settings.nextRow, column: settings.nameColumn, value: "Statut" },
    { tab: tab.title, row: settings.nextRow, column: settings.valueColumn, value: summary },
  ];
}

function summarize(
  rows: readonly RowVerdict[],
  eventProblems: readonly string[],
  now: Date,
  zone: string,
  kind: WorkbookKind,
  stage: Stage = { sent: 0 },
): string {
  const at = DateTime.fromJSDate(now, { zone }).setLocale("fr").toFormat("dd/MM/yyyy 'à' HH:mm");
  const registrationsTab = kind === "seminar" ? TABS.participants.name : TABS.registrations.name;
  const registrations = rows.filter(
    (row) => row.tab === registrationsTab && row.status !== "Inscription annulée" && row.status !== "Annulé",
  );
  const wrong = rows.filter((row) => row.problems.length > 0);
  const okCount = registrations.filter((row) => row.problems.length === 0).length;
  const lines = [
    `Vérifié le ${at} : ${plural(okCount, "inscription")} sans problème sur ${registrations.length}` +
      (wrong.length > 0 ? `, ${plural(wrong.length, "ligne")} à revoir (${describeRows(wrong)}).` : "."),
    ...eventProblems,
  ];
  const ready = eventProblems.length === 0 && wrong.every((row) => !row.blocking);
  if (stage.over) {
    lines.push(stage.over);
    return lines.join("\n");
  }
  if (stage.sent > 0 && stage.next) {
    lines.push(stage.next);
    return lines.join("\n");
  }
  const next =
    kind === "cycle"
      ? ready
        ? "Prochaine étape : le Statut de chaque rencontre (onglet Rencontres) dit ses places et ses chiffres ; choisissez « Confirmer les inscriptions » dans Action pour que les messages aux inscrits et aux intervenants partent d'eux-mêmes à leur heure."
        : "Prochaine étape : corrigez ce qui est signalé ; la vérification se refait à chaque modification."
      : kind === "seminar"
        ? ready
          ? "Prochaine étape : choisissez « Affecter » dans Action."
          : "Prochaine étape : corrigez ce qui est signalé ; la vérification se refait à chaque modification."
        : ready
          ? "Prochaine étape : choisissez « Confirmer les inscriptions » dans Action."
          : "Prochaine étape : corrigez ce qui est signalé ; la vérification se refait à chaque modification.";
  lines.push(next);
  return lines.join("\n");
}

function describeRows(rows: readonly RowVerdict[]): string {
  const byTab = new Map<string, number[]>();
  for (const row of rows) byTab.set(row.tab, [...(byTab.get(row.tab) ?? []), row.row]);
  return [...byTab]
    .map(([tab, lines]) => {
      const shown = lines.slice(0, 10).join(", ");
      return `${tab} ligne${pluralSuffix(lines.length)} ${shown}${lines.length > 10 ? "…" : ""}`;
    })
    .join(" ; ");
}

/** The seminar's verdicts with the broken rules of `Affectations` added to the participants' rows. */
function withPlacementProblems(seminar: SeminarCheck): SeminarCheck {
  if (seminar.workbook.placements.rows.length === 0 || seminar.slots.length === 0) return seminar;
  const problems = placementProblems(seminar);
  if (problems.size === 0) return seminar;
  const rows = seminar.rows.map((verdict) => {
    const extra = verdict.tab === TABS.participants.name ? problems.get(verdict.row) : undefined;
    if (!extra || verdict.status === "Inscription annulée") return verdict;
    const all = [...verdict.problems, ...extra];
    return { ...verdict, problems: all, status: statusText(all) };
  });
  return { ...seminar, rows };
}

/**
 * `Agenda annoncé` of each participant not yet convoked: the agenda their convocation will announce.
 * Once `Convocation` is filled it is never rewritten, so it keeps what the participant's calendar
 * holds: a change notice compares with it (old → new) and cancels what is gone from it.
 */
const ANY_KEYS = ledgerKeys("agendas-seulement", "");

function announcedWrites(snapshot: WorkbookSnapshot, seminar: SeminarCheck, now: Date): CellWrite[] {
  const table = seminar.workbook.participants;
  const tab = snapshot.get(TABS.participants.name);
  if (tab === undefined || table.rows.length === 0) return [];
  // Once the convocations are out, nobody is left to announce: the agendas need not be built.
  const waiting = table.rows.some(
    (row) => (row.partial.convocation ?? "") === "" && row.partial.registration !== "Annulée",
  );
  if (!waiting) return [];
  // Only the agendas are read here: the ledger's keys play no part, any will do.
  const model = seminarModel(snapshot, ANY_KEYS, now);
  const agendas = new Map(model.agendas.map((agenda) => [agenda.participant.row, agenda]));
  const writes: CellWrite[] = [];
  let column = table.columns.find((candidate) => candidate.key === "announced")?.index;
  for (const row of table.rows) {
    const agenda = agendas.get(row.row);
    if (!agenda || (row.partial.convocation ?? "") !== "") continue;
    const value = writeAnnounced(agenda.items);
    if ((row.partial.announced ?? "") === value) continue;
    if (column === undefined) {
      column = table.nextColumn + (table.columns.some((candidate) => candidate.key === "status") ? 0 : 1);
      writes.push({ tab: tab.title, row: 1, column, value: "Agenda annoncé" });
    }
    writes.push({ tab: tab.title, row: row.row, column, value });
  }
  return writes;
}

/** Where the event stands once the go is given: what was sent, what comes next, or that it is over. */
interface Stage {
  /** Rows whose `Convocation` is filled (the go was given when there is one). */
  readonly sent: number;
  /** What was sent and the next step, after the go. */
  readonly next?: string;
  /** Said instead of any next step once the event is over. */
  readonly over?: string;
}

function frenchAt(instant: DateTime): string {
  return `${frenchDate(instant)} à ${instant.toFormat("HH'h'mm")}`;
}

function seminarStage(seminar: SeminarCheck, now: Date, zone: string): Stage {
  const sent = seminar.workbook.participants.rows.filter(
    (row) => (row.partial.convocation ?? "") !== "",
  ).length;
  const [day1, day2] = seminar.days;
  if (!day1 || !day2) return { sent };
  const settings = seminar.workbook.settings.partial;
  const end = DateTime.fromISO(day2, { zone }).endOf("day");
  const feedback = DateTime.fromISO(day2, { zone }).plus({ days: 1 }).set({ hour: 9 });
  const survey = settings.surveyLink
    ? now < feedback.toJSDate()
      ? ` Le questionnaire de satisfaction part le ${frenchAt(feedback)}.`
      : ` Le questionnaire de satisfaction est parti le ${frenchAt(feedback)}.`
    : "";
  if (sent > 0 && now > end.toJSDate())
    return {
      sent,
      over: `Le séminaire est terminé (${day1} – ${day2}) : ${plural(sent, "participant convoqué")}.${survey} Il n'y a plus rien à faire.`,
    };
  const reminder = DateTime.fromISO(day1, { zone })
    .minus({ days: settings.reminderDays ?? 2 })
    .set({ hour: 9 });
  const next =
    now < reminder.toJSDate()
      ? `Prochaine étape : les rappels partent le ${frenchAt(reminder)} ; chaque modification du programme ou d'une affectation envoie un avis de modification aux personnes concernées.`
      : `Prochaine étape : le séminaire commence le ${frenchAt(DateTime.fromISO(day1, { zone }))} ; les rappels de train partent avant chaque départ.${survey}`;
  return { sent, next: `Convocations envoyées : ${sent}. ${next}` };
}

function cycleStage(cycle: CycleCheck): Stage {
  const sent = cycle.workbook.registrations.rows.filter(
    (row) => (row.partial.convocation ?? "") !== "",
  ).length;
  return { sent };
}

function lunchStage(lunch: LunchCheck, now: Date, zone: string): Stage {
  const sent = lunch.workbook.registrations.rows.filter(
    (row) => (row.partial.convocation ?? "") !== "",
  ).length;
  const date = lunch.workbook.settings.partial.date;
  if (!date || sent === 0) return { sent };
  const settings = lunch.workbook.settings.partial;
  const start = DateTime.fromISO(`${date}T${settings.start ?? "12:15"}`, { zone });
  const end = DateTime.fromISO(`${date}T${settings.end ?? "13:45"}`, { zone });
  if (now > end.toJSDate())
    return {
      sent,
      over: `La rencontre a eu lieu le ${frenchAt(start)} : elle est terminée (${plural(sent, "inscription confirmée")}). Il n'y a plus rien à faire.`,
    };
  const reminder = start.minus({ hours: settings.reminderHours ?? 24 });
  return {
    sent,
    next: `Inscriptions confirmées : ${sent}. Prochaine étape : ${now < reminder.toJSDate() ? `le rappel part le ${frenchAt(reminder)}` : `la rencontre commence le ${frenchAt(start)}`} ; chaque nouvelle inscription ou annulation est traitée à mesure.`,
  };
}
