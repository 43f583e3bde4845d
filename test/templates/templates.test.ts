import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { toCell } from "../../functions/adapters/xlsx-workbook.js";
import { CYCLE_WORKBOOK } from "../../functions/core/cycle/cycle-schemas.js";
import { LUNCH_WORKBOOK, SEMINAR_WORKBOOK, SETTINGS_HEADERS } from "../../functions/core/sheet/schemas.js";
import { columnsOf, headersOf } from "../../functions/core/sheet/table.js";
import { TEMPLATE_FILES } from "../../sheets-templates/generate.js";

const folder = new URL("../../sheets-templates/", import.meta.url);

async function load(file: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(new URL(file, folder).pathname);
  return workbook;
}

describe("the committed templates", () => {
  for (const [file, specs] of [
    [TEMPLATE_FILES.seminar, SEMINAR_WORKBOOK],
    [TEMPLATE_FILES.lunch, LUNCH_WORKBOOK],
    [TEMPLATE_FILES.cycle, CYCLE_WORKBOOK],
  ] as const) {
    it(`${file} has exactly the tabs and headers of the schemas`, async () => {
      const workbook = await load(file);
      const visible = workbook.worksheets.filter((sheet) => sheet.state !== "hidden");
      expect(visible.map((sheet) => sheet.name)).toEqual(specs.map((spec) => spec.name));
      for (const spec of specs) {
        const sheet = workbook.getWorksheet(spec.name)!;
        if (spec.kind === "table") {
          const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(toCell);
          expect(header).toEqual(headersOf(spec.schema));
          expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
        } else {
          expect(sheet.getCell(1, 1).value).toBe(SETTINGS_HEADERS.name);
          const names: unknown[] = [];
          sheet.eachRow((row, index) => {
            if (index > 1) names.push(row.getCell(1).value);
          });
          expect(names).toEqual(headersOf(spec.schema));
        }
      }
    });
  }

  it("offers a dropdown on every enumerated input column", async () => {
    const workbook = await load(TEMPLATE_FILES.seminar);
    const sheet = workbook.getWorksheet("Participants")!;
    columnsOf(SEMINAR_WORKBOOK.find((spec) => spec.name === "Participants")!.schema).forEach(
      (column, index) => {
        const validation = sheet.getCell(5, index + 1).dataValidation;
        if (column.meta.header.startsWith("Vœu")) {
          expect(validation?.formulae?.[0], column.meta.header).toBe("Listes!$A$2:$A$300");
        } else if (column.meta.choices && column.meta.io === "in") {
          expect(validation?.type, column.meta.header).toBe("list");
          for (const choice of column.meta.choices) expect(validation?.formulae?.[0]).toContain(choice);
        } else {
          expect(validation?.type, column.meta.header).toBeUndefined();
        }
      },
    );
  });

  it("marks output columns with their own colour and a note", async () => {
    const workbook = await load(TEMPLATE_FILES.seminar);
    const sheet = workbook.getWorksheet("Participants")!;
    const header = sheet.getRow(1);
    const statut = (header.values as ExcelJS.CellValue[]).indexOf("Statut");
    const nom = (header.values as ExcelJS.CellValue[]).indexOf("Nom");
    expect(header.getCell(statut).fill).not.toEqual(header.getCell(nom).fill);
    expect(String(header.getCell(statut).note)).toContain("Colonne remplie par Passerelle");
  });

  it("offers the wishes, the structures and the slots from the workbook itself", async () => {
    const workbook = await load(TEMPLATE_FILES.seminar);
    const lists = workbook.getWorksheet("Listes")!;
    expect(lists.state).toBe("hidden");
    expect(lists.getCell("A2").value).toBe("CAF");
    expect(lists.getCell("A9").value).toMatchObject({ formula: 'IF(Structures!A2="","",Structures!A2)' });
    expect(lists.getCell("B2").value).toBe("Tous");
    expect(lists.getCell("B3").value).toMatchObject({
      formula: 'IF(Programme!D2="Immersion",Programme!E2,"")',
    });
    const programme = (workbook.getWorksheet("Programme")!.getRow(1).values as ExcelJS.CellValue[]).slice(1);
    expect(programme.slice(3, 5)).toEqual(["Séquence", "Intitulé"]);
    const tutors = workbook.getWorksheet("Tuteurs")!;
    const header = (tutors.getRow(1).values as ExcelJS.CellValue[]).slice(1);
    const at = (name: string) => tutors.getCell(7, header.indexOf(name) + 1).dataValidation;
    expect(at("Structure")?.formulae?.[0]).toBe("Structures!$A$2:$A$500");
    expect(at("Créneaux")?.formulae?.[0]).toBe("Listes!$B$2:$B$300");
  });

  it("never refuses a correct comma list: a multi-value column's dropdown shows no error", async () => {
    const workbook = await load(TEMPLATE_FILES.seminar);
    for (const [tab, column] of [
      ["Structures", "Situations"],
      ["Tuteurs", "Créneaux"],
      ["Participants", "Vœu 1"],
    ] as const) {
      const sheet = workbook.getWorksheet(tab)!;
      const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1);
      const validation = sheet.getCell(4, header.indexOf(column) + 1).dataValidation;
      expect(validation?.type, column).toBe("list");
      expect(validation?.showErrorMessage, column).toBeFalsy();
    }
    const structures = workbook.getWorksheet("Structures")!;
    const type = (structures.getRow(1).values as ExcelJS.CellValue[]).slice(1).indexOf("Type") + 1;
    expect(structures.getCell(4, type).dataValidation?.showErrorMessage).toBe(true);
  });

  for (const file of [TEMPLATE_FILES.seminar, TEMPLATE_FILES.lunch, TEMPLATE_FILES.cycle]) {
    it(`${file} prints every tab on A4 landscape, header row repeated, within a print area`, async () => {
      const workbook = await load(file);
      for (const sheet of workbook.worksheets.filter((item) => item.state !== "hidden")) {
        expect(sheet.pageSetup, sheet.name).toMatchObject({
          paperSize: 9,
          orientation: "landscape",
          fitToPage: true,
          printTitlesRow: "1:1",
        });
        expect(sheet.pageSetup.printArea, sheet.name).toMatch(/^A1:[A-Z]+\d+$/);
      }
    });
  }
});
