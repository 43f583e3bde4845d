/**
 * The checking use case: read the workbook once, check every row, write back only the verdicts
 * that changed, in one batch. Used on every edit (`sheetEdit`), by `passerelle check`, and as the
 * workflow's first step.
 */
import { DateTime } from "luxon";
import { cellText, normalizeKey } from "../core/cells.js";
import { checkLunch, LUNCH_TABS, type LunchCheck } from "../core/check-lunch.js";
import {
  checkSeminar,
  type RowVerdict,
  SEMINAR_TABS,
  type SeminarCheck,
  statusText,
} from "../core/check-seminar.js";
import { placementProblems } from "../core/placements.js";
import { TABS } from "../core/schemas.js";
import { keptStatusLines } from "../core/status-lines.js";
import type { ParsedSettings, ParsedTable } from "../core/table.js";
import type { Cell, CellWrite, TabValues, Workbook, WorkbookSnapshot } from "../ports.js";

export type EventKind = "seminar" | "lunch";

export interface CheckReport {
  readonly kind: EventKind | "unknown";
  /** Problems of the event as a whole (its parameters tab), shown in that tab's `Statut`. */
  readonly eventProblems: readonly string[];
  readonly rows: readonly RowVerdict[];
  /** The text written to the event's `Statut`. */
  readonly summary: string;
  /** How many cells this check wrote (only what changed). */
  readonly cellsWritten: number;
  readonly seminar?: SeminarCheck;
  readonly lunch?: LunchCheck;
}

export const ALL_TABS = [...new Set([...SEMINAR_TABS, ...LUNCH_TABS])];

export function eventKind(snapshot: WorkbookSnapshot): EventKind | "unknown" {
  if (snapshot.has(TABS.seminar.name)) return "seminar";
  if (snapshot.has(TABS.lunch.name)) return "lunch";
  return "unknown";
}

/** Checks a snapshot without writing anything: what the verdicts and the cells to write would be. */
export function checkSnapshot(
  snapshot: WorkbookSnapshot,
  now: Date,
): { report: Omit<CheckReport, "cellsWritten">; writes: CellWrite[] } {
  const kind = eventKind(snapshot);
  if (kind === "unknown") {
    const problem = `Ni onglet « ${TABS.seminar.name} » ni onglet « ${TABS.lunch.name} » : ce classeur n'est pas un classeur Passerelle (partez d'un modèle).`;
    return { report: { kind, eventProblems: [problem], rows: [], summary: problem }, writes: [] };
  }
  if (kind === "seminar") {
    const seminar = withPlacementProblems(checkSeminar(snapshot, now));
    const tables = [
      seminar.workbook.programme,
      seminar.workbook.structures,
      seminar.workbook.tutors,
      seminar.workbook.participants,
    ];
    const zone = seminar.workbook.settings.partial.timeZone ?? "Europe/Paris";
    const summary = summarize(seminar.rows, seminar.seminarProblems, now, zone, "seminar");
    const writes = [
      ...tables.flatMap((table) => statusWrites(table, snapshot.get(table.spec.name), seminar.rows)),
      ...settingsStatusWrite(seminar.workbook.settings, snapshot.get(TABS.seminar.name), summary),
    ];
    return {
      report: { kind, eventProblems: seminar.seminarProblems, rows: seminar.rows, summary, seminar },
      writes,
    };
  }
  const lunch = checkLunch(snapshot, now);
  const zone = lunch.workbook.settings.partial.timeZone ?? "Europe/Paris";
  const summary = summarize(lunch.rows, lunch.lunchProblems, now, zone, "lunch");
  const writes = [
    ...statusWrites(lunch.workbook.registrations, snapshot.get(TABS.registrations.name), lunch.rows),
    ...settingsStatusWrite(lunch.workbook.settings, snapshot.get(TABS.lunch.name), summary),
  ];
  return { report: { kind, eventProblems: lunch.lunchProblems, rows: lunch.rows, summary, lunch }, writes };
}

/** The kind of event an edited tab belongs to, when its name tells. */
export function kindOfTab(tab: string): EventKind | undefined {
  const key = normalizeKey(tab);
  if (LUNCH_TABS.some((name) => normalizeKey(name) === key)) return "lunch";
  if (SEMINAR_TABS.some((name) => normalizeKey(name) === key)) return "seminar";
  return undefined;
}

/**
 * Reads what a check needs in one round trip: the tabs of the kind of event when it is known
 * (a guess is verified: without its parameters tab, every tab is read again), all tabs otherwise.
 */
export async function readEvent(
  workbook: Workbook,
  kind?: EventKind,
  extra: readonly string[] = [],
): Promise<WorkbookSnapshot> {
  const tabs = kind === "seminar" ? SEMINAR_TABS : kind === "lunch" ? LUNCH_TABS : ALL_TABS;
  const snapshot = await workbook.read([...tabs, ...extra]);
  if (kind !== undefined && eventKind(snapshot) === "unknown") return workbook.read([...ALL_TABS, ...extra]);
  return snapshot;
}

export async function checkWorkbook(
  workbook: Workbook,
  now: Date,
  options: { kind?: EventKind } = {},
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
  kind: EventKind,
): string {
  const at = DateTime.fromJSDate(now, { zone }).setLocale("fr").toFormat("dd/MM/yyyy 'à' HH:mm");
  const registrationsTab = kind === "seminar" ? TABS.participants.name : TABS.registrations.name;
  const registrations = rows.filter(
    (row) => row.tab === registrationsTab && row.status !== "Inscription annulée" && row.status !== "Annulé",
  );
  const wrong = rows.filter((row) => row.problems.length > 0);
  const okCount = registrations.filter((row) => row.problems.length === 0).length;
  const lines = [
    `Vérifié le ${at} : ${okCount} inscription${okCount > 1 ? "s" : ""} sans problème sur ${registrations.length}` +
      (wrong.length > 0
        ? `, ${wrong.length} ligne${wrong.length > 1 ? "s" : ""} à revoir (${describeRows(wrong)}).`
        : "."),
    ...eventProblems,
  ];
  const ready = eventProblems.length === 0 && wrong.every((row) => !row.blocking);
  const next =
    kind === "seminar"
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
      return `${tab} ligne${lines.length > 1 ? "s" : ""} ${shown}${lines.length > 10 ? "…" : ""}`;
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
