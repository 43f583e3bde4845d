import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { toCell } from "../../functions/adapters/xlsx-workbook.js";
import { LUNCH_WORKBOOK, SEMINAR_WORKBOOK, SETTINGS_HEADERS } from "../../functions/core/schemas.js";
import { columnsOf, headersOf } from "../../functions/core/table.js";
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
  ] as const) {
    it(`${file} has exactly the tabs and headers of the schemas`, async () => {
      const workbook = await load(file);
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(specs.map((spec) => spec.name));
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
        if (column.meta.choices && column.meta.io === "in") {
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
});
