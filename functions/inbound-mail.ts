/**
 * `inboundMail`: Amazon SES receives a tutor's reply, publishes it to an SNS topic, and SNS posts it
 * here. Every post is verified (401 when unsigned or mis-signed), then held to the configured topic
 * (403 otherwise). A subscription is confirmed by fetching its `SubscribeURL`; a notification
 * carries the raw MIME message (base64), which is read, tied to a tutor by the signed token of the
 * address it was sent to, classified and applied.
 * The same topic may carry SES's bounce and complaint notifications: a permanent bounce or a
 * complaint marks each address `Adresse en échec` in the Journal of the event the message belonged
 * to (named by the `X-Passerelle-Key` header every message carries, which the notification quotes
 * when the identity includes original headers; or by a `passerelle-event` message tag; or by the
 * signed reply address of a tutor request). A transient bounce is only logged.
 * Statuses are SNS's retry decision: 2xx is done, anything else is retried by SNS.
 * A body over 256 KB (what SNS carries) is refused with 413 before it is parsed; a message signed
 * more than an hour ago (or more than five minutes ahead) with 401, as a replay.
 * A reply whose token does not verify (missing, forged, of another event's key, or of a request
 * version never sent) writes into no workbook: it is counted in the logs, by reason only.
 * Nothing a person wrote (addresses, names, text) is logged.
 */

import { createHash } from "node:crypto";
import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import { z } from "zod";
import { readMime } from "./adapters/mime-reader.js";
import { isSnsUrl, type SnsMessage, type SnsVerifierPort, snsMessage } from "./adapters/sns-verifier.js";
import { applyReply, type ReplyFollowUps, recordAccepted, recordBounce } from "./app/apply-reply.js";
import { recordSurveyReply } from "./app/feedback.js";
import { inSession } from "./app/workbook-session.js";
import { isSurveyReply } from "./core/feedback/survey-reply.js";
import { EVENT_TAG, eventOfKey, KEY_HEADER, SEND_TAG } from "./core/messages/plan.js";
import { BOUNCE_KEY_PREFIX } from "./core/replies/bounce.js";
import { decideMessage } from "./core/replies/decide.js";
import { REPLY_KEY_PREFIX } from "./core/replies/plan.js";
import { findReplyToken } from "./core/reply-token.js";
import { RetryableError, statusForError } from "./errors.js";
import type { Clock, EventWorkbook, Log } from "./ports.js";

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
export type SesReceivedNotification = z.infer<typeof sesReceivedNotification>;

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
const EVENT_ID = /^[A-Za-z0-9_.-]{1,200}$/;

/** The largest body accepted, in bytes: what SNS can carry. */
export const INBOUND_MAIL_MAX_BYTES = 256 * 1024;
/** How old a signed SNS message may be (SNS retries a delivery for less than that). */
export const SNS_MAX_AGE_MS = 60 * 60 * 1000;
/** How far ahead of the clock a message's time may be. */
const SNS_MAX_AHEAD_MS = 5 * 60 * 1000;

export interface InboundMailDeps {
  readonly verifier: SnsVerifierPort;
  readonly config: {
    /**
     * The only topics whose messages are processed: the one SES publishes received replies to, and
     * the one it publishes bounces and complaints to, when that is another.
     */
    readonly topicArn: string | readonly string[];
    /** The reply-address secret; several while one replaces another. */
    readonly replySecret: string | readonly string[];
  };
  /** The workbook of an event (its id is the spreadsheet id). */
  readonly workbookFor: (event: string) => EventWorkbook;
  readonly clock: Clock;
  /** Confirms a subscription; only ever called with an SNS URL of the configured topic. */
  readonly fetch: (url: string) => Promise<{ readonly ok: boolean; readonly status: number }>;
  readonly followUps: ReplyFollowUps;
  readonly log: Log;
}

export function inboundMailHandler(deps: InboundMailDeps): HttpFunction {
  return async (request: Request, response: Response) => {
    if (request.method !== "POST") {
      response.status(405).set("allow", "POST").json({ error: "Méthode non permise : utilisez POST." });
      return;
    }
    const body = request.rawBody ?? Buffer.alloc(0);
    if (body.length > INBOUND_MAIL_MAX_BYTES) {
      deps.log.warn("inbound-mail.too-large", { bytes: body.length });
      response.status(413).json({ error: "Requête trop volumineuse." });
      return;
    }
    const message = parseSns(body);
    if (message === null) {
      deps.log.warn("inbound-mail.bad-request");
      response.status(400).json({ error: "Requête invalide : ce n'est pas un message SNS." });
      return;
    }
    const verdict = await deps.verifier.verify(message);
    if (!verdict.ok) {
      deps.log.warn("inbound-mail.refused", { reason: verdict.reason });
      // An unreachable certificate may be a passing failure: let SNS try again.
      const status = verdict.reason === "certificate-unavailable" ? 503 : 401;
      response.status(status).json({ error: "Signature SNS absente ou invalide." });
      return;
    }
    if (!fresh(message.Timestamp, deps.clock.now())) {
      deps.log.warn("inbound-mail.refused", { reason: "stale" });
      response.status(401).json({ error: "Message SNS périmé." });
      return;
    }
    const topics: readonly string[] =
      typeof deps.config.topicArn === "string" ? [deps.config.topicArn] : deps.config.topicArn;
    if (!topics.includes(message.TopicArn)) {
      deps.log.warn("inbound-mail.other-topic", { type: message.Type });
      response.status(403).json({ error: "Sujet SNS non attendu." });
      return;
    }
    try {
      switch (message.Type) {
        case "SubscriptionConfirmation":
          await confirmSubscription(deps, message, response);
          return;
        case "UnsubscribeConfirmation":
          deps.log.warn("inbound-mail.unsubscribed");
          response.status(200).json({ ok: true });
          return;
        case "Notification":
          response.status(200).json(await handleNotification(deps, message));
          return;
      }
    } catch (error) {
      // Any failure is retried by SNS; 503 says it may pass (the reply held by another delivery,
      // the spreadsheet unavailable for now), 500 that it was unexpected.
      const status = statusForError(error);
      deps.log.error("inbound-mail.failed", {
        error: error instanceof Error ? error.name : typeof error,
        status,
      });
      response.status(status).json({ error: "Erreur : SNS renverra le message." });
    }
  };
}

/** Whether a message's signed time is within the hour before `now` (five minutes ahead at most). */
function fresh(timestamp: string, now: Date): boolean {
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return false;
  return at >= now.getTime() - SNS_MAX_AGE_MS && at <= now.getTime() + SNS_MAX_AHEAD_MS;
}

function parseSns(raw: Buffer): SnsMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    return null;
  }
  const parsed = snsMessage.safeParse(json);
  return parsed.success ? parsed.data : null;
}

async function confirmSubscription(deps: InboundMailDeps, message: SnsMessage, response: Response) {
  const url = message.SubscribeURL;
  if (!url || !isSnsUrl(url)) {
    deps.log.warn("inbound-mail.bad-subscribe-url");
    response.status(400).json({ error: "Adresse de confirmation d'abonnement refusée." });
    return;
  }
  const answer = await deps.fetch(url);
  if (!answer.ok) {
    deps.log.error("inbound-mail.subscribe-failed", { status: answer.status });
    response.status(502).json({ error: "La confirmation d'abonnement a échoué ; SNS la renverra." });
    return;
  }
  deps.log.info("inbound-mail.subscribed");
  response.status(200).json({ ok: true, subscribed: true });
}

type NotificationAnswer = Readonly<Record<string, string | number | boolean>>;

async function handleNotification(deps: InboundMailDeps, message: SnsMessage): Promise<NotificationAnswer> {
  const now = deps.clock.now();
  let json: unknown;
  try {
    json = JSON.parse(message.Message);
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
  const notification = parsed.data;
  if (notification.content === undefined) {
    deps.log.error("inbound-mail.no-content");
    return { ok: true, outcome: "no-content" };
  }
  const raw =
    notification.receipt.action?.encoding?.toUpperCase() === "UTF8"
      ? Buffer.from(notification.content, "utf8")
      : Buffer.from(notification.content, "base64");
  const mail = await readMime(raw);
  const answer = decideMessage(mail);
  // The email's own Message-ID: the same email delivered twice (two SNS ids) is one reply.
  const key = replyKeyOf(mail, raw);
  const recipients = [
    ...(notification.receipt.recipients ?? []),
    ...notification.mail.destination,
    ...mail.recipients,
  ];
  const token = findReplyToken(recipients, deps.config.replySecret);
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
        deps.config.replySecret,
      ),
    );
    if (recorded.outcome === "in-progress")
      throw new RetryableError("another delivery is recording this survey reply");
    deps.log.info("inbound-mail.feedback", { outcome: recorded.outcome });
    return { ok: true, outcome: `feedback-${recorded.outcome}` };
  }
  const outcome = await inSession(workbook, () =>
    applyReply(workbook, { key, claims: token.claims, answer }, deps.config.replySecret, deps.followUps, now),
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
  deps: InboundMailDeps,
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
  deps: InboundMailDeps,
  message: SnsMessage,
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
  const event = eventOfFeedback(notification, deps.config.replySecret);
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
        key: `${BOUNCE_KEY_PREFIX}${message.MessageId}`,
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
