/**
 * Receiving what SES publishes to SNS, once the notification is verified (`inboundMail`): a tutor's,
 * a speaker's or a participant's reply, a bounce or a complaint, a `Send` event.
 *
 * A reply's raw MIME message is read (by the adapter given as `readMail`), tied to its sender by the
 * signed token of the address it was sent to, classified and applied once (claimed by its
 * `Message-ID`); a survey answer is recorded. A reply whose token does not verify (missing, forged,
 * of another event's key, or of a request version never sent) writes into no workbook: it is
 * counted in the logs, by reason only.
 * A permanent bounce or a complaint marks each address `Adresse en échec` in the Journal of the
 * event the message belonged to (named by the `X-Passerelle-Key` header every message carries, which
 * the notification quotes when the identity includes original headers; or by a `passerelle-event`
 * message tag; or by the signed reply address of a tutor request). A transient bounce is only logged.
 * A `Send` event is kept as the evidence that settles a send whose outcome was unknown.
 * Throws `RetryableError` when another delivery of the same email is being applied (the caller
 * answers so that SNS delivers it again). Nothing a person wrote (addresses, names, text) is logged.
 */

import { createHash } from "node:crypto";
import { z } from "zod";
import { isSurveyReply } from "../core/feedback/survey-reply.js";
import { EVENT_TAG, eventOfKey, KEY_HEADER, SEND_TAG } from "../core/messages/plan.js";
import { BOUNCE_KEY_PREFIX } from "../core/replies/bounce.js";
import { decideMessage } from "../core/replies/decide.js";
import type { InboundMessage } from "../core/replies/message.js";
import { REPLY_KEY_PREFIX } from "../core/replies/plan.js";
import { findReplyToken } from "../core/security/reply-token.js";
import { RetryableError } from "../errors.js";
import type { Clock, EventWorkbook, Log } from "../ports.js";
import { applyReply, type ReplyFollowUps, recordAccepted, recordBounce } from "./apply-reply.js";
import { recordSurveyReply } from "./feedback.js";
import { inSession } from "./workbook-session.js";

/** The SES notification SNS carries (action `SNS`), the parts read here. */
export const sesReceivedNotification = z.object({
  notificationType: z.literal("Received"),
  mail: z.object({
    messageId: z.string().optional(),
    destination: z.array(z.string()).default([]),
  }),
  receipt: z
    .object({
      recipients: z.array(z.string()).default([]),
      action: z.object({ type: z.string(), encoding: z.string().optional() }).partial().optional(),
    })
    .partial()
    .default({}),
  content: z.string().optional(),
});

const recipientsOf = z.array(z.object({ emailAddress: z.string() }).loose()).default([]);

/**
 * A bounce or a complaint, as SES publishes it: as an identity notification (`notificationType`) or
 * through a configuration set's event destination (`eventType`).
 */
export const sesFeedbackNotification = z
  .object({
    notificationType: z.enum(["Bounce", "Complaint"]).optional(),
    eventType: z.enum(["Bounce", "Complaint"]).optional(),
    bounce: z
      .object({
        bounceType: z.string(),
        bounceSubType: z.string().optional(),
        bouncedRecipients: recipientsOf,
      })
      .loose()
      .optional(),
    complaint: z
      .object({ complaintFeedbackType: z.string().optional(), complainedRecipients: recipientsOf })
      .loose()
      .optional(),
    mail: z
      .object({
        messageId: z.string().optional(),
        headers: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
        commonHeaders: z
          .object({ replyTo: z.array(z.string()).optional() })
          .loose()
          .optional(),
        tags: z.record(z.string(), z.array(z.string())).default({}),
      })
      .loose(),
  })
  .loose()
  .refine((value) => (value.notificationType ?? value.eventType) !== undefined);
export type SesFeedbackNotification = z.infer<typeof sesFeedbackNotification>;

/**
 * A `Send` event of a configuration set's event destination: SES accepted a message. Its tags name
 * the event and the message's send id (`SEND_TAG`); the ledger keeps it as the evidence that
 * settles a send whose outcome was unknown.
 */
export const sesSendEvent = z.object({
  eventType: z.literal("Send"),
  mail: z.object({
    messageId: z.string().max(300),
    tags: z.record(z.string(), z.array(z.string())).default({}),
  }),
});
/** An event id as a tag or key may carry it. */
const EVENT_ID = /^[A-Za-z0-9_.-]{1,200}$/;

export interface InboundDeps {
  /** The reply-address secret; several while one replaces another. */
  readonly replySecret: string | readonly string[];
  /** The workbook of an event (its id is the spreadsheet id), a request's session. */
  readonly workbookFor: (event: string) => EventWorkbook;
  readonly clock: Clock;
  /** Reads a raw MIME message (the mail reader adapter); never throws on a malformed one. */
  readonly readMail: (raw: Buffer) => Promise<InboundMessage>;
  readonly followUps: ReplyFollowUps;
  readonly log: Log;
}

/** A verified notification: SNS's message id and its `Message` (SES's JSON). */
export interface VerifiedNotification {
  readonly messageId: string;
  readonly message: string;
}

/** What `inboundMail` answers SNS with (200): the outcome, in a few counts and words. */
export type NotificationAnswer = Readonly<Record<string, string | number | boolean>>;

/** Receives one verified SES notification: a bounce or complaint, a `Send` event, or a received mail. */
export async function receiveNotification(
  deps: InboundDeps,
  message: VerifiedNotification,
): Promise<NotificationAnswer> {
  const now = deps.clock.now();
  let json: unknown;
  try {
    json = JSON.parse(message.message);
  } catch {
    json = null;
  }
  const feedback = sesFeedbackNotification.safeParse(json);
  if (feedback.success) return handleFeedback(deps, message, feedback.data, now);
  const send = sesSendEvent.safeParse(json);
  if (send.success) return handleSendEvent(deps, send.data, now);
  const parsed = sesReceivedNotification.safeParse(json);
  if (!parsed.success) {
    // Not a received mail (a test notification, another publisher): nothing to retry.
    deps.log.warn("inbound-mail.not-a-received-mail");
    return { ok: true, outcome: "ignored" };
  }
  return receiveMail(deps, parsed.data, now);
}

/**
 * A received email: read, tied to its sender by the signed token of the address it was sent to,
 * and applied once (a survey answer recorded, a tutor's or speaker's reply applied).
 */
async function receiveMail(
  deps: InboundDeps,
  notification: z.infer<typeof sesReceivedNotification>,
  now: Date,
): Promise<NotificationAnswer> {
  if (notification.content === undefined) {
    deps.log.error("inbound-mail.no-content");
    return { ok: true, outcome: "no-content" };
  }
  const raw =
    notification.receipt.action?.encoding?.toUpperCase() === "UTF8"
      ? Buffer.from(notification.content, "utf8")
      : Buffer.from(notification.content, "base64");
  const mail = await deps.readMail(raw);
  const answer = decideMessage(mail);
  // The email's own Message-ID: the same email delivered twice (two SNS ids) is one reply.
  const key = replyKeyOf(mail, raw);
  const recipients = [
    ...(notification.receipt.recipients ?? []),
    ...notification.mail.destination,
    ...mail.recipients,
  ];
  const token = findReplyToken(recipients, deps.replySecret);
  if (!token.ok) {
    // Written nowhere: an address nobody signed cannot name the workbook it goes to.
    deps.log.warn("inbound-mail.unmatched", { reason: token.reason, decision: answer.decision });
    return { ok: true, outcome: `unmatched-${token.reason}` };
  }
  const workbook = deps.workbookFor(token.claims.event);
  if (isSurveyReply(token.claims)) {
    const recorded = await inSession(workbook, () =>
      recordSurveyReply(
        workbook,
        {
          messageId: mail.headers.get("message-id") ?? key,
          key,
          claims: token.claims,
          message: mail,
          receivedAt: now,
        },
        deps.replySecret,
      ),
    );
    if (recorded.outcome === "in-progress")
      throw new RetryableError("another delivery is recording this survey reply");
    deps.log.info("inbound-mail.feedback", { outcome: recorded.outcome });
    return { ok: true, outcome: `feedback-${recorded.outcome}` };
  }
  const outcome = await inSession(workbook, () =>
    applyReply(workbook, { key, claims: token.claims, answer }, deps.replySecret, deps.followUps, now),
  );
  if (outcome.kind === "in-progress") {
    // Another delivery of the same email is applying it: SNS delivers this one again later.
    deps.log.info("inbound-mail.in-progress");
    throw new RetryableError("another delivery is applying this reply");
  }
  deps.log.info("inbound-mail.applied", {
    outcome: outcome.kind,
    decision: answer.decision,
    ...(outcome.kind === "recorded" && outcome.previous ? { changedMind: true } : {}),
    tookMs: deps.clock.now().getTime() - now.getTime(),
  });
  return { ok: true, outcome: outcome.kind, decision: answer.decision };
}

/**
 * The idempotency key of a received email: a digest of its `Message-ID`, or, without one, of its
 * sender, date and body (`reponse:<32 base64url characters>`; no personal data).
 */
export function replyKeyOf(mail: { readonly headers: ReadonlyMap<string, string> }, raw: Buffer): string {
  const id = (mail.headers.get("message-id") ?? "").trim();
  const basis =
    id !== ""
      ? `id:${id}`
      : `raw:${mail.headers.get("from") ?? ""}|${mail.headers.get("date") ?? ""}|${raw.toString("base64")}`;
  return `${REPLY_KEY_PREFIX}${createHash("sha256").update(basis).digest("base64url").slice(0, 32)}`;
}

/** Records that SES accepted a message (once per send id) in the event its tags name. */
async function handleSendEvent(
  deps: InboundDeps,
  event: z.infer<typeof sesSendEvent>,
  now: Date,
): Promise<NotificationAnswer> {
  const eventId = event.mail.tags[EVENT_TAG]?.[0];
  const sendId = event.mail.tags[SEND_TAG]?.[0];
  if (!eventId || !EVENT_ID.test(eventId) || !sendId || !/^[A-Za-z0-9_-]{1,64}$/.test(sendId)) {
    deps.log.warn("inbound-mail.send-event-unattributed");
    return { ok: true, outcome: "send-event-ignored" };
  }
  const workbook = deps.workbookFor(eventId);
  const recorded = await inSession(workbook, () =>
    recordAccepted(workbook, sendId, event.mail.messageId, now),
  );
  deps.log.info("inbound-mail.send-event", { recorded });
  return { ok: true, outcome: "send-event-recorded" };
}

async function handleFeedback(
  deps: InboundDeps,
  message: VerifiedNotification,
  notification: SesFeedbackNotification,
  now: Date,
): Promise<NotificationAnswer> {
  const complaint = (notification.notificationType ?? notification.eventType) === "Complaint";
  if (!complaint && notification.bounce?.bounceType !== "Permanent") {
    // A full mailbox, a server down for now: SES has retried already, and the next message may pass.
    deps.log.info("inbound-mail.bounce-transient", { bounceType: notification.bounce?.bounceType ?? "" });
    return { ok: true, outcome: "bounce-ignored" };
  }
  const addresses = (
    complaint ? notification.complaint?.complainedRecipients : notification.bounce?.bouncedRecipients
  )?.map((recipient) => recipient.emailAddress);
  const event = eventOfFeedback(notification, deps.replySecret);
  if (event === null || !addresses || addresses.length === 0) {
    deps.log.warn("inbound-mail.bounce-unattributed", { hasEvent: event !== null });
    return { ok: true, outcome: "bounce-unattributed" };
  }
  const subType = complaint
    ? notification.complaint?.complaintFeedbackType
    : notification.bounce?.bounceSubType;
  const workbook = deps.workbookFor(event);
  const recorded = await inSession(workbook, () =>
    recordBounce(
      workbook,
      {
        event,
        kind: complaint ? "complaint" : "bounce",
        addresses,
        ...(subType ? { subType } : {}),
        key: `${BOUNCE_KEY_PREFIX}${message.messageId}`,
      },
      deps.followUps,
      now,
    ),
  );
  deps.log.info("inbound-mail.bounce-recorded", { complaint, recorded: recorded.length });
  return {
    ok: true,
    outcome: complaint ? "complaint-recorded" : "bounce-recorded",
    recorded: recorded.length,
  };
}

/**
 * The event a bounced message belonged to: its key header, its event tag, or the signed reply
 * address of a tutor request, in that order; `null` when the notification carries none of them.
 */
export function eventOfFeedback(
  notification: SesFeedbackNotification,
  replySecret: string | readonly string[],
): string | null {
  const header = (name: string) =>
    notification.mail.headers.filter((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  const candidates = [
    ...header(KEY_HEADER).map((candidate) => eventOfKey(candidate.value)),
    ...(notification.mail.tags[EVENT_TAG] ?? []),
  ];
  const found = candidates.find(
    (candidate): candidate is string => candidate !== null && EVENT_ID.test(candidate),
  );
  if (found) return found;
  const replyTo = [
    ...header("Reply-To").map((candidate) => candidate.value),
    ...(notification.mail.commonHeaders?.replyTo ?? []),
  ];
  const token = findReplyToken(replyTo, replySecret);
  return token.ok ? token.claims.event : null;
}
