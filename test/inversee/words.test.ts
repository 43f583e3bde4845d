/**
 * What the organizer of a reverse immersion reads from the commands and the local outbox: hosts,
 * not tutors and structures; the problems only a reverse immersion has, as its sheet shows them.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { checkWorkbook } from "../../functions/app/check-workbook.js";
import { ReverseAwareWorkbook } from "../../functions/app/reverse-workbook.js";
import { runCheck } from "../../functions/cli/check.js";
import { runDocuments } from "../../functions/cli/documents.js";
import { runMatch } from "../../functions/cli/match.js";
import { runPreview } from "../../functions/cli/preview.js";
import { eventDocuments } from "../../functions/core/documents/index.js";
import { REVERSE_WORKBOOK } from "../../functions/core/inversee/schemas.js";
import { seminarView } from "../../functions/core/inversee/view.js";
import { inReverseWords } from "../../functions/core/inversee/words.js";
import { renderRosterMessage } from "../../functions/core/messages/document-messages.js";
import { inHostWords } from "../../functions/local/host-words.js";
import { outboxPage } from "../../functions/local/outbox.js";
import { TEMPLATE_FILES } from "../../sheets-templates/generate.js";
import { testKeys } from "../support/ledger.js";
import { MemoryWorkbook } from "../support/workbooks.js";
import { reverseSnapshot } from "./fixtures.js";

const TEMPLATE = join(import.meta.dirname, "../../sheets-templates", TEMPLATE_FILES.reverse);
const folder = mkdtempSync(join(tmpdir(), "passerelle-inversee-mots-"));
const NOW = new Date("2027-04-19T07:00:00Z");
const AFTER = new Date("2027-05-21T08:00:00Z");

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function copy(name: string): string {
  const path = join(folder, name);
  copyFileSync(TEMPLATE, path);
  return path;
}

describe("the words of a reverse immersion", () => {
  it("says why a visitor has no place with hosts, not with tutors of structures", () => {
    expect(
      inReverseWords(
        "Plus de place sur le créneau Matin : les tuteurs des structures possibles (hors de son organisme) sont complets. Ajoutez un tuteur ou augmentez une capacité.",
      ),
    ).toBe(
      "Plus de place sur le créneau Matin : les hôtes possibles (hors de son organisme) sont complets. Ajoutez un hôte ou augmentez une capacité.",
    );
    expect(
      inReverseWords(
        "Les seules structures possibles sur le créneau Matin l'accueillent déjà sur un autre créneau.",
      ),
    ).toBe("Les seuls hôtes possibles sur le créneau Matin l'accueillent déjà sur un autre créneau.");
  });

  it("checks hosts under Hôtes, not Structures and Tuteurs, and prints the problems only a reverse immersion has", async () => {
    const text = await runCheck(copy("check.xlsx"), false, NOW);
    expect(text).toContain("Hôtes : 8 lignes sans problème sur 8.");
    expect(text).not.toMatch(/^(Structures|Tuteurs) :/m);
    expect(text).toContain("Participants, ligne 13 : Usager sans adresse et sans « Email de l'inscripteur »");
    expect(text).not.toContain("Participants, ligne 13 : Email");
    const json = JSON.parse(await runCheck(copy("check-json.xlsx"), true, NOW)) as {
      event: { tab: string };
      rows: { tab: string }[];
    };
    expect(json.event.tab).toBe("Immersion");
    expect(new Set(json.rows.map((row) => row.tab))).toEqual(new Set(["Programme", "Hôtes", "Participants"]));
  });

  it("prints the placements with hosts, without the levels every host shares", async () => {
    const text = await runMatch(copy("match.xlsx"), false, NOW);
    expect(text).toContain("Charge des hôtes au-delà de la moitié");
    expect(text).toContain("Paires d'un même organisme (hôte et créneau)");
    expect(text).not.toMatch(/tuteur|Même type de structure|Même situation|même public/i);
    // The criteria shown are numbered in order, without the gaps of the hidden ones.
    const numbers = [...text.matchAll(/^ {2}(\d+)\. /gm)].map((match) => Number(match[1]));
    expect(numbers).toEqual(numbers.map((_, index) => index + 1));
    expect(numbers.length).toBe(6);
  });

  it("speaks of the immersion, not of a seminar, in its documents and their summary", async () => {
    const path = copy("documents.xlsx");
    await runMatch(path, true, NOW);
    const text = await runDocuments(path, { now: AFTER, out: join(folder, "documents") });
    expect(text).toContain("fiches des hôtes");
    expect(text).not.toMatch(/séminaire|tuteur/i);
    const source = await new XlsxWorkbook(path).read(REVERSE_WORKBOOK.map((spec) => spec.name));
    const set = eventDocuments(seminarView(source).snapshot, testKeys("documents"), AFTER)!;
    const certificate = set.documents.find((document) => document.about?.kind === "certificate")!;
    const said = JSON.stringify(certificate.blocks);
    expect(said).toContain(
      "a participé à l'immersion inversée « Vivez ma vie de décideur — Lyon » qui s'est tenue",
    );
    expect(said).not.toContain("séminaire");
    // The host's own sheet is addressed to the host.
    const sheet = set.documents.find((document) => document.about?.kind === "roster")!;
    const host = sheet.about?.kind === "roster" ? sheet.about.structure : "";
    expect(sheet.title).toBe(`Les personnes qui vous suivront — ${host}`);
    const sheetText = JSON.stringify(sheet.blocks);
    expect(sheetText).toContain("Votre bureau");
    expect(sheetText).toContain("Vous suivra");
    expect(sheetText).not.toMatch(/Structure|Tuteur|situation|accueille/);
    const message = renderRosterMessage({
      info: { title: set.title, organizerEmail: "organisation@example.org", dates: "le 20 mai 2027" },
      structure: host,
      hosted: 1,
      update: false,
      reverse: true,
    });
    expect(message.text).toContain(`Bonjour ${host},`);
    expect(message.text).toContain("Vous ouvrez votre journée à une personne le 20 mai 2027");
    expect(message.text).not.toMatch(new RegExp(`${host} accueille|tuteur|structure`, "i"));
  });

  it("names the hosts' messages as such in the local outbox", () => {
    const page = outboxPage(
      [
        {
          at: "2027-04-19T07:00:00.000Z",
          to: "anne.delorme@example.org",
          kind: "demande-tuteur",
          subject: "Accueil d'un visiteur",
          html: "001.html",
          eml: "001.eml",
          ics: [],
        },
      ],
      "Europe/Paris",
      inHostWords,
    );
    expect(page).toMatch(/Demande à l(&#39;|&#x27;|&apos;|')hôte : 1/);
    expect(page).not.toContain("tuteur");
    expect(inReverseWords("Relance au tuteur, rappel du tuteur, d'un tuteur, 3 tuteurs")).toBe(
      "Relance à l'hôte, rappel de l'hôte, d'un hôte, 3 hôtes",
    );
  });

  it("says once that a deleted Hôtes tab is missing, under its own name", async () => {
    const snapshot = reverseSnapshot();
    snapshot.delete("Hôtes");
    const memory = new MemoryWorkbook(snapshot, "inversee-sans-hotes");
    await checkWorkbook(new ReverseAwareWorkbook(memory), NOW);
    const rows = memory.tabs.get("Immersion") ?? [];
    const status = String(rows.find((row) => row[0] === "Statut")?.[1] ?? "");
    expect(status.match(/Onglet « Hôtes » introuvable/g)).toHaveLength(1);
    expect(status).not.toMatch(/Structures|Tuteurs|tuteur/);
  });

  it("labels the hosts' messages as such in passerelle preview", async () => {
    const path = copy("preview.xlsx");
    await runMatch(path, true, NOW);
    const preview = JSON.parse(
      await runPreview(path, { json: true, now: NOW, at: "2027-05-13T09:00", out: join(folder, "apercu") }),
    ) as {
      messages: { kind: string; label: string; subject: string }[];
      skipped: string[];
      warnings: string[];
    };
    const labels = new Map(preview.messages.map((message) => [message.kind, message.label]));
    expect(labels.get("demande-tuteur")).toBe("Demande à l'hôte");
    expect(labels.get("fiche-structure")).toBe("Fiche d'accueil à l'hôte");
    // What the organizer reads (kinds, keys and file names are identifiers, not words).
    const read = [
      ...preview.messages.flatMap((message) => [message.label, message.subject]),
      ...preview.warnings,
      ...preview.skipped,
    ];
    expect(read.length).toBeGreaterThan(10);
    expect(read.join("\n")).not.toMatch(/tuteur|structure|séminaire/i);
  });
});
