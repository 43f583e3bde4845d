/**
 * The keys of an event's ledger, derived from one master secret: the seal of each `Journal` row
 * and the keyed identifier that stands for an email address inside idempotency keys.
 *
 * Both are HKDF-SHA256 (RFC 5869) expansions of the master secret with the event's id in `info`,
 * so a seal made for one spreadsheet never verifies in another, and a recipient's identifier in one
 * event tells nothing about the same person in another. The master secret is the reply secret of
 * the deployment (`PASSERELLE_REPLY_SECRET`); several secrets may be given while one is rotated:
 * rows are sealed with the first, a seal made with any of them verifies, and recipients' identifiers
 * come from the last.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/** What an event's ledger needs to seal, verify and name recipients. */
export interface LedgerKeys {
  /** The event (its spreadsheet id): part of every sealed row. */
  readonly event: string;
  /**
   * The identifier of an email address in keys: 16 lowercase hex characters of a keyed hash of the
   * trimmed, lowercased address. Stable for an event; no address can be read back from it.
   */
  recipientId(address: string): string;
  /**
   * The seal of a row: `<tag>.<mac>`, where `tag` is 6 base64url characters of SHA-256 of the event
   * id (public, the same for every secret) and `mac` the base64url HMAC-SHA256 over the event, the
   * key and the row's data.
   */
  seal(key: string, data: string): string;
  /**
   * Whether `seal` is the seal of that key and data under any of the event's keys (constant time).
   * A seal without a tag (written before tags existed) is checked on its MAC alone.
   */
  verify(key: string, data: string, seal: string): boolean;
  /**
   * Whether `seal` is well formed and tagged for another event: the row was sealed in another
   * spreadsheet (a renamed or copied workbook), not typed or edited here.
   */
  sealedElsewhere(seal: string): boolean;
}

const INFO_SEAL = "passerelle/ledger-seal/v1/";
const INFO_RECIPIENT = "passerelle/recipient-id/v1/";
const TAGGED_SEAL = /^([A-Za-z0-9_-]{6})\.([A-Za-z0-9_-]{43})$/;

/** The public tag of an event's seals: 6 base64url characters of SHA-256 of its id. */
function eventTag(event: string): string {
  return createHash("sha256").update(event).digest("base64url").slice(0, 6);
}

function derive(master: string, info: string): Buffer {
  if (master === "") throw new Error("The ledger secret is empty.");
  return Buffer.from(hkdfSync("sha256", master, "", info, 32));
}

/**
 * Rows already verified under these sealing keys, across requests of a warm instance: every
 * request reads the whole Journal, whose rows never change once written. Keyed by a digest of the
 * keys, so a rotated or other secret shares nothing; only rows that verified are remembered. One
 * budget for every event together (`VERIFIED_ROWS_LIMIT` rows, a few tens of MiB): past it, all
 * is forgotten and verified again.
 */
function verifiedRows(sealKeys: readonly Buffer[]): Map<string, VerifiedRow> {
  const id = createHash("sha256").update(Buffer.concat(sealKeys)).digest("base64url");
  let rows = verifiedBySecret.get(id);
  if (!rows) {
    rows = new Map();
    verifiedBySecret.set(id, rows);
  }
  return rows;
}

/** A row that verified, by its seal: its key and data (a row is looked up without building a string of it). */
interface VerifiedRow {
  readonly key: string;
  readonly data: string;
}

function remember(rows: Map<string, VerifiedRow>, seal: string, row: VerifiedRow): void {
  if (verifiedCount >= VERIFIED_ROWS_LIMIT) {
    for (const map of verifiedBySecret.values()) map.clear();
    verifiedCount = 0;
  }
  if (!rows.has(seal)) verifiedCount++;
  rows.set(seal, row);
}

const verifiedBySecret = new Map<string, Map<string, VerifiedRow>>();
let verifiedCount = 0;
/** Rows remembered, every event together, before starting again. */
const VERIFIED_ROWS_LIMIT = 20_000;

/** The ledger keys of one event; `secrets` are the master secrets, the first one sealing. */
export function ledgerKeys(secrets: string | readonly string[], event: string): LedgerKeys {
  const masters = typeof secrets === "string" ? [secrets] : secrets;
  if (masters.length === 0) throw new Error("No ledger secret.");
  const sealKeys = masters.map((master) => derive(master, INFO_SEAL + event));
  // The identifiers come from the last (oldest) secret: a rotation that puts a new secret first
  // changes no key already in the ledger.
  const recipientKey = derive(masters[masters.length - 1]!, INFO_RECIPIENT + event);
  const tag = eventTag(event);
  const mac = (key: Buffer, rowKey: string, data: string) =>
    createHmac("sha256", key)
      .update(JSON.stringify([event, rowKey, data]))
      .digest();
  const recipientIds = new Map<string, string>();
  const verified = verifiedRows(sealKeys);
  return {
    event,
    recipientId: (address) => {
      const normalized = address.trim().toLowerCase();
      let id = recipientIds.get(normalized);
      if (id === undefined) {
        id = createHmac("sha256", recipientKey).update(normalized).digest("hex").slice(0, 16);
        recipientIds.set(normalized, id);
      }
      return id;
    },
    seal: (key, data) => `${tag}.${mac(sealKeys[0]!, key, data).toString("base64url")}`,
    verify: (key, data, seal) => {
      const known = verified.get(seal);
      if (known !== undefined && known.key === key && known.data === data) return true;
      const tagged = TAGGED_SEAL.exec(seal.trim());
      if (tagged && tagged[1] !== tag) return false;
      const given = Buffer.from(tagged ? tagged[2]! : seal.trim(), "base64url");
      const valid = sealKeys.some((sealKey) => {
        const expected = mac(sealKey, key, data);
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (valid) remember(verified, seal, { key, data });
      return valid;
    },
    sealedElsewhere: (seal) => {
      const tagged = TAGGED_SEAL.exec(seal.trim());
      return tagged !== null && tagged[1] !== tag;
    },
  };
}
