/**
 * Applying a tutor's reply to the event's workbook: one read; the tutor's row and the reply's Journal
 * line in one write; then the follow-ups (re-placement after a decline, the organizer's alerts, the
 * workflow woken); then a last Journal line saying they are done.
 *
 * A failure anywhere is answered with an error, so SNS sends the reply again. The replay finds the
 * reply's line and does not touch the row again (a newer reply may have changed it since); it runs
 * the follow-ups again, which are idempotent (the re-placement moves nobody a second time, every
 * message has its key); once the last line is there, a replay does nothing at all.
 *
 * Also here: a bounce or a complaint the mail service reports, which marks the address in the
 * Journal so that nothing is written to it again.
 */
import { BOUNCE_TABS, planBounce, type ReportedBounce } from "../core/replies/bounce.js";
import {
  planForgedReply,
  planReply,
  REPLY_TABS,
  type ReplyOutcome,
  type TutorReply,
} from "../core/replies/plan.js";
import type { Workbook } from "../ports.js";

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

export interface ReplyFollowUps {
  /** Re-places the participants of a tutor who declined and tells who needs to know (wired by the composition root). */
  onDecline(event: string, tutorEmail: string): Promise<void>;
  /**
   * Tells the organizer about a reply that needs a person. The reply's Journal line is already
   * written when this is called, so the alert can be planned from it (see `replyFollowUps`).
   */
  alertOrganizer(alert: OrganizerAlert): Promise<void>;
  /** Called after a yes or a no is recorded, e.g. to wake the workflow waiting for the answers. */
  onAnswer?(event: string, tutorEmail: string, decision: "confirm" | "decline"): Promise<void>;
  /** Called after bounced addresses are recorded, e.g. to send the organizer's alert at once. */
  onBounce?(event: string, addresses: readonly string[]): Promise<void>;
}

export async function applyReply(
  workbook: Workbook,
  reply: TutorReply,
  secrets: string | readonly string[],
  followUps: ReplyFollowUps,
  now: Date,
): Promise<ReplyOutcome> {
  const snapshot = await workbook.read(REPLY_TABS);
  const plan = planReply(snapshot, reply, secrets, now);
  const { outcome } = plan;
  if (outcome.kind === "duplicate") return outcome;
  if (plan.record) await workbook.write(plan.record);
  const event = reply.claims.event;
  if (outcome.kind === "unknown-tutor") {
    await followUps.alertOrganizer({
      event,
      reason: `Réponse d'un tuteur qui n'est plus dans l'onglet Tuteurs (demande ancienne ?) : ${reply.answer.reason}`,
      text: reply.answer.text,
    });
  } else if (outcome.decision === "unclear") {
    await followUps.alertOrganizer({
      event,
      reason: reply.answer.reason,
      text: reply.answer.text,
      tutorEmail: outcome.tutorEmail,
      tab: outcome.tab,
      row: outcome.row,
    });
  } else {
    if (outcome.decision === "decline") await followUps.onDecline(event, outcome.tutorEmail);
    await followUps.onAnswer?.(event, outcome.tutorEmail, outcome.decision);
  }
  if (plan.done) await workbook.write(plan.done);
  return outcome;
}

/** Keeps, in the named event's Journal, a reply whose token was forged; nothing else is done. */
export async function keepForgedReply(
  workbook: Workbook,
  key: string,
  now: Date,
): Promise<"kept" | "duplicate"> {
  const snapshot = await workbook.read(REPLY_TABS);
  const journal = planForgedReply(snapshot, key, now);
  if (journal === null) return "duplicate";
  await workbook.write(journal);
  return "kept";
}

/**
 * Records addresses the mail service reports as bouncing for good (or as complaining): one Journal
 * line `Adresse en échec` each, unless the Journal already has one for that address. The message
 * plan reads these lines: nothing is sent to the address again, and the organizer is told.
 * Answers the addresses newly recorded.
 */
export async function recordBounce(
  workbook: Workbook,
  bounce: ReportedBounce,
  followUps: Pick<ReplyFollowUps, "onBounce">,
  now: Date,
): Promise<readonly string[]> {
  const snapshot = await workbook.read(BOUNCE_TABS);
  const plan = planBounce(snapshot, bounce, now);
  if (plan.changes) await workbook.write(plan.changes);
  // Told even when the lines were there (a replay after a failure here): sending is idempotent.
  if (plan.bounced.length > 0) await followUps.onBounce?.(bounce.event, plan.bounced);
  return plan.recorded;
}

export type { ReportedBounce } from "../core/replies/bounce.js";
export type { ReplyOutcome, TutorReply } from "../core/replies/plan.js";
