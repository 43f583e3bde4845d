/**
 * `sheetEdit`: called by the spreadsheet's Apps Script on every edit (see sheets-templates/).
 * Checks the signature, then has the workbook checked again (the use case reads it once and
 * writes back only the verdicts that changed), and answers a small summary.
 * Statuses are the caller's retry decision: 401 and 400 are final, 5xx may be retried.
 * Nothing from the request body, the workbook or an error message is logged.
 */
import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import { z } from "zod";
import { SheetsRequestError } from "./adapters/google-sheets-workbook.js";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyEdit } from "./core/edit-signature.js";
import type { Clock, EventWorkbook, Workbook } from "./ports.js";

/** What the Apps Script posts: the edited range, 1-based as in A1. */
export const sheetEditBody = z
  .object({
    spreadsheetId: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/),
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

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** Structured logs; callers pass counts, statuses and reasons, never what someone typed. */
export interface SheetEditLog {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export interface SheetEditDeps {
  /** The secret shared with the Apps Script. */
  readonly secret: string;
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
  readonly log: SheetEditLog;
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
  readonly tookMs: number;
}

export function sheetEditHandler(deps: SheetEditDeps): HttpFunction {
  return async (request: Request, response: Response) => {
    const started = deps.clock.now();
    if (request.method !== "POST") {
      response.status(405).set("allow", "POST").json({ error: "Méthode non permise : utilisez POST." });
      return;
    }
    const body = request.rawBody ?? Buffer.alloc(0);
    const verdict = verifyEdit({
      secret: deps.secret,
      timestamp: request.get(TIMESTAMP_HEADER),
      signature: request.get(SIGNATURE_HEADER),
      body,
      now: started,
    });
    if (!verdict.ok) {
      deps.log.warn("sheet-edit.refused", { reason: verdict.reason });
      response.status(401).json({ error: "Signature absente, invalide ou périmée." });
      return;
    }
    const edit = parseEdit(body);
    if (!edit.success) {
      deps.log.warn("sheet-edit.bad-request", { issues: edit.issues });
      response.status(400).json({ error: "Requête invalide : la plage modifiée n'a pas pu être lue." });
      return;
    }
    try {
      const workbook = deps.workbookFor(edit.data.spreadsheetId);
      const report = await deps.check(workbook, started, edit.data);
      if (deps.onAction) await deps.onAction({ edit: edit.data, workbook, now: started, report });
      const summary: SheetEditSummary = {
        ok: true,
        ...summarize(report),
        tookMs: deps.clock.now().getTime() - started.getTime(),
      };
      deps.log.info("sheet-edit.checked", { ...summary });
      response.status(200).json(summary);
    } catch (error) {
      const status = error instanceof SheetsRequestError ? error.status : undefined;
      deps.log.error("sheet-edit.failed", {
        error: error instanceof Error ? error.name : typeof error,
        sheetsStatus: status,
      });
      if (status === 403 || status === 404) {
        // Not worth retrying: the service account cannot open this spreadsheet.
        response.status(502).json({
          error: "Passerelle ne peut pas ouvrir ce classeur : partagez-le avec son compte de service.",
        });
        return;
      }
      response
        .status(500)
        .json({ error: "Erreur interne : la vérification sera refaite au prochain essai." });
    }
  };
}

function parseEdit(body: Buffer): { success: true; data: SheetEdit } | { success: false; issues: string } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { success: false, issues: "not-json" };
  }
  const parsed = sheetEditBody.safeParse(json);
  if (parsed.success) return { success: true, data: parsed.data };
  // Paths only: the values may be anything someone typed.
  return {
    success: false,
    issues: parsed.error.issues.map((issue) => issue.path.join(".") || "body").join(","),
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

/** Logs as one JSON line each, which Cloud Logging reads as structured entries with a severity. */
export const jsonConsoleLog: SheetEditLog = {
  info: (event, fields) => console.log(JSON.stringify({ severity: "INFO", event, ...fields })),
  warn: (event, fields) => console.warn(JSON.stringify({ severity: "WARNING", event, ...fields })),
  error: (event, fields) => console.error(JSON.stringify({ severity: "ERROR", event, ...fields })),
};
