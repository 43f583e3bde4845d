import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { EXAMPLE_MISTAKES } from "../../sheets-templates/example-data.js";
import { exampleFiles } from "../support/workbooks.js";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "../../bin/passerelle.js");

async function passerelle(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("passerelle check", () => {
  it("prints one JSON entry per data row, with the row the organizer sees, and exactly the example's mistakes", async () => {
    const { seminar } = await exampleFiles();
    const { code, stdout } = await passerelle("check", seminar, "--json");
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as {
      rows: { tab: string; row: number; ok: boolean; problems: string[] }[];
    };
    expect(json.rows.filter((row) => row.tab === "Participants")).toHaveLength(30);
    expect(json.rows.filter((row) => row.tab === "Participants")[0]?.row).toBe(2);
    expect(json.rows.filter((row) => !row.ok).map((row) => ({ tab: row.tab, row: row.row }))).toEqual(
      EXAMPLE_MISTAKES.map(({ tab, row }) => ({ tab, row })),
    );
  });

  it("prints a French summary and writes the verdicts into the file", async () => {
    const { seminar } = await exampleFiles();
    const first = await passerelle("check", seminar);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Participants : 23 lignes sans problème sur 30.");
    expect(first.stdout).toContain("Participants, ligne 6 : Email :");
    // The same count as the workflow's check: rows left out, apart from rows kept with a warning.
    expect(first.stdout).toContain("5 lignes écartées tant qu'elles ne sont pas corrigées :");
    expect(first.stdout).toContain("3 lignes retenues, avec un avertissement à lire :");
    const second = await passerelle("check", seminar);
    expect(second.stdout).toMatch(/[01] cellule « Statut » mise à jour/);
  });

  it("checks a lunch talk workbook and writes each registration's seat", async () => {
    const { lunch } = await exampleFiles();
    const { code, stdout } = await passerelle("check", lunch, "--json");
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { kind: string; rows: { tab: string; ok: boolean; status: string }[] };
    expect(json.kind).toBe("lunch");
    expect(json.rows).toHaveLength(45);
    expect(json.rows.every((row) => row.ok)).toBe(true);
    // 30 seats for 45 registrations: each row says where it stands rather than `OK`.
    expect(json.rows.filter((row) => row.status === "Inscrit")).toHaveLength(30);
    expect(json.rows.slice(30).map((row) => row.status)).toEqual(
      Array.from({ length: 15 }, (_, index) => `Liste d'attente (${index + 1})`),
    );
  });

  it("exits non-zero with a French message when the file cannot be read", async () => {
    const { folder } = await exampleFiles();
    const broken = join(folder, "abime.xlsx");
    await writeFile(broken, "ceci n'est pas un classeur");
    const unreadable = await passerelle("check", broken);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain("n'est pas un classeur Excel (.xlsx) valide");
    const missing = await passerelle("check", join(folder, "absent.xlsx"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Fichier introuvable");
  });
});
