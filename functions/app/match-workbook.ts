/**
 * The `Affecter` use case: check the workbook, place every participant with a structure and a
 * tutor, write `Affectations` and the participants left without a placement, in one read and one
 * write.
 */
import { DateTime } from "luxon";
import type { SeminarCheck } from "../core/checks/check-seminar.js";
import { describeChange, type PlacementChange, placementChanges } from "../core/matching/changes.js";
import { matchingProblem, placementRows, seminarPeople } from "../core/matching/placements.js";
import type { MatchingProblem, MatchingResult, SolveOptions } from "../core/matching/types.js";
import { eventZone } from "../core/settings/event-settings.js";
import { TABS } from "../core/sheet/schemas.js";
import { layoutOf, replaceRows } from "../core/sheet/table-writes.js";
import { plural } from "../core/text/french.js";
import type { CellWrite, Workbook } from "../ports.js";
import { checkSnapshot, readEvent } from "./check-workbook.js";

export type Solver = (problem: MatchingProblem, options?: SolveOptions) => Promise<MatchingResult>;

export interface MatchReport {
  readonly ok: boolean;
  /** Why matching did not run (problems of the seminar itself), in French. */
  readonly refused: readonly string[];
  readonly result?: MatchingResult;
  /**
   * Every placement of the previous `Affectations` this run changed, old → new, with the reason
   * (for the organizer's alert and each participant's change notice).
   */
  readonly changes?: readonly PlacementChange[];
  readonly check?: SeminarCheck;
  readonly summary: string;
}

export interface MatchOptions {
  readonly solve?: SolveOptions;
  /** A tutor who just declined, treated as declined even before the sheet says so. */
  readonly withoutTutor?: string;
}

export async function matchWorkbook(
  workbook: Workbook,
  now: Date,
  solver: Solver,
  options: MatchOptions = {},
): Promise<MatchReport> {
  const snapshot = await readEvent(workbook, "seminar");
  const { report, writes } = checkSnapshot(snapshot, now);
  const check = report.seminar;
  if (!check) {
    const refused =
      report.kind === "lunch"
        ? ["Ce classeur est une rencontre méridienne : il n'y a rien à affecter."]
        : report.eventProblems;
    if (writes.length > 0) await workbook.write({ cells: writes });
    return { ok: false, refused, summary: refused.join("\n") };
  }
  const refused = check.seminarProblems.filter((problem) => !problem.startsWith("Créneau"));
  if (check.slots.length === 0 && refused.length === 0)
    refused.push("Aucun créneau d'immersion dans le Programme.");
  if (refused.length > 0) {
    const summary = `Affectation impossible :\n${refused.join("\n")}`;
    await workbook.write({
      cells: [
        ...writes.filter((write) => write.tab !== check.workbook.settings.title),
        ...statusOf(check, snapshotStatus(check), summary),
      ],
    });
    return { ok: false, refused, check, summary };
  }

  const problem = matchingProblem(check, options.withoutTutor ? { withoutTutor: options.withoutTutor } : {});
  const result = await solver(problem, options.solve);
  const changes = placementChanges(problem, result);
  const placements = check.workbook.placements;
  const layout = layoutOf(placements, snapshot.has(TABS.placements.name));
  const previousRows = snapshot.get(TABS.placements.name)?.rows.length ?? 1;
  const affectations = replaceRows(layout, previousRows, placementRows(check, result));

  // Participants left without a placement: the reason goes to their Statut.
  const people = seminarPeople(check);
  const rowOf = new Map(people.participants.map(({ row, value }) => [value.email, row]));
  const reasons = new Map<number, string[]>();
  for (const unplaced of result.unplaced) {
    const row = rowOf.get(unplaced.participant);
    if (row === undefined) continue;
    reasons.set(row, [
      ...(reasons.get(row) ?? []),
      `Non placé au créneau « ${unplaced.slot} » : ${unplaced.reason}`,
    ]);
  }
  const statusColumn = check.workbook.participants.columns.find((column) => column.key === "status")?.index;
  const participantWrites: CellWrite[] = writes.filter(
    (write) =>
      !(
        write.tab === check.workbook.participants.title &&
        reasons.has(write.row) &&
        write.column === statusColumn
      ),
  );
  if (statusColumn !== undefined) {
    for (const [row, lines] of reasons) {
      const verdict = check.rows.find(
        (candidate) => candidate.tab === TABS.participants.name && candidate.row === row,
      );
      const base = verdict && verdict.problems.length > 0 ? `${verdict.status}\n` : "";
      participantWrites.push({
        tab: check.workbook.participants.title,
        row,
        column: statusColumn,
        value: `${base}${lines.join("\n")}`,
      });
    }
  }

  const summary = matchSummary(check, result, now, changes);
  await workbook.write({
    ...(layout.creation ? { createTabs: [layout.creation] } : {}),
    cells: [
      ...participantWrites.filter((write) => write.tab !== check.workbook.settings.title),
      ...layout.headerWrites,
      ...affectations,
      ...statusOf(check, snapshotStatus(check), summary),
    ],
  });
  return { ok: true, refused: [], result, changes, check, summary };
}

function snapshotStatus(check: SeminarCheck): number | undefined {
  return check.workbook.settings.lines.get("status")?.row;
}

function statusOf(check: SeminarCheck, row: number | undefined, summary: string): CellWrite[] {
  const settings = check.workbook.settings;
  if (row !== undefined) return [{ tab: settings.title, row, column: settings.valueColumn, value: summary }];
  return [
    { tab: settings.title, row: settings.nextRow, column: settings.nameColumn, value: "Statut" },
    { tab: settings.title, row: settings.nextRow, column: settings.valueColumn, value: summary },
  ];
}

export function matchSummary(
  check: SeminarCheck,
  result: MatchingResult,
  now: Date,
  changes: readonly PlacementChange[] = [],
): string {
  const zone = eventZone(check.workbook.settings.partial);
  const at = DateTime.fromJSDate(now, { zone }).setLocale("fr").toFormat("dd/MM/yyyy 'à' HH:mm");
  const participants = new Set(result.placements.map((placement) => placement.participant)).size;
  const lines = [
    `Affectation du ${at} : ${result.placements.length} placements pour ${participants} participants.`,
  ];
  for (const slot of check.slots) {
    const inSlot = result.placements.filter((placement) => placement.slot === slot.name);
    const count = (motif: string) => inSlot.filter((placement) => placement.motif === motif).length;
    lines.push(
      `Créneau « ${slot.name} » : ${count("Vœu 1")} en vœu 1, ${count("Vœu 2")} en vœu 2, ${count("Vœu 3")} en vœu 3, ${inSlot.length - count("Vœu 1") - count("Vœu 2") - count("Vœu 3")} hors vœux.`,
    );
  }
  if (result.unplaced.length > 0) {
    lines.push(
      `${plural(result.unplaced.length, "placement impossible")} : voir le Statut des participants concernés.`,
    );
  }
  if (changes.length > 0) {
    lines.push(`${plural(changes.length, "placement modifié")} par rapport à l'affectation précédente :`);
    lines.push(...changeLines(check, changes));
  }
  if (result.stats.solverStatus === "fallback")
    lines.push(
      "Le solveur n'a pas répondu : placements faits dans l'ordre d'inscription (règles respectées, vœux et mixité non optimisés). Relancez « Affecter » pour réessayer.",
    );
  else if (!result.optimal)
    lines.push(
      `Meilleure affectation trouvée dans le temps imparti (écart prouvé à l'optimum : ${(result.gap * 100).toFixed(2)} %).`,
    );
  lines.push(
    "Prochaine étape : relisez l'onglet Affectations (verrouillez ce qui doit rester), puis choisissez « Envoyer les convocations ».",
  );
  return lines.join("\n");
}

/**
 * One French line per changed placement, naming the participant:
 * `- Léa Martin, Matin : CAF Rennes (Accueil physique) → CCAS Brest (Accueil téléphonique), son tuteur s'est désisté.`
 * (for the `Statut` and the organizer's alert after a re-run).
 */
export function changeLines(check: SeminarCheck, changes: readonly PlacementChange[]): string[] {
  const names = new Map(
    seminarPeople(check).participants.map(({ value }) => [
      value.email,
      `${value.firstName} ${value.lastName}`,
    ]),
  );
  return changes.map(
    (change) => `- ${names.get(change.participant) ?? change.participant}, ${describeChange(change)}.`,
  );
}
