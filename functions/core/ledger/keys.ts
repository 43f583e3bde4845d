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
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/** What an event's ledger needs to seal, verify and name recipients. */
export interface LedgerKeys {
  /** The event (its spreadsheet id): part of every sealed row. */
  readonly event: string;
  /**
   * The identifier of an email address in keys: 16 lowercase hex characters of a keyed hash of the
   * trimmed, lowercased address. Stable for an event; no address can be read back from it.
   */
  recipientId(address: string): string;
  /** The seal of a row: base64url HMAC-SHA256 over the event, the key and the row's data. */
  seal(key: string, data: string): string;
  /** Whether `seal` is the seal of that key and data under any of the event's keys (constant time). */
  verify(key: string, data: string, seal: string): boolean;
}

const INFO_SEAL = "passerelle/ledger-seal/v1/";
const INFO_RECIPIENT = "passerelle/recipient-id/v1/";

function derive(master: string, info: string): Buffer {
  if (master === "") throw new Error("The ledger secret is empty.");
  return Buffer.from(hkdfSync("sha256", master, "", info, 32));
}

/** The ledger keys of one event; `secrets` are the master secrets, the first one sealing. */
export function ledgerKeys(secrets: string | readonly string[], event: string): LedgerKeys {
  const masters = typeof secrets === "string" ? [secrets] : secrets;
  if (masters.length === 0) throw new Error("No ledger secret.");
  const sealKeys = masters.map((master) => derive(master, INFO_SEAL + event));
  // The identifiers come from the last (oldest) secret: a rotation that puts a new secret first
  // changes no key already in the ledger.
  const recipientKey = derive(masters[masters.length - 1]!, INFO_RECIPIENT + event);
  const mac = (key: Buffer, rowKey: string, data: string) =>
    createHmac("sha256", key)
      .update(JSON.stringify([event, rowKey, data]))
      .digest();
  return {
    event,
    recipientId: (address) =>
      createHmac("sha256", recipientKey).update(address.trim().toLowerCase()).digest("hex").slice(0, 16),
    seal: (key, data) => mac(sealKeys[0]!, key, data).toString("base64url"),
    verify: (key, data, seal) => {
      const given = Buffer.from(seal.trim(), "base64url");
      return sealKeys.some((sealKey) => {
        const expected = mac(sealKey, key, data);
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
    },
  };
}
