/**
 * Per-spreadsheet keys, derived from the deployment's master secrets with HKDF-SHA256 (RFC 5869):
 * the key that signs a spreadsheet's edits (held by that spreadsheet's Apps Script, printed by
 * `passerelle cle <spreadsheetId>`) and the key inside its reply tokens. The info string names the
 * purpose and the spreadsheet id, so a key signs for one spreadsheet and one use only: the Apps
 * Script of one event cannot sign an edit of another, and a token made for one event is no
 * token of another.
 */
import { hkdfSync } from "node:crypto";

export type KeyPurpose = "edit" | "reply";

const SALT = "passerelle-keys-v1";
const KEY_BYTES = 32;

/**
 * The key of `purpose` for one spreadsheet: 32 bytes as 64 lowercase hexadecimal characters (used
 * as text, UTF-8, by both ends of an HMAC, as Apps Script's `computeHmacSha256Signature` does).
 * Throws on an empty master secret or spreadsheet id.
 */
export function spreadsheetKey(master: string, purpose: KeyPurpose, spreadsheetId: string): string {
  if (master === "") throw new Error("The master secret is empty.");
  if (spreadsheetId === "") throw new Error("The spreadsheet id is empty.");
  const info = `passerelle/${purpose}/${spreadsheetId}`;
  return Buffer.from(hkdfSync("sha256", master, SALT, info, KEY_BYTES)).toString("hex");
}
