/**
 * The signature the spreadsheet's Apps Script puts on each edit it forwards to `sheetEdit`:
 * HMAC-SHA256, keyed with a shared secret, over `timestamp + "." + body`, in lowercase hex.
 * The timestamp (Unix seconds) is signed too, so an old request cannot be replayed with a new one;
 * a request more than five minutes away from `now`, either way, is refused.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const TIMESTAMP_HEADER = "x-passerelle-timestamp";
export const SIGNATURE_HEADER = "x-passerelle-signature";
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export type SignatureRefusal = "missing" | "malformed" | "stale" | "mismatch";
export type SignatureVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: SignatureRefusal };

/** The hex signature of a body sent at `timestamp` (Unix seconds, as text). */
export function signEdit(secret: string, timestamp: string, body: string | Uint8Array): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
}

/** The headers to send with a body signed at `now`. */
export function signedEditHeaders(secret: string, body: string, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signEdit(secret, timestamp, body) };
}

export interface SignedRequest {
  readonly secret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  /** The body exactly as received (bytes), not re-serialized. */
  readonly body: string | Uint8Array;
  readonly now: Date;
}

export function verifyEdit(request: SignedRequest): SignatureVerdict {
  const { secret, timestamp, signature, body, now } = request;
  if (secret === "") return { ok: false, reason: "missing" };
  if (timestamp === undefined || signature === undefined || timestamp === "" || signature === "")
    return { ok: false, reason: "missing" };
  if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{64}$/i.test(signature))
    return { ok: false, reason: "malformed" };
  if (Math.abs(now.getTime() - Number(timestamp) * 1000) > MAX_CLOCK_SKEW_MS)
    return { ok: false, reason: "stale" };
  const expected = Buffer.from(signEdit(secret, timestamp, body), "hex");
  const given = Buffer.from(signature, "hex");
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: "mismatch" };
}
