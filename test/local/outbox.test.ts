import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { describe, expect, test } from "vitest";
import { Outbox } from "../../functions/local/outbox.js";
import type { Mailer, OutgoingMessage } from "../../functions/ports.js";

const message: OutgoingMessage = {
  from: { name: "Séminaire", address: "seminaire@example.org" },
  to: { name: "Claire Martin", address: "claire.martin@example.org" },
  subject: "Convocation — Vivez ma vie d'usager",
  text: "Bonjour Claire Martin,\n",
  html: "<p>Bonjour Claire Martin,</p>",
  attachments: [
    {
      filename: "programme.ics",
      contentType: "text/calendar",
      content: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    },
  ],
  headers: { "X-Passerelle-Key": "message:seminaire:claire.martin@example.org:convocation:1" },
};

const sent: OutgoingMessage[] = [];
const inner: Mailer = {
  async send(outgoing) {
    sent.push(outgoing);
    return { messageId: `id-${sent.length}` };
  },
};

describe("the local outbox", () => {
  test("gives each of several messages recorded at the same moment a file of its own", async () => {
    const dir = await mkdtemp(join(tmpdir(), "passerelle-outbox-"));
    const outbox = new Outbox(dir, "Europe/Paris");
    const at = new Date("2027-03-16T17:09:00Z");
    await Promise.all([1, 2, 3, 4, 5].map((n) => outbox.record({ ...message, subject: `Message ${n}` }, at)));
    const index = JSON.parse(await readFile(join(dir, "messages.json"), "utf8")) as { html: string }[];
    expect(new Set(index.map((entry) => entry.html)).size).toBe(5);
  });

  test("keeps every message sent on disk, lists it in French in the event's zone, and still lists it after a restart", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "courrier-")), "courrier");
    const outbox = new Outbox(dir, "Europe/Paris");
    const mailer = outbox.wrap(inner, () => new Date("2027-03-16T17:09:00Z"));
    expect(await mailer.send(message)).toEqual({ messageId: "id-1" });
    const restarted = new Outbox(dir, "Europe/Paris");
    expect(restarted.count).toBe(1);
    const page = await readFile(restarted.indexPath, "utf8");
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain("mardi 16 mars 2027 à 18 h 09");
    expect(page).toContain("Claire Martin");
    expect(page).toContain("Convocation : 1");
    expect(page).toContain('href="0001-convocation.eml"');
    expect(page).toContain('href="0001-convocation.ics"');
    const eml = await simpleParser(await readFile(join(dir, "0001-convocation.eml")));
    expect(eml.subject).toBe(message.subject);
    expect(await readFile(join(dir, "0001-convocation.ics"), "utf8")).toContain("BEGIN:VCALENDAR");
  });

  test("serves its page and its files over HTTP, and nothing outside its folder", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "courrier-")), "courrier");
    const outbox = new Outbox(dir, "Europe/Paris");
    await outbox.record(message, new Date("2027-03-16T17:09:00Z"));
    const server = await outbox.serve();
    try {
      const index = await fetch(server.url);
      expect(index.headers.get("content-type")).toContain("text/html");
      expect(await index.text()).toContain("Courrier envoyé");
      expect((await fetch(`${server.url}0001-convocation.eml`)).status).toBe(200);
      expect((await fetch(`${server.url}..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
