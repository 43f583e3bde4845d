/**
 * The Mailer on Amazon SES (`SendRawEmail`, so the calendar file travels as a MIME attachment).
 * The endpoint, region and credentials come from configuration: Amazon SES in production, the
 * local SES-compatible server (`aws-ses-v2-local`) on one machine and in tests.
 *
 * The SDK's own retries are turned off so that there is one retry policy, here, and it retries
 * only what proves SES did not take the message: throttling (SES refuses before accepting) and a
 * connection that could not be opened. A timeout, a reset connection or a 5xx may come after SES
 * accepted the message: it is thrown at once as `UncertainSendError`, never retried (the sending
 * reconciles it from SES's own reports). `MessageRejected`, an invalid address and every other 4xx
 * are permanent (`PermanentSendError`). Throttling still failing after the last attempt is thrown
 * as `TransientSendError`. Each carries the SDK's error as `cause`.
 *
 * Every message carries its tags (`passerelle-send`, `passerelle-event`) as SES message tags, which
 * SES reports back in its `Send` events (SES API reference, `SendRawEmail`, `Tags`).
 */
import { SESClient, SendRawEmailCommand } from "@aws-sdk/client-ses";
import { isThrottlingError } from "@smithy/core/retry";
import { z } from "zod";
import {
  type MailAddress,
  type Mailer,
  type OutgoingMessage,
  PermanentSendError,
  TransientSendError,
  UncertainSendError,
} from "../ports.js";
import { bareAddress, buildMime } from "./mime.js";
import { httpStatusOf, type RetryOptions, withRetry } from "./retry.js";

export const sesMailerConfig = z.object({
  region: z.string().min(1),
  /** A local SES-compatible server; Amazon SES when absent. */
  endpoint: z.url().optional(),
  credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }).optional(),
  /** How long one call may take before it counts as a timeout (retried). */
  requestTimeoutMs: z.number().int().positive().default(10_000),
  attempts: z.number().int().min(1).max(10).default(5),
  baseDelayMs: z.number().nonnegative().default(200),
  maxDelayMs: z.number().nonnegative().default(5_000),
  /** A configuration set (event publishing of bounces and complaints). */
  configurationSet: z.string().optional(),
});
export type SesMailerConfig = z.input<typeof sesMailerConfig>;

/**
 * The connection could not be opened, so the request never reached SES: safe to try again. Node's
 * errno codes; the SDK's own classification counts a refused connection among timeouts, which may
 * follow an accepted message, so it cannot tell this case apart.
 */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: "client" | "server";
  Error?: { Code?: string };
  cause?: unknown;
}

/** How a failed `SendRawEmail` call ended, for the retry decision. */
export type SesFailure = "not-accepted" | "ambiguous" | "permanent";

/** Whether SES surely did not take the message (retry), may have (reconcile), or refused it (permanent). */
export function classifySesError(error: unknown): SesFailure {
  if (typeof error !== "object" || error === null) return "ambiguous";
  const e = error as SdkLikeError;
  // Throttling as the SDK classifies it (its throttling codes, HTTP 429, `$retryable.throttling`):
  // SES refused the call before accepting anything.
  const named = { ...e, name: e.Error?.Code ?? e.name ?? "" } as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(named)) return "not-accepted";
  const errno = e.code ?? (e.cause as SdkLikeError | undefined)?.code;
  if (errno && NOT_SENT_CODES.has(errno)) return "not-accepted";
  const status = e.$metadata?.httpStatusCode ?? httpStatusOf(error);
  if (status === 429) return "not-accepted";
  if (status !== undefined && status >= 400 && status < 500 && status !== 408) return "permanent";
  return "ambiguous";
}

/** Whether an SDK error may succeed if tried again (`classifySesError` says it was not accepted). */
export function isTransientSesError(error: unknown): boolean {
  return classifySesError(error) === "not-accepted";
}

function permanentReason(error: unknown): "invalid-address" | "rejected" {
  const e = (error ?? {}) as SdkLikeError;
  const code = e.Error?.Code ?? e.name ?? "";
  const text = `${code} ${e.message ?? ""}`;
  if (code === "MessageRejected") return "rejected";
  if (/InvalidParameterValue|address|mailbox|domain/i.test(text)) return "invalid-address";
  return "rejected";
}

function describe(error: unknown): string {
  const e = (error ?? {}) as SdkLikeError;
  const code = e.Error?.Code ?? e.name ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  return `${code}${status ? ` (HTTP ${status})` : ""}`;
}

const TAG = /^[A-Za-z0-9_-]{1,255}$/;

/** The message's tags SES accepts (names and values of `[A-Za-z0-9_-]`, under 256 characters). */
function tagsOf(message: OutgoingMessage): { Name: string; Value: string }[] {
  return Object.entries(message.tags ?? {})
    .filter(([name, value]) => TAG.test(name) && TAG.test(value))
    .map(([Name, Value]) => ({ Name, Value }));
}

export class SesMailer implements Mailer {
  private readonly client: SESClient;
  private readonly config: z.output<typeof sesMailerConfig>;

  constructor(
    config: SesMailerConfig,
    private readonly retry: Pick<RetryOptions, "sleep" | "random"> = {},
  ) {
    this.config = sesMailerConfig.parse(config);
    this.client = new SESClient({
      region: this.config.region,
      ...(this.config.endpoint ? { endpoint: this.config.endpoint } : {}),
      ...(this.config.credentials ? { credentials: this.config.credentials } : {}),
      maxAttempts: 1,
      requestHandler: {
        requestTimeout: this.config.requestTimeoutMs,
        connectionTimeout: this.config.requestTimeoutMs,
      },
    });
  }

  async send(message: OutgoingMessage): Promise<{ readonly messageId: string }> {
    const raw = await buildMime(message);
    const destination = bareAddress(message.to as MailAddress);
    try {
      const answer = await withRetry(
        () =>
          this.client.send(
            new SendRawEmailCommand({
              RawMessage: { Data: raw },
              Destinations: [destination],
              ...(tagsOf(message).length > 0 ? { Tags: tagsOf(message) } : {}),
              ...(this.config.configurationSet ? { ConfigurationSetName: this.config.configurationSet } : {}),
            }),
            // A call that hangs is abandoned and counts as a timeout (retried).
            { abortSignal: AbortSignal.timeout(this.config.requestTimeoutMs) },
          ),
        {
          attempts: this.config.attempts,
          baseDelayMs: this.config.baseDelayMs,
          maxDelayMs: this.config.maxDelayMs,
          retryable: isTransientSesError,
          ...this.retry,
        },
      );
      if (!answer.MessageId) throw new TransientSendError("SES answered without a message id.");
      return { messageId: answer.MessageId };
    } catch (error) {
      if (error instanceof TransientSendError) throw error;
      const failure = classifySesError(error);
      if (failure === "not-accepted")
        throw new TransientSendError(
          `SES still refusing after ${this.config.attempts} attempts: ${describe(error)}`,
          { cause: error },
        );
      if (failure === "ambiguous")
        throw new UncertainSendError(`SES may have accepted the message: ${describe(error)}`, {
          cause: error,
        });
      throw new PermanentSendError(`SES refused the message: ${describe(error)}`, permanentReason(error), {
        cause: error,
      });
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}
