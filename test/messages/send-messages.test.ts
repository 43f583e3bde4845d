import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { describe, expect, test } from "vitest";
import { previewMessages } from "../../functions/app/preview.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { type DeliveryLog, PermanentSendError, TransientSendError } from "../../functions/ports.js";
import { MemoryWorkbook } from "../support/workbooks.js";
import { EVENT, ManualClock, participant, people, placement, RecordingMailer, seminar } from "./fixtures.js";

const NOW = new Date("2027-03-01T10:00:00Z");
const base = { event: EVENT, ratePerSecond: 1000, sleep: async () => {} };

function journal(workbook: MemoryWorkbook) {
  const [, ...rows] = workbook.tabs.get("Journal")!;
  return rows.map((row) => ({
    event: String(row[1]),
    recipient: String(row[2]),
    detail: String(row[3]),
    key: String(row[4]),
    data: JSON.parse(String(row[5])) as Record<string, unknown>,
  }));
}

/** What the mail service reports it accepted: the messages the recording mailer took, by send id. */
function deliveriesOf(mailer: RecordingMailer): DeliveryLog {
  return {
    async accepted(ids) {
      const taken = new Map(
        mailer.sent.map((message, index) => [message.tags?.["passerelle-send"] ?? "", `ses-${index + 1}`]),
      );
      return new Map(ids.flatMap((id) => (taken.has(id) ? [[id, taken.get(id)!] as const] : [])));
    },
  };
}

describe("sending exactly once", () => {
  test("sends each due message once, records its id in the Journal and the time in Convocation", async () => {
    const workbook = new MemoryWorkbook(seminar());
    const mailer = new RecordingMailer();
    const report = await sendDueMessages(workbook, mailer, new ManualClock(NOW), base);
    expect(report).toMatchObject({ sent: 5, failed: 0, done: true });
    expect(mailer.recipients().sort()).toEqual(
      [
        people.claire.Email,
        people.elodie.Email,
        people.hugo.Email,
        "gwenaelle.riou@ccas.example.org",
        "sophie.le-gall@caf.example.org",
      ].sort(),
    );
    const lines = journal(workbook);
    expect(lines.filter((line) => line.event === "Envoi en cours")).toHaveLength(5);
    const sent = lines.filter((line) => line.event === "Message envoyé");
    expect(sent).toHaveLength(5);
    expect(sent.every((line) => /^ses-\d/.test(String(line.data.messageId)))).toBe(true);
    const header = workbook.tabs.get("Participants")![0]!;
    const convocation = header.indexOf("Convocation");
    expect(workbook.tabs.get("Participants")![1]![convocation]).toBe("2027-03-01 11:00");

    const again = await sendDueMessages(workbook, mailer, new ManualClock(NOW), base);
    expect(again).toMatchObject({ sent: 0, done: true });
    expect(mailer.sent).toHaveLength(5);
  });

  test("two runs at the same time send each key once between them", async () => {
    const workbook = new MemoryWorkbook(seminar());
    const mailer = new RecordingMailer();
    const clock = new ManualClock(NOW);
    const [a, b] = await Promise.all([
      sendDueMessages(workbook, mailer, clock, { ...base, runId: "runa" }),
      sendDueMessages(workbook, mailer, clock, { ...base, runId: "runb" }),
    ]);
    expect(a.sent + b.sent).toBe(5);
    expect(a.leftToOthers + b.leftToOthers).toBe(5);
    expect(new Set(mailer.recipients()).size).toBe(mailer.sent.length);
  });

  test("a process killed between the send and the Journal write sends nothing twice: its claims are reconciled from the mail service's report", async () => {
    const workbook = new MemoryWorkbook(seminar());
    const mailer = new RecordingMailer();
    // The write after the sends (the outcomes) never happens: the process dies.
    let writes = 0;
    const dying = {
      keys: workbook.keys,
      read: workbook.read.bind(workbook),
      write: async (changes: Parameters<MemoryWorkbook["write"]>[0]) => {
        writes++;
        if (writes === 2) throw new Error("killed");
        await workbook.write(changes);
      },
    };
    await expect(
      sendDueMessages(dying, mailer, new ManualClock(NOW), { ...base, kinds: ["convocation"] }),
    ).rejects.toThrow("killed");
    expect(mailer.sent).toHaveLength(3);
    const deliveries = deliveriesOf(mailer);

    // While the dead run's claims hold, nothing is sent.
    const retry = await sendDueMessages(workbook, mailer, new ManualClock(NOW), {
      ...base,
      deliveries,
      kinds: ["convocation"],
    });
    expect(retry.sent).toBe(0);
    // Once their lease has run out, they are settled from what the mail service took: sent.
    const later = new ManualClock(new Date(NOW.getTime() + 5 * 60_000));
    const settled = await sendDueMessages(workbook, mailer, later, {
      ...base,
      deliveries,
      kinds: ["convocation"],
    });
    expect(settled).toMatchObject({ sent: 0, reconciled: { sent: 3, released: 0 }, done: true });
    expect(mailer.sent).toHaveLength(3);
    expect(journal(workbook).filter((line) => line.data.kind === "reconciled")).toHaveLength(3);
  });

  test("a process killed after claiming and before sending loses nothing: the claims are released after the grace period and sent once", async () => {
    const workbook = new MemoryWorkbook(seminar());
    const mailer = new RecordingMailer();
    const dead = {
      keys: workbook.keys,
      read: workbook.read.bind(workbook),
      write: workbook.write.bind(workbook),
    };
    // The mailer dies with the process before anything leaves.
    const dying = new RecordingMailer(() => {
      throw new Error("killed");
    });
    await sendDueMessages(dead, dying, new ManualClock(NOW), { ...base, kinds: ["convocation"] }).catch(
      () => {},
    );
    const deliveries = deliveriesOf(mailer);
    // An unclassified failure may have left: nothing goes before the grace period...
    const soon = new ManualClock(new Date(NOW.getTime() + 5 * 60_000));
    expect(
      (await sendDueMessages(workbook, mailer, soon, { ...base, deliveries, kinds: ["convocation"] })).sent,
    ).toBe(0);
    // ...then the mail service's report says nothing left: released, and sent once.
    const later = new ManualClock(new Date(NOW.getTime() + 20 * 60_000));
    const report = await sendDueMessages(workbook, mailer, later, {
      ...base,
      deliveries,
      kinds: ["convocation"],
    });
    expect(report.reconciled.released).toBe(3);
    expect(report.sent).toBe(3);
    expect(new Set(mailer.recipients()).size).toBe(3);
    expect(
      (await sendDueMessages(workbook, mailer, later, { ...base, deliveries, kinds: ["convocation"] })).sent,
    ).toBe(0);
  });

  test("a permanent failure is journaled and told to the organizer; the others go on", async () => {
    const workbook = new MemoryWorkbook(seminar());
    const mailer = new RecordingMailer((message) => {
      const to = typeof message.to === "string" ? message.to : message.to.address;
      if (to === people.hugo.Email)
        throw new PermanentSendError("bad", "invalid-address", { cause: new Error("x") });
    });
    const report = await sendDueMessages(workbook, mailer, new ManualClock(NOW), base);
    expect(report).toMatchObject({ sent: 4, failed: 1 });
    const lines = journal(workbook);
    expect(lines.find((line) => line.event === "Échec d'envoi")?.recipient).toBe(people.hugo.Email);
    expect(lines.some((line) => line.key.includes(people.hugo.Email))).toBe(false);
    expect(lines.find((line) => line.event === "Adresse en échec")?.recipient).toBe(people.hugo.Email);
    await sendDueMessages(workbook, mailer, new ManualClock(NOW), base);
    const alerts = mailer.sent.filter((message) => message.subject.startsWith("[Passerelle]"));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.subject).toContain("1 message non envoyé");
    // Nothing more goes to a bounced address, ever.
    const reminders = new ManualClock(new Date("2027-03-15T09:00:00Z"));
    await sendDueMessages(workbook, mailer, reminders, base);
    expect(mailer.recipients()).not.toContain(people.hugo.Email);
  });

  test("a temporary failure releases the key and the next run sends it", async () => {
    const workbook = new MemoryWorkbook(seminar());
    let fail = true;
    const mailer = new RecordingMailer(() => {
      if (fail) throw new TransientSendError("throttled");
    });
    const first = await sendDueMessages(workbook, mailer, new ManualClock(NOW), {
      ...base,
      kinds: ["convocation"],
    });
    expect(first).toMatchObject({ sent: 0, deferred: 3, done: false });
    fail = false;
    const second = await sendDueMessages(workbook, mailer, new ManualClock(NOW), {
      ...base,
      kinds: ["convocation"],
    });
    expect(second).toMatchObject({ sent: 3, done: true });
  });

  test("never writes to a cancelled registration or an invalid address", async () => {
    const workbook = new MemoryWorkbook(
      seminar({
        participants: [
          participant(people.claire),
          participant({ ...people.hugo, Inscription: "Annulée" }),
          participant({ ...people.elodie, Email: "elodie.dubois.example.org" }),
        ],
        placements: [placement(people.claire.Email, "Matin"), placement(people.claire.Email, "Après-midi")],
      }),
    );
    const mailer = new RecordingMailer();
    await sendDueMessages(workbook, mailer, new ManualClock(NOW), { ...base, kinds: ["convocation"] });
    expect(mailer.recipients()).toEqual([people.claire.Email]);
  });
});

describe("rate and budget", () => {
  test("keeps under the rate, stops at the budget and the next call resumes where it stopped", async () => {
    const many = Array.from({ length: 30 }, (_, index) =>
      participant({ Nom: `Nom${index}`, Prénom: "Test", Email: `p${index}@example.org` }),
    );
    const workbook = new MemoryWorkbook(
      seminar({
        participants: many,
        placements: many.flatMap((row) => [
          placement(String(row.Email), "Matin"),
          placement(String(row.Email), "Après-midi"),
        ]),
      }),
    );
    const mailer = new RecordingMailer();
    // Real time is faked: each pause of the pace moves it, so the figures do not depend on the load.
    let elapsedMs = 0;
    const options = {
      event: EVENT,
      kinds: ["convocation" as const],
      ratePerSecond: 40,
      budgetMs: 500,
      chunkSeconds: 0.25,
      monotonic: () => elapsedMs,
      sleep: async (ms: number) => {
        elapsedMs += ms;
      },
    };
    const first = await sendDueMessages(workbook, mailer, new ManualClock(NOW), options);
    // 40 per second for 500 ms: one every 25 ms, the first at once.
    expect(first.sent).toBe(21);
    expect(first.done).toBe(false);
    expect(elapsedMs).toBe(500);
    const second = await sendDueMessages(workbook, mailer, new ManualClock(NOW), {
      ...options,
      ratePerSecond: 1000,
      budgetMs: 50_000,
      sleep: async () => {},
    });
    expect(first.sent + second.sent).toBe(30);
    expect(new Set(mailer.recipients()).size).toBe(30);
  });
});

describe("the preview", () => {
  test("writes every planned message as .eml and .html with an index, and leaves the workbook alone", async () => {
    const workbook = new MemoryWorkbook(seminar());
    const out = await mkdtemp(join(tmpdir(), "apercu-"));
    const report = await previewMessages(workbook, { event: EVENT, at: NOW, out });
    expect(workbook.writes).toHaveLength(0);
    // The survey goes with each certificate; the organizer's papers and the host rosters come in addition.
    expect(report.entries.length).toBe(18);
    expect(report.entries.filter((entry) => entry.kind === "questionnaire")).toHaveLength(0);
    const files = await readdir(out);
    expect(files.filter((file) => file.endsWith(".eml"))).toHaveLength(18);
    const index = await readFile(join(out, "index.html"), "utf8");
    for (const entry of report.entries) {
      expect(index).toContain(entry.key);
      expect(index).toContain(`href="${entry.html}"`);
    }
    expect(index).toContain("Rien n'a été envoyé");
    const first = await simpleParser(await readFile(join(out, report.entries[0]!.eml)));
    expect(first.date?.toISOString()).toBe(report.entries[0]!.sendAt.toISOString());
    const train = report.entries.find((entry) => entry.kind === "rappel-train")!;
    const mail = await simpleParser(await readFile(join(out, train.eml)));
    expect(mail.subject).toContain("Votre train de retour");
    const certificate = report.entries.find((entry) => entry.kind === "attestation")!;
    const withPdf = await simpleParser(await readFile(join(out, certificate.eml)));
    expect(withPdf.attachments.map((file) => [file.contentType, file.filename])).toEqual([
      ["application/pdf", expect.stringMatching(/^attestation-.+\.pdf$/)],
    ]);
    expect(withPdf.attachments[0]!.content.subarray(0, 5).toString()).toBe("%PDF-");
  });
});
