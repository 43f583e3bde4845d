import { readdir } from "node:fs/promises";
import { dirname } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { exampleFiles } from "../support/workbooks.js";

async function fileWith(build: (workbook: ExcelJS.Workbook) => void): Promise<string> {
  const { folder } = await exampleFiles();
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  const path = `${folder}/test.xlsx`;
  await workbook.xlsx.writeFile(path);
  return path;
}

describe("XlsxWorkbook", () => {
  it("reads tabs by a tolerant title and reports the title as it stands", async () => {
    const path = await fileWith((workbook) => {
      workbook.addWorksheet("participants").addRow(["Nom", "Email"]);
    });
    const snapshot = await new XlsxWorkbook(path).read(["Participants", "Tuteurs"]);
    expect(snapshot.get("Participants")?.title).toBe("participants");
    expect(snapshot.has("Tuteurs")).toBe(false);
  });

  it("reads dates as serial numbers, formulas as their result, rich text as text, errors as error values", async () => {
    const path = await fileWith((workbook) => {
      const sheet = workbook.addWorksheet("T");
      sheet.addRow([
        new Date(Date.UTC(2027, 2, 17)),
        { formula: "1+1", result: 2 },
        { richText: [{ text: "Mar" }, { text: "tin" }] },
        { error: "#REF!" },
      ]);
    });
    const rows = (await new XlsxWorkbook(path).read(["T"])).get("T")!.rows;
    expect(rows[0]).toEqual([46463, 2, "Martin", "#REF!"]);
  });

  it("writes a text beginning with = as text, never as a formula", async () => {
    const path = await fileWith((workbook) => {
      workbook.addWorksheet("T").addRow(["Statut"]);
    });
    await new XlsxWorkbook(path).write({
      cells: [{ tab: "T", row: 2, column: 1, value: '=HYPERLINK("http://evil.example")' }],
    });
    const check = new ExcelJS.Workbook();
    await check.xlsx.readFile(path);
    const cell = check.getWorksheet("T")!.getCell(2, 1);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe('=HYPERLINK("http://evil.example")');
  });

  it("keeps formulas, other cells and extra columns untouched when writing a cell", async () => {
    const path = await fileWith((workbook) => {
      const sheet = workbook.addWorksheet("T");
      sheet.addRow(["Nom", "Mon commentaire", "Statut"]);
      sheet.addRow(["Martin", { formula: 'A2&"!"', result: "Martin!" }, null]);
    });
    await new XlsxWorkbook(path).write({ cells: [{ tab: "T", row: 2, column: 3, value: "OK" }] });
    const check = new ExcelJS.Workbook();
    await check.xlsx.readFile(path);
    const sheet = check.getWorksheet("T")!;
    expect(sheet.getCell(2, 2).value).toEqual({ formula: 'A2&"!"', result: "Martin!" });
    expect(sheet.getCell(2, 3).value).toBe("OK");
  });

  it("appends rows after the last one and creates missing tabs with their header", async () => {
    const path = await fileWith((workbook) => {
      workbook.addWorksheet("T").addRow(["a"]);
    });
    const workbook = new XlsxWorkbook(path);
    await workbook.write({
      createTabs: [{ title: "Journal", header: ["Horodatage", "Clé"] }],
      appends: [
        {
          tab: "Journal",
          rows: [
            ["x", "k1"],
            ["y", "k2"],
          ],
        },
      ],
    });
    await workbook.write({ appends: [{ tab: "Journal", rows: [["z", "k3"]] }] });
    const rows = (await new XlsxWorkbook(path).read(["Journal"])).get("Journal")!.rows;
    expect(rows).toEqual([
      ["Horodatage", "Clé"],
      ["x", "k1"],
      ["y", "k2"],
      ["z", "k3"],
    ]);
  });

  it("replaces the file in one rename and leaves no temporary file behind", async () => {
    const path = await fileWith((workbook) => {
      workbook.addWorksheet("T").addRow(["a"]);
    });
    const workbook = new XlsxWorkbook(path);
    await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        workbook.write({ cells: [{ tab: "T", row: index + 2, column: 1, value: index }] }),
      ),
    );
    expect((await readdir(dirname(path))).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    const rows = (await new XlsxWorkbook(path).read(["T"])).get("T")!.rows;
    expect(rows.map((row) => row[0])).toEqual(["a", 0, 1, 2, 3, 4]);
  });

  it("fails with a cause and leaves the file as it was when a write names a missing tab", async () => {
    const path = await fileWith((workbook) => {
      workbook.addWorksheet("T").addRow(["a"]);
    });
    const workbook = new XlsxWorkbook(path);
    await expect(workbook.write({ cells: [{ tab: "Absent", row: 1, column: 1, value: 1 }] })).rejects.toThrow(
      /Absent/,
    );
    expect((await new XlsxWorkbook(path).read(["T"])).get("T")!.rows).toEqual([["a"]]);
  });
});
