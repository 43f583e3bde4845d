/**
 * Applying a tutor's reply to the event's workbook: one read; the tutor's row and the reply's Journal
 * line in one write; then the follow-ups (re-placement after a decline, the organizer's alerts, the
 * workflow woken); then a last Journal line saying they are done.
 *
 * Before anything is applied, the delivery claims the reply by its key (the email's own
 * `Message-ID`, digested): of two deliveries of the same email at once, only the first claim applies
 * it; the other answers `in-progress` (SNS delivers it again later, and then finds it done).
 * A failure anywhere is answered with an error, so SNS sends the reply again. The replay finds the
 * reply's entry and does not touch the row again (a newer reply may have changed it since); it runs
 * the follow-ups again, which are idempotent (the re-placement moves nobody a second time, every
 * message has its key); once the last entry is there, a replay does nothing at all.
 *
 * Also here: a bounce or a complaint the mail service reports, which marks the address in the
 * Journal so that nothing is written to it again.
 */
import { randomUUID } from "node:crypto";
import { CYCLE_TABS_SPEC } from "../core/cycle/cycle-schemas.js";
import { zoneOfWorkbook } from "../core/event/zone.js";
import { journalAppend, readLedger } from "../core/ledger/journal.js";
import { ACCEPTED_KEY_PREFIX, journalState } from "../core/ledger/state.js";
import { messageKey } from "../core/messages/plan.js";
import { BOUNCE_TABS, planBounce, type ReportedBounce } from "../core/replies/bounce.js";
import {
  planReply,
  REPLY_LEASE_MS,
  REPLY_TABS,
  type ReplyOutcome,
  type TutorReply,
} from "../core/replies/plan.js";
import { planSpeakerReply, SPEAKER_REPLY_TABS } from "../core/replies/speaker.js";
import { TABS } from "../core/sheet/schemas.js";
import type { EventWorkbook, WorkbookSnapshot } from "../ports.js";

export interface OrganizerAlert {
  readonly event: string;
  /** Why the reply was not applied, in French. */
  readonly reason: string;
  /** What the tutor typed, without the quote. */
  readonly text: string;
  readonly tutorEmail?: string;
  /** Where the tutor's row is, for a link to it. */
  readonly tab?: string;
  readonly row?: number;
}

/**
 * What follows a reply or a bounce. Each is given the workbook the reply was applied to (the
 * request's session: what it read and wrote, its writes perhaps still queued), so the follow-ups read
 * nothing again and see what the reply wrote. The parameter is required: a follow-up that opened the
 * spreadsheet afresh would miss the reply's own lines and plan nothing.
 */
export interface ReplyFollowUps {
  /** Re-places the participants of a tutor who declined and tells who needs to know (wired by the composition root). */
  onDecline(event: string, tutorEmail: string, workbook: EventWorkbook): Promise<void>;
  /**
   * Tells the organizer about a reply that needs a person. The reply's Journal line is already
   * written when this is called, so the alert can be planned from it (see `replyFollowUps`).
   */
  alertOrganizer(alert: OrganizerAlert, workbook: EventWorkbook): Promise<void>;
  /** Called after a yes or a no is recorded, e.g. to wake the workflow waiting for the answers. */
  onAnswer?(
    event: string,
    tutorEmail: string,
    decision: "confirm" | "decline",
    workbook: EventWorkbook,
  ): Promise<void>;
  /** Called after bounced addresses are recorded, e.g. to send the organizer's alert at once. */
  onBounce?(event: string, addresses: readonly string[], workbook: EventWorkbook): Promise<void>;
}

export async function applyReply(
  workbook: EventWorkbook,
  reply: TutorReply,
  secrets: string | readonly string[],
  followUps: ReplyFollowUps,
  now: Date,
): Promise<ReplyOutcome> {
  const first = await workbook.read([...REPLY_TABS, CYCLE_TABS_SPEC.cycle.name]);
  // A cycle of lunch talks: the reply is a speaker's.
  if (first.has(CYCLE_TABS_SPEC.cycle.name))
    return applySpeakerReply(workbook, reply, secrets, followUps, now);
  const early = planReply(first, reply, secrets, now);
  if (early.outcome.kind === "duplicate") return early.outcome;
  if (
    early.outcome.kind === "recorded" &&
    !requestSent(first, workbook, early.outcome.tutorEmail, reply.claims.version)
  )
    return { kind: "never-sent" };
  const snapshot = early.record === null ? first : await claimReply(workbook, first, reply.key, now);
  if (snapshot === null) return { kind: "in-progress" };
  const plan = snapshot === first ? early : planReply(snapshot, reply, secrets, now);
  const { outcome } = plan;
  if (outcome.kind === "duplicate" || outcome.kind === "in-progress" || outcome.kind === "never-sent")
    return outcome;
  if (plan.record) await workbook.write(plan.record);
  const event = reply.claims.event;
  if (outcome.kind === "unknown-tutor") {
    await followUps.alertOrganizer(
      {
        event,
        reason: `Réponse d'un tuteur qui n'est plus dans l'onglet Tuteurs (demande ancienne ?) : ${reply.answer.reason}`,
        text: reply.answer.text,
      },
      workbook,
    );
  } else if (outcome.decision === "unclear") {
    await followUps.alertOrganizer(
      {
        event,
        reason: reply.answer.reason,
        text: reply.answer.text,
        tutorEmail: outcome.tutorEmail,
        tab: outcome.tab,
        row: outcome.row,
      },
      workbook,
    );
  } else {
    if (outcome.decision === "decline") await followUps.onDecline(event, outcome.tutorEmail, workbook);
    await followUps.onAnswer?.(event, outcome.tutorEmail, outcome.decision, workbook);
  }
  if (plan.done) await workbook.write(plan.done);
  return outcome;
}

/**
 * A speaker's reply to the invitation of a cycle of lunch talks: claimed and recorded as a tutor's
 * reply is (`applyReply`), applied only to an invitation the ledger records as sent, written to
 * `Intervenants` (`core/replies/speaker.ts`). A decline or an unreadable answer is told to the
 * organizer at once (`alertOrganizer`, which sends the cycle's `alerte-intervenant`).
 */
export async function applySpeakerReply(
  workbook: EventWorkbook,
  reply: TutorReply,
  secrets: string | readonly string[],
  followUps: Pick<ReplyFollowUps, "alertOrganizer">,
  now: Date,
): Promise<ReplyOutcome> {
  const first = await workbook.read(SPEAKER_REPLY_TABS);
  const early = planSpeakerReply(first, reply, secrets, now);
  if (early.outcome.kind === "duplicate") return early.outcome;
  const sent = journalState(readLedger(first.get(TABS.journal.name)), new Date(0)).sent;
  if (
    early.outcome.kind === "recorded" &&
    !sent.has(
      messageKey(workbook.keys, early.outcome.tutorEmail, "invitation-intervenant", reply.claims.version),
    )
  )
    return { kind: "never-sent" };
  const snapshot =
    early.record === null ? first : await claimReply(workbook, first, reply.key, now, SPEAKER_REPLY_TABS);
  if (snapshot === null) return { kind: "in-progress" };
  const plan = snapshot === first ? early : planSpeakerReply(snapshot, reply, secrets, now);
  const { outcome } = plan;
  if (outcome.kind !== "recorded" && outcome.kind !== "unknown-tutor") return outcome;
  if (plan.record) await workbook.write(plan.record);
  // The request's own workbook: the alert is planned from what this reply just wrote.
  if (outcome.kind === "unknown-tutor" || outcome.decision !== "confirm")
    await followUps.alertOrganizer(
      {
        event: reply.claims.event,
        reason: reply.answer.reason,
        text: reply.answer.text,
        ...(outcome.kind === "recorded"
          ? { tutorEmail: outcome.tutorEmail, tab: outcome.tab, row: outcome.row }
          : {}),
      },
      workbook,
    );
  if (plan.done) await workbook.write(plan.done);
  return outcome;
}

/**
 * Whether the ledger holds the request of that version as sent to that tutor (a request, or its
 * nudge, which carries the same signed address): a token of a version never sent is refused.
 */
function requestSent(
  snapshot: WorkbookSnapshot,
  workbook: EventWorkbook,
  tutorEmail: string,
  version: number,
): boolean {
  const sent = journalState(readLedger(snapshot.get(TABS.journal.name)), new Date(0)).sent;
  return (["demande-tuteur", "relance-tuteur"] as const).some((kind) =>
    sent.has(messageKey(workbook.keys, tutorEmail, kind, version)),
  );
}

/**
 * Claims a reply before applying it: one `claim` entry, then the ledger read back. Answers the
 * snapshot read back when this delivery's claim wins, `null` when another delivery holds the reply.
 */
async function claimReply(
  workbook: EventWorkbook,
  snapshot: WorkbookSnapshot,
  key: string,
  now: Date,
  tabs: readonly string[] = REPLY_TABS,
): Promise<WorkbookSnapshot | null> {
  const run = randomUUID().replace(/-/g, "").slice(0, 12);
  const zone = zoneOfWorkbook(snapshot);
  await workbook.write(
    journalAppend(snapshot.get(TABS.journal.name), now, zone, [
      { event: "Réponse reçue", key, data: { kind: "claim", run, leaseMs: REPLY_LEASE_MS } },
    ]),
  );
  const back = await workbook.read(tabs, { fresh: true });
  const state = journalState(readLedger(back.get(TABS.journal.name)), now);
  return state.claims.get(key)?.run === run ? back : null;
}

/**
 * Records addresses the mail service reports as bouncing for good (or as complaining): one Journal
 * line `Adresse en échec` each, unless the Journal already has one for that address. The message
 * plan reads these lines: nothing is sent to the address again, and the organizer is told.
 * Answers the addresses newly recorded.
 */
export async function recordBounce(
  workbook: EventWorkbook,
  bounce: ReportedBounce,
  followUps: Pick<ReplyFollowUps, "onBounce">,
  now: Date,
): Promise<readonly string[]> {
  const snapshot = await workbook.read(BOUNCE_TABS);
  const plan = planBounce(snapshot, workbook.keys, bounce, now);
  if (plan.changes) await workbook.write(plan.changes);
  // Told even when the lines were there (a replay after a failure here): sending is idempotent.
  if (plan.bounced.length > 0) await followUps.onBounce?.(bounce.event, plan.bounced, workbook);
  return plan.recorded;
}

export type { ReportedBounce } from "../core/replies/bounce.js";
export type { ReplyOutcome, TutorReply } from "../core/replies/plan.js";

/**
 * Keeps the mail service's word that it accepted the message of a send id (an SES `Send` event),
 * once; the sending reconciles uncertain sends from it. Answers whether a row was added.
 */
export async function recordAccepted(
  workbook: EventWorkbook,
  sendId: string,
  messageId: string,
  now: Date,
): Promise<boolean> {
  const snapshot = await workbook.read(BOUNCE_TABS);
  const key = `${ACCEPTED_KEY_PREFIX}${sendId}`;
  if (readLedger(snapshot.get(TABS.journal.name)).entries.some((entry) => entry.key === key)) return false;
  const zone = zoneOfWorkbook(snapshot);
  await workbook.write(
    journalAppend(snapshot.get(TABS.journal.name), now, zone, [
      { event: "Accepté par le service d'envoi", key, data: { kind: "accepted", messageId } },
    ]),
  );
  return true;
}
