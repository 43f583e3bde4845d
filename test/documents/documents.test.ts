import { describe, expect, it } from "vitest";
import { renderPdf } from "../../functions/adapters/pdf.js";
import { type DocumentSet, eventDocuments } from "../../functions/core/documents/index.js";
import * as example from "../../sheets-templates/example-data.js";
import { testKeys } from "../support/ledger.js";
import { lunchSnapshot } from "../support/workbooks.js";
import { AFTER, BEFORE, LONG_NAME, smallSeminar } from "./fixtures.js";
import { pdfText } from "./pdf-text.js";

function documentsOf(snapshot: ReturnType<typeof smallSeminar>, at: Date): DocumentSet {
  const set = eventDocuments(snapshot, testKeys("seminaire-test"), at);
  if (set === null) throw new Error("no event");
  return set;
}

async function textOf(set: DocumentSet, file: string): Promise<string> {
  const document = set.documents.find((candidate) => candidate.file === file);
  if (!document) throw new Error(`${file} missing among ${set.documents.map((d) => d.file).join(", ")}`);
  return (await pdfText(await renderPdf(document, AFTER))).text;
}

describe("the seminar's attendance sheets", () => {
  it("makes one sheet for the welcome and sequence 1, one for sequence 4, and one per immersion slot and host", () => {
    const files = documentsOf(smallSeminar(), BEFORE)
      .documents.map((document) => document.file)
      .filter((file) => file.startsWith("emargement-"));
    expect(files).toEqual([
      "emargement-j1-accueil-sequence-1.pdf",
      "emargement-j2-sequence-4.pdf",
      "emargement-j2-immersion-matin-caf-accueil-de-rennes.pdf",
      "emargement-j2-immersion-matin-ccas-de-rennes.pdf",
      "emargement-j2-immersion-apres-midi-caf-accueil-de-rennes.pdf",
      "emargement-j2-immersion-apres-midi-ccas-de-rennes.pdf",
    ]);
  });

  it("lists every expected participant sorted by name, with the organisme and a signature column", async () => {
    const text = await textOf(documentsOf(smallSeminar(), BEFORE), "emargement-j1-accueil-sequence-1.pdf");
    expect(text).toContain("Feuille d'émargement — Accueil et Séquence 1");
    expect(text).toContain("Nom Prénom Organisme Signature");
    expect(text).toContain("Œuvres sociales de l'État");
    expect(text).toContain("4 participants attendus.");
    const order = ["Abel", "de La Tour", "Durand", "Zola"].map((name) => text.indexOf(name));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("names the host structure and the tutor on an immersion sheet, and only the people it hosts", async () => {
    const text = await textOf(
      documentsOf(smallSeminar(), BEFORE),
      "emargement-j2-immersion-matin-caf-accueil-de-rennes.pdf",
    );
    expect(text).toContain("Immersion (Matin)");
    expect(text).toContain("Structure d'accueil : CAF — Accueil de Rennes");
    expect(text).toContain("Sophie Le Gall");
    expect(text).toContain("Zola");
    expect(text).not.toContain("Durand");
  });

  it("leaves out a participant without Organisme and says so, rather than printing a half row", () => {
    const set = documentsOf(smallSeminar(), BEFORE);
    expect(set.notes).toContain(
      "Participants ligne 6 : inscription à corriger (voir son Statut), absente des documents.",
    );
  });

  it("wraps an 80-character name inside its cell and keeps the file names short", async () => {
    expect(LONG_NAME).toHaveLength(80);
    const set = documentsOf(smallSeminar(), AFTER);
    const text = await textOf(set, "emargement-j1-accueil-sequence-1.pdf");
    expect(text).toContain("Saint-Œillet-Cœuvres");
    const certificate = set.documents.find((d) => d.file.startsWith("attestations/de-la-tour"));
    expect(certificate).toBeDefined();
    expect(certificate!.file.length).toBeLessThanOrEqual("attestations/".length + 60 + ".pdf".length);
  });
});

describe("the seminar's certificates of attendance", () => {
  it("are made only once the seminar has ended", () => {
    const before = documentsOf(smallSeminar(), BEFORE);
    expect(before.documents.some((d) => d.file.startsWith("attestations/"))).toBe(false);
    expect(before.notes.some((note) => note.startsWith("Les attestations de présence seront établies"))).toBe(
      true,
    );
  });

  it("go to every confirmed participant except those marked absent in Présent", () => {
    const files = documentsOf(smallSeminar(), AFTER)
      .documents.map((d) => d.file)
      .filter((file) => file.startsWith("attestations/"));
    expect(files.sort()).toEqual([
      "attestations/abel-anne.pdf",
      "attestations/de-la-tour-d-auvergne-lauraguais-de-montmorency-laval-et-de.pdf",
      "attestations/zola-emile.pdf",
    ]);
  });

  it("count the hours of the programme between the participant's own arrival and departure, meals aside", async () => {
    const text = await textOf(documentsOf(smallSeminar(), AFTER), "attestations/zola-emile.pdf");
    expect(text).toContain("Attestation de présence");
    expect(text).toContain(
      "Je soussigné(e), Hélène Kerbrat, cheffe de projet du séminaire, atteste que Émile Zola (Chef de bureau, Œuvres sociales de l'État)",
    );
    // Arrives at 17:00: no welcome, sequence 1 from 17:00; leaves for a 16:30 train: no sequence 4.
    expect(text).toContain("17/03/2027 17 h – 18 h Séquence 1");
    expect(text).not.toContain("Accueil — Accueil des participants");
    expect(text).not.toContain("Séquence 4");
    expect(text).not.toContain("Dîner");
    expect(text).toContain("Durée totale de présence : 6 h 30.");
    expect(text).toContain("Fait à Rennes, le 19 mars 2027.");
  });

  it("count the whole programme, optional visit included, for someone there from start to end", async () => {
    const text = await textOf(documentsOf(smallSeminar(), AFTER), "attestations/abel-anne.pdf");
    expect(text).toContain("Visite — Découverte de la ville");
    expect(text).toContain("Séquence 4 — Analyse partagée des expériences 2 h");
    expect(text).toContain("Durée totale de présence : 11 h 15.");
  });
});

describe("the seminar's headcounts", () => {
  it("count the dinner, the lunch with tutors and the visit per day, with the needs of those who come", async () => {
    const set = documentsOf(smallSeminar(), BEFORE);
    expect(set.headcountLine).toBe(
      "Effectifs : visite du 17/03 : 1 ; dîner du 17/03 : 3 ; repas du 18/03 : 6 (dont 2 tuteurs).",
    );
    const text = await textOf(set, "effectifs.pdf");
    expect(text).toContain("17/03/2027 19 h 30 – 22 h Dîner — Dîner avec des élus locaux 3 — 3");
    expect(text).toContain("18/03/2027 12 h – 13 h Repas — Repas commun avec les tuteurs 4 2 6");
    expect(text).toContain("Zola Émile accès de plain-pied (PMR) ; végétarien");
  });
});

describe("the host rosters", () => {
  it("are made for a structure without an address in Contact, and the organizer is told to pass them on", () => {
    const { structures } = example;
    const withoutAddress = structures.map((row) =>
      row.Structure === "CAF — Accueil de Rennes"
        ? { ...row, Contact: "Direction de la relation usagers" }
        : row,
    );
    const set = documentsOf(smallSeminar({ structures: withoutAddress }), BEFORE);
    expect(set.documents.map((d) => d.file)).toContain("structures/caf-accueil-de-rennes.pdf");
    expect(set.notes).toContain(
      "CAF — Accueil de Rennes : pas d'adresse électronique dans Contact (onglet Structures), sa fiche d'accueil ne peut pas lui être envoyée : transmettez-la vous-même.",
    );
    expect(set.notes.some((note) => note.startsWith("CCAS de Rennes"))).toBe(false);
  });

  it("tell each structure who comes when, with which tutor and what they need", async () => {
    const set = documentsOf(smallSeminar(), BEFORE);
    expect(set.documents.filter((d) => d.file.startsWith("structures/")).map((d) => d.file)).toEqual([
      "structures/caf-accueil-de-rennes.pdf",
      "structures/ccas-de-rennes.pdf",
    ]);
    const text = await textOf(set, "structures/caf-accueil-de-rennes.pdf");
    expect(text).toContain("Accueil en immersion — CAF — Accueil de Rennes");
    expect(text).toContain("Contact : Direction de la relation usagers");
    expect(text).toContain("Personnes accueillies : 4");
    expect(text).toContain(
      "18/03/2027 Matin 8 h 30 – 11 h 30 Anne Abel Mairie de Vitré, Directrice Sophie Le Gall Accueil physique —",
    );
    expect(text).toContain(
      "Émile Zola Œuvres sociales de l'État, Chef de bureau Sophie Le Gall Accueil physique accès de plain-pied (PMR) ; végétarien",
    );
  });
});

describe("the lunch talk's documents", () => {
  it("make one attendance sheet of the seated people, sorted by name, the waiting list left out", async () => {
    const set = eventDocuments(
      lunchSnapshot(),
      testKeys("rencontre-test"),
      new Date("2027-04-07T08:00:00Z"),
    )!;
    expect(set.documents.map((d) => d.file)).toEqual(["emargement-rencontre.pdf", "effectifs.pdf"]);
    expect(set.headcountLine).toBe("Effectifs : déjeuner du 08/04 : 30.");
    expect(set.notes).toContain("15 personnes en liste d'attente, absentes des documents.");
    const sheet = set.documents[0]!;
    const table = sheet.blocks.find((block) => block.kind === "table");
    expect(table?.kind === "table" && table.rows).toHaveLength(30);
    const text = (await pdfText(await renderPdf(sheet, AFTER))).text;
    expect(text).toContain("Feuille d'émargement");
    expect(text).toContain("Nom Prénom Service Signature");
    expect(text).toContain("30 participants inscrits.");
  });

  it("make a certificate for each seated person after the talk, except one marked absent", async () => {
    const { registrations } = await import("../../sheets-templates/example-data.js");
    const absent = registrations.map((row, index) => (index === 0 ? { ...row, Présent: "Non" } : row));
    const set = eventDocuments(
      lunchSnapshot(undefined, absent),
      testKeys("rencontre-test"),
      new Date("2027-04-08T12:00:00Z"),
    )!;
    const certificates = set.documents.filter((d) => d.file.startsWith("attestations/"));
    expect(certificates).toHaveLength(29);
    const text = (await pdfText(await renderPdf(certificates[0]!, AFTER))).text;
    expect(text).toContain(
      "a participé à la rencontre méridienne « Rencontre méridienne — La participation des usagers »",
    );
    expect(text).toContain("le 8 avril 2027, de 12 h 15 à 13 h 45.");
    expect(text).toContain("Durée totale de présence : 1 h 30.");
  });
});
