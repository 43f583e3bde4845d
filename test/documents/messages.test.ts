/**
 * The messages that carry documents: planned from the documents' content, drawn as PDF just before
 * they leave, each key sent once through the ordinary sending path.
 */
import { describe, expect, it } from "vitest";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { eventDocuments } from "../../functions/core/documents/index.js";
import { eventModel, MESSAGE_TABS } from "../../functions/core/event/model.js";
import { type PlannedMessage, planMessages } from "../../functions/core/messages/plan.js";
import type { OutgoingMessage, WorkbookSnapshot } from "../../functions/ports.js";
import * as example from "../../sheets-templates/example-data.js";
import { ManualClock, RecordingMailer } from "../messages/fixtures.js";
import { MemoryWorkbook } from "../support/workbooks.js";
import { AFTER, BEFORE, smallSeminar } from "./fixtures.js";
import { pdfText } from "./pdf-text.js";

const EVENT = "seminaire-test";
const send = { event: EVENT, ratePerSecond: 1000, sleep: async () => {} };
/** Eight days before day 1 (17 March 2027): the rosters are not due yet. */
const EARLY = new Date("2027-03-09T08:00:00Z");
/** A week before day 1, 9:00 in Paris. */
const ROSTERS_AT = new Date("2027-03-10T08:00:00Z");
const CAF = "relation-usagers@caf35.example.org";
const CCAS = "accueil@ccas-rennes.example.org";

async function planOf(workbook: MemoryWorkbook, now: Date): Promise<readonly PlannedMessage[]> {
  const snapshot: WorkbookSnapshot = await workbook.read(MESSAGE_TABS);
  const model = eventModel(snapshot, workbook.keys, now)!;
  return planMessages(model, now, {
    documents: (at) => eventDocuments(snapshot, workbook.keys, at, model),
  }).messages;
}

const ofKind = (messages: readonly PlannedMessage[], kind: string) => messages.filter((m) => m.kind === kind);
const to = (message: OutgoingMessage) => (typeof message.to === "string" ? message.to : message.to.address);

describe("the host rosters", () => {
  it("go to each structure's Contact a week before at 9:00, once, with the roster as a PDF", async () => {
    const workbook = new MemoryWorkbook(smallSeminar());
    const planned = ofKind(await planOf(workbook, EARLY), "fiche-structure");
    expect(planned.map((m) => [m.to.address, m.sendAt.toISOString()]).sort()).toEqual([
      [CCAS, ROSTERS_AT.toISOString()],
      [CAF, ROSTERS_AT.toISOString()],
    ]);
    const mailer = new RecordingMailer();
    await sendDueMessages(workbook, mailer, new ManualClock(EARLY), { ...send, kinds: ["fiche-structure"] });
    expect(mailer.sent).toHaveLength(0);

    const report = await sendDueMessages(workbook, mailer, new ManualClock(ROSTERS_AT), {
      ...send,
      kinds: ["fiche-structure"],
    });
    expect(report.sent).toBe(2);
    const caf = mailer.sent.find((message) => to(message) === CAF)!;
    expect(caf.subject).toBe(
      "Accueil en immersion — CAF — Accueil de Rennes — Vivez ma vie d'usager — Rennes",
    );
    expect(caf.attachments?.map((file) => [file.filename, file.contentType])).toEqual([
      ["fiche-caf-accueil-de-rennes.pdf", "application/pdf"],
    ]);
    const text = (await pdfText(caf.attachments![0]!.content as Uint8Array)).text;
    expect(text).toContain("Accueil en immersion — CAF — Accueil de Rennes");
    expect(text).toContain("Émile Zola");

    const later = new Date("2027-03-12T08:00:00Z");
    await sendDueMessages(workbook, mailer, new ManualClock(later), { ...send, kinds: ["fiche-structure"] });
    expect(mailer.sent).toHaveLength(2);
  });

  it("leave again, marked as an update, when the roster changes, and once only", async () => {
    const workbook = new MemoryWorkbook(smallSeminar());
    const mailer = new RecordingMailer();
    await sendDueMessages(workbook, mailer, new ManualClock(ROSTERS_AT), {
      ...send,
      kinds: ["fiche-structure"],
    });
    expect(mailer.sent).toHaveLength(2);
    // Émile Zola now needs a hearing loop: the CAF (morning) and the CCAS (afternoon) host him.
    const participants = workbook.tabs.get("Participants")!;
    const header = participants[0]!.map(String);
    const row = participants.find(
      (cells) => cells[header.indexOf("Email")] === "emile.zola@etat.example.org",
    )!;
    row[header.indexOf("Besoins")] = "PMR ; boucle magnétique";
    const later = new Date("2027-03-12T08:00:00Z");
    await sendDueMessages(workbook, mailer, new ManualClock(later), { ...send, kinds: ["fiche-structure"] });
    const updates = mailer.sent.slice(2);
    expect(updates.map(to).sort()).toEqual([CCAS, CAF]);
    for (const update of updates)
      expect(update.subject.startsWith("Mise à jour — Accueil en immersion")).toBe(true);
    const text = (await pdfText(updates[0]!.attachments![0]!.content as Uint8Array)).text;
    expect(text).toContain("boucle magnétique");
    await sendDueMessages(workbook, mailer, new ManualClock(later), { ...send, kinds: ["fiche-structure"] });
    expect(mailer.sent).toHaveLength(4);
  });

  it("are not sent to a structure without an address in Contact: the organizer is told once", async () => {
    const structures = example.structures.map((row) =>
      row.Structure === "CAF — Accueil de Rennes"
        ? { ...row, Contact: "Direction de la relation usagers" }
        : row,
    );
    const workbook = new MemoryWorkbook(smallSeminar({ structures }));
    const mailer = new RecordingMailer();
    await sendDueMessages(workbook, mailer, new ManualClock(ROSTERS_AT), {
      ...send,
      kinds: ["fiche-structure", "alerte"],
    });
    const rosters = mailer.sent.filter((message) => message.subject.includes("Accueil en immersion"));
    expect(rosters.map(to)).toEqual([CCAS]);
    const alerts = mailer.sent.filter((message) =>
      message.subject.includes("fiche d'accueil à transmettre vous-même"),
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.text).toContain("CAF — Accueil de Rennes");
    await sendDueMessages(workbook, mailer, new ManualClock(ROSTERS_AT), {
      ...send,
      kinds: ["fiche-structure", "alerte"],
    });
    expect(mailer.sent.filter((message) => message.subject.includes("à transmettre"))).toHaveLength(1);
  });

  it("keep the same version whatever the instant they are planned at: it is a digest of their content", async () => {
    const workbook = new MemoryWorkbook(smallSeminar());
    const keys = async (now: Date) =>
      ofKind(await planOf(workbook, now), "fiche-structure")
        .map((m) => m.key)
        .sort();
    expect(await keys(EARLY)).toEqual(await keys(BEFORE));
  });
});

describe("the certificate with the survey", () => {
  it("goes the day after the seminar to each participant who attended, with their certificate, and replaces the survey alone", async () => {
    const workbook = new MemoryWorkbook(smallSeminar());
    const planned = await planOf(workbook, BEFORE);
    expect(ofKind(planned, "questionnaire")).toEqual([]);
    const certificates = ofKind(planned, "attestation");
    // Paul Durand is marked absent (Présent: Non); Léa Sansorga's row is to correct.
    expect(certificates.map((m) => m.to.address).sort()).toEqual([
      "anne.abel@mairie.example.org",
      "emile.zola@etat.example.org",
      "jean.long@region.example.org",
    ]);
    expect(new Set(certificates.map((m) => m.sendAt.toISOString()))).toEqual(
      new Set(["2027-03-19T08:00:00.000Z"]),
    );

    const mailer = new RecordingMailer();
    await sendDueMessages(workbook, mailer, new ManualClock(AFTER), { ...send, kinds: ["attestation"] });
    await sendDueMessages(workbook, mailer, new ManualClock(AFTER), { ...send, kinds: ["attestation"] });
    expect(mailer.sent).toHaveLength(3);
    const zola = mailer.sent.find((message) => to(message) === "emile.zola@etat.example.org")!;
    expect(zola.subject).toBe("Votre attestation de présence — Vivez ma vie d'usager — Rennes");
    expect(zola.text).toContain("attestation de présence (PDF)");
    expect(zola.attachments?.map((file) => file.filename)).toEqual(["attestation-zola-emile.pdf"]);
    const text = (await pdfText(zola.attachments![0]!.content as Uint8Array)).text;
    expect(text).toContain("Attestation de présence");
    expect(text).toContain("Émile Zola");
  });
});

describe("the organizer's papers", () => {
  it("go to the organizer the day before at 9:00 with every attendance sheet and the headcounts, once", async () => {
    const workbook = new MemoryWorkbook(smallSeminar());
    const [papers] = ofKind(await planOf(workbook, EARLY), "documents-organisateur");
    expect(papers?.sendAt.toISOString()).toBe("2027-03-16T08:00:00.000Z");
    const mailer = new RecordingMailer();
    await sendDueMessages(workbook, mailer, new ManualClock(BEFORE), {
      ...send,
      kinds: ["documents-organisateur"],
    });
    await sendDueMessages(workbook, mailer, new ManualClock(BEFORE), {
      ...send,
      kinds: ["documents-organisateur"],
    });
    expect(mailer.sent).toHaveLength(1);
    const files = mailer.sent[0]!.attachments!.map((file) => file.filename);
    expect(files).toContain("effectifs.pdf");
    expect(files).toContain("emargement-j1-accueil-sequence-1.pdf");
    expect(files.filter((file) => file.startsWith("emargement-"))).toHaveLength(files.length - 1);
    expect(mailer.sent[0]!.text).toContain("Effectifs : ");
  });
});
