/**
 * `sheetEdit`: called by the spreadsheet's Apps Script on every edit (see sheets-templates/).
 * Refuses a body over 64 KB (413), checks the signature with the key of the spreadsheet the body
 * names (derived from the master secret, see `core/security/keys.ts`), parses the edited range and hands it
 * to `applySheetEdit` (app/sheet-edit.ts: the check, and what the edit sets in motion, once per
 * edit id), and answers its small summary.
 * Statuses are the caller's retry decision (`errors.ts`): 401, 400, 403 and 413 are final, 5xx
 * may be retried.
 * Nothing from the request body, the workbook or an error message is logged.
 */
import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import {
  type ApplyEditDeps,
  applySheetEdit,
  type SheetEdit,
  SPREADSHEET_ID,
  sheetEditBody,
} from "./app/sheet-edit.js";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyEdit } from "./core/security/edit-signature.js";
import { spreadsheetKey } from "./core/security/keys.js";
import { statusForError } from "./errors.js";
import type { Log } from "./ports.js";
import type { Refusal } from "./request-guard.js";

/** The largest body accepted, in bytes (an edit is a few hundred). */
export const SHEET_EDIT_MAX_BYTES = 64 * 1024;

export interface SheetEditDeps extends ApplyEditDeps {
  /** The master edit secret; each spreadsheet's Apps Script holds the key derived from it for its id. */
  readonly secret: string;
  readonly log: Log;
}

/** What the Apps Script shows for a failure, by status (403: not worth retrying, 5xx: retried). */
const ANSWERS: Readonly<Record<number, string>> = {
  403: "Passerelle ne peut pas ouvrir ce classeur : partagez-le avec son compte de service.",
  503: "Classeur momentanément indisponible : la vérification sera refaite au prochain essai.",
  500: "Erreur interne : la vérification sera refaite au prochain essai.",
};

const BAD_REQUEST = "Requête invalide : la plage modifiée n'a pas pu être lue.";

/** The `sheetEdit` function: verifies the signature, parses the edit, applies it, maps the outcome. */
export function sheetEditHandler(deps: SheetEditDeps): HttpFunction {
  return async (request: Request, response: Response) => {
    const started = deps.clock.now();
    if (request.method !== "POST") {
      response.status(405).set("allow", "POST").json({ error: "Méthode non permise : utilisez POST." });
      return;
    }
    const refused = verifiedEdit(deps, request, started);
    if ("status" in refused) {
      deps.log.warn(refused.log, refused.fields);
      response.status(refused.status).json({ error: refused.error });
      return;
    }
    try {
      const summary = await applySheetEdit(deps, refused.edit, refused.signedAt, started);
      if (summary === "in-progress") {
        // Another delivery of this very edit is applying it: the script tries again later.
        deps.log.info("sheet-edit.in-progress");
        response
          .status(503)
          .json({ error: "Modification en cours de traitement : nouvel essai dans un instant." });
        return;
      }
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

/**
 * The edit a request carries once its size and signature are checked (the key is the one of the
 * spreadsheet the body names), or why it is refused: 413 over 64 KB, 400 unreadable, 401 unsigned,
 * mis-signed or stale.
 */
function verifiedEdit(
  deps: SheetEditDeps,
  request: Request,
  now: Date,
): { readonly edit: SheetEdit; readonly signedAt: Date } | Refusal {
  const body = request.rawBody ?? Buffer.alloc(0);
  if (body.length > SHEET_EDIT_MAX_BYTES)
    return {
      status: 413,
      error: "Requête trop volumineuse.",
      log: "sheet-edit.too-large",
      fields: { bytes: body.length },
    };
  const json = parseJson(body);
  const spreadsheetId = (json as { spreadsheetId?: unknown } | undefined)?.spreadsheetId;
  if (typeof spreadsheetId !== "string" || !SPREADSHEET_ID.test(spreadsheetId))
    return {
      status: 400,
      error: BAD_REQUEST,
      log: "sheet-edit.bad-request",
      fields: { issues: json === undefined ? "not-json" : "spreadsheetId" },
    };
  const timestamp = request.get(TIMESTAMP_HEADER);
  const verdict = verifyEdit({
    secret: deps.secret === "" ? "" : spreadsheetKey(deps.secret, "edit", spreadsheetId),
    timestamp,
    signature: request.get(SIGNATURE_HEADER),
    body,
    now,
  });
  if (!verdict.ok)
    return {
      status: 401,
      error: "Signature absente, invalide ou périmée.",
      log: "sheet-edit.refused",
      fields: { reason: verdict.reason },
    };
  const edit = parseEdit(json);
  if (!edit.success)
    return {
      status: 400,
      error: BAD_REQUEST,
      log: "sheet-edit.bad-request",
      fields: { issues: edit.issues },
    };
  return { edit: edit.data, signedAt: new Date(Number(timestamp) * 1000) };
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
