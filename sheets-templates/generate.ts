/**
 * Generates the two workbook templates from the schemas, so their headers can never drift from
 * the code: `seminaire.xlsx` (an immersion seminar) and `rencontre.xlsx` (a lunch talk), each
 * filled with the example event. Run: `npx tsx sheets-templates/generate.ts [output folder]`.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import type { ColumnMeta } from "../functions/core/fields.js";
import {
  LUNCH_WORKBOOK,
  SEMINAR_WORKBOOK,
  SETTINGS_HEADERS,
  type TabSpec,
} from "../functions/core/schemas.js";
import { columnsOf } from "../functions/core/table.js";
import type { Cell } from "../functions/ports.js";
import * as example from "./example-data.js";

const INPUT_FILL = "FF1F4E79";
const OUTPUT_FILL = "FF7F7F7F";
const VALIDATED_ROWS = 2000;

interface RangeValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

type Rows = readonly Readonly<Record<string, Cell>>[];

function columnLetter(index: number): string {
  let letters = "";
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function dropdown(choices: readonly string[]): ExcelJS.DataValidation {
  return {
    type: "list",
    allowBlank: true,
    formulae: [`"${choices.join(",")}"`],
    showErrorMessage: true,
    errorStyle: "warning",
    errorTitle: "Valeur inattendue",
    error: `Choisissez : ${choices.join(", ")}`,
  };
}

function styleHeader(cell: ExcelJS.Cell, meta: Pick<ColumnMeta, "io" | "help">): void {
  cell.font = { bold: true, color: { argb: "FFFFFFFF" } };
  cell.fill = {
    type: "pattern",
    pattern: "solid",
    fgColor: { argb: meta.io === "out" ? OUTPUT_FILL : INPUT_FILL },
  };
  cell.alignment = { vertical: "middle", wrapText: true };
  const note = [
    meta.io === "out" ? "Colonne remplie par Passerelle : ne pas la modifier." : "",
    meta.help ?? "",
  ]
    .filter(Boolean)
    .join("\n");
  if (note) cell.note = note;
}

function addTable(workbook: ExcelJS.Workbook, spec: TabSpec, rows: Rows): void {
  const sheet = workbook.addWorksheet(spec.name, { views: [{ state: "frozen", ySplit: 1 }] });
  const columns = columnsOf(spec.schema);
  sheet.columns = columns.map((column) => ({
    header: column.meta.header,
    key: column.meta.header,
    width: Math.max(12, Math.min(40, column.meta.header.length + 6)),
  }));
  columns.forEach((column, index) => {
    styleHeader(sheet.getRow(1).getCell(index + 1), column.meta);
    if (column.meta.choices && column.meta.io === "in") {
      const letter = columnLetter(index + 1);
      // One validation for the whole column range (ExcelJS supports it; its typings do not declare it).
      (sheet as unknown as RangeValidations).dataValidations.add(
        `${letter}2:${letter}${VALIDATED_ROWS}`,
        dropdown(column.meta.choices),
      );
    }
  });
  for (const row of rows) sheet.addRow(columns.map((column) => row[column.meta.header] ?? null));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
}

function addSettings(
  workbook: ExcelJS.Workbook,
  spec: TabSpec,
  values: Readonly<Record<string, Cell>>,
): void {
  const sheet = workbook.addWorksheet(spec.name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = [
    { header: SETTINGS_HEADERS.name, width: 30 },
    { header: SETTINGS_HEADERS.value, width: 60 },
    { header: "Aide", width: 60 },
  ];
  for (let index = 1; index <= 3; index++) styleHeader(sheet.getRow(1).getCell(index), { io: "in" });
  columnsOf(spec.schema).forEach((column, index) => {
    const row = sheet.addRow([
      column.meta.header,
      values[column.meta.header] ?? null,
      column.meta.help ?? "",
    ]);
    row.getCell(1).font = { bold: true };
    if (column.meta.io === "out") {
      row.getCell(2).fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEDEDED" } };
      row.getCell(3).value = "Rempli par Passerelle : ce qui a été fait, quand, et la suite.";
    }
    if (column.meta.choices && column.meta.io === "in")
      row.getCell(2).dataValidation = dropdown(column.meta.choices);
    row.getCell(2).alignment = { wrapText: true, vertical: "top" };
    void index;
  });
}

export function seminarWorkbook(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Passerelle";
  const [settings, programme, structures, tutors, participants, placements, journal, feedback] =
    SEMINAR_WORKBOOK;
  addSettings(workbook, settings!, example.seminarSettings);
  addTable(workbook, programme!, example.programme);
  addTable(workbook, structures!, example.structures);
  addTable(workbook, tutors!, example.tutors);
  addTable(workbook, participants!, example.participants);
  addTable(workbook, placements!, []);
  addTable(workbook, journal!, []);
  addTable(workbook, feedback!, []);
  return workbook;
}

export function lunchWorkbook(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Passerelle";
  const [settings, registrations, journal, feedback] = LUNCH_WORKBOOK;
  addSettings(workbook, settings!, example.lunchSettings);
  addTable(workbook, registrations!, example.registrations);
  addTable(workbook, journal!, []);
  addTable(workbook, feedback!, []);
  return workbook;
}

export const TEMPLATE_FILES = { seminar: "seminaire.xlsx", lunch: "rencontre.xlsx" } as const;

export async function generateTemplates(folder: string): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const seminar = join(folder, TEMPLATE_FILES.seminar);
  const lunch = join(folder, TEMPLATE_FILES.lunch);
  await seminarWorkbook().xlsx.writeFile(seminar);
  await lunchWorkbook().xlsx.writeFile(lunch);
  return [seminar, lunch];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const folder = process.argv[2] ?? fileURLToPath(new URL(".", import.meta.url));
  for (const file of await generateTemplates(folder)) console.log(`Modèle écrit : ${file}`);
}
