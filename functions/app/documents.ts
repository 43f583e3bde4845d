/**
 * Making the printed documents of an event: one read of the workbook, the documents' content from
 * the core, each drawn as a PDF and written under a folder; the headcounts written on the event's
 * `Statut` (one write, only when the line changed). A cycle's documents are each talk's, in a folder
 * per talk (`core/messages/cycle-talks.ts`); its headcounts are printed, not written.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { renderPdf } from "../adapters/pdf.js";
import { checkLunch } from "../core/checks/check-lunch.js";
import { checkCycle } from "../core/cycle/check-cycle.js";
import { CYCLE_TABS, CYCLE_TABS_SPEC } from "../core/cycle/cycle-schemas.js";
import { DOCUMENT_TABS, type DocumentSet, eventDocuments } from "../core/documents/index.js";
import { eventModel, UNDATED_PROBLEMS } from "../core/event/model.js";
import { isReverseView } from "../core/inversee/view.js";
import { inReverseWords } from "../core/inversee/words.js";
import { cycleDocuments } from "../core/messages/cycle-talks.js";
import { cellText } from "../core/sheet/cells.js";
import { TABS } from "../core/sheet/schemas.js";
import { withStatusLine } from "../core/sheet/status-lines.js";
import { missingTabProblem, parseSettings } from "../core/sheet/table.js";
import { PermanentError } from "../errors.js";
import type { CellWrite, EventWorkbook, WorkbookSnapshot } from "../ports.js";

export interface DocumentsOptions {
  /** The instant the documents are made for: certificates exist only once the event has ended. */
  readonly at: Date;
  /** The folder to write into (created when missing). */
  readonly out: string;
  /** Whether to write the headcounts on the event's `Statut` (default true). */
  readonly writeStatus?: boolean;
}

export interface DocumentsReport {
  readonly set: DocumentSet;
  /** The files written, relative to `out`, in the order of the set. */
  readonly files: readonly string[];
  readonly statusWritten: boolean;
}

/**
 * Writes every document of the event into `options.out`. Throws a `PermanentError` (reason
 * `refused`, a French message) when the event has no readable day, and an Error when the workbook
 * holds no event.
 */
export async function writeDocuments(
  workbook: EventWorkbook,
  options: DocumentsOptions,
): Promise<DocumentsReport> {
  const snapshot = await workbook.read([...new Set([...DOCUMENT_TABS, ...CYCLE_TABS])]);
  if (!snapshot.has(CYCLE_TABS_SPEC.cycle.name)) {
    // An event without a readable day has no papers worth printing: an attendance certificate
    // would be dated 1 January 1970.
    const undated = (eventModel(snapshot, workbook.keys, options.at)?.problems ?? []).filter((problem) =>
      UNDATED_PROBLEMS.has(problem),
    );
    if (undated.length > 0)
      throw new PermanentError(
        `Aucun document produit : ${undated.join(" ")} Corrigez la date, puis relancez (passerelle check dit ce qui reste à revoir).`,
        "refused",
      );
  }
  // A missing tab is a fault, not an empty tab: papers with nobody on them would hide it.
  const missing = snapshot.has(CYCLE_TABS_SPEC.cycle.name)
    ? checkCycle(snapshot, options.at).missingTabs
    : snapshot.has(TABS.lunch.name)
      ? checkLunch(snapshot, options.at).missingTabs
      : seminarMissingTabs(snapshot);
  if (missing.length > 0)
    throw new PermanentError(
      `Aucun document produit : ${missing.join(" ")} Puis relancez (passerelle check dit ce qui reste à revoir).`,
      "refused",
    );
  const set = snapshot.has(CYCLE_TABS_SPEC.cycle.name)
    ? cycleDocuments(snapshot, workbook.keys, options.at)
    : eventDocuments(snapshot, workbook.keys, options.at);
  if (set === null) throw new Error("The workbook holds neither a seminar nor a lunch talk.");
  const files: string[] = [];
  for (const document of set.documents) {
    const path = join(options.out, document.file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, await renderPdf(document, options.at));
    files.push(document.file);
  }
  const writes = options.writeStatus === false ? [] : statusWrite(snapshot, set);
  if (writes.length > 0) await workbook.write({ cells: writes });
  return { set, files, statusWritten: writes.length > 0 };
}

/**
 * The tabs a seminar's papers are drawn from that the workbook lacks, one French line each; for a
 * reverse immersion in its words (its `Hôtes` stand for both `Structures` and `Tuteurs`).
 */
function seminarMissingTabs(snapshot: WorkbookSnapshot): string[] {
  if (!snapshot.has(TABS.seminar.name)) return [];
  const lines = [TABS.programme, TABS.structures, TABS.tutors, TABS.participants]
    .filter((spec) => !snapshot.has(spec.name))
    .map((spec) => missingTabProblem(spec.name));
  return [...new Set(isReverseView(snapshot) ? lines.map(inReverseWords) : lines)];
}

/** The `Statut` cell of the event with its `Effectifs` line replaced, when it changes. */
function statusWrite(snapshot: WorkbookSnapshot, set: DocumentSet): CellWrite[] {
  const spec = set.kind === "seminar" ? TABS.seminar : TABS.lunch;
  const tab = snapshot.get(spec.name);
  if (tab === undefined) return [];
  const settings = parseSettings(spec, tab);
  const line = settings.lines.get("status");
  const current = line ? cellText(tab.rows[line.row - 1]?.[line.valueColumn - 1] ?? null) : "";
  const next = withStatusLine(current, "Effectifs :", set.headcountLine);
  if (next === current) return [];
  if (line) return [{ tab: tab.title, row: line.row, column: line.valueColumn, value: next }];
  return [
    { tab: tab.title, row: settings.nextRow, column: settings.nameColumn, value: "Statut" },
    { tab: tab.title, row: settings.nextRow, column: settings.valueColumn, value: next },
  ];
}
