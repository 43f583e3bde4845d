/**
 * The bad input a real spreadsheet brings, each through the whole check (a .xlsx file, the use case,
 * the write-back): a clear message, no crash, and nothing the organizer typed lost or reformatted.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { toCell, XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { type CheckReport, checkWorkbook } from "../../functions/app/check-workbook.js";
import { seminarWorkbook } from "../../sheets-templates/generate.js";

const NOW = new Date("2026-11-23T10:00:00Z");

interface Prepared {
  path: string;
  before: ExcelJS.Workbook;
}

async function prepare(edit: (workbook: ExcelJS.Workbook) => void): Promise<Prepared> {
  const folder = await mkdtemp(join(tmpdir(), "passerelle-bad-"));
  const workbook = seminarWorkbook();
  edit(workbook);
  const path = join(folder, "seminaire.xlsx");
  await workbook.xlsx.writeFile(path);
  const before = new ExcelJS.Workbook();
  await before.xlsx.readFile(path);
  return { path, before };
}

/** Every cell of the file before the check is still there after it, except the `Statut` cells. */
async function expectNothingLost({ path, before }: Prepared): Promise<void> {
  const after = new ExcelJS.Workbook();
  await after.xlsx.readFile(path);
  for (const sheet of before.worksheets) {
    const statusColumns = new Set<number>();
    sheet.getRow(1).eachCell((cell, column) => {
      if (cell.value === "Statut") statusColumns.add(column);
    });
    const other = after.getWorksheet(sheet.name)!;
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      row.eachCell({ includeEmpty: false }, (cell, column) => {
        if (statusColumns.has(column) && rowNumber > 1) return;
        if (sheet.name === "Séminaire" && rowNumber > 1 && sheet.getCell(rowNumber, 1).value === "Statut")
          return;
        expect(other.getCell(rowNumber, column).value, `${sheet.name}!${cell.address}`).toEqual(cell.value);
      });
    });
  }
}

async function check(prepared: Prepared): Promise<CheckReport> {
  const report = await checkWorkbook(new XlsxWorkbook(prepared.path), NOW);
  await expectNothingLost(prepared);
  return report;
}

function problemsAt(report: CheckReport, tab: string, row: number): string {
  return (report.rows.find((verdict) => verdict.tab === tab && verdict.row === row)?.problems ?? []).join(
    "\n",
  );
}

const participants = (workbook: ExcelJS.Workbook) => workbook.getWorksheet("Participants")!;
const columnOf = (sheet: ExcelJS.Worksheet, header: string): number => {
  let found = 0;
  sheet.getRow(1).eachCell((cell, column) => {
    if (cell.value === header) found = column;
  });
  if (found === 0) throw new Error(`no column ${header}`);
  return found;
};

describe("checking a workbook with bad input", () => {
  it("says which tab is missing and still checks the others", async () => {
    const prepared = await prepare((workbook) =>
      workbook.removeWorksheet(workbook.getWorksheet("Tuteurs")!.id),
    );
    const report = await check(prepared);
    expect(report.eventProblems.join("\n")).toContain("Onglet « Tuteurs » introuvable");
    expect(report.rows.some((row) => row.tab === "Participants")).toBe(true);
  });

  it("reads a header spelled another way and names a missing one on every row", async () => {
    const prepared = await prepare((workbook) => {
      const sheet = participants(workbook);
      sheet.getCell(1, columnOf(sheet, "Email")).value = "Adresse de courrier";
      sheet.getCell(1, columnOf(sheet, "Prénom")).value = "  PRENOM ";
    });
    const report = await check(prepared);
    expect(problemsAt(report, "Participants", 2)).toBe(
      "Colonne « Email » introuvable dans l'onglet Participants : ajoutez-la en ligne 1 ou rétablissez son titre.",
    );
  });

  it("accepts E-mail and Courriel for Email", async () => {
    const prepared = await prepare((workbook) => {
      const sheet = participants(workbook);
      sheet.getCell(1, columnOf(sheet, "Email")).value = "Courriel";
    });
    const report = await check(prepared);
    expect(problemsAt(report, "Participants", 2)).toBe("");
  });

  it("handles an empty sheet", async () => {
    const prepared = await prepare((workbook) => {
      workbook.removeWorksheet(participants(workbook).id);
      workbook.addWorksheet("Participants");
    });
    const report = await check(prepared);
    expect(report.rows.filter((row) => row.tab === "Participants")).toEqual([]);
    expect(report.eventProblems.join("\n")).toContain("Colonne « Email » introuvable");
  });

  it("reads merged header cells", async () => {
    const prepared = await prepare((workbook) => {
      const sheet = workbook.getWorksheet("Structures")!;
      sheet.spliceColumns(8, 0, [], []);
      sheet.getCell(1, 8).value = "Notes";
      sheet.mergeCells(1, 8, 1, 9);
    });
    const report = await check(prepared);
    expect(
      report.rows.filter((row) => row.tab === "Structures").every((row) => row.problems.length === 0),
    ).toBe(true);
  });

  it("reports an error value and reads a formula's result", async () => {
    const prepared = await prepare((workbook) => {
      const sheet = participants(workbook);
      sheet.getCell(2, columnOf(sheet, "Organisme")).value = { error: "#REF!" } as ExcelJS.CellErrorValue;
      sheet.getCell(3, columnOf(sheet, "Nom")).value = { formula: 'UPPER("Bernard")', result: "BERNARD" };
    });
    const report = await check(prepared);
    expect(problemsAt(report, "Participants", 2)).toContain(
      "Organisme : la cellule affiche l'erreur « #REF! »",
    );
    expect(problemsAt(report, "Participants", 3)).not.toContain("Nom");
  });

  it("explains a number typed where a name is expected, and accepts a phone typed as a number", async () => {
    const prepared = await prepare((workbook) => {
      const sheet = participants(workbook);
      sheet.getCell(2, columnOf(sheet, "Nom")).value = 42;
      sheet.getCell(2, columnOf(sheet, "Téléphone")).value = 612345678;
    });
    const report = await check(prepared);
    expect(problemsAt(report, "Participants", 2)).toBe("Nom : « 42 » n'est pas un nom : tapez des lettres.");
  });

  it("accepts non-breaking and trailing spaces around an email", async () => {
    const prepared = await prepare((workbook) => {
      const sheet = participants(workbook);
      sheet.getCell(2, columnOf(sheet, "Email")).value = "\u00a0claire.martin@pref.example.org  ";
    });
    const report = await check(prepared);
    expect(problemsAt(report, "Participants", 2)).toBe("");
  });

  it("accepts names with accents, apostrophes, hyphens and emoji", async () => {
    const prepared = await prepare((workbook) => {
      const sheet = participants(workbook);
      sheet.getCell(2, columnOf(sheet, "Nom")).value = "D'Arc-Lefèvre 🌟";
      sheet.getCell(2, columnOf(sheet, "Prénom")).value = "Jeanne-Éloïse";
    });
    const report = await check(prepared);
    expect(problemsAt(report, "Participants", 2)).toBe("");
  });

  it("refuses an email holding a line break (header injection)", async () => {
    const prepared = await prepare((workbook) => {
      const sheet = participants(workbook);
      sheet.getCell(2, columnOf(sheet, "Email")).value = "claire@example.org\r\nBcc: everyone@example.org";
    });
    const report = await check(prepared);
    expect(problemsAt(report, "Participants", 2)).toContain(
      "n'est pas une adresse valide (elle contient un retour à la ligne)",
    );
    expect(report.rows.find((row) => row.row === 2 && row.tab === "Participants")?.blocking).toBe(true);
  });

  it("survives a 5 MB cell, quoting only its beginning", async () => {
    const huge = "x".repeat(5 * 1024 * 1024);
    const prepared = await prepare((workbook) => {
      const sheet = participants(workbook);
      sheet.getCell(2, columnOf(sheet, "Besoins")).value = huge;
    });
    const report = await check(prepared);
    const problems = problemsAt(report, "Participants", 2);
    expect(problems).toContain("Besoins : est trop longue");
    expect(problems.length).toBeLessThan(300);
  });

  it("checks 10,000 registrations", async () => {
    const prepared = await prepare((workbook) => {
      const sheet = participants(workbook);
      const template = sheet.getRow(2).values as ExcelJS.CellValue[];
      const email = columnOf(sheet, "Email");
      for (let index = 0; index < 10_000; index++) {
        const values = [...template];
        values[email] = `personne${index}@example.org`;
        sheet.addRow(values.slice(1));
      }
    });
    const report = await checkWorkbook(new XlsxWorkbook(prepared.path), NOW);
    expect(report.rows.filter((row) => row.tab === "Participants")).toHaveLength(10_030);
    expect(report.eventProblems.join("\n")).toContain("places chez les tuteurs");
  }, 120_000);

  it("reads back what it wrote the same way", async () => {
    const prepared = await prepare(() => undefined);
    await check(prepared);
    const second = await checkWorkbook(new XlsxWorkbook(prepared.path), NOW);
    expect(second.cellsWritten).toBe(0);
    expect(toCell(null)).toBeNull();
  });
});
