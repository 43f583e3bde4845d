/**
 * The state every use case reads, parsed once from the verified ledger: what each message key
 * became, which run holds a key, which keys are uncertain, which recipients bounced.
 *
 * For one message key, rows in order:
 * - `claim` (run R): R holds the key, unless another claim holds it and its lease has not run out
 *   (first live claim wins; two runs that claim at once both read back the same winner);
 * - `released` (run R): the holder gives the key back unsent; it is free again;
 * - `sent` / `failed`: settled for good;
 * - `uncertain` (run R): the send's outcome is unknown; nobody sends the key until it is reconciled;
 * - `reconciled`: settled from what the mail service reports: `sent`, or `released` (free again);
 * - `accepted` rows (keyed `ses:<send id>`) are the mail service's own word that it took a message.
 * A claim whose lease ran out without an outcome (its run died) is treated as uncertain: it is
 * reconciled like one, never sent again blindly.
 */

import { createHash } from "node:crypto";
import type { LedgerEntry } from "./entry.js";
import type { Ledger } from "./journal.js";
import type { LedgerKeys } from "./keys.js";

export interface Claim {
  readonly run: string;
  readonly row: number;
  readonly at: Date;
  readonly leaseMs: number;
  readonly fingerprint?: string;
}

export interface SentRecord {
  readonly row: number;
  readonly at: Date;
  readonly messageId: string;
  readonly fingerprint?: string;
}

export interface Uncertain {
  readonly run: string;
  readonly fingerprint?: string;
  readonly row: number;
  /** When the outcome became unknown (the send, or the claim of a run that died). */
  readonly at: Date;
  /** `send`: the call failed ambiguously; `abandoned`: a claim's lease ran out without an outcome. */
  readonly cause: "send" | "abandoned";
}

export interface JournalState {
  readonly sent: ReadonlyMap<string, SentRecord>;
  readonly failed: ReadonlySet<string>;
  /** Keys held by a live claim (its lease not run out at `now`), by the claim that wins. */
  readonly claims: ReadonlyMap<string, Claim>;
  /** Keys whose outcome is unknown: reconciled from the mail service's reports before anything else. */
  readonly uncertain: ReadonlyMap<string, Uncertain>;
  /** What the mail service reported accepting, by send id (`sendIdOf`): its message id. */
  readonly accepted: ReadonlyMap<string, string>;
  /** Recipients (`LedgerKeys.recipientId`) that must not be written to any more. */
  readonly bounced: ReadonlySet<string>;
  /** Every key the ledger holds, for prefix look-ups. */
  readonly keys: readonly string[];
  readonly entries: readonly LedgerEntry[];
  /** Rows typed or changed by hand, ignored. */
  readonly rejectedRows: readonly number[];
  /** Rows sealed for another event (a renamed or copied workbook): the event sends nothing. */
  readonly foreignRows: readonly number[];
}

/** The key of the row that records the mail service's acceptance of a message. */
export const ACCEPTED_KEY_PREFIX = "ses:";

/**
 * The send id of a message key: 32 base64url characters of its SHA-256, the value of the SES
 * message tag that travels with the message (SES tag values allow only `[A-Za-z0-9_-]`, so the key
 * itself cannot be one; see the `MessageTag` type of the SES API reference).
 */
export function sendIdOf(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 32);
}

interface KeyState {
  holder?: Claim | undefined;
  uncertain?: Uncertain | undefined;
  settled?: "sent" | "failed";
}

/** The state of the ledger at `now` (which decides whether a claim's lease has run out). */
export function journalState(ledger: Ledger, now: Date): JournalState {
  const byKey = new Map<string, KeyState>();
  const sent = new Map<string, SentRecord>();
  const failed = new Set<string>();
  const accepted = new Map<string, string>();
  const bounced = new Set<string>();
  const keys: string[] = [];
  const live = (claim: Claim, at: Date) => at.getTime() - claim.at.getTime() < claim.leaseMs;
  for (const entry of ledger.entries) {
    const { key, data } = entry;
    if (key !== "") keys.push(key);
    if (data.kind === "bounced") bounced.add(data.recipient);
    if (data.kind === "accepted" && key.startsWith(ACCEPTED_KEY_PREFIX))
      accepted.set(key.slice(ACCEPTED_KEY_PREFIX.length), data.messageId);
    const state = byKey.get(key) ?? {};
    if (state.settled) continue;
    switch (data.kind) {
      case "claim":
        if (state.uncertain) break;
        if (!state.holder || !live(state.holder, entry.at))
          state.holder = {
            run: data.run,
            row: entry.row,
            at: entry.at,
            leaseMs: data.leaseMs,
            ...(data.fingerprint ? { fingerprint: data.fingerprint } : {}),
          };
        break;
      case "released":
        if (state.holder?.run === data.run) state.holder = undefined;
        break;
      case "uncertain":
        if (state.holder?.run === data.run)
          state.uncertain = {
            run: data.run,
            row: entry.row,
            at: entry.at,
            cause: "send",
            ...(state.holder.fingerprint ? { fingerprint: state.holder.fingerprint } : {}),
          };
        break;
      case "sent":
        state.settled = "sent";
        sent.set(key, {
          row: entry.row,
          at: entry.at,
          messageId: data.messageId,
          ...(data.fingerprint ? { fingerprint: data.fingerprint } : {}),
        });
        break;
      case "failed":
        state.settled = "failed";
        failed.add(key);
        break;
      case "reconciled":
        if (data.outcome === "sent") {
          state.settled = "sent";
          sent.set(key, {
            row: entry.row,
            at: entry.at,
            messageId: data.messageId ?? "",
            ...(data.fingerprint ? { fingerprint: data.fingerprint } : {}),
          });
        } else {
          state.holder = undefined;
          state.uncertain = undefined;
        }
        break;
      default:
        break;
    }
    byKey.set(key, state);
  }
  const claims = new Map<string, Claim>();
  const uncertain = new Map<string, Uncertain>();
  for (const [key, state] of byKey) {
    if (state.settled) continue;
    if (state.uncertain) uncertain.set(key, state.uncertain);
    else if (state.holder && live(state.holder, now)) claims.set(key, state.holder);
    else if (state.holder)
      uncertain.set(key, {
        run: state.holder.run,
        row: state.holder.row,
        at: state.holder.at,
        cause: "abandoned",
        ...(state.holder.fingerprint ? { fingerprint: state.holder.fingerprint } : {}),
      });
  }
  return {
    sent,
    failed,
    claims,
    uncertain,
    accepted,
    bounced,
    keys,
    entries: ledger.entries,
    rejectedRows: ledger.rejectedRows,
    foreignRows: ledger.foreignRows,
  };
}

/** Whether a key is settled, held or uncertain: nothing may send it now. */
export function isTaken(state: JournalState, key: string): boolean {
  return state.sent.has(key) || state.failed.has(key) || state.claims.has(key) || state.uncertain.has(key);
}

/**
 * The distinct keys of the ledger that start with `prefix`, in code-unit order: a binary search in
 * the keys sorted once per state (a plan looks up every recipient's keys, so a scan per look-up
 * would cost recipients × entries).
 */
export function keysStartingWith(state: JournalState, prefix: string): readonly string[] {
  let sorted = sortedKeys.get(state);
  if (!sorted) {
    sorted = [...new Set(state.keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    sortedKeys.set(state, sorted);
  }
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < prefix) low = middle + 1;
    else high = middle;
  }
  const found: string[] = [];
  for (let i = low; i < sorted.length && sorted[i]!.startsWith(prefix); i++) found.push(sorted[i]!);
  return found;
}

const sortedKeys = new WeakMap<JournalState, readonly string[]>();

/** Whether an address bounced (compared by its identifier). */
export function hasBounced(
  state: JournalState,
  keys: Pick<LedgerKeys, "recipientId">,
  address: string,
): boolean {
  return state.bounced.has(keys.recipientId(address));
}
