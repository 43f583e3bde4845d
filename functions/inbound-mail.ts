/**
 * `inboundMail`: Amazon SES publishes what it receives (tutors' replies), its bounces, complaints
 * and `Send` events to an SNS topic, and SNS posts them here. This function only translates: every
 * post is verified (401 when unsigned, mis-signed or replayed, 503 when the certificate cannot be
 * fetched for now), held to the configured topics (403 otherwise), a subscription confirmed by
 * fetching its `SubscribeURL`; a notification is handed to `receiveNotification` (app/inbound.ts),
 * and its outcome mapped to a status by `statusForError`.
 * Statuses are SNS's retry decision: 2xx is done, anything else is retried by SNS.
 * A body over 256 KB (what SNS carries) is refused with 413 before it is parsed; a message signed
 * more than an hour ago (or more than five minutes ahead) with 401, as a replay.
 * Nothing a person wrote (addresses, names, text) is logged.
 */

import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import { readMime } from "./adapters/mime-reader.js";
import { isSnsUrl, type SnsMessage, type SnsVerifierPort, snsMessage } from "./adapters/sns-verifier.js";
import type { ReplyFollowUps } from "./app/apply-reply.js";
import { type InboundDeps, receiveNotification } from "./app/inbound.js";
import { statusForError } from "./errors.js";
import type { Clock, EventWorkbook, Log } from "./ports.js";
import type { Refusal } from "./request-guard.js";

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

/** The `inboundMail` function: verifies, then hands a notification to `receiveNotification`. */
export function inboundMailHandler(deps: InboundMailDeps): HttpFunction {
  const inbound: InboundDeps = {
    replySecret: deps.config.replySecret,
    workbookFor: deps.workbookFor,
    clock: deps.clock,
    readMail: readMime,
    followUps: deps.followUps,
    log: deps.log,
  };
  return async (request: Request, response: Response) => {
    if (request.method !== "POST") {
      response.status(405).set("allow", "POST").json({ error: "Méthode non permise : utilisez POST." });
      return;
    }
    const verified = await verify(deps, request.rawBody ?? Buffer.alloc(0));
    if ("status" in verified) {
      deps.log.warn(verified.log, verified.fields);
      response.status(verified.status).json({ error: verified.error });
      return;
    }
    try {
      if (verified.Type === "SubscriptionConfirmation") await confirmSubscription(deps, verified, response);
      else if (verified.Type === "UnsubscribeConfirmation") {
        deps.log.warn("inbound-mail.unsubscribed");
        response.status(200).json({ ok: true });
      } else {
        const answer = await receiveNotification(inbound, {
          messageId: verified.MessageId,
          message: verified.Message,
        });
        response.status(200).json(answer);
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

/**
 * The SNS message a body carries once it is verified, or why it is refused: over 256 KB, not an SNS
 * message, not signed by SNS (or replayed), or of another topic.
 */
async function verify(deps: InboundMailDeps, body: Buffer): Promise<SnsMessage | Refusal> {
  if (body.length > INBOUND_MAIL_MAX_BYTES)
    return {
      status: 413,
      error: "Requête trop volumineuse.",
      log: "inbound-mail.too-large",
      fields: { bytes: body.length },
    };
  const message = parseSns(body);
  if (message === null)
    return {
      status: 400,
      error: "Requête invalide : ce n'est pas un message SNS.",
      log: "inbound-mail.bad-request",
    };
  const verdict = await deps.verifier.verify(message);
  if (!verdict.ok)
    return {
      // An unreachable certificate may be a passing failure: let SNS try again.
      status: verdict.reason === "certificate-unavailable" ? 503 : 401,
      error: "Signature SNS absente ou invalide.",
      log: "inbound-mail.refused",
      fields: { reason: verdict.reason },
    };
  if (!fresh(message.Timestamp, deps.clock.now()))
    return {
      status: 401,
      error: "Message SNS périmé.",
      log: "inbound-mail.refused",
      fields: { reason: "stale" },
    };
  const topics: readonly string[] =
    typeof deps.config.topicArn === "string" ? [deps.config.topicArn] : deps.config.topicArn;
  if (!topics.includes(message.TopicArn))
    return {
      status: 403,
      error: "Sujet SNS non attendu.",
      log: "inbound-mail.other-topic",
      fields: { type: message.Type },
    };
  return message;
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
