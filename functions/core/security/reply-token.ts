/**
 * Signed reply addresses: a tutor request goes out with `Reply-To: reponse+<token>@<domain>`, and
 * the token says, under an HMAC, which event and which tutor the reply is about. The `From` of a
 * reply proves nothing (anyone can write it, and tutors answer from another mailbox), so the
 * inbound function trusts only this token.
 *
 * The token is lowercase base32 (RFC 4648 alphabet, no padding) because mail servers may fold the
 * case of a local part. It holds the event id (packed when it is a spreadsheet id), the request
 * version, a keyed tag of the tutor's address (the address itself never appears, and the tag cannot
 * be checked without the secret) and a truncated HMAC-SHA256 over all of it, keyed with the event's
 * own reply key (derived from the master secret and the spreadsheet id, see `core/security/keys.ts`): a token
 * made with the key of one event is no token of another.
 *
 * Request versions start at 1 (`core/messages/plan.ts` sends no request of version 0): a token of
 * version 0 was never sent and is refused as forged.
 *
 * A spreadsheet id makes the local part longer than RFC 5321's 64 octets (about 90 characters);
 * reply addresses of that length (GitHub's, for one) are delivered by every major provider.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { spreadsheetKey } from "./keys.js";

export interface ReplyClaims {
  /** The event: the id of its workbook. */
  readonly event: string;
  /** The version of the request the tutor answers (a request sent again gets a higher one). */
  readonly version: number;
  /** The keyed tag of the tutor's address; compare it with `tutorTag`. */
  readonly tutor: string;
}

export interface ReplyAddressInput {
  readonly event: string;
  readonly tutorEmail: string;
  readonly version: number;
}

export type ReplyTokenFailure =
  /** No token in the address (a reply to another address, or the `+` part removed). */
  | { readonly ok: false; readonly reason: "missing" }
  /** A token whose signature does not hold: typed by hand, cut, or made up. */
  | { readonly ok: false; readonly reason: "forged"; readonly claimedEvent?: string };

export type ReplyTokenResult = { readonly ok: true; readonly claims: ReplyClaims } | ReplyTokenFailure;

/** The local part before the `+`. */
export const REPLY_LOCAL_PART = "reponse";

const FORMAT = 0x10;
const EVENT_UTF8 = 0;
const EVENT_PACKED = 1;
const TUTOR_TAG_BYTES = 5;
const MAC_BYTES = 10;
const MAX_EVENT_BYTES = 200;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
/** The first version of a tutor request (see `core/messages/plan.ts`). */
const FIRST_VERSION = 1;

/** The address a tutor's reply should go to. `domainOrAddress` is a domain, or an address `x@d` (then `x+<token>@d`). */
export function replyAddress(input: ReplyAddressInput, secret: string, domainOrAddress: string): string {
  if (secret === "") throw new Error("The reply secret is empty.");
  if (!Number.isSafeInteger(input.version) || input.version < FIRST_VERSION)
    throw new RangeError("The request version must be a positive integer.");
  const target = domainOrAddress.trim().replace(/^@/, "");
  const at = target.lastIndexOf("@");
  const local = at >= 0 ? target.slice(0, at) : REPLY_LOCAL_PART;
  const domain = at >= 0 ? target.slice(at + 1) : target;
  if (domain === "" || local === "" || local.includes("+"))
    throw new Error("The reply address must be a domain or an address without a `+` part.");
  return `${local}+${replyToken(input, secret)}@${domain.toLowerCase()}`;
}

export function replyToken(input: ReplyAddressInput, secret: string): string {
  const event = encodeEvent(input.event);
  const payload = Buffer.concat([
    Buffer.from([FORMAT | event.kind]),
    varint(input.version),
    Buffer.from([event.bytes.length]),
    event.bytes,
    tutorTagBytes(input.event, input.tutorEmail, secret),
  ]);
  return base32(Buffer.concat([payload, mac(payload, secret, input.event)]));
}

/** The tag a token carries for this tutor of this event. */
export function tutorTag(event: string, tutorEmail: string, secret: string): string {
  return tutorTagBytes(event, tutorEmail, secret).toString("hex");
}

/**
 * Reads the token of an address (`reponse+tok@d`, `Name <reponse+tok@d>`, or the token alone).
 * Several secrets may be given while one replaces another: the token holds if any signed it.
 */
export function readReplyAddress(address: string, secrets: string | readonly string[]): ReplyTokenResult {
  const token = tokenOf(address);
  if (token === null) return { ok: false, reason: "missing" };
  const bytes = unbase32(token);
  if (bytes === null || bytes.length < 3 + TUTOR_TAG_BYTES + MAC_BYTES)
    return { ok: false, reason: "forged" };
  const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
  const given = bytes.subarray(bytes.length - MAC_BYTES);
  const claims = decodePayload(payload);
  const keys = (typeof secrets === "string" ? [secrets] : secrets).filter((secret) => secret !== "");
  const signed =
    claims !== null && keys.some((secret) => timingSafeEqual(mac(payload, secret, claims.event), given));
  if (!signed || claims === null || claims.version < FIRST_VERSION) {
    return claims === null
      ? { ok: false, reason: "forged" }
      : { ok: false, reason: "forged", claimedEvent: claims.event };
  }
  return { ok: true, claims };
}

/**
 * The first valid token among the recipients of a message (envelope recipients first). A forged
 * token wins over none, so the organizer hears of it.
 */
export function findReplyToken(
  recipients: readonly string[],
  secrets: string | readonly string[],
): ReplyTokenResult {
  let failure: ReplyTokenFailure = { ok: false, reason: "missing" };
  for (const recipient of recipients) {
    const result = readReplyAddress(recipient, secrets);
    if (result.ok) return result;
    if (result.reason === "forged" && failure.reason === "missing") failure = result;
  }
  return failure;
}

function tokenOf(address: string): string | null {
  const trimmed = address.trim();
  const bracketed = /<([^<>]*)>\s*$/.exec(trimmed);
  const bare = (bracketed ? bracketed[1]! : trimmed).replace(/^mailto:/i, "");
  const at = bare.lastIndexOf("@");
  const local = at >= 0 ? bare.slice(0, at) : bare;
  const plus = local.indexOf("+");
  if (at >= 0 && plus < 0) return null;
  const token = (plus >= 0 ? local.slice(plus + 1) : local).trim().toLowerCase();
  return token === "" ? null : token;
}

function decodePayload(payload: Buffer): ReplyClaims | null {
  const kind = payload[0]! ^ FORMAT;
  if (kind !== EVENT_UTF8 && kind !== EVENT_PACKED) return null;
  const read = readVarint(payload, 1);
  if (read === null) return null;
  const length = payload[read.next];
  if (length === undefined) return null;
  const start = read.next + 1;
  if (payload.length !== start + length + TUTOR_TAG_BYTES) return null;
  const eventBytes = payload.subarray(start, start + length);
  const event = kind === EVENT_PACKED ? eventBytes.toString("base64url") : eventBytes.toString("utf8");
  if (event === "") return null;
  return { event, version: read.value, tutor: payload.subarray(start + length).toString("hex") };
}

/** A spreadsheet id (base64url characters, length a multiple of 4) packs into 3/4 of its length. */
function encodeEvent(event: string): { kind: number; bytes: Buffer } {
  if (event === "") throw new Error("The event id is empty.");
  if (/^[A-Za-z0-9_-]+$/.test(event) && event.length % 4 === 0) {
    const packed = Buffer.from(event, "base64url");
    if (packed.toString("base64url") === event && packed.length <= MAX_EVENT_BYTES)
      return { kind: EVENT_PACKED, bytes: packed };
  }
  const bytes = Buffer.from(event, "utf8");
  if (bytes.length > MAX_EVENT_BYTES) throw new RangeError("The event id is too long for a reply address.");
  return { kind: EVENT_UTF8, bytes };
}

function tutorTagBytes(event: string, tutorEmail: string, secret: string): Buffer {
  return createHmac("sha256", secret)
    .update(`passerelle-reply-tutor\u0000${event}\u0000${tutorEmail.trim().toLowerCase()}`)
    .digest()
    .subarray(0, TUTOR_TAG_BYTES);
}

/** The MAC, keyed with the event's reply key (never the master secret itself). */
function mac(payload: Buffer, secret: string, event: string): Buffer {
  return createHmac("sha256", spreadsheetKey(secret, "reply", event))
    .update("passerelle-reply-token\u0000")
    .update(payload)
    .digest()
    .subarray(0, MAC_BYTES);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function readVarint(bytes: Buffer, offset: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let index = offset; index < bytes.length && index < offset + 8; index++) {
    const byte = bytes[index]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: index + 1 };
    scale *= 0x80;
  }
  return null;
}

function base32(bytes: Buffer): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer | null {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  // Leftover bits are padding and must be zero, so that one byte string has one spelling.
  if (bits >= 5 || buffer !== 0) return null;
  return Buffer.from(bytes);
}
