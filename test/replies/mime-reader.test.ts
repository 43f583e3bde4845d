import { describe, expect, it } from "vitest";
import { decideReply, MAX_PARSED_BYTES, readMime } from "../../functions/adapters/mime-reader.js";

const HEAD =
  "From: Sophie <sophie@example.fr>\r\nTo: reponse+abc@reponses.example.org\r\nSubject: Re: Accueil\r\nMIME-Version: 1.0\r\n";

describe("reading the MIME of a reply", () => {
  it("decodes latin-1 quoted-printable text and the encoded subject", async () => {
    const raw = Buffer.from(
      "From: a@example.fr\r\nSubject: =?ISO-8859-1?Q?R=E9ponse?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nJe serai pr=E9sente, c'est d'accord.\r\n",
      "latin1",
    );
    const message = await readMime(raw);
    expect(message.subject).toBe("Réponse");
    expect(message.text.trim()).toBe("Je serai présente, c'est d'accord.");
  });

  it("turns an HTML-only message into text", async () => {
    const message = await readMime(
      `${HEAD}Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Pas de probl&egrave;me&nbsp;!</p></body></html>\r\n`,
    );
    expect(message.text.trim()).toMatch(/^Pas de problème\s!$/);
  });

  it("reads a message whose charset is unknown instead of failing", async () => {
    const decision = await decideReply(
      `${HEAD}Content-Type: text/plain; charset=x-klingon\r\n\r\nOui, je confirme.\r\n`,
    );
    expect(decision.decision).toBe("confirm");
  });

  it("finds the text of a message whose boundary is never declared", async () => {
    const decision = await decideReply(
      `${HEAD}Content-Type: multipart/alternative; boundary="abc"\r\n\r\n--xyz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNon, désolée.\r\n--xyz--\r\n`,
    );
    expect(decision).toMatchObject({ decision: "decline", text: "Non, désolée." });
  });

  it("answers unclear for a message with no text part", async () => {
    const decision = await decideReply(
      `${HEAD}Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==\r\n`,
    );
    expect(decision).toEqual({ decision: "unclear", reason: "message sans texte lisible", text: "" });
  });

  it("reads a 20 MB message in bounded time, from its first part", async () => {
    const attachment =
      "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n".repeat(270_000);
    const raw = Buffer.from(
      `${HEAD}Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOui, je serai là.\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}--b--\r\n`,
    );
    expect(raw.length).toBeGreaterThan(20_000_000);
    const started = performance.now();
    const message = await readMime(raw);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(message.truncated).toBe(true);
    expect(MAX_PARSED_BYTES).toBeLessThan(raw.length);
    expect((await decideReply(raw)).decision).toBe("confirm");
  });

  it("reads only the top of a 20 MB text, and says it was cut", async () => {
    const raw = `${HEAD}Content-Type: text/plain; charset=utf-8\r\n\r\nJe confirme.\r\n${"bla bla bla ".repeat(1_750_000)}`;
    const decision = await decideReply(raw);
    expect(decision.decision).toBe("confirm");
    expect(decision.reason).toContain("tronqué");
    expect(decision.text.length).toBeLessThanOrEqual(3_000);
  });

  it("lists the recipients of To, Cc and Delivered-To", async () => {
    const message = await readMime(
      `${HEAD}Cc: Orga <orga@example.org>\r\nDelivered-To: reponse+def@reponses.example.org\r\nContent-Type: text/plain\r\n\r\nOui\r\n`,
    );
    expect(message.recipients).toEqual([
      "reponse+abc@reponses.example.org",
      "orga@example.org",
      "reponse+def@reponses.example.org",
    ]);
  });
});
