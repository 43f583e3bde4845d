import { describe, expect, test } from "vitest";
import { classifySesError } from "../../functions/adapters/ses-mailer.js";

function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(name), {
    name,
    $metadata: status ? { httpStatusCode: status } : {},
    ...extra,
  });
}
function socketError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe("the retry decision of a failed SendRawEmail", () => {
  test.each([
    ["Throttling, which SES answers before accepting anything", sdkError("Throttling", 400)],
    ["the SDK's other throttling codes", sdkError("TooManyRequestsException", 400)],
    ["an HTTP 429 whatever its code", sdkError("SomethingElse", 429)],
    ["an error the SDK marks as throttling", sdkError("Odd", 400, { $retryable: { throttling: true } })],
    ["a refused connection", socketError("ECONNREFUSED")],
    ["an unknown host", socketError("ENOTFOUND")],
    [
      "a refused connection wrapped by the SDK",
      Object.assign(new Error("x"), { cause: socketError("ECONNREFUSED") }),
    ],
  ])("retries %s: SES surely took nothing", (_, error) => {
    expect(classifySesError(error)).toBe("not-accepted");
  });

  test.each([
    ["a timeout", sdkError("TimeoutError")],
    ["a reset connection", socketError("ECONNRESET")],
    ["a broken pipe", socketError("EPIPE")],
    ["an HTTP 500", sdkError("InternalFailure", 500)],
    ["an HTTP 503", sdkError("ServiceUnavailable", 503)],
    ["an HTTP 408", sdkError("RequestTimeout", 408)],
    ["something that is not an error object", "boom"],
  ])("treats %s as uncertain: SES may have accepted the message", (_, error) => {
    expect(classifySesError(error)).toBe("ambiguous");
  });

  test.each([
    ["MessageRejected", sdkError("MessageRejected", 400)],
    ["an invalid address", sdkError("InvalidParameterValue", 400)],
    ["an unknown 4xx", sdkError("AccessDenied", 403)],
  ])("treats %s as permanent", (_, error) => {
    expect(classifySesError(error)).toBe("permanent");
  });
});
