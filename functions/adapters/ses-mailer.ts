/**
 * The Mailer on Amazon SES (`SendRawEmail`, so the calendar file travels as a MIME attachment).
 * The endpoint, region and credentials come from configuration: Amazon SES in production, the
 * local SES-compatible server (`aws-ses-v2-local`) on one machine and in tests.
 *
 * The SDK's own retries are turned off so that there is one retry policy, here: throttling, 5xx
 * and timeouts are retried with backoff; `MessageRejected`, an invalid address and every other 4xx
 * are permanent and thrown at once as `PermanentSendError`. What is still failing after the last
 * attempt is thrown as `TransientSendError`, with the SDK's error as `cause`.
 */
import { SESClient, SendRawEmailCommand } from "@aws-sdk/client-ses";
import { z } from "zod";
import {
  type MailAddress,
  type Mailer,
  type OutgoingMessage,
  PermanentSendError,
  TransientSendError,
} from "../ports.js";
import { bareAddress, buildMime } from "./mime.js";
import { httpStatusOf, isTransientHttpStatus, type RetryOptions, withRetry } from "./retry.js";

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

const TRANSIENT_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestTimeout",
  "RequestTimeoutException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalFailure",
  "InternalServerError",
  "TimeoutError",
  "AbortError",
]);
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
]);

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: "client" | "server";
  Error?: { Code?: string };
}

/** Whether an SDK error may succeed later. */
export function isTransientSesError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as SdkLikeError;
  const code = e.Error?.Code ?? e.name ?? "";
  if (TRANSIENT_CODES.has(code)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (/timeout|socket hang up/i.test(`${e.name ?? ""} ${e.message ?? ""}`)) return true;
  const status = e.$metadata?.httpStatusCode ?? httpStatusOf(error);
  if (status !== undefined) return isTransientHttpStatus(status);
  return e.$fault === "server";
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
      if (isTransientSesError(error))
        throw new TransientSendError(
          `SES still failing after ${this.config.attempts} attempts: ${describe(error)}`,
          { cause: error },
        );
      throw new PermanentSendError(`SES refused the message: ${describe(error)}`, permanentReason(error), {
        cause: error,
      });
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}
