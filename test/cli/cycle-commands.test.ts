/**
 * `preview`, `documents` and `purge` on the two newer kinds of event: a cycle of lunch talks and a
 * reverse immersion, from their example workbooks.
 */
import { copyFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { main } from "../../functions/cli/passerelle.js";
import { runPurge } from "../../functions/cli/purge.js";
import * as reverseExample from "../../sheets-templates/example-inversee.js";
import { exampleFiles } from "../support/workbooks.js";

/** Before the first talk's closing of registrations (6 April 2027, 12:15 in Paris). */
const NOW = new Date("2027-03-20T10:00:00Z");
const TEMPLATES = join(import.meta.dirname, "../../sheets-templates");

async function reverseFile(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "passerelle-inversee-"));
  const path = join(folder, "immersion-inversee.xlsx");
  copyFileSync(join(TEMPLATES, "immersion-inversee.xlsx"), path);
  return path;
}

describe("preview and documents on a cycle of lunch talks", () => {
  it("previews each talk's seat confirmations and waiting ranks beside the speakers' invitations", async () => {
    const { cycle, folder } = await exampleFiles();
    const { code, out } = await main(["preview", cycle, "--out", join(folder, "apercu"), "--json"], NOW);
    expect(code).toBe(0);
    const json = JSON.parse(out) as { zone: string; messages: { kind: string; subject: string }[] };
    expect(json.zone).toBe("Europe/Paris");
    const count = (kind: string) => json.messages.filter((message) => message.kind === kind).length;
    // Seats: 20 + 20 + 21; waiting: 8 + 13 + 1 (the third talk's quota holds until its closing).
    expect(count("inscription")).toBe(61);
    expect(count("liste-attente")).toBe(22);
    expect(count("invitation-intervenant")).toBe(2);
    expect(count("rappel-rencontre")).toBe(61);
    const text = await main(["preview", cycle, "--out", join(folder, "apercu")], NOW);
    expect(text.out).toContain("Inscription confirmée 61");
  });

  it("writes each talk's attendance sheet and headcounts in a folder of its own, certificates once it is over", async () => {
    const { cycle, folder } = await exampleFiles();
    const out = join(folder, "documents");
    const { code, out: text } = await main(
      ["documents", cycle, "--out", out, "--at", "2027-04-09T09:00"],
      new Date("2027-04-09T07:00:00Z"),
    );
    expect(code).toBe(0);
    expect(text).toContain("participation-des-usagers/emargement-rencontre.pdf");
    expect(text).toContain("donnees-et-territoires/emargement-rencontre.pdf");
    expect(text).toMatch(/participation-des-usagers\/attestations\/.+\.pdf/);
    expect(text).not.toMatch(/accueil-inconditionnel\/attestations\//);
    expect(text).toContain("« Participation des usagers » : Effectifs : déjeuner du 08/04 : 20.");
    expect(text).toContain("feuilles d'émargement 3");
  });
});

/** The example cycle with the second talk's date made unreadable, or without its `Inscriptions` tab. */
async function brokenCycle(fault: "date" | "inscriptions"): Promise<{ cycle: string; folder: string }> {
  const { cycle, folder } = await exampleFiles();
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(cycle);
  if (fault === "date") {
    const sheet = workbook.getWorksheet("Rencontres")!;
    const column = (sheet.getRow(1).values as unknown[]).indexOf("Date");
    sheet.getRow(3).getCell(column).value = "le 12 avrl";
  } else workbook.removeWorksheet(workbook.getWorksheet("Inscriptions")!.id);
  await workbook.xlsx.writeFile(cycle);
  return { cycle, folder };
}

const UNSCHEDULED =
  "La rencontre « Accueil inconditionnel » (onglet Rencontres, ligne 3) n'est pas programmée : Date : « le 12 avrl » n'est pas une date : tapez-la comme 17/03/2027.";

describe("a cycle with a fault, as every command says it", () => {
  it("says in match, preview and documents that a talk with an unreadable date is left out, and goes on with the others", async () => {
    const { cycle, folder } = await brokenCycle("date");
    const match = await main(["match", cycle], NOW);
    expect(match.code).toBe(0);
    expect(match.out).toContain(`=== Non programmée : ${UNSCHEDULED}`);
    expect(match.out).toContain("=== Participation des usagers");
    const json = JSON.parse((await main(["match", cycle, "--json"], NOW)).out) as {
      unscheduled: { row: number; talk: string }[];
    };
    expect(json.unscheduled).toEqual([expect.objectContaining({ row: 3, talk: "Accueil inconditionnel" })]);
    const preview = await main(["preview", cycle, "--out", join(folder, "apercu")], NOW);
    expect(preview.out).toContain(UNSCHEDULED);
    expect(preview.out).toContain("non programmée");
    const documents = await main(["documents", cycle, "--out", join(folder, "documents")], NOW);
    expect(documents.code).toBe(0);
    expect(documents.out).toContain(UNSCHEDULED);
    const statuses = (await new XlsxWorkbook(cycle).read(["Rencontres"])).get("Rencontres")!.rows;
    const status = statuses[2]![(statuses[0] as unknown[]).indexOf("Statut")];
    expect(String(status)).toContain("Rencontre non programmée tant que cette ligne n'est pas corrigée");
  });

  it("refuses match and documents, and plans nothing in preview, for a cycle without its Inscriptions tab", async () => {
    const { cycle, folder } = await brokenCycle("inscriptions");
    const missing = "Onglet « Inscriptions » introuvable : ajoutez-le (voir le modèle).";
    const check = await main(["check", cycle], NOW);
    expect(check.out).toContain(missing);
    expect(check.out).not.toContain("0 inscrit");
    const talks = (await new XlsxWorkbook(cycle).read(["Rencontres"])).get("Rencontres")!.rows;
    const column = (talks[0] as unknown[]).indexOf("Statut");
    for (const row of talks.slice(1)) expect(String(row[column])).toBe(`bloquant : ${missing}`);
    const match = await main(["match", cycle], NOW);
    expect(match.code).toBe(1);
    expect(match.err).toContain(missing);
    expect(match.out).not.toContain("inscrit");
    const preview = await main(["preview", cycle, "--out", join(folder, "apercu")], NOW);
    expect(preview.out).toContain("aucun message prévu");
    expect(preview.out).toContain(missing);
    expect(preview.out).not.toContain("personnes inscrites");
    const documents = await main(["documents", cycle, "--out", join(folder, "documents")], NOW);
    expect(documents.code).toBe(1);
    expect(documents.err).toContain(missing);
  });

  it("refuses match and documents for a single lunch talk without its Inscriptions tab, as for a cycle", async () => {
    const { lunch, folder } = await exampleFiles();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(lunch);
    workbook.removeWorksheet(workbook.getWorksheet("Inscriptions")!.id);
    await workbook.xlsx.writeFile(lunch);
    const missing = "Onglet « Inscriptions » introuvable : ajoutez-le (voir le modèle).";
    const check = await main(["check", lunch], NOW);
    expect(check.out).toContain(missing);
    expect(check.out).not.toContain("0 inscrit");
    const match = await main(["match", lunch], NOW);
    expect(match.code).toBe(1);
    expect(match.err).toContain(missing);
    const documents = await main(["documents", lunch, "--out", join(folder, "documents")], NOW);
    expect(documents.code).toBe(1);
    expect(documents.err).toContain(missing);
  });

  it("names the four kinds of event, once, for a workbook that holds none", async () => {
    const { cycle } = await exampleFiles();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(cycle);
    workbook.removeWorksheet(workbook.getWorksheet("Cycle")!.id);
    await workbook.xlsx.writeFile(cycle);
    for (const command of ["check", "match", "preview"]) {
      const { code, out, err } = await main([command, cycle], NOW);
      expect(code, command).toBe(1);
      const said = `${out}\n${err}`;
      expect(said.match(/n'est pas un classeur Passerelle/g), command).toHaveLength(1);
      for (const tab of ["Séminaire", "Rencontre", "Cycle", "Immersion"])
        expect(said, command).toContain(`« ${tab} »`);
    }
  });
});

describe("purge on a cycle of lunch talks and on a reverse immersion", () => {
  it("refuses a cycle before its last talk is over, in French", async () => {
    const { cycle } = await exampleFiles();
    await expect(runPurge(cycle, { force: false, now: new Date("2027-05-07T10:00:00Z") })).rejects.toThrow(
      "L'événement n'est pas terminé (fin le 03/06/2027 à 13:45) : rien n'a été effacé.",
    );
  });

  it("erases a cycle's registrants and speakers once its last talk is over, and keeps the organizer's contact", async () => {
    const { cycle } = await exampleFiles();
    const text = await runPurge(cycle, { force: false, now: new Date("2027-06-10T10:00:00Z") });
    expect(text).toContain("aucun ne reste");
    const snapshot = await new XlsxWorkbook(cycle).read(["Inscriptions", "Intervenants", "Cycle"]);
    const emails = (tab: string) => {
      const rows = snapshot.get(tab)!.rows;
      const column = rows[0]!.indexOf("Email");
      return rows.slice(1).map((row) => row[column] ?? "");
    };
    expect(emails("Inscriptions").every((cell) => cell === "")).toBe(true);
    expect(emails("Intervenants").every((cell) => cell === "")).toBe(true);
    const cycleRows = snapshot.get("Cycle")!.rows;
    expect(cycleRows.find((row) => row[0] === "Email organisateur")?.[1]).toBe(
      "meridiennes@action-sociale.example.org",
    );
    expect(String(cycleRows.find((row) => row[0] === "Statut")?.[1])).toMatch(
      /^Données personnelles effacées/,
    );
  });

  it("erases a reverse immersion's participants, service users' registrars included, and keeps its hosts' office contacts", async () => {
    const path = await reverseFile();
    expect(reverseExample.reverseSettings.Date).toBe("2027-05-20");
    await expect(runPurge(path, { force: false, now: new Date("2027-05-20T08:00:00Z") })).rejects.toThrow(
      "L'événement n'est pas terminé",
    );
    const text = await runPurge(path, { force: false, now: new Date("2027-12-31T10:00:00Z") });
    expect(text).toContain("aucun ne reste");
    const snapshot = await new XlsxWorkbook(path).read(["Participants", "Hôtes"]);
    const column = (tab: string, header: string) => {
      const rows = snapshot.get(tab)!.rows;
      const index = rows[0]!.indexOf(header);
      return rows.slice(1).map((row) => row[index] ?? "");
    };
    expect(column("Participants", "Email").every((cell) => cell === "")).toBe(true);
    expect(column("Participants", "Email de l'inscripteur").every((cell) => cell === "")).toBe(true);
    expect(column("Hôtes", "Email")).toEqual(reverseExample.hosts.map((host) => host.Email));
  });
});

describe("a reverse immersion without its Hôtes tab", () => {
  it("is refused by match and documents, in its own words and once", async () => {
    const path = await reverseFile();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    workbook.removeWorksheet(workbook.getWorksheet("Hôtes")!.id);
    await workbook.xlsx.writeFile(path);
    const missing = "Onglet « Hôtes » introuvable : ajoutez-le (voir le modèle).";
    for (const args of [
      ["match", path],
      ["documents", path, "--out", join(path, "..", "papiers")],
    ]) {
      const { code, out, err } = await main(args, NOW);
      const said = `${out}${err}`;
      expect({ args: args[0], code }).toEqual({ args: args[0], code: 1 });
      expect(said.split(missing).length - 1).toBe(1);
      expect(said).not.toMatch(/Structures|Tuteurs/);
    }
  });
});
