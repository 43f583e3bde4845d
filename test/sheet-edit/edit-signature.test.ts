import { describe, expect, it } from "vitest";
import { signEdit, signedEditHeaders, verifyEdit } from "../../functions/core/security/edit-signature.js";

const SECRET = "secret-de-test-assez-long";
const NOW = new Date("2027-03-01T09:30:00Z");
const REFERENCE = "9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae";
const BODY =
  '{"spreadsheetId":"abc","tab":"Vœux d\'été","firstRow":1,"lastRow":1,"firstColumn":1,"lastColumn":1}';

function at(offsetSeconds: number) {
  const timestamp = String(NOW.getTime() / 1000 + offsetSeconds);
  return { secret: SECRET, timestamp, signature: signEdit(SECRET, timestamp, BODY), body: BODY, now: NOW };
}

describe("edit signatures", () => {
  it("signs timestamp, a dot and the body with HMAC-SHA256 in hex", () => {
    // Reference value: printf '1700000000.{}' | openssl dgst -sha256 -hmac key
    expect(signEdit("key", "1700000000", "{}")).toBe(REFERENCE);
  });

  it("accepts a signature up to five minutes old or ahead, and no more", () => {
    expect(verifyEdit(at(-300))).toEqual({ ok: true });
    expect(verifyEdit(at(300))).toEqual({ ok: true });
    expect(verifyEdit(at(-301))).toEqual({ ok: false, reason: "stale" });
    expect(verifyEdit(at(301))).toEqual({ ok: false, reason: "stale" });
  });

  it("accepts the raw bytes of the body as well as its text, and upper-case hex", () => {
    const signed = at(0);
    expect(verifyEdit({ ...signed, body: Buffer.from(BODY, "utf8") })).toEqual({ ok: true });
    expect(verifyEdit({ ...signed, signature: signed.signature.toUpperCase() })).toEqual({ ok: true });
  });

  it("refuses a missing header, an empty secret, a truncated signature or a non-numeric timestamp", () => {
    const signed = at(0);
    expect(verifyEdit({ ...signed, signature: undefined })).toEqual({ ok: false, reason: "missing" });
    expect(verifyEdit({ ...signed, timestamp: "" })).toEqual({ ok: false, reason: "missing" });
    expect(verifyEdit({ ...signed, secret: "" })).toEqual({ ok: false, reason: "missing" });
    expect(verifyEdit({ ...signed, signature: signed.signature.slice(2) })).toEqual({
      ok: false,
      reason: "malformed",
    });
    expect(verifyEdit({ ...signed, timestamp: "1e9" })).toEqual({ ok: false, reason: "malformed" });
  });

  it("builds headers the verifier accepts", () => {
    const headers = signedEditHeaders(SECRET, BODY, NOW);
    expect(
      verifyEdit({
        secret: SECRET,
        timestamp: headers["x-passerelle-timestamp"],
        signature: headers["x-passerelle-signature"],
        body: BODY,
        now: NOW,
      }),
    ).toEqual({ ok: true });
  });
});
