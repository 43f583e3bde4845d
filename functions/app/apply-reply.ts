/**
 * Applying a tutor's reply to the event's workbook: one read, the tutor's row written, then the
 * follow-ups (re-placement after a decline, the organizer's alert for an unclear answer), then the
 * Journal line with the reply's key. The key is written last so that a failure in between is retried
 * by SNS and the follow-ups run again rather than never; they must be idempotent themselves.
 */
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
  alertOrganizer(alert: OrganizerAlert): Promise<void>;
  /** Called after a yes or a no is recorded, e.g. to wake the workflow waiting for the answers. */
  onAnswer?(event: string, tutorEmail: string, decision: "confirm" | "decline"): Promise<void>;
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
  if (plan.rowChanges) await workbook.write({ cells: plan.rowChanges.cells });
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
  if (plan.journal) await workbook.write(plan.journal);
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

export type { ReplyOutcome, TutorReply } from "../core/replies/plan.js";
