/**
 * `passerelle match <workbook.xlsx> [--json]`: a seminar's placements (written to `Affectations`),
 * or a lunch talk's seats (the `Statut` of each registration, as every check writes them), or the
 * seats of every talk of a cycle with its décloisonnement figures.
 */

import { monotonicSeconds, sharedSolver } from "../adapters/highs-solver.js";
import { XlsxWorkbook } from "../adapters/xlsx-workbook.js";
import { checkWorkbook, eventKind, readEvent } from "../app/check-workbook.js";
import { matchWorkbook } from "../app/match-workbook.js";
import { ReverseAwareWorkbook } from "../app/reverse-workbook.js";
import { type LunchCheck, seatRules } from "../core/checks/check-lunch.js";
import type { SeminarCheck } from "../core/checks/check-seminar.js";
import { type CycleCheck, unscheduledLine } from "../core/cycle/check-cycle.js";
import { type CycleReach, mixLine, reachLine, type TalkMix } from "../core/cycle/decloisonnement.js";
import { REVERSE_WORKBOOK } from "../core/inversee/schemas.js";
import { isReverseView, reverseMotif, type SeminarView, seminarView } from "../core/inversee/view.js";
import { inReverseWords, SILENT_LEVELS } from "../core/inversee/words.js";
import { type MatchingResult, solvePlacements, summarize } from "../core/matching/index.js";
import { matchingProblem } from "../core/matching/placements.js";
import { eventZone } from "../core/settings/event-settings.js";
import { TABS } from "../core/sheet/schemas.js";
import { frenchDateTime, plural, pluralSuffix } from "../core/text/french.js";
import type { WorkbookSnapshot } from "../ports.js";
import { Refusal } from "./errors.js";

export interface SeminarMatchJson {
  readonly placements: readonly {
    participant: string;
    slot: string;
    structure: string;
    situation: string;
    tutor: string;
  }[];
  readonly unplaced: readonly { participant: string; reason: string }[];
  readonly objective: number;
  readonly optimal: boolean;
  readonly gap: number;
}

export interface LunchSeatsJson {
  readonly kind: "lunch";
  readonly capacity: number;
  readonly quotaPerService: number | null;
  /** The closing of registrations (ISO instant), null when the talk has no date. */
  readonly closingAt: string | null;
  /** Whether the closing is past, so the quota no longer holds. */
  readonly closed: boolean;
  readonly seated: readonly { row: number; participant: string; service: string }[];
  readonly waiting: readonly { row: number; participant: string; service: string; rank: number }[];
  readonly cancelled: readonly { row: number; participant: string }[];
  readonly toFix: readonly { row: number; problems: readonly string[] }[];
}

export interface CycleSeatsJson {
  readonly kind: "cycle";
  /** The talks in date order, each with its seats as for a single talk and its mix. */
  readonly talks: readonly (Omit<LunchSeatsJson, "kind"> & {
    readonly talk: string;
    readonly row: number;
    readonly mix: TalkMix;
  })[];
  readonly reach: CycleReach;
  readonly problems: readonly string[];
  /** Rows of `Rencontres` left out (an unreadable date...), each as one French line. */
  readonly unscheduled: readonly { row: number; talk?: string; registered: number; text: string }[];
}

export function cycleSeatsJson(cycle: CycleCheck, now: Date): CycleSeatsJson {
  return {
    kind: "cycle",
    talks: cycle.talks.map((talk) => {
      const { kind: _lunch, ...seats } = lunchSeatsJson(talk.lunch, now);
      return { talk: talk.name, row: talk.row, ...seats, mix: talk.mix };
    }),
    reach: cycle.reach,
    problems: cycle.cycleProblems,
    unscheduled: cycle.unscheduled.map((talk) => ({
      row: talk.row,
      ...(talk.name ? { talk: talk.name } : {}),
      registered: talk.registered,
      text: unscheduledLine(talk),
    })),
  };
}

export function cycleSeatsText(cycle: CycleCheck, now: Date, cellsWritten: number): string {
  const lines: string[] = [];
  for (const talk of cycle.talks) {
    const zone = eventZone(talk.lunch.workbook.settings.partial);
    lines.push(
      `=== ${talk.name} (${frenchDateTime(talk.start, zone)}, ${TABS.registrations.name} et Rencontres ligne ${talk.row})`,
    );
    lines.push(lunchSeatsText(talk.lunch, now, null), mixLine(talk.mix), "");
  }
  if (cycle.talks.length === 0) lines.push("Aucune rencontre sans problème dans l'onglet Rencontres.", "");
  for (const talk of cycle.unscheduled) lines.push(`=== Non programmée : ${unscheduledLine(talk)}`, "");
  for (const problem of cycle.cycleProblems) lines.push(`À revoir pour le cycle : ${problem}`);
  lines.push(reachLine(cycle.reach), "");
  lines.push(
    `${plural(cellsWritten, "cellule")} « Statut » mise${pluralSuffix(cellsWritten)} à jour dans le classeur.`,
  );
  return lines.join("\n");
}

export async function runMatch(path: string, json: boolean, now: Date): Promise<string> {
  const workbook = new ReverseAwareWorkbook(new XlsxWorkbook(path));
  const snapshot = await readEvent(workbook);
  const kind = eventKind(snapshot);
  if (kind === "cycle") {
    const report = await checkWorkbook(workbook, now, { kind: "cycle" });
    const cycle = report.cycle!;
    // A missing tab is a fault, not an empty one: no seat is worth showing (« 0 inscrits »).
    if (cycle.missingTabs.length > 0)
      throw new Refusal(`Aucune place calculée : ${cycle.missingTabs.join(" ")}`);
    return json
      ? JSON.stringify(cycleSeatsJson(cycle, now))
      : cycleSeatsText(cycle, now, report.cellsWritten);
  }
  if (kind === "lunch") {
    const report = await checkWorkbook(workbook, now, { kind: "lunch" });
    const lunch = report.lunch!;
    if (lunch.missingTabs.length > 0)
      throw new Refusal(`Aucune place calculée : ${lunch.missingTabs.join(" ")}`);
    return json
      ? JSON.stringify(lunchSeatsJson(lunch, now))
      : lunchSeatsText(lunch, now, report.cellsWritten);
  }
  const solver = sharedSolver();
  try {
    const report = await matchWorkbook(workbook, now, (problem, options) =>
      solvePlacements(problem, { clock: monotonicSeconds, ...options }, solver),
    );
    if (!report.ok || !report.result || !report.check)
      throw new Refusal(refusalWords(report.summary, snapshot));
    return json
      ? JSON.stringify(seminarMatchJson(report.result))
      : seminarMatchText(report.check, report.result, await reverseViewOf(path, snapshot));
  } finally {
    // The worker does not hold the process, but a command that is done should not leave it running.
    await solver.close();
  }
}

export function seminarMatchJson(result: MatchingResult): SeminarMatchJson {
  return {
    placements: result.placements.map(({ participant, slot, structure, situation, tutor }) => ({
      participant,
      slot,
      structure,
      situation,
      tutor,
    })),
    unplaced: result.unplaced.map(({ participant, reason }) => ({ participant, reason })),
    objective: result.objective,
    optimal: result.optimal,
    gap: result.gap,
  };
}

/** The reverse immersion a seminar snapshot is the view of, read from its file; none for a seminar. */
/** A refusal in the event's words: a reverse immersion's (its tabs named once), else as it is. */
function refusalWords(summary: string, snapshot: WorkbookSnapshot): string {
  if (!isReverseView(snapshot)) return summary;
  return [...new Set(summary.split("\n").map(inReverseWords))].join("\n");
}

async function reverseViewOf(path: string, snapshot: WorkbookSnapshot): Promise<SeminarView | undefined> {
  if (!isReverseView(snapshot)) return undefined;
  return seminarView(await new XlsxWorkbook(path).read(REVERSE_WORKBOOK.map((spec) => spec.name)));
}

/**
 * The placements in French; for a reverse immersion (its view given), in its words, each wish
 * numbered as the visitor wrote it (`reverseMotif`), without the levels that tell it nothing.
 */
export function seminarMatchText(check: SeminarCheck, result: MatchingResult, view?: SeminarView): string {
  const reverse = view !== undefined;
  const motifOf = (placement: MatchingResult["placements"][number]) =>
    view ? reverseMotif(view, placement.participant, placement.structure, placement.motif) : placement.motif;
  const problem = matchingProblem(check);
  const figures = summarize(problem, result);
  const everyone = problem.participants.length;
  const missing = new Set(result.unplaced.map((unplaced) => unplaced.participant));
  const lines = [
    `Onglet « ${TABS.placements.name} » écrit : ${plural(result.placements.length, "placement")} pour ${plural(everyone, "participant")}.`,
    `Placés dans tous les créneaux : ${everyone - missing.size} sur ${everyone}.`,
  ];
  if (result.unplaced.length === 0) lines.push("Non placés : aucun.");
  else {
    lines.push(
      `Non placés : ${plural(result.unplaced.length, "placement")} impossible${pluralSuffix(result.unplaced.length)}.`,
    );
    for (const unplaced of result.unplaced)
      lines.push(`  - ${unplaced.participant}, créneau « ${unplaced.slot} » : ${unplaced.reason}`);
  }
  lines.push("", "Vœux satisfaits :");
  for (const slot of check.slots) {
    const inSlot = result.placements.filter((placement) => placement.slot === slot.name);
    const count = (motif: string) => inSlot.filter((placement) => motifOf(placement) === motif).length;
    const locked = inSlot.filter((placement) => placement.locked).length;
    const outside = inSlot.length - count("Vœu 1") - count("Vœu 2") - count("Vœu 3") - locked;
    lines.push(
      `  Créneau « ${slot.name} » : ${count("Vœu 1")} en vœu 1, ${count("Vœu 2")} en vœu 2, ${count("Vœu 3")} en vœu 3, ${outside} hors vœux` +
        (locked > 0 ? `, ${plural(locked, "verrouillé")}.` : "."),
    );
  }
  const withWishes = problem.participants.filter((participant) => participant.wishes.length > 0).length;
  const none = Math.round(figures.noWishShare * withWishes);
  lines.push(
    `  Aucun vœu satisfait, sur l'ensemble des créneaux : ${none} participant${pluralSuffix(none)} sur ${withWishes}.`,
  );
  lines.push(
    "",
    result.optimal
      ? "Affectation optimale, critère par critère (dans l'ordre) :"
      : `Meilleure affectation trouvée dans le temps imparti (plus grand écart prouvé à l'optimum : ${formatNumber(result.gap * 100)} %), critère par critère (dans l'ordre) :`,
  );
  // A reverse immersion hides the levels every host shares: the others are numbered in order, with
  // no gap (a seminar keeps the ranks of the README, 5 and 6 having two parts each).
  const shown = result.levels.filter((level) => !(reverse && SILENT_LEVELS.has(level.key)));
  for (const [index, level] of shown.entries()) {
    const proof = level.proven
      ? "optimal prouvé"
      : `${level.sense === "min" ? "minimum possible" : "maximum possible"} ≤ ${formatNumber(level.bound)}`.replace(
          "minimum possible ≤",
          "minimum possible ≥",
        );
    lines.push(
      `  ${reverse ? index + 1 : level.rank}. ${level.label} : ${formatNumber(level.value)} (${proof})`,
    );
  }
  if (missing.size > 0) lines.push("Le Statut des participants non placés dit pourquoi.");
  lines.push(
    "Relisez l'onglet Affectations (Verrouillé : Oui garde une ligne telle quelle au prochain match).",
  );
  return reverse ? inReverseWords(lines.join("\n")) : lines.join("\n");
}

interface SeatRow {
  readonly row: number;
  readonly participant: string;
  readonly service: string;
}

function seatRows(lunch: LunchCheck): Map<string, SeatRow> {
  const byEmail = new Map<string, SeatRow>();
  for (const row of lunch.workbook.registrations.rows) {
    const value = row.value;
    if (value && value.registration !== "Annulée" && lunch.seats.statuses.has(value.email))
      byEmail.set(value.email, { row: row.row, participant: value.email, service: value.service });
  }
  return byEmail;
}

export function lunchSeatsJson(lunch: LunchCheck, now: Date): LunchSeatsJson {
  const settings = lunch.workbook.settings.partial;
  const rules = seatRules(settings);
  const rows = seatRows(lunch);
  const seat = (id: string) => rows.get(id) ?? { row: 0, participant: id, service: "" };
  return {
    kind: "lunch",
    capacity: rules.capacity,
    quotaPerService: rules.quotaPerService ?? null,
    closingAt: lunch.closingAt?.toISOString() ?? null,
    closed: now.getTime() >= rules.closingAt.getTime(),
    seated: lunch.seats.seated.map(seat),
    waiting: lunch.seats.waiting.map((id, index) => ({ ...seat(id), rank: index + 1 })),
    cancelled: lunch.workbook.registrations.rows
      .filter((row) => row.partial.registration === "Annulée")
      .map((row) => ({ row: row.row, participant: row.partial.email ?? "" })),
    toFix: lunch.rows
      .filter((verdict) => verdict.problems.length > 0)
      .map((verdict) => ({ row: verdict.row, problems: verdict.problems })),
  };
}

/** The seats as text; `cellsWritten` null leaves out the line on the cells written. */
export function lunchSeatsText(lunch: LunchCheck, now: Date, cellsWritten: number | null): string {
  const seats = lunchSeatsJson(lunch, now);
  const zone = eventZone(lunch.workbook.settings.partial);
  const lines = [
    `Rencontre méridienne : ${seats.seated.length} place${pluralSuffix(seats.seated.length)} attribuée${pluralSuffix(seats.seated.length)} sur ${seats.capacity}, ` +
      `${plural(seats.waiting.length, "personne")} en liste d'attente, ${plural(seats.cancelled.length, "annulation")}.`,
  ];
  const closing = seats.closingAt ? frenchDateTime(new Date(seats.closingAt), zone) : null;
  if (seats.quotaPerService === null) lines.push("Pas de quota par service.");
  else if (seats.closed)
    lines.push(
      `Clôture des inscriptions passée${closing ? ` (${closing})` : ""} : le quota de ${seats.quotaPerService} par service est levé.`,
    );
  else
    lines.push(
      `Quota : ${plural(seats.quotaPerService, "place")} par service au plus jusqu'à la clôture des inscriptions${closing ? `, ${closing}` : ""}.`,
    );
  const perService = new Map<string, number>();
  for (const seat of seats.seated) perService.set(seat.service, (perService.get(seat.service) ?? 0) + 1);
  if (perService.size > 0) {
    lines.push("", "Places par service :");
    for (const [service, count] of [...perService].sort(
      (a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "fr"),
    ))
      lines.push(`  ${service} : ${count}`);
  }
  if (seats.waiting.length > 0) {
    lines.push("", "Liste d'attente, dans l'ordre :");
    for (const seat of seats.waiting)
      lines.push(
        `  ${String(seat.rank).padStart(3)}. ${seat.participant} (${seat.service}), ligne ${seat.row}`,
      );
  }
  if (seats.toFix.length > 0) {
    lines.push("", "Sans place tant que la ligne n'est pas corrigée :");
    for (const row of seats.toFix)
      for (const problem of row.problems)
        lines.push(`  ${TABS.registrations.name}, ligne ${row.row} : ${problem.replace(/\n/g, " ")}`);
  }
  if (lunch.lunchProblems.length > 0) {
    lines.push("", "À revoir pour la rencontre :");
    for (const problem of lunch.lunchProblems) lines.push(`  - ${problem}`);
  }
  if (cellsWritten !== null)
    lines.push(
      "",
      `${plural(cellsWritten, "cellule")} « Statut » mise${pluralSuffix(cellsWritten)} à jour dans le classeur.`,
    );
  return lines.join("\n");
}

function formatNumber(value: number): string {
  return new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 }).format(value);
}
