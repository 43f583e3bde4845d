/**
 * Every kind of `Journal` row the system writes, as one discriminated union: the typed payload
 * kept, as JSON, in the row's `Données` column (beside the human columns, which nothing reads
 * back). This module is the only place that knows what a row means; rewording what organizers
 * read (`Événement`, `Détail`) changes no behaviour.
 *
 * Every payload has `kind` and `at` (the instant it was written, ISO 8601 in UTC). A row is
 * trusted only once its seal has verified (`functions/app/ledger-workbook.ts`); the parse below
 * refuses anything that is not exactly one of these shapes.
 */
import { z } from "zod";
import { deepFreeze } from "../sheet/table.js";

const text = z.string().max(4000);
const instant = z.iso.datetime({ offset: true });

/** A run (a sending call, a reply's delivery, an edit) takes a key; the first live claim wins. */
const claim = z.object({
  kind: z.literal("claim"),
  run: z.string().min(1).max(64),
  /** How long the claim holds without an outcome before another run may take the key (ms). */
  leaseMs: z.number().int().positive(),
  /** The fingerprint of what is about to be sent, kept for a send settled by reconciliation. */
  fingerprint: z.string().max(64).optional(),
});
/** A message accepted by the mail service. */
const sent = z.object({
  kind: z.literal("sent"),
  run: z.string().max(64).optional(),
  messageId: z.string().max(300),
  /** The content's fingerprint (agenda, request), to tell later whether it changed. */
  fingerprint: z.string().max(64).optional(),
});
/** A message the mail service refused for good: never retried. */
const failed = z.object({
  kind: z.literal("failed"),
  reason: text,
  invalidAddress: z.boolean(),
});
/** A claim given back without sending (a temporary failure, the budget, an error): sent later. */
const released = z.object({ kind: z.literal("released"), run: z.string().max(64), reason: text });
/** A send whose outcome is unknown (timeout, reset, 5xx after the request left): reconciled, never retried blindly. */
const uncertain = z.object({ kind: z.literal("uncertain"), run: z.string().max(64), reason: text });
/** The mail service reports it accepted the message of this key (an SES `Send` event). */
const accepted = z.object({ kind: z.literal("accepted"), messageId: z.string().max(300) });
/** An uncertain (or abandoned) key settled from what the mail service reports. */
const reconciled = z.object({
  kind: z.literal("reconciled"),
  outcome: z.enum(["sent", "released"]),
  messageId: z.string().max(300).optional(),
  fingerprint: z.string().max(64).optional(),
});
/** An address that bounces for good or complained: nothing is sent to it again. */
const bounced = z.object({
  kind: z.literal("bounced"),
  /** The recipient's identifier (`LedgerKeys.recipientId`), never the address. */
  recipient: z.string().min(1).max(64),
  cause: z.enum(["bounce", "complaint", "refused"]),
  subType: z.string().max(100).optional(),
});
/** A tutor's reply, applied (its key is the reply's: `reponse:<message id digest>`). */
const reply = z.object({
  kind: z.literal("reply"),
  decision: z.enum(["confirm", "decline", "unclear", "unknown-tutor"]),
  /** The tutor's address (personal data: erased by the purge with the row's human columns). */
  tutor: z.string().max(320),
  /** An out-of-office or a delivery report: no answer, the tutor is still awaited. */
  automatic: z.boolean(),
  notes: text,
  excerpt: text,
  /** After a decline: who was with the tutor, and in which slot. */
  toReplace: z.array(z.object({ email: z.string().max(320), slot: z.string().max(200) })).max(500),
});
/** A reply's follow-ups are done (key `<reply key>:traitee`). */
const replyDone = z.object({ kind: z.literal("reply-done") });
/** A reply whose token did not hold, kept for the organizer and applied to nothing. */
const replyForged = z.object({ kind: z.literal("reply-forged") });
/** A tutor marked `Sans réponse` after the deadline. */
const silent = z.object({ kind: z.literal("silent"), tutor: z.string().max(320), version: z.number().int() });
/** The participants of a tutor who declined were re-placed (or could not all be). */
const rematch = z.object({ kind: z.literal("rematch"), tutor: z.string().max(320), note: text });
/** The workflow execution of the event. */
const execution = z.object({ kind: z.literal("execution"), executionId: z.string().min(1).max(500) });
/** The execution stopped on problems the organizer must fix. */
const stopped = z.object({ kind: z.literal("stopped"), problems: z.number().int().nonnegative() });
/** The organizer's go to send. */
const go = z.object({ kind: z.literal("go") });
/** The callback URL an execution waits on, for a purpose. */
const callback = z.object({
  kind: z.literal("callback"),
  purpose: z.string().max(40),
  url: z.string().max(2000),
});
/** A signed edit of the spreadsheet, applied once (key `edit:<id>`). */
const edit = z.object({ kind: z.literal("edit"), editedAt: instant.optional() });

export const ledgerPayload = z
  .discriminatedUnion("kind", [
    claim,
    sent,
    failed,
    released,
    uncertain,
    accepted,
    reconciled,
    bounced,
    reply,
    replyDone,
    replyForged,
    silent,
    rematch,
    execution,
    stopped,
    go,
    callback,
    edit,
  ])
  .and(z.object({ at: instant }));

/** The typed payload of one ledger row (`Données`). */
export type LedgerPayload = z.infer<typeof ledgerPayload>;
export type LedgerKind = LedgerPayload["kind"];
/** A payload of one kind, as written (the instant is added when the row is made). */
export type LedgerData<K extends LedgerKind = LedgerKind> = K extends LedgerKind
  ? Omit<Extract<LedgerPayload, { kind: K }>, "at">
  : never;

/** One verified row of the ledger. */
export interface LedgerEntry {
  /** The spreadsheet row (the header is row 1): rows are in the order they were appended. */
  readonly row: number;
  readonly key: string;
  readonly data: LedgerPayload;
  /** `data.at` as a date. */
  readonly at: Date;
}

/** The `Données` cell of a payload written at `now`. */
export function encodePayload(data: LedgerData, now: Date): string {
  return JSON.stringify({ ...data, at: now.toISOString() });
}

/** The payload of a `Données` cell, or `null` when it is not exactly one of the known shapes. */
export function decodePayload(cell: string): LedgerPayload | null {
  if (cell === "" || cell.length > 20_000) return null;
  // Every request reads the whole Journal, whose rows never change: each is decoded once per
  // warm instance (a pure function of the cell), and frozen so no reader changes another's.
  const known = decoded.get(cell);
  if (known !== undefined) return known;
  let json: unknown;
  try {
    json = JSON.parse(cell);
  } catch {
    return null;
  }
  const parsed = ledgerPayload.safeParse(json);
  const payload = parsed.success ? deepFreeze(parsed.data) : null;
  if (decoded.size >= DECODED_LIMIT) decoded.clear();
  decoded.set(cell, payload);
  return payload;
}

const decoded = new Map<string, LedgerPayload | null>();
/** Distinct Journal cells remembered, every event together, before starting again (a few tens of MiB). */
const DECODED_LIMIT = 20_000;
