/** The ledger keys of the tests: one known secret, so a test can seal a row by hand or forge one. */
import { type LedgerKeys, ledgerKeys } from "../../functions/core/ledger/keys.js";

export const TEST_LEDGER_SECRET = "secret-de-test-du-registre-0123456789";

export function testKeys(event: string): LedgerKeys {
  return ledgerKeys(TEST_LEDGER_SECRET, event);
}

/**
 * A `Journal` row (by header) that records a message as sent, as the sending writes it. Its seal
 * is made with the tests' keys, so it verifies through `LedgerWorkbook`.
 */
export function sentRow(
  event: string,
  key: string,
  options: { fingerprint?: string; at?: Date; recipient?: string } = {},
): Record<string, string> {
  const at = options.at ?? new Date("2027-03-01T10:00:00Z");
  const data = JSON.stringify({
    kind: "sent",
    messageId: "ses-1",
    ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}),
    at: at.toISOString(),
  });
  return {
    Horodatage: at.toISOString(),
    Événement: "Message envoyé",
    Destinataire: options.recipient ?? "",
    Détail: "",
    Clé: key,
    Données: data,
    Sceau: testKeys(event).seal(key, data),
  };
}

/** A sealed `Journal` row (by header) holding one ledger entry, as the system writes it. */
export function ledgerRow(
  event: string,
  key: string,
  data: Readonly<Record<string, unknown>> & { kind: string },
  at: Date = new Date("2027-03-01T10:00:00Z"),
): Record<string, string> {
  const payload = JSON.stringify({ ...data, at: at.toISOString() });
  return {
    Horodatage: at.toISOString(),
    Événement: data.kind,
    Clé: key,
    Données: payload,
    Sceau: testKeys(event).seal(key, payload),
  };
}
