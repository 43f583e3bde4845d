/**
 * `passerelle cle <spreadsheetId>`: prints the key one spreadsheet's Apps Script signs its edits
 * with, derived from the deployment's edit secret (`PASSERELLE_EDIT_SECRET`, the variable the
 * functions' configuration reads) for this spreadsheet id only (`core/security/keys.ts`). The key alone is
 * printed, on one line, so that it can be piped; the master secret never leaves the machine.
 */
import { spreadsheetKey } from "../core/security/keys.js";
import { Refusal, UsageError } from "./errors.js";

/** The variable the configuration reads the master edit secret from (`functions/config.ts`). */
export const EDIT_SECRET_VARIABLE = "PASSERELLE_EDIT_SECRET";

/** Answers the key; refuses a malformed id (usage) and a missing or short secret. */
export function runKey(spreadsheetId: string, env: NodeJS.ProcessEnv): string {
  // The id in a spreadsheet's address: https://docs.google.com/spreadsheets/d/<id>/edit
  const id = /\/d\/([A-Za-z0-9_-]+)/.exec(spreadsheetId)?.[1] ?? spreadsheetId.trim();
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id))
    throw new UsageError(
      "Identifiant de classeur invalide : c'est la partie de son adresse entre /d/ et /edit (lettres, chiffres, - et _).",
    );
  const secret = env[EDIT_SECRET_VARIABLE] ?? "";
  if (secret.length < 16)
    throw new Refusal(
      `${EDIT_SECRET_VARIABLE} est absent ou trop court : donnez-lui le secret des modifications du déploiement (gcloud secrets versions access latest --secret passerelle-edit-secret).`,
    );
  return spreadsheetKey(secret, "edit", id);
}
