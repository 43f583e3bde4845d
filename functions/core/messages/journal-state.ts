/**
 * What the `Journal` says about messages: which keys were sent, failed for good, or are claimed by
 * a sending run that has not said how it ended; which recipients bounced.
 *
 * The lines a sending run writes, in order, for one key:
 * - `Envoi en cours` (Détail `lot <run>`): the run claims the key before sending. When two runs
 *   claim the same key, the first line wins (both read the Journal back after claiming).
 * - then `Message envoyé` (Détail with the provider's id and the agenda's fingerprint), or
 *   `Échec d'envoi` (a permanent failure: never retried), or `Envoi reporté` (a temporary failure:
 *   the claim is released and a later run sends it).
 * A claim with none of these after it belongs to a run that is still sending, or that died between
 * claiming and recording: it is never sent again (see `functions/app/send-messages.ts`).
 */
import { DateTime } from "luxon";
import type { TabValues } from "../../ports.js";
import { cellText } from "../cells.js";
import { type JournalEntry, journalEntries } from "../journal.js";
import { TABS } from "../schemas.js";
import { locateColumns } from "../table.js";

export const JOURNAL_EVENTS = {
  claim: "Envoi en cours",
  sent: "Message envoyé",
  released: "Envoi reporté",
  failed: "Échec d'envoi",
  /** Written by whoever learns that an address bounces (a permanent failure, a bounce notice). */
  bounced: "Adresse en échec",
} as const;

/** Other spellings organizers or other parts of the product may use for a bounce. */
const BOUNCE_EVENTS = new Set(["adresse en echec", "rebond", "adresse refusee"]);

export interface Claim {
  readonly run: string;
  readonly row: number;
  /** When the claim was written; `null` when the Horodatage cannot be read. */
  readonly at: Date | null;
}

export interface SentRecord {
  readonly row: number;
  readonly detail: string;
  readonly at: Date | null;
  readonly fingerprint?: string;
}

export interface JournalState {
  readonly sent: ReadonlyMap<string, SentRecord>;
  readonly failed: ReadonlySet<string>;
  /** Keys claimed and not settled: the claim that wins (the first one). */
  readonly claims: ReadonlyMap<string, Claim>;
  /** Addresses (lowercase) that must not be written to any more. */
  readonly bounced: ReadonlySet<string>;
  /** Every key the Journal mentions, for prefix look-ups. */
  readonly keys: readonly string[];
}

const norm = (text: string) =>
  text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();

export function runOf(detail: string): string | undefined {
  return /\blot ([A-Za-z0-9_-]+)/.exec(detail)?.[1];
}

export function fingerprintOf(detail: string): string | undefined {
  return /\bempreinte ([0-9a-f]{6,64})\b/.exec(detail)?.[1];
}

export function journalTime(at: string, zone: string): Date | null {
  const parsed = DateTime.fromFormat(at, "yyyy-MM-dd HH:mm:ss", { zone });
  if (parsed.isValid) return parsed.toJSDate();
  const iso = DateTime.fromISO(at, { zone });
  return iso.isValid ? iso.toJSDate() : null;
}

/** The lines of `Journal` (see `journalEntries`). */
export const readJournal = journalEntries;

export function journalState(entries: readonly JournalEntry[], zone: string): JournalState {
  const sent = new Map<string, SentRecord>();
  const failed = new Set<string>();
  const claims = new Map<string, Claim>();
  const bounced = new Set<string>();
  const keys: string[] = [];
  for (const entry of entries) {
    const event = norm(entry.event);
    if (BOUNCE_EVENTS.has(event) && entry.recipient !== "") bounced.add(entry.recipient.toLowerCase());
    const key = entry.key;
    if (key === "") continue;
    keys.push(key);
    if (sent.has(key) || failed.has(key)) continue;
    if (event === norm(JOURNAL_EVENTS.sent)) {
      const fingerprint = fingerprintOf(entry.detail);
      sent.set(key, {
        row: entry.row,
        detail: entry.detail,
        at: journalTime(entry.at, zone),
        ...(fingerprint ? { fingerprint } : {}),
      });
      claims.delete(key);
    } else if (event === norm(JOURNAL_EVENTS.failed)) {
      failed.add(key);
      claims.delete(key);
    } else if (event === norm(JOURNAL_EVENTS.claim)) {
      const run = runOf(entry.detail) ?? "";
      if (!claims.has(key)) claims.set(key, { run, row: entry.row, at: journalTime(entry.at, zone) });
    } else if (event === norm(JOURNAL_EVENTS.released)) {
      const claim = claims.get(key);
      if (claim && claim.run === (runOf(entry.detail) ?? "")) claims.delete(key);
    }
  }
  return { sent, failed, claims, bounced, keys };
}

/** Whether a key is settled or held: nothing may send it now. */
export function isTaken(state: JournalState, key: string): boolean {
  return state.sent.has(key) || state.failed.has(key) || state.claims.has(key);
}
