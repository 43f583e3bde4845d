import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { main } from "../../functions/cli/passerelle.js";
import { exampleFiles } from "../support/workbooks.js";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "../../bin/passerelle.js");
/** Before the example seminar (17 March 2027). */
const BEFORE_SEMINAR = new Date("2026-11-23T10:00:00Z");
/** Before the example lunch talk's closing of registrations (6 April 2027, 12:00 in Paris). */
const NOW = new Date("2027-03-20T10:00:00Z");

async function rowsOf(path: string, tab: string): Promise<Record<string, unknown>[]> {
  const snapshot = await new XlsxWorkbook(path).read([tab]);
  const [header = [], ...rows] = snapshot.get(tab)?.rows ?? [];
  return rows.map((row) => Object.fromEntries(header.map((title, index) => [String(title), row[index]])));
}

describe("passerelle match, on a seminar", () => {
  it("writes Affectations, prints exactly the documented JSON, and the process ends by itself", async () => {
    const { seminar } = await exampleFiles();
    // A child process: a solver worker left running would keep it alive past the timeout.
    const { stdout } = await run(process.execPath, [BIN, "match", seminar, "--json"], { timeout: 90_000 });
    const json = JSON.parse(stdout) as {
      placements: Record<string, string>[];
      unplaced: Record<string, string>[];
      objective: number;
      optimal: boolean;
      gap: number;
    };
    expect(Object.keys(json)).toEqual(["placements", "unplaced", "objective", "optimal", "gap"]);
    expect(json.placements.length).toBeGreaterThan(0);
    for (const placement of json.placements)
      expect(Object.keys(placement)).toEqual(["participant", "slot", "structure", "situation", "tutor"]);
    for (const unplaced of json.unplaced) expect(Object.keys(unplaced)).toEqual(["participant", "reason"]);
    expect(new Set(json.placements.map((placement) => placement.slot))).toEqual(
      new Set(["Matin", "Après-midi"]),
    );
    expect(typeof json.objective).toBe("number");
    expect(json.optimal).toBe(true);
    expect(json.gap).toBeGreaterThanOrEqual(0);

    const written = await rowsOf(seminar, "Affectations");
    expect(
      written.map((row) => [row["Email participant"], row.Créneau, row.Structure, row["Email tuteur"]]),
    ).toEqual(
      expect.arrayContaining(
        json.placements.map((placement) => [
          placement.participant,
          placement.slot,
          placement.structure,
          placement.tutor,
        ]),
      ),
    );
    expect(written).toHaveLength(json.placements.length);
  });

  it("prints a French summary: who is placed, who is not and why, and the wishes met in each slot", async () => {
    const { seminar } = await exampleFiles();
    const { code, out } = await main(["match", seminar], BEFORE_SEMINAR);
    expect(code).toBe(0);
    expect(out).toMatch(/^Onglet « Affectations » écrit : \d+ placements pour \d+ participants\./);
    expect(out).toMatch(/Placés dans tous les créneaux : \d+ sur \d+\./);
    expect(out).toMatch(/Non placés : (aucun|\d+ placements? impossibles?)\./);
    expect(out).toMatch(/Créneau « Matin » : \d+ en vœu 1, \d+ en vœu 2, \d+ en vœu 3, \d+ hors vœux/);
    expect(out).toMatch(/Créneau « Après-midi » : \d+ en vœu 1/);
    expect(out).toMatch(/Aucun vœu satisfait, sur l'ensemble des créneaux : \d+ participants? sur \d+\./);
    expect(out).toContain("Affectation optimale");
  });

  it("refuses a workbook that is neither a seminar nor a lunch talk, with exit status 1", async () => {
    const { folder } = await exampleFiles();
    const path = join(folder, "autre.xlsx");
    const book = new ExcelJS.Workbook();
    book.addWorksheet("Feuille 1").addRow(["Nom", "Prénom"]);
    await book.xlsx.writeFile(path);
    const { code, out, err } = await main(["match", path], BEFORE_SEMINAR);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("n'est pas un classeur Passerelle");
  });

  it("refuses to write into a workbook a spreadsheet program holds open, and writes nothing", async () => {
    const { seminar } = await exampleFiles();
    const lock = join(dirname(seminar), `~$${basename(seminar)}`);
    await writeFile(lock, "");
    const before = await readFile(seminar);
    for (const command of ["check", "match"]) {
      const { code, err } = await main([command, seminar], BEFORE_SEMINAR);
      expect(code).toBe(1);
      expect(err).toContain("ouvert dans un tableur");
    }
    expect((await readFile(seminar)).equals(before)).toBe(true);
    await rm(lock);
    expect((await main(["check", seminar], BEFORE_SEMINAR)).code).toBe(0);
  });

  it("makes check say the same with exit status 1, as every command does for a file it cannot use", async () => {
    const { folder } = await exampleFiles();
    const path = join(folder, "autre.xlsx");
    const book = new ExcelJS.Workbook();
    book.addWorksheet("Feuille 1").addRow(["Nom", "Prénom"]);
    await book.xlsx.writeFile(path);
    const { code, err } = await main(["check", path], BEFORE_SEMINAR);
    expect(code).toBe(1);
    expect(err).toContain("n'est pas un classeur Passerelle");
  });
});

describe("passerelle match, on a lunch talk", () => {
  it("writes each registration's seat into Statut and prints the seats as JSON", async () => {
    const { lunch } = await exampleFiles();
    const { code, out } = await main(["match", lunch, "--json"], NOW);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json).toMatchObject({
      kind: "lunch",
      capacity: 30,
      quotaPerService: 4,
      closingAt: "2027-04-06T10:00:00.000Z",
      closed: false,
      cancelled: [],
      toFix: [],
    });
    expect(json.seated).toHaveLength(30);
    expect(json.seated[0]).toEqual({
      row: 2,
      participant: expect.stringContaining("@action-sociale.example.org"),
      service: expect.any(String),
    });
    expect(json.waiting.map((seat: { rank: number }) => seat.rank)).toEqual(
      Array.from({ length: 15 }, (_, index) => index + 1),
    );

    const statuses = (await rowsOf(lunch, "Inscriptions")).map((row) => row.Statut);
    expect(statuses.filter((status) => status === "Inscrit")).toHaveLength(30);
    expect(statuses.slice(30)).toEqual(
      Array.from({ length: 15 }, (_, index) => `Liste d'attente (${index + 1})`),
    );
  });

  it("prints the seats in French: counts, the quota until the closing, the waiting list in order", async () => {
    const { lunch } = await exampleFiles();
    const { code, out } = await main(["match", lunch], NOW);
    expect(code).toBe(0);
    expect(out).toContain(
      "Rencontre méridienne : 30 places attribuées sur 30, 15 personnes en liste d'attente, 0 annulation.",
    );
    expect(out).toContain(
      "Quota : 4 places par service au plus jusqu'à la clôture des inscriptions, mardi 6 avril 2027 à 12 h.",
    );
    expect(out).toMatch(
      /Liste d'attente, dans l'ordre :\n\s+1\. \S+@action-sociale\.example\.org \(.+\), ligne 32/,
    );
    expect(out).toContain("cellules « Statut » mises à jour dans le classeur.");
  });
});
