/**
 * The failures the functions know, in the product's words, beside the ports: one that will happen
 * again however often it is tried (`PermanentError`), one that may pass (`RetryableError`). The
 * adapters translate their vendor's failures into them (Google Sheets, the SES mailer, the
 * workflow starter, the local workbook); the use cases throw them; `statusForError` is the one
 * place that turns them into an HTTP status, for the three functions. Anything else is unexpected
 * (500). Each keeps the failure it translates as its `cause`.
 */

/**
 * Why a failure is permanent: a request that will never be understood (`invalid-request`), a
 * resource Passerelle may not open (`no-access`: the spreadsheet not shared with its account), or
 * something refused for good (`refused`: a message the mail service will never accept).
 */
export type PermanentReason = "invalid-request" | "no-access" | "refused";

/**
 * A failure that trying again will not change: the caller must not retry. `reason` says why; a
 * subclass may narrow it to its own reasons (`PermanentSendError`: the address or the message),
 * which `statusForError` answers as refused for good (422).
 */
export class PermanentError<Reason extends string = PermanentReason> extends Error {
  override readonly name: string = "PermanentError";
  constructor(
    message: string,
    readonly reason: Reason,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A failure that may pass (a provider unavailable, throttling, a file held open): the caller tries
 * again later, after `retryAfterSeconds` when the provider said how long (Sheets' `Retry-After`).
 */
export class RetryableError extends Error {
  override readonly name: string = "RetryableError";
  /** How long the provider asked to wait, in seconds; `undefined` when it did not say. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, options?: { readonly cause?: unknown; readonly retryAfterSeconds?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/**
 * The HTTP status of a failure, the same for the three functions, each caller's retry decision:
 * 503 to retry later (Cloud Workflows, the Apps Script and SNS retry 5xx), 400 for a request never
 * understood, 403 for a resource Passerelle may not open and 422 for one refused for good (not
 * retried), 500 for anything unexpected.
 */
export function statusForError(error: unknown): number {
  if (error instanceof RetryableError) return 503;
  if (error instanceof PermanentError)
    return error.reason === "invalid-request" ? 400 : error.reason === "no-access" ? 403 : 422;
  return 500;
}

/** The `Retry-After` header of an answer to give back with a 503, when the provider gave one. */
export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof RetryableError && error.retryAfterSeconds !== undefined
    ? Math.ceil(error.retryAfterSeconds)
    : undefined;
}
