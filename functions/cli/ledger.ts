/**
 * The ledger keys of a workbook opened by the command line: the deployment's reply secret when the
 * environment gives it (`PASSERELLE_REPLY_SECRET`), else the local mode's own secrets kept beside
 * the workbook (`secrets.json`). Without either, the Journal cannot be verified: every row of it is
 * then ignored, and the caller says so.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { LedgerWorkbook } from "../app/ledger-workbook.js";
import { ledgerKeys } from "../core/ledger/keys.js";
import type { EventWorkbook, Workbook } from "../ports.js";

/** The event id of a local workbook: its file name without `.xlsx`. */
export function eventOfPath(path: string): string {
  return basename(path, extname(path));
}

/** The master secret the command line can find for a workbook, or `null`. */
export function cliSecret(path: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env.PASSERELLE_REPLY_SECRET;
  if (fromEnv) return fromEnv;
  const file = join(dirname(path), "secrets.json");
  if (!existsSync(file)) return null;
  try {
    const reply = (JSON.parse(readFileSync(file, "utf8")) as { reply?: unknown }).reply;
    return typeof reply === "string" && reply !== "" ? reply : null;
  } catch {
    return null;
  }
}

/** The workbook, sealed and verified with the keys the command line can find. */
export function openLedgerWorkbook(
  inner: Workbook,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): { workbook: EventWorkbook; verifiable: boolean } {
  const secret = cliSecret(path, env);
  // Without a secret, a key nobody knows: nothing in the Journal verifies, nothing is trusted.
  const master = secret ?? `sans-secret-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  return {
    workbook: new LedgerWorkbook(inner, ledgerKeys(master, eventOfPath(path))),
    verifiable: secret !== null,
  };
}
