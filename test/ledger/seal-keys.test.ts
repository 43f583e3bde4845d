import { describe, expect, it } from "vitest";
import { ledgerKeys } from "../../functions/core/ledger/keys.js";

describe("verifying a Journal row again in a later request", () => {
  it("accepts a row it verified before, and still refuses the same row changed, or under another secret or event", () => {
    const first = ledgerKeys("premier-secret-de-registre-0123456789", "seminaire-2027");
    const data = JSON.stringify({ kind: "sent", at: "2027-03-01T09:00:00Z" });
    const seal = first.seal("message:seminaire-2027:abc:convocation:1", data);
    expect(first.verify("message:seminaire-2027:abc:convocation:1", data, seal)).toBe(true);
    // A new request builds its keys again and meets the same row.
    const later = ledgerKeys("premier-secret-de-registre-0123456789", "seminaire-2027");
    expect(later.verify("message:seminaire-2027:abc:convocation:1", data, seal)).toBe(true);
    expect(later.verify("message:seminaire-2027:abc:convocation:2", data, seal)).toBe(false);
    expect(
      later.verify("message:seminaire-2027:abc:convocation:1", data.replace("sent", "failed"), seal),
    ).toBe(false);
    expect(
      ledgerKeys("un-autre-secret-de-registre-0123456789", "seminaire-2027").verify(
        "message:seminaire-2027:abc:convocation:1",
        data,
        seal,
      ),
    ).toBe(false);
    expect(
      ledgerKeys("premier-secret-de-registre-0123456789", "seminaire-2028").verify(
        "message:seminaire-2027:abc:convocation:1",
        data,
        seal,
      ),
    ).toBe(false);
  });

  it("names a recipient the same way in every request, whatever the case and spaces of the address", () => {
    const keys = ledgerKeys("premier-secret-de-registre-0123456789", "seminaire-2027");
    const id = keys.recipientId("Lea.Martin@example.org");
    expect(keys.recipientId(" lea.martin@example.org ")).toBe(id);
    expect(
      ledgerKeys("premier-secret-de-registre-0123456789", "seminaire-2027").recipientId(
        "lea.martin@example.org",
      ),
    ).toBe(id);
    expect(keys.recipientId("leo.martin@example.org")).not.toBe(id);
  });
});
