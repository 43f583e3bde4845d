/**
 * What every fault test ends on: each participant holds exactly one copy of each message in the
 * local SES server's store, and the ledger's sealed state says every key is sent, none claimed,
 * none uncertain.
 */
import { expect } from "vitest";
import { readLedger } from "../../functions/core/ledger/journal.js";
import { journalState } from "../../functions/core/ledger/state.js";
import type { EventWorkbook, Workbook } from "../../functions/ports.js";
import type { LocalSes } from "../fakes/ses-server.js";
import { participant, placement, seminar } from "../messages/fixtures.js";

/** A seminar of `count` participants, each placed in both slots: `count` convocations are due. */
export function crowd(count: number) {
  const people = Array.from({ length: count }, (_, index) =>
    participant({ Nom: `Personne ${index}`, Prénom: "Test", Email: `personne${index}@faults.example.org` }),
  );
  return {
    emails: people.map((row) => String(row.Email)),
    snapshot: seminar({
      participants: people,
      placements: people.flatMap((row) => [
        placement(String(row.Email), "Matin"),
        placement(String(row.Email), "Après-midi"),
      ]),
    }),
  };
}

/** How many messages the local SES server holds for each recipient. */
export async function copiesPerRecipient(ses: LocalSes): Promise<Map<string, number>> {
  const copies = new Map<string, number>();
  for (const email of await ses.emails())
    for (const to of email.destination.to) {
      const address = /<([^>]+)>/.exec(to)?.[1] ?? to;
      copies.set(address, (copies.get(address) ?? 0) + 1);
    }
  return copies;
}

/**
 * Exactly one message each, nobody else written to, and a ledger that records one send per
 * recipient, nothing claimed, nothing uncertain, and `rejectedRows` rows ignored.
 */
export async function expectExactlyOnce(
  ses: LocalSes,
  workbook: Workbook | EventWorkbook,
  emails: readonly string[],
  now: Date,
  rejectedRows = 0,
): Promise<void> {
  const copies = await copiesPerRecipient(ses);
  expect(Object.fromEntries(copies)).toEqual(Object.fromEntries(emails.map((email) => [email, 1])));
  const snapshot = await workbook.read(["Journal"]);
  const state = journalState(readLedger(snapshot.get("Journal")), now);
  expect(state.sent.size).toBe(emails.length);
  expect(state.uncertain.size).toBe(0);
  expect(state.claims.size).toBe(0);
  expect(state.failed.size).toBe(0);
  // Rows typed or edited by hand are ignored, and counted.
  expect(state.rejectedRows).toHaveLength(rejectedRows);
}
