/**
 * Sending what an event owes, exactly once per key, under a rate and within a time budget. The
 * ledger (`core/ledger/`) is the record; the protocol is claim → send → record, in small groups:
 *
 * 0. Reconcile first: a key whose send's outcome is unknown (`uncertain`: a timeout, a reset, a
 *    5xx after the request left) or whose claim's lease ran out without an outcome (its run died)
 *    is settled from what the mail service reports: accepted → `reconciled sent`; no report after
 *    the grace period (default 15 minutes) → `reconciled released`, and it is sent again. It is
 *    never retried blindly.
 * 1. Claim a group (at most one second of sending at the configured rate): one `claim` row per key,
 *    then read the ledger back; a key is this run's only if its claim is the one that wins (the
 *    first live claim).
 * 2. Send the keys it owns, paced.
 * 3. Record every outcome in one write (`sent` with the provider's id, `failed` for a permanent
 *    refusal, `released` for a failure that proves nothing left, `uncertain` otherwise) and, in a
 *    `finally`, release every key claimed and not attempted (a Sheets error, the budget, an
 *    exception), so the next call sends it.
 * A crash between 2 and 3 leaves claims without outcome: they are reconciled at step 0 of a later
 * call once their lease has run out.
 */
import { randomUUID } from "node:crypto";
import { DateTime } from "luxon";
import { CYCLE_TABS, CYCLE_TABS_SPEC } from "../core/cycle/cycle-schemas.js";
import { type EventModel, eventModel, MESSAGE_TABS } from "../core/event/model.js";
import { type JournalLine, journalAppend, readLedger } from "../core/ledger/journal.js";
import type { LedgerKeys } from "../core/ledger/keys.js";
import { type JournalState, journalState, sendIdOf } from "../core/ledger/state.js";
import {
  dueMessages,
  KIND_LABELS,
  type MessageKind,
  type PlannedMessage,
  type PlanOptions,
  planMessages,
} from "../core/messages/plan.js";
import { type CycleModel, cycleModel, planCycle } from "../core/messages/speakers.js";
import { type ParticipantRow, type RegistrationRow, TABS } from "../core/sheet/schemas.js";
import { parseTable } from "../core/sheet/table.js";
import {
  type Attachment,
  type CellWrite,
  type Clock,
  type DeliveryLog,
  type EventWorkbook,
  type Mailer,
  PermanentSendError,
  type TabValues,
  TransientSendError,
  type WorkbookSnapshot,
} from "../ports.js";
import { documentsOf, drawDocuments } from "./message-documents.js";

export interface SendOptions {
  /** The event's id (its workbook); the workbook's ledger keys name it too. */
  readonly event: string;
  /** Only these kinds (a workflow step sends convocations, another reminders...); all when absent. */
  readonly kinds?: readonly MessageKind[];
  /** Messages per second (SES's default production rate is 14). */
  readonly ratePerSecond?: number;
  /** How long this call may go on claiming and sending, in milliseconds (default 50 s). */
  readonly budgetMs?: number;
  /** Seconds of sending claimed at once (default 1). */
  readonly chunkSeconds?: number;
  /** What the mail service reports it accepted (the local server's store); the ledger alone when absent. */
  readonly deliveries?: DeliveryLog;
  /** How long an uncertain send waits for the mail service's report before it is sent again (ms, default 15 min). */
  readonly reconcileGraceMs?: number;
  /** Sends in flight at once (a slow provider must not slow the rate). */
  readonly maxInFlight?: number;
  readonly plan?: PlanOptions;
  /** This run's id in the claims; random by default. */
  readonly runId?: string;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Real elapsed milliseconds, for the pace and the budget (`performance.now` by default). */
  readonly monotonic?: () => number;
  /** Read on the workbook this call reads anyway: when true, nothing is sent (`Action: Suspendre`). */
  readonly suspended?: (snapshot: WorkbookSnapshot) => boolean;
}

export interface SendReport {
  readonly sent: number;
  /** Failed for good (written in the Journal, told to the organizer by the next plan). */
  readonly failed: number;
  /** Failed for now; the next call tries again. */
  readonly deferred: number;
  /** Claimed by another run at the same time, left to it. */
  readonly leftToOthers: number;
  /** Due messages this call did not reach (budget spent). */
  readonly remaining: number;
  /** Whether every due message of the asked kinds is settled or in another run's hands. */
  readonly done: boolean;
  readonly elapsedMs: number;
  /** Provider calls, for the benchmark (one per message sent or failed). */
  readonly attempts: number;
  /** The event is suspended: nothing was sent. */
  readonly suspended?: boolean;
  /** Sends whose outcome is unknown, left to reconciliation. */
  readonly uncertain: number;
  /** Keys settled by reconciliation in this call: found accepted, or released to be sent again. */
  readonly reconciled: { readonly sent: number; readonly released: number };
}

/** Spaces calls evenly: one start every `1000 / rate` milliseconds, never a burst. */
export class RateLimiter {
  private next = 0;
  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async take(): Promise<void> {
    const interval = 1000 / this.ratePerSecond;
    const now = this.now();
    const slot = Math.max(now, this.next);
    this.next = slot + interval;
    if (slot > now) await this.sleep(slot - now);
  }
}

type Outcome =
  | { readonly message: PlannedMessage; readonly kind: "sent"; readonly messageId: string; readonly at: Date }
  | {
      readonly message: PlannedMessage;
      readonly kind: "failed";
      readonly reason: string;
      readonly invalidAddress: boolean;
    }
  | { readonly message: PlannedMessage; readonly kind: "deferred" | "uncertain"; readonly reason: string };

const SUSPENDED = {
  sent: 0,
  failed: 0,
  deferred: 0,
  leftToOthers: 0,
  remaining: 0,
  done: false,
  attempts: 0,
  suspended: true,
  uncertain: 0,
  reconciled: { sent: 0, released: 0 },
} as const;

const DEFAULT_GRACE_MS = 15 * 60_000;

/**
 * Sends the due messages of an event (see the module's comment). Throws what the workbook throws
 * (a Sheets failure): nothing it claimed stays claimed unless the release itself failed, and then
 * reconciliation settles it.
 */
export async function sendDueMessages(
  workbook: EventWorkbook,
  mailer: Mailer,
  clock: Clock,
  options: SendOptions,
): Promise<SendReport> {
  const rate = options.ratePerSecond ?? 14;
  const budget = options.budgetMs ?? 50_000;
  const groupSize = Math.max(1, Math.round(rate * (options.chunkSeconds ?? 1)));
  const maxInFlight = options.maxInFlight ?? Math.max(4, Math.ceil(rate * 2));
  const runId = options.runId ?? randomUUID().replace(/-/g, "").slice(0, 12);
  // Pace and budget follow real time (the provider's rate, the function's timeout), whatever the
  // clock of the event says: a simulated clock stands still while a step runs.
  const monotonic = options.monotonic ?? (() => performance.now());
  const started = monotonic();
  const elapsed = () => monotonic() - started;
  const limiter = new RateLimiter(rate, monotonic, options.sleep);
  // A claim outlives the call that made it by a minute; then it is reconciled, never re-sent blindly.
  const leaseMs = budget + 60_000;

  let snapshot = await workbook.read(SENDING_TABS);
  if (options.suspended?.(snapshot)) return { ...SUSPENDED, elapsedMs: elapsed() };
  const now = clock.now();
  let model = modelOf(snapshot, workbook, now);
  const zone = model.info.zone;
  const settled = await reconcile(model.journal, options, now);
  if (settled.lines.length > 0) {
    await workbook.write(journalAppend(snapshot.get(TABS.journal.name), now, zone, settled.lines));
    snapshot = await workbook.read(SENDING_TABS);
    model = modelOf(snapshot, workbook, now);
  }
  const plan =
    model.kind === "cycle"
      ? planCycle(model, now, options.plan?.replyAddress ? { replyAddress: options.plan.replyAddress } : {})
      : planMessages(model, now, {
          ...(carriesDocuments(options.kinds)
            ? { documents: documentsOf(snapshot, workbook.keys, model) }
            : {}),
          ...options.plan,
          undecided: settled.undecided,
        });
  const due = dueMessages(plan, now, options.kinds);
  const marks = markLayouts(snapshot);
  let journalTab = snapshot.get(TABS.journal.name);

  const counts = { sent: 0, failed: 0, deferred: 0, uncertain: 0, leftToOthers: 0, attempts: 0 };
  let index = 0;
  while (index < due.length) {
    const fits = Math.floor((rate * (budget - elapsed())) / 1000);
    if (fits <= 0) break;
    const group = due.slice(index, index + Math.min(groupSize, fits));
    index += group.length;

    // 1. Claim, then read back who won. A claim write that fails may still have been applied
    //    ("applied, then 500"): the group is released at once, best effort.
    let back: WorkbookSnapshot;
    const claimedAt = clock.now();
    try {
      await workbook.write(
        journalAppend(
          journalTab,
          claimedAt,
          zone,
          group.map((m) => claimLine(m, runId, leaseMs)),
        ),
      );
      back = await workbook.read([TABS.journal.name], { fresh: true });
    } catch (error) {
      const reason = "la réservation n'a pas pu être écrite ou relue";
      await releaseQuietly(workbook, journalTab, clock, zone, group, runId, reason);
      throw error;
    }
    journalTab = back.get(TABS.journal.name);
    const state = journalState(readLedger(journalTab), clock.now());
    const owned = group.filter((message) => state.claims.get(message.key)?.run === runId);
    counts.leftToOthers += group.length - owned.length;

    // 2. Send, paced; 3. record every outcome, and release what was not attempted, whatever happens.
    const outcomes: Outcome[] = [];
    // Documents are drawn before any request leaves: drawing a PDF holds the event loop, and a
    // request in flight meanwhile would time out and leave its send uncertain.
    const drawn = await drawAll(owned);
    const attempted = new Set<string>();
    try {
      const inFlight = new Set<Promise<void>>();
      for (const message of owned) {
        if (elapsed() >= budget) break;
        await limiter.take();
        while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
        attempted.add(message.key);
        counts.attempts++;
        const task = sendOne(mailer, message, clock, drawn.get(message.key)).then((outcome) => {
          outcomes.push(outcome);
        });
        inFlight.add(task);
        void task.finally(() => inFlight.delete(task));
      }
      await Promise.all(inFlight);
    } finally {
      const unattempted = owned.filter((message) => !attempted.has(message.key));
      const recorded = record(outcomes, unattempted, runId, marks, zone, workbook.keys);
      for (const outcome of outcomes) counts[outcome.kind === "deferred" ? "deferred" : outcome.kind]++;
      counts.deferred += unattempted.length;
      const append = journalAppend(journalTab, clock.now(), zone, recorded.lines);
      await workbook.write({ ...append, cells: [...(append.cells ?? []), ...recorded.cells] });
    }
  }
  const remaining = due.length - index;
  // Sends of the asked kinds left uncertain by an earlier call and not settled yet: the step is not
  // done while they wait (reconciled, or released and sent again, by a later call).
  const asked = (key: string) => {
    const kind = kindOfKey(key, workbook.keys.event);
    return kind !== undefined && (!options.kinds || options.kinds.includes(kind as MessageKind));
  };
  const waiting = [...model.journal.uncertain.keys()].filter(asked).length;
  return {
    ...counts,
    uncertain: counts.uncertain + waiting,
    remaining,
    done: remaining === 0 && counts.deferred === 0 && counts.uncertain === 0 && waiting === 0,
    elapsedMs: elapsed(),
    reconciled: { sent: settled.sent, released: settled.released },
  };
}

/**
 * Whether a step sending these kinds needs the event's documents: those that carry them, and the
 * surveys they replace (a survey is planned alone only when the documents are not given).
 */
function carriesDocuments(kinds: readonly MessageKind[] | undefined): boolean {
  return kinds === undefined || kinds.some((kind) => DOCUMENT_KINDS.has(kind));
}

const DOCUMENT_KINDS: ReadonlySet<MessageKind> = new Set<MessageKind>([
  "attestation",
  "fiche-structure",
  "documents-organisateur",
  "questionnaire",
  "questionnaire-rencontre",
]);

/** What a send reads: a seminar's or a lunch talk's tabs, or a cycle's (its speakers' messages). */
const SENDING_TABS = [...new Set([...MESSAGE_TABS, ...CYCLE_TABS])];

function modelOf(snapshot: WorkbookSnapshot, workbook: EventWorkbook, now: Date): EventModel | CycleModel {
  if (snapshot.has(CYCLE_TABS_SPEC.cycle.name)) return cycleModel(snapshot, workbook.keys, now);
  const model = eventModel(snapshot, workbook.keys, now);
  if (model === null) throw new Error("The workbook holds neither a seminar nor a lunch talk.");
  return model;
}

function claimLine(message: PlannedMessage, run: string, leaseMs: number): JournalLine {
  return {
    event: "Envoi en cours",
    recipient: message.to.address,
    detail: KIND_LABELS[message.kind],
    key: message.key,
    data: {
      kind: "claim",
      run,
      leaseMs,
      ...(message.fingerprint ? { fingerprint: message.fingerprint } : {}),
    },
  };
}

function releaseLine(message: PlannedMessage, run: string, reason: string): JournalLine {
  return {
    event: "Envoi reporté",
    recipient: message.to.address,
    detail: `${KIND_LABELS[message.kind]} · ${reason}`,
    key: message.key,
    data: { kind: "released", run, reason },
  };
}

/** Releases a group after a failure; a failure here too is left to reconciliation. */
async function releaseQuietly(
  workbook: EventWorkbook,
  journalTab: TabValues | undefined,
  clock: Clock,
  zone: string,
  group: readonly PlannedMessage[],
  run: string,
  reason: string,
): Promise<void> {
  try {
    await workbook.write(
      journalAppend(
        journalTab,
        clock.now(),
        zone,
        group.map((m) => releaseLine(m, run, reason)),
      ),
    );
  } catch {
    // The claims run out with their lease and are reconciled: nothing is lost, nothing sent twice.
  }
}

/** The ledger lines and `Convocation` cells of a group's outcomes, and the release of what was not tried. */
function record(
  outcomes: readonly Outcome[],
  unattempted: readonly PlannedMessage[],
  run: string,
  marks: MarkLayouts,
  zone: string,
  keys: LedgerKeys,
): { lines: JournalLine[]; cells: CellWrite[] } {
  const lines: JournalLine[] = [];
  const cells: CellWrite[] = [];
  for (const outcome of outcomes) {
    const { message } = outcome;
    const label = KIND_LABELS[message.kind];
    if (outcome.kind === "sent") {
      lines.push({
        event: "Message envoyé",
        recipient: message.to.address,
        detail: label,
        key: message.key,
        data: {
          kind: "sent",
          run,
          messageId: outcome.messageId,
          ...(message.fingerprint ? { fingerprint: message.fingerprint } : {}),
        },
      });
      if (message.mark) cells.push(...markWrite(marks, message.mark, outcome.at, zone));
    } else if (outcome.kind === "failed") {
      lines.push({
        event: "Échec d'envoi",
        recipient: message.to.address,
        detail: `${label} · ${outcome.reason}`,
        key: message.key,
        data: { kind: "failed", reason: outcome.reason, invalidAddress: outcome.invalidAddress },
      });
      if (outcome.invalidAddress)
        lines.push({
          event: "Adresse en échec",
          recipient: message.to.address,
          detail: "Adresse refusée à l'envoi : corrigez-la dans le classeur.",
          key: `rebond:${message.key}`,
          data: { kind: "bounced", recipient: keys.recipientId(message.to.address), cause: "refused" },
        });
    } else if (outcome.kind === "uncertain") {
      lines.push({
        event: "Envoi à vérifier",
        recipient: message.to.address,
        detail: `${label} · ${outcome.reason}`,
        key: message.key,
        data: { kind: "uncertain", run, reason: outcome.reason },
      });
    } else {
      lines.push(releaseLine(message, run, outcome.reason));
    }
  }
  for (const message of unattempted)
    lines.push(releaseLine(message, run, "pas tenté dans ce lot, repart au suivant"));
  return { lines, cells };
}

/** The message kind inside a key made by `messageKey` (`message:<event>:<recipient>:<kind>:<version>`). */
function kindOfKey(key: string, event: string): string | undefined {
  const prefix = `message:${event}:`;
  return key.startsWith(prefix) ? key.slice(prefix.length).split(":")[1] : undefined;
}

/**
 * Settles the uncertain keys from the mail service's reports: the ledger's `accepted` rows (SES
 * `Send` events received by `inboundMail`) and, when given, the delivery log. Keys it cannot read a
 * report for stay uncertain and are answered as `undecided` (the plan tells the organizer after a while).
 */
async function reconcile(
  journal: JournalState,
  options: SendOptions,
  now: Date,
): Promise<{ lines: JournalLine[]; sent: number; released: number; undecided: ReadonlySet<string> }> {
  const uncertain = [...journal.uncertain];
  if (uncertain.length === 0) return { lines: [], sent: 0, released: 0, undecided: new Set() };
  const grace = options.reconcileGraceMs ?? DEFAULT_GRACE_MS;
  let reported: ReadonlyMap<string, string> = new Map();
  let readable = true;
  if (options.deliveries) {
    try {
      reported = await options.deliveries.accepted(uncertain.map(([key]) => sendIdOf(key)));
    } catch {
      readable = false;
    }
  }
  const lines: JournalLine[] = [];
  const undecided = new Set<string>();
  let sent = 0;
  let released = 0;
  for (const [key, state] of uncertain) {
    const id = sendIdOf(key);
    const messageId = journal.accepted.get(id) ?? reported.get(id);
    if (messageId !== undefined) {
      sent++;
      lines.push({
        event: "Envoi vérifié : parti",
        detail: "le service d'envoi confirme l'avoir accepté",
        key,
        data: {
          kind: "reconciled",
          outcome: "sent",
          messageId,
          ...(state.fingerprint ? { fingerprint: state.fingerprint } : {}),
        },
      });
    } else if (!readable) {
      undecided.add(key);
    } else if (now.getTime() - state.at.getTime() >= grace) {
      released++;
      lines.push({
        event: "Envoi vérifié : pas parti",
        detail: "le service d'envoi ne l'a pas reçu : il repart",
        key,
        data: { kind: "reconciled", outcome: "released" },
      });
    }
  }
  return { lines, sent, released, undecided };
}

/** The PDF attachments of each message that carries documents, drawn one message at a time; `null` when drawing failed. */
async function drawAll(messages: readonly PlannedMessage[]): Promise<Map<string, Attachment[] | null>> {
  const drawn = new Map<string, Attachment[] | null>();
  for (const message of messages) {
    if (!message.documents || message.documents.length === 0) continue;
    try {
      drawn.set(message.key, await drawDocuments(message));
    } catch {
      drawn.set(message.key, null);
    }
  }
  return drawn;
}

async function sendOne(
  mailer: Mailer,
  message: PlannedMessage,
  clock: Clock,
  attachments?: Attachment[] | null,
): Promise<Outcome> {
  let built: ReturnType<PlannedMessage["render"]>;
  try {
    if (attachments === null) throw new Error("A document could not be drawn.");
    const rendered = message.render(clock.now());
    built = attachments
      ? { ...rendered, attachments: [...(rendered.attachments ?? []), ...attachments] }
      : rendered;
  } catch {
    // A message that cannot be built (a value of the workbook to fix) never will be: it is not retried.
    return {
      message,
      kind: "failed",
      reason: "message impossible à construire : une valeur du classeur est à corriger",
      invalidAddress: false,
    };
  }
  try {
    const { messageId } = await mailer.send(built);
    return { message, kind: "sent", messageId, at: clock.now() };
  } catch (error) {
    if (error instanceof PermanentSendError)
      return {
        message,
        kind: "failed",
        reason:
          error.reason === "invalid-address"
            ? "adresse refusée par le service d'envoi"
            : `message refusé par le service d'envoi (${error.message})`,
        invalidAddress: error.reason === "invalid-address",
      };
    if (error instanceof TransientSendError)
      return { message, kind: "deferred", reason: "échec temporaire, nouvel essai à la prochaine étape" };
    // An UncertainSendError, or anything the mailer did not classify: the message may have left.
    return {
      message,
      kind: "uncertain",
      reason: "réponse du service d'envoi perdue : vérifiée avant tout renvoi",
    };
  }
}

interface MarkLayouts {
  readonly byTab: ReadonlyMap<string, { title: string; column: number; header?: CellWrite }>;
}

function markLayouts(snapshot: WorkbookSnapshot): MarkLayouts {
  const byTab = new Map<string, { title: string; column: number; header?: CellWrite }>();
  for (const spec of [TABS.participants, TABS.registrations]) {
    const tab = snapshot.get(spec.name);
    if (!tab) continue;
    const table = parseTable<ParticipantRow | RegistrationRow>(spec, tab);
    const column = table.columns.find((candidate) => candidate.key === "convocation")?.index;
    if (column !== undefined) byTab.set(spec.name, { title: table.title, column });
    else
      byTab.set(spec.name, {
        title: table.title,
        column: table.nextColumn,
        header: { tab: table.title, row: 1, column: table.nextColumn, value: "Convocation" },
      });
  }
  return { byTab };
}

function markWrite(
  marks: MarkLayouts,
  mark: { tab: string; row: number },
  at: Date,
  zone: string,
): CellWrite[] {
  const layout = marks.byTab.get(mark.tab);
  if (!layout) return [];
  const value = DateTime.fromJSDate(at, { zone }).toFormat("yyyy-MM-dd HH:mm");
  return [
    ...(layout.header ? [layout.header] : []),
    { tab: layout.title, row: mark.row, column: layout.column, value },
  ];
}
