/**
 * Retrying a call to a remote service with exponential backoff and full jitter.
 * Adapters decide what is worth retrying (a 429, a 5xx, a throttling error); this only waits and counts.
 */

import { PermanentError, RetryableError } from "../errors.js";

export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Delay before the second attempt, doubled after each failure. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Whether this error may succeed later; the error is rethrown at once otherwise. */
  readonly retryable: (error: unknown) => boolean;
  /** A delay the server asked for (Retry-After), in milliseconds, when it gave one. */
  readonly requestedDelayMs?: (error: unknown) => number | undefined;
  /** Waits; tests pass a clock of their own. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      const requested = options.requestedDelayMs?.(error);
      await sleep(requested !== undefined ? Math.min(requested, options.maxDelayMs) : random() * ceiling);
    }
  }
}

/** The HTTP status an error carries, for the clients that put it in `status`, `code` or `response.status`. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const record = error as { status?: unknown; code?: unknown; response?: { status?: unknown } };
  for (const candidate of [record.status, record.response?.status, record.code]) {
    if (typeof candidate === "number") return candidate;
    if (typeof candidate === "string" && /^\d{3}$/.test(candidate)) return Number(candidate);
  }
  return undefined;
}

export function isTransientHttpStatus(status: number | undefined): boolean {
  return status === 429 || status === 408 || (status !== undefined && status >= 500 && status <= 599);
}

/**
 * An HTTP failure in the functions' words (`functions/errors.ts`): a transient status (408, 429,
 * 5xx) is retryable, after the wait the server asked for; 401, 403 and 404 mean Passerelle may not
 * reach the resource (permanent). Anything else (a 400: a request Passerelle built wrong) is
 * answered as it is, unexpected.
 */
export function httpFailure(error: unknown, status: number | undefined, retryAfterMs?: number): unknown {
  const message = error instanceof Error ? error.message : "HTTP request failed";
  if (isTransientHttpStatus(status))
    return new RetryableError(message, {
      cause: error,
      ...(retryAfterMs === undefined ? {} : { retryAfterSeconds: retryAfterMs / 1000 }),
    });
  if (status === 401 || status === 403 || status === 404)
    return new PermanentError(message, "no-access", { cause: error });
  return error;
}
