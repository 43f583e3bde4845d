import { describe, expect, it } from "vitest";
import {
  findReplyToken,
  readReplyAddress,
  replyAddress,
  tutorTag,
} from "../../functions/core/security/reply-token.js";

const SECRET = "secret-des-reponses-0123456789";
const SHEET = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms";
const request = { event: SHEET, tutorEmail: "Sophie.Martin@caf35.example.fr", version: 3 };

describe("reply addresses", () => {
  it("puts a token after reponse+ on the given domain, and after the local part of a given address", () => {
    expect(replyAddress(request, SECRET, "reponses.example.org")).toMatch(
      /^reponse\+[a-z2-7]+@reponses\.example\.org$/,
    );
    expect(replyAddress(request, SECRET, "tuteurs@example.org")).toMatch(/^tuteurs\+[a-z2-7]+@example\.org$/);
  });

  it("reads back the event, the version and the tutor's tag", () => {
    const result = readReplyAddress(replyAddress(request, SECRET, "reponses.example.org"), SECRET);
    expect(result).toEqual({
      ok: true,
      claims: { event: SHEET, version: 3, tutor: tutorTag(SHEET, "sophie.martin@caf35.example.fr", SECRET) },
    });
  });

  it("keeps working when a mail server changes the case of the address", () => {
    const address = replyAddress(request, SECRET, "reponses.example.org");
    expect(readReplyAddress(`Séminaire <${address.toUpperCase()}>`, SECRET).ok).toBe(true);
  });

  it("shows neither the address nor the name of the tutor, and changes with the event", () => {
    const address = replyAddress(request, SECRET, "reponses.example.org");
    expect(address).not.toMatch(/sophie|martin|caf35/i);
    expect(address).not.toBe(replyAddress({ ...request, event: "sheet-2" }, SECRET, "reponses.example.org"));
  });

  it("carries an event id that is not a spreadsheet id, accents included", () => {
    const result = readReplyAddress(
      replyAddress({ ...request, event: "séminaire-1" }, SECRET, "r.example.org"),
      SECRET,
    );
    expect(result.ok && result.claims.event).toBe("séminaire-1");
  });

  it("says missing when the address has no token, and forged when one character changed or the secret differs", () => {
    const address = replyAddress(request, SECRET, "reponses.example.org");
    expect(readReplyAddress("reponse@reponses.example.org", SECRET)).toEqual({
      ok: false,
      reason: "missing",
    });
    const at = address.indexOf("@");
    const flipped = `${address.slice(0, at - 3)}${address[at - 3] === "a" ? "b" : "a"}${address.slice(at - 2)}`;
    expect(readReplyAddress(flipped, SECRET)).toMatchObject({ ok: false, reason: "forged" });
    expect(readReplyAddress(address, "un-autre-secret-0123456789")).toEqual({
      ok: false,
      reason: "forged",
      claimedEvent: SHEET,
    });
    expect(readReplyAddress("reponse+hello-world@reponses.example.org", SECRET)).toEqual({
      ok: false,
      reason: "forged",
    });
  });

  it("accepts a token signed with the previous secret while it is being replaced", () => {
    const address = replyAddress(request, "ancien-secret-0123456789", "reponses.example.org");
    expect(readReplyAddress(address, [SECRET, "ancien-secret-0123456789"]).ok).toBe(true);
  });

  it("finds the valid token among several recipients, and reports a forged one over none", () => {
    const address = replyAddress(request, SECRET, "reponses.example.org");
    expect(findReplyToken(["orga@example.org", address], SECRET).ok).toBe(true);
    expect(findReplyToken(["orga@example.org", "reponse+abc@reponses.example.org"], SECRET)).toMatchObject({
      reason: "forged",
    });
    expect(findReplyToken(["orga@example.org"], SECRET)).toEqual({ ok: false, reason: "missing" });
  });
});
