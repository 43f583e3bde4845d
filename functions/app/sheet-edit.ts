/**
 * Applying one signed edit of the spreadsheet (`sheetEdit`): the workbook is checked again (the
 * check reads it once and writes back only the verdicts that changed), and what the edit sets in
 * motion runs once per edit id: the edit is claimed in the Journal first (first claim wins; a
 * second delivery while the first runs is told it is in progress), and recorded once done (a later
 * delivery is answered with the verdicts and runs no action: `applied-edits.ts`). Everything runs
 * in the request's session: one read, one write.
 */
import { z } from "zod";
import type { Clock, EventWorkbook, Workbook } from "../ports.js";
import type { EditLedger } from "./applied-edits.js";
import { inSession } from "./workbook-session.js";

/** A spreadsheet id as Google writes it (also the event's id). */
export const SPREADSHEET_ID = /^[A-Za-z0-9_-]{1,200}$/;

/** What the Apps Script posts: the edited range, 1-based as in A1. */
export const sheetEditBody = z
  .object({
    spreadsheetId: z.string().regex(SPREADSHEET_ID),
    /** Unique per edit (the Apps Script's `Utilities.getUuid()`), signed with the rest. */
    editId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    tab: z.string().min(1).max(200),
    firstRow: z.number().int().min(1),
    lastRow: z.number().int().min(1),
    firstColumn: z.number().int().min(1),
    lastColumn: z.number().int().min(1),
  })
  .refine((edit) => edit.lastRow >= edit.firstRow && edit.lastColumn >= edit.firstColumn, {
    message: "the last row and column come after the first ones",
  });
export type SheetEdit = z.infer<typeof sheetEditBody>;

/** What applying an edit runs: the record of applied edits, the check, and what follows an edit. */
export interface ApplyEditDeps {
  /** The record of the edits applied (the Journal, through `readEditLedger`). */
  readonly ledger: (
    workbook: EventWorkbook,
    edit: SheetEdit & { readonly signedAt: Date; readonly id: string },
  ) => Promise<EditLedger>;
  readonly workbookFor: (spreadsheetId: string) => EventWorkbook;
  /** The checking use case (`checkWorkbook`); its report is summarized in the answer. */
  readonly check: (workbook: Workbook, now: Date, edit: SheetEdit) => Promise<unknown>;
  /**
   * Called after the check of every edit: an edit of the parameters tab (`Séminaire` or
   * `Rencontre`, where `Action` lives) may start or wake the workflow, an edit of another tab may
   * need the running workflow to know (see `followEdit`).
   */
  readonly onAction?: (input: {
    readonly edit: SheetEdit;
    readonly workbook: EventWorkbook;
    readonly now: Date;
    readonly report: unknown;
  }) => Promise<unknown>;
  readonly clock: Clock;
}

/** The parts of a check report the answer counts, whatever else it holds. */
const reportShape = z.object({
  rows: z.array(z.object({ problems: z.array(z.unknown()) })).optional(),
  cellsWritten: z.number().optional(),
});

export interface SheetEditSummary {
  readonly ok: true;
  readonly rows?: number;
  readonly rowsWithProblems?: number;
  readonly cellsWritten?: number;
  /** This edit was applied before: the verdicts are checked again, no action is run. */
  readonly replay?: true;
  readonly tookMs: number;
}

/**
 * Applies a verified edit: claims it, checks the workbook, runs what it sets in motion, records it.
 * Answers the summary given back to the Apps Script, or `in-progress` when another delivery of the
 * same edit holds its claim (the script tries again later). Throws what the workbook throws
 * (`RetryableError`, `PermanentError`).
 */
export async function applySheetEdit(
  deps: ApplyEditDeps,
  edit: SheetEdit,
  signedAt: Date,
  started: Date,
): Promise<SheetEditSummary | "in-progress"> {
  const workbook = deps.workbookFor(edit.spreadsheetId);
  const applied = await inSession(workbook, async () => {
    const ledger = await deps.ledger(workbook, { ...edit, id: edit.editId, signedAt });
    if (!ledger.applied && (await ledger.claim(started)) === "held") return null;
    const report = await deps.check(workbook, started, edit);
    if (!ledger.applied) {
      if (deps.onAction) await deps.onAction({ edit, workbook, now: started, report });
      await ledger.record(started);
    }
    return { report, replay: ledger.applied };
  });
  if (applied === null) return "in-progress";
  return {
    ok: true,
    ...summarize(applied.report),
    ...(applied.replay ? { replay: true as const } : {}),
    tookMs: deps.clock.now().getTime() - started.getTime(),
  };
}

function summarize(report: unknown): Omit<SheetEditSummary, "ok" | "tookMs"> {
  const parsed = reportShape.safeParse(report);
  if (!parsed.success) return {};
  const { rows, cellsWritten } = parsed.data;
  return {
    ...(rows === undefined
      ? {}
      : { rows: rows.length, rowsWithProblems: rows.filter((row) => row.problems.length > 0).length }),
    ...(cellsWritten === undefined ? {} : { cellsWritten }),
  };
}
