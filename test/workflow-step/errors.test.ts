import { describe, expect, test } from "vitest";
import { httpFailure } from "../../functions/adapters/retry.js";
import { PermanentError, RetryableError, retryAfterOf, statusForError } from "../../functions/errors.js";
import { PermanentSendError, TransientSendError } from "../../functions/ports.js";

describe("one error taxonomy for the three functions", () => {
  test("a failure that may pass is answered 503, with the wait the provider asked for", () => {
    const error = new RetryableError("Sheets indisponible", { retryAfterSeconds: 2.5 });
    expect(statusForError(error)).toBe(503);
    expect(retryAfterOf(error)).toBe(3);
    expect(retryAfterOf(new RetryableError("sans délai"))).toBeUndefined();
  });

  test("a permanent failure is answered 400, 403 or 422 by its reason, never 5xx", () => {
    expect(statusForError(new PermanentError("x", "invalid-request"))).toBe(400);
    expect(statusForError(new PermanentError("x", "no-access"))).toBe(403);
    expect(statusForError(new PermanentError("x", "refused"))).toBe(422);
  });

  test("anything else is unexpected: 500", () => {
    expect(statusForError(new Error("bug"))).toBe(500);
    expect(statusForError(Object.assign(new Error("busy"), { code: "EBUSY" }))).toBe(500);
    expect(statusForError("not an error")).toBe(500);
  });

  test("the mail service's failure for now is a retryable one", () => {
    expect(statusForError(new TransientSendError("Throttling"))).toBe(503);
  });

  test("a message the mail service refuses for good is a permanent failure that keeps its reason and cause", () => {
    const cause = new Error("MessageRejected");
    const error = new PermanentSendError("refusé", "invalid-address", { cause });
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ name: "PermanentSendError", reason: "invalid-address", cause });
    expect(statusForError(error)).toBe(422);
  });

  test("an HTTP failure is translated by its status, keeping it as the cause", () => {
    const cause = Object.assign(new Error("HTTP 503"), { status: 503 });
    const retryable = httpFailure(cause, 503, 4000);
    expect(retryable).toBeInstanceOf(RetryableError);
    expect(retryable).toMatchObject({ retryAfterSeconds: 4, cause });
    expect(httpFailure(cause, 403)).toMatchObject({ name: "PermanentError", reason: "no-access", cause });
    expect(httpFailure(cause, 400)).toBe(cause);
  });
});
