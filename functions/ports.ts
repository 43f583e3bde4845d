/**
 * Ports: what the core and the use cases need from the outside world, in the product's words.
 * Adapters in `adapters/` implement them for Google Sheets, a local .xlsx file, Amazon SES...
 */
import type { LedgerKeys } from "./core/ledger/keys.js";
import { PermanentError, RetryableError } from "./errors.js";

/** One spreadsheet cell as read or written: dates and times are spreadsheet serial numbers. */
export type Cell = string | number | boolean | null;

/** A tab as the organizer sees it: `rows[0]` is the header row (spreadsheet row 1). */
export interface TabValues {
  /** The title as it stands in the workbook (may differ from the canonical name by case or accents). */
  readonly title: string;
  readonly rows: readonly (readonly Cell[])[];
}

/** The tabs that were asked for and exist, keyed by the canonical name asked for. */
export type WorkbookSnapshot = ReadonlyMap<string, TabValues>;

/** A cell to write, located as in A1 notation: `row` and `column` start at 1. `tab` is the tab's title. */
export interface CellWrite {
  readonly tab: string;
  readonly row: number;
  readonly column: number;
  readonly value: Cell;
}

/** Rows added after the last row of a tab (used for the append-only `Journal`). */
export interface RowsAppend {
  readonly tab: string;
  readonly rows: readonly (readonly Cell[])[];
}

/** A tab to create when it is missing, with its header row. */
export interface TabCreation {
  readonly title: string;
  readonly header: readonly string[];
}

export interface WorkbookChanges {
  readonly createTabs?: readonly TabCreation[];
  readonly cells?: readonly CellWrite[];
  readonly appends?: readonly RowsAppend[];
}

/** How a read is made. */
export interface ReadOptions {
  /**
   * Read the spreadsheet itself, never what this request already holds: the read-back after a
   * claim, which must see what others wrote since (`app/workbook-session.ts`). Adapters always read
   * the spreadsheet and ignore it.
   */
  readonly fresh?: boolean;
}

/**
 * The organizers' spreadsheet. Values are written raw: a text beginning with `=` stays text.
 * `read` answers every tab asked for in one round trip; `write` applies every change in as few as it can.
 */
export interface Workbook {
  read(tabs: readonly string[], options?: ReadOptions): Promise<WorkbookSnapshot>;
  write(changes: WorkbookChanges): Promise<void>;
}

/**
 * An event's workbook as the use cases get it: its `Journal` verified and sealed
 * (`functions/app/ledger-workbook.ts`), with the event's ledger keys (its id is `keys.event`).
 */
export interface EventWorkbook extends Workbook {
  readonly keys: LedgerKeys;
}

/** The current time; a parameter everywhere in the core, a port at the edges so tests can move it. */
export interface Clock {
  now(): Date;
}

/** A file attached to a message (the calendar file of a convocation). */
export interface Attachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: string | Uint8Array;
}

/**
 * An address with an optional display name. The name is free text (commas, quotes, accents): the
 * MIME builder quotes and encodes it, so it never has to be spliced into a header by hand.
 */
export type MailAddress = string | { readonly name?: string; readonly address: string };

/** One email, ready to leave: both an HTML and a plain-text body, addresses already checked. */
export interface OutgoingMessage {
  /**
   * Message tags the mail service keeps with the message and reports in its events (SES
   * `MessageTag`: names and values of `[A-Za-z0-9_-]`, under 256 characters).
   */
  readonly tags?: Readonly<Record<string, string>>;
  readonly from: MailAddress;
  readonly to: MailAddress;
  readonly replyTo?: MailAddress;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments?: readonly Attachment[];
  /** Extra headers (e.g. `Auto-Submitted`); never built from what a user typed. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Sends one message; answers the provider's message id. Throws a `PermanentSendError` when the
 * message will never be accepted (a rejected message, an invalid address), a `TransientSendError`
 * when it may be later (throttling, a 5xx, a timeout, after the adapter's own retries).
 */
export interface Mailer {
  send(message: OutgoingMessage): Promise<{ readonly messageId: string }>;
}

/** Why a send failed for good: the recipient's address, or the message (or the sender's account). */
export type PermanentSendReason = "invalid-address" | "rejected";

/**
 * The mail service will never accept this message (`reason`: its address, or the message itself):
 * a `PermanentError`, so an entry point answers it as refused for good; the sending records it as
 * failed and never tries it again.
 */
export class PermanentSendError extends PermanentError<PermanentSendReason> {
  override readonly name: string = "PermanentSendError";
}

/**
 * The mail service may or may not have accepted the message: the request left and the answer was
 * lost (a timeout, a reset connection, a 5xx). Never retried blindly: the send is reconciled from
 * what the mail service reports (`DeliveryLog`).
 */
export class UncertainSendError extends Error {
  override readonly name = "UncertainSendError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * What the mail service reports it accepted, by send id (the `passerelle-send` message tag): the
 * local SES-compatible server's store on one machine. In the cloud, SES `Send` events reach
 * `inboundMail` and are kept in the ledger, which the sending reads anyway, so no port is needed.
 * Throws when the report cannot be read (then nothing is decided).
 */
export interface DeliveryLog {
  accepted(sendIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/** The mail service refused for now (throttling, a 5xx that proves nothing left): retried later. */
export class TransientSendError extends RetryableError {
  override readonly name: string = "TransientSendError";
}

/** Starts the step workflow of an event and wakes it when it waits on a callback. */
export interface WorkflowStarter {
  /** Starts one execution for the event; answers its id (to find it again). */
  start(input: {
    readonly event: string;
    readonly kind: "seminar" | "lunch" | "cycle";
    readonly args: Readonly<Record<string, unknown>>;
  }): Promise<{ readonly executionId: string }>;
  /** Posts to a callback endpoint an execution created and waits on. */
  signal(callbackUrl: string, payload: Readonly<Record<string, unknown>>): Promise<void>;
}

/** One structured log line's fields: counts, statuses and reasons. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** Structured logs; callers pass counts, statuses and reasons, never what someone typed. */
export interface Log {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}
