import { access, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { main } from "../../functions/cli/passerelle.js";
import { cellText } from "../../functions/core/sheet/cells.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import { exampleFiles } from "../support/workbooks.js";
import { pdfText } from "./pdf-text.js";

const BEFORE = new Date("2027-03-10T09:00:00Z");

async function statusOf(path: string, tab: string): Promise<string> {
  const snapshot = await new XlsxWorkbook(path).read([tab]);
  const row = snapshot.get(tab)?.rows.find((cells) => cells[0] === "Statut");
  return cellText(row?.[1] ?? null);
}

describe("passerelle documents", () => {
  it("prints no paper for an event its check stops: no certificate dated from an unreadable day", async () => {
    const { seminar, folder } = await exampleFiles();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(seminar);
    workbook.getWorksheet(TABS.seminar.name)!.eachRow((row) => {
      if (row.getCell(1).value === "Jour 1") row.getCell(2).value = "30 février";
    });
    await workbook.xlsx.writeFile(seminar);

    const result = await main([
      "documents",
      seminar,
      "--at",
      "2027-03-19T09:00",
      "--out",
      join(folder, "refus"),
    ]);

    expect(result.code).toBe(1);
    expect(result.err).toContain("Aucun document produit : Jour 1 manquant ou illisible");
    await expect(access(join(folder, "refus"))).rejects.toThrow();
  });

  it("writes the example seminar's sheets, certificates, headcounts and rosters, and the headcounts on Statut", async () => {
    const { seminar, folder } = await exampleFiles();
    expect((await main(["match", seminar], BEFORE)).code).toBe(0);
    const after = await main([
      "documents",
      seminar,
      "--at",
      "2027-03-19T09:00",
      "--out",
      join(folder, "apres"),
    ]);
    expect(after.code).toBe(0);
    expect(after.out).toContain(
      "Par type : feuilles d'émargement 14, attestations de présence 26, effectifs 1, fiches des structures d'accueil 6.",
    );
    expect(await readdir(join(folder, "apres", "attestations"))).toHaveLength(26);
    expect(await readdir(join(folder, "apres", "structures"))).toHaveLength(6);
    const { text } = await pdfText(
      new Uint8Array(await readFile(join(folder, "apres", "attestations", "martin-claire.pdf"))),
    );
    expect(text).toContain("atteste que Claire Martin (Sous-préfète, Préfecture d'Ille-et-Vilaine)");
    expect(await statusOf(seminar, TABS.seminar.name)).toContain(
      "Effectifs : visite du 17/03 : 2 ; dîner du 17/03 : 26 ; repas du 18/03 : 37 (dont 11 tuteurs).",
    );
  }, 180_000);

  it("writes no certificate before the event has ended, next to the workbook by default", async () => {
    const { lunch, folder } = await exampleFiles();
    const { code, out } = await main(["documents", lunch], BEFORE);
    expect(code).toBe(0);
    expect(out).toContain("Les attestations de présence seront établies une fois la rencontre terminée");
    await expect(access(join(folder, "documents-rencontre", "attestations"))).rejects.toThrow();
  }, 60_000);

  it("writes the example lunch talk's attendance sheet and headcount", async () => {
    const { lunch, folder } = await exampleFiles();
    const { code, out } = await main(["documents", lunch, "--at", "2027-04-07T09:00"]);
    expect(code).toBe(0);
    expect(out).toContain("Par type : feuilles d'émargement 1, effectifs 1.");
    expect((await readdir(join(folder, "documents-rencontre"))).sort()).toEqual([
      "effectifs.pdf",
      "emargement-rencontre.pdf",
    ]);
    expect(await statusOf(lunch, TABS.lunch.name)).toContain("Effectifs : déjeuner du 08/04 : 30.");
  });

  it("keeps the headcounts line on Statut when the check rewrites its own verdict", async () => {
    const { lunch } = await exampleFiles();
    await main(["documents", lunch, "--at", "2027-04-07T09:00"]);
    expect((await main(["check", lunch], new Date("2027-04-07T10:00:00Z"))).code).toBe(0);
    const status = await statusOf(lunch, TABS.lunch.name);
    expect(status).toMatch(/^Vérifié le 07\/04\/2027 à 12:00/);
    expect(status.split("\n").filter((line) => line.startsWith("Effectifs :"))).toEqual([
      "Effectifs : déjeuner du 08/04 : 30.",
    ]);
  });

  it("refuses a wrong --at with exit status 2", async () => {
    const { lunch } = await exampleFiles();
    const { code, err } = await main(["documents", lunch, "--at", "demain"]);
    expect(code).toBe(2);
    expect(err).toContain("n'est pas un instant ISO");
  });
});
