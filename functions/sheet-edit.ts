/**
 * `sheetEdit`: called by the spreadsheet's Apps Script on every edit (see sheets-templates/).
 * Refuses a body over 64 KB (413), checks the signature with the key of the spreadsheet the body
 * names (derived from the master secret, see `core/keys.ts`), then has the workbook checked again
 * (the use case reads it once and writes back only the verdicts that changed), runs what the edit
 * sets in motion once per edit id (a second delivery is answered with the verdicts and runs no
 * action: `app/applied-edits.ts`), and answers a small summary.
 * Statuses are the caller's retry decision (`errors.ts`): 401, 400, 403 and 413 are final, 5xx
 * may be retried.
 * Nothing from the request body, the workbook or an error message is logged.
 */
import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import { z } from "zod";
import type { EditLedger } from "./app/applied-edits.js";
import { inSession } from "./app/workbook-session.js";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyEdit } from "./core/edit-signature.js";
import { spreadsheetKey } from "./core/keys.js";
import { statusForError } from "./errors.js";
import type { Clock, EventWorkbook, Log, Workbook } from "./ports.js";

/** The largest body accepted, in bytes (an edit is a few hundred). */
export const SHEET_EDIT_MAX_BYTES = 64 * 1024;
const SPREADSHEET_ID = /^[A-Za-z0-9_-]{1,200}$/;

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

export interface SheetEditDeps {
  /** The master edit secret; each spreadsheet's Apps Script holds the key derived from it for its id. */
  readonly secret: string;
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
  readonly log: Log;
}

/** What the Apps Script shows for a failure, by status (403: not worth retrying, 5xx: retried). */
const ANSWERS: Readonly<Record<number, string>> = {
  403: "Passerelle ne peut pas ouvrir ce classeur : partagez-le avec son compte de service.",
  503: "Classeur momentanément indisponible : la vérification sera refaite au prochain essai.",
  500: "Erreur interne : la vérification sera refaite au prochain essai.",
};

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

export function sheetEditHandler(deps: SheetEditDeps): HttpFunction {
  return async (request: Request, response: Response) => {
    const started = deps.clock.now();
    if (request.method !== "POST") {
      response.status(405).set("allow", "POST").json({ error: "Méthode non permise : utilisez POST." });
      return;
    }
    const body = request.rawBody ?? Buffer.alloc(0);
    if (body.length > SHEET_EDIT_MAX_BYTES) {
      deps.log.warn("sheet-edit.too-large", { bytes: body.length });
      response.status(413).json({ error: "Requête trop volumineuse." });
      return;
    }
    const json = parseJson(body);
    const spreadsheetId = (json as { spreadsheetId?: unknown } | undefined)?.spreadsheetId;
    if (typeof spreadsheetId !== "string" || !SPREADSHEET_ID.test(spreadsheetId)) {
      deps.log.warn("sheet-edit.bad-request", { issues: json === undefined ? "not-json" : "spreadsheetId" });
      response.status(400).json({ error: "Requête invalide : la plage modifiée n'a pas pu être lue." });
      return;
    }
    const timestamp = request.get(TIMESTAMP_HEADER);
    const verdict = verifyEdit({
      secret: deps.secret === "" ? "" : spreadsheetKey(deps.secret, "edit", spreadsheetId),
      timestamp,
      signature: request.get(SIGNATURE_HEADER),
      body,
      now: started,
    });
    if (!verdict.ok) {
      deps.log.warn("sheet-edit.refused", { reason: verdict.reason });
      response.status(401).json({ error: "Signature absente, invalide ou périmée." });
      return;
    }
    const edit = parseEdit(json);
    if (!edit.success) {
      deps.log.warn("sheet-edit.bad-request", { issues: edit.issues });
      response.status(400).json({ error: "Requête invalide : la plage modifiée n'a pas pu être lue." });
      return;
    }
    try {
      const workbook = deps.workbookFor(edit.data.spreadsheetId);
      const applied = await inSession(workbook, async () => {
        const ledger = await deps.ledger(workbook, {
          ...edit.data,
          id: edit.data.editId,
          signedAt: new Date(Number(timestamp) * 1000),
        });
        if (!ledger.applied && (await ledger.claim(started)) === "held") return null;
        const report = await deps.check(workbook, started, edit.data);
        if (!ledger.applied) {
          if (deps.onAction) await deps.onAction({ edit: edit.data, workbook, now: started, report });
          await ledger.record(started);
        }
        return { report, ledger };
      });
      if (applied === null) {
        // Another delivery of this very edit is applying it: the script tries again later.
        deps.log.info("sheet-edit.in-progress");
        response
          .status(503)
          .json({ error: "Modification en cours de traitement : nouvel essai dans un instant." });
        return;
      }
      const { report, ledger } = applied;
      const summary: SheetEditSummary = {
        ok: true,
        ...summarize(report),
        ...(ledger.applied ? { replay: true as const } : {}),
        tookMs: deps.clock.now().getTime() - started.getTime(),
      };
      deps.log.info("sheet-edit.checked", { ...summary });
      response.status(200).json(summary);
    } catch (error) {
      const status = statusForError(error);
      deps.log.error("sheet-edit.failed", {
        error: error instanceof Error ? error.name : typeof error,
        status,
      });
      response.status(status).json({ error: ANSWERS[status] ?? ANSWERS[500] });
    }
  };
}

/** The body as JSON, `undefined` when it is not JSON. */
function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

function parseEdit(json: unknown): { success: true; data: SheetEdit } | { success: false; issues: string } {
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
