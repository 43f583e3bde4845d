/**
 * Sending what an event owes, exactly once per key, under a rate and within a time budget.
 *
 * One call sends in chunks. For each chunk it:
 * 1. appends a claim line per key to `Journal` (`Envoi en cours`, `lot <run>`), then reads the
 *    Journal back: a key belongs to this run only if this run's claim is the first unsettled one
 *    (two runs started at once both claim; both read back the same first line; one sends);
 * 2. sends the keys it owns, paced to the configured rate (default 14 per second);
 * 3. appends the outcome of each (`Message envoyé` with the provider's id, `Échec d'envoi` for a
 *    permanent failure, `Envoi reporté` for a temporary one, which releases the claim) and writes
 *    the time into the participant's `Convocation` cell.
 * It stops claiming when the budget (default 50 s) is spent; the next call plans again from the
 * Journal and resumes where this one stopped.
 *
 * If the process dies after a send and before step 3, the claim stays without an outcome. Every
 * later run reads it as taken and never sends that key again: a duplicate is impossible, and the
 * only loss possible is the message whose send was interrupted. Since nothing can tell from the
 * Journal whether it left, the plan raises an alert to the organizer once the claim is older than
 * its lease (see `planMessages`), naming the key so they can check and, if needed, delete the
 * claim line to have it sent again. A chunk is small (5 seconds of sending) so such a window holds
 * few messages.
 */
import { randomUUID } from "node:crypto";
import { DateTime } from "luxon";
import { journalRecord } from "../core/journal.js";
import { JOURNAL_EVENTS, journalState, readJournal } from "../core/messages/journal-state.js";
import { eventModel, MESSAGE_TABS } from "../core/messages/model.js";
import {
  dueMessages,
  KIND_LABELS,
  type MessageKind,
  type PlannedMessage,
  type PlanOptions,
  planMessages,
} from "../core/messages/plan.js";
import { type ParticipantRow, type RegistrationRow, TABS } from "../core/schemas.js";
import { parseTable } from "../core/table.js";
import { layoutOf, recordRow, type TabLayout } from "../core/table-writes.js";
import {
  type Cell,
  type CellWrite,
  type Clock,
  type Mailer,
  PermanentSendError,
  type TabCreation,
  type Workbook,
  type WorkbookSnapshot,
} from "../ports.js";

export interface SendOptions {
  /** The event's id (its workbook), part of every key. */
  readonly event: string;
  /** Only these kinds (a workflow step sends convocations, another reminders...); all when absent. */
  readonly kinds?: readonly MessageKind[];
  /** Messages per second (SES's default production rate is 14). */
  readonly ratePerSecond?: number;
  /** How long this call may go on claiming and sending, in milliseconds (default 50 s). */
  readonly budgetMs?: number;
  /** Seconds of sending claimed at once (default 5). */
  readonly chunkSeconds?: number;
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
  | { readonly message: PlannedMessage; readonly kind: "deferred"; readonly reason: string };

export async function sendDueMessages(
  workbook: Workbook,
  mailer: Mailer,
  clock: Clock,
  options: SendOptions,
): Promise<SendReport> {
  const rate = options.ratePerSecond ?? 14;
  const budget = options.budgetMs ?? 50_000;
  const chunkSize = Math.max(1, Math.round(rate * (options.chunkSeconds ?? 5)));
  const maxInFlight = options.maxInFlight ?? Math.max(4, Math.ceil(rate * 2));
  const runId = options.runId ?? randomUUID().replace(/-/g, "").slice(0, 12);
  // Pace and budget follow real time (the provider's rate, the function's timeout), whatever the
  // clock of the event says: a simulated clock stands still while a step runs.
  const monotonic = options.monotonic ?? (() => performance.now());
  const started = monotonic();
  const elapsed = () => monotonic() - started;
  const limiter = new RateLimiter(rate, monotonic, options.sleep);

  const snapshot = await workbook.read(MESSAGE_TABS);
  if (options.suspended?.(snapshot))
    return {
      sent: 0,
      failed: 0,
      deferred: 0,
      leftToOthers: 0,
      remaining: 0,
      done: false,
      elapsedMs: elapsed(),
      attempts: 0,
      suspended: true,
    };
  const now = clock.now();
  const model = eventModel(snapshot, options.event, now);
  if (model === null) throw new Error("The workbook holds neither a seminar nor a lunch talk.");
  const zone = model.info.zone;
  const due = dueMessages(planMessages(model, now, options.plan ?? {}), now, options.kinds);
  const journal = journalLayout(snapshot);
  const marks = markLayouts(snapshot);
  let createTabs: TabCreation[] = journal.creation ? [journal.creation] : [];

  let sent = 0;
  let failed = 0;
  let deferred = 0;
  let leftToOthers = 0;
  let attempts = 0;
  let index = 0;
  while (index < due.length) {
    const left = budget - elapsed();
    const fits = Math.floor((rate * left) / 1000);
    if (fits <= 0) break;
    const chunk = due.slice(index, index + Math.min(chunkSize, fits));
    index += chunk.length;

    // 1. Claim, then read back who won.
    const claimedAt = clock.now();
    await workbook.write({
      ...(createTabs.length > 0 ? { createTabs } : {}),
      appends: [
        {
          tab: journal.title,
          rows: chunk.map((message) =>
            recordRow(
              journal,
              journalRecord(claimedAt, zone, {
                event: JOURNAL_EVENTS.claim,
                recipient: message.to.address,
                detail: `lot ${runId} · ${KIND_LABELS[message.kind]}`,
                key: message.key,
              }),
            ),
          ),
        },
      ],
    });
    createTabs = [];
    const back = await workbook.read([TABS.journal.name]);
    const state = journalState(readJournal(back.get(TABS.journal.name)), zone);
    const owned = chunk.filter((message) => state.claims.get(message.key)?.run === runId);
    leftToOthers += chunk.length - owned.length;

    // 2. Send, paced.
    const outcomes: Outcome[] = [];
    const inFlight = new Set<Promise<void>>();
    for (const message of owned) {
      await limiter.take();
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      attempts++;
      const task = sendOne(mailer, message, clock).then((outcome) => {
        outcomes.push(outcome);
      });
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    }
    await Promise.all(inFlight);

    // 3. Record every outcome in one write.
    const rows: Cell[][] = [];
    const cells: CellWrite[] = [];
    const recordedAt = clock.now();
    for (const outcome of outcomes) {
      const { message } = outcome;
      const base = { recipient: message.to.address, key: message.key };
      if (outcome.kind === "sent") {
        sent++;
        rows.push(
          recordRow(
            journal,
            journalRecord(outcome.at, zone, {
              ...base,
              event: JOURNAL_EVENTS.sent,
              detail: `${KIND_LABELS[message.kind]} · id ${outcome.messageId}${message.fingerprint ? ` · empreinte ${message.fingerprint}` : ""}`,
            }),
          ),
        );
        if (message.mark) cells.push(...markWrite(marks, message.mark, outcome.at, zone));
      } else if (outcome.kind === "failed") {
        failed++;
        rows.push(
          recordRow(
            journal,
            journalRecord(recordedAt, zone, {
              ...base,
              event: JOURNAL_EVENTS.failed,
              detail: `${KIND_LABELS[message.kind]} · ${outcome.reason}`,
            }),
          ),
        );
        if (outcome.invalidAddress)
          rows.push(
            recordRow(
              journal,
              journalRecord(recordedAt, zone, {
                event: JOURNAL_EVENTS.bounced,
                recipient: message.to.address,
                detail: "Adresse refusée à l'envoi : corrigez-la dans le classeur.",
              }),
            ),
          );
      } else {
        deferred++;
        rows.push(
          recordRow(
            journal,
            journalRecord(recordedAt, zone, {
              ...base,
              event: JOURNAL_EVENTS.released,
              detail: `lot ${runId} · ${outcome.reason}`,
            }),
          ),
        );
      }
    }
    await workbook.write({ cells, appends: [{ tab: journal.title, rows }] });
  }
  const remaining = due.length - index;
  return {
    sent,
    failed,
    deferred,
    leftToOthers,
    remaining,
    done: remaining === 0 && deferred === 0,
    elapsedMs: elapsed(),
    attempts,
  };
}

async function sendOne(mailer: Mailer, message: PlannedMessage, clock: Clock): Promise<Outcome> {
  try {
    const { messageId } = await mailer.send(message.render(clock.now()));
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
    return { message, kind: "deferred", reason: "échec temporaire, nouvel essai à la prochaine étape" };
  }
}

function journalLayout(snapshot: WorkbookSnapshot): TabLayout {
  const tab = snapshot.get(TABS.journal.name);
  return layoutOf(parseTable(TABS.journal, tab), tab !== undefined);
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
