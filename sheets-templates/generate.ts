/**
 * Generates the two workbook templates from the schemas, so their headers can never drift from
 * the code: `seminaire.xlsx` (an immersion seminar) and `rencontre.xlsx` (a lunch talk), each
 * filled with the example event. Run: `npx tsx sheets-templates/generate.ts [output folder]`.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { CYCLE_WORKBOOK } from "../functions/core/cycle/cycle-schemas.js";
import { PLACEMENT_HEADERS, REVERSE_WORKBOOK } from "../functions/core/inversee/schemas.js";
import type { ColumnMeta } from "../functions/core/sheet/fields.js";
import {
  LUNCH_WORKBOOK,
  SEMINAR_WORKBOOK,
  SETTINGS_HEADERS,
  STRUCTURE_TYPES,
  type TabSpec,
} from "../functions/core/sheet/schemas.js";
import { columnsOf } from "../functions/core/sheet/table.js";
import type { Cell } from "../functions/ports.js";
import * as cycleExample from "./example-cycle.js";
import * as example from "./example-data.js";
import * as reverseExample from "./example-inversee.js";

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

/**
 * A dropdown of `choices` (a literal list) or of a range (`Listes!$A$2:$A$300`). A cell that holds a
 * comma list (`multiple`) is offered the single values but never refused: the check validates each
 * value of the list and says which one is wrong.
 */
function dropdown(choices: readonly string[] | { range: string }, multiple = false): ExcelJS.DataValidation {
  const literal = Array.isArray(choices);
  return {
    type: "list",
    allowBlank: true,
    formulae: [literal ? `"${choices.join(",")}"` : (choices as { range: string }).range],
    showErrorMessage: !multiple,
    errorStyle: "warning",
    errorTitle: "Valeur inattendue",
    error: literal ? `Choisissez : ${choices.join(", ")}` : "Choisissez une valeur de la liste.",
    ...(multiple
      ? {
          showInputMessage: true,
          promptTitle: "Plusieurs valeurs",
          prompt: "Plusieurs valeurs possibles, séparées par des virgules.",
        }
      : {}),
  };
}

/** Columns that hold a comma list: their dropdown offers one value and accepts a list. */
const MULTIPLE = new Set(["Situations", "Créneaux"]);

/** The hidden tab the dropdowns that depend on the workbook read from (its formulas follow the other tabs). */
const LISTS_TAB = "Listes";
const LIST_ROWS = 300;

/** Dropdowns whose values come from the workbook itself, by column header. */
const WORKBOOK_LISTS: Readonly<Record<string, string>> = {
  "Vœu 1": `${LISTS_TAB}!$A$2:$A$${LIST_ROWS}`,
  "Vœu 2": `${LISTS_TAB}!$A$2:$A$${LIST_ROWS}`,
  "Vœu 3": `${LISTS_TAB}!$A$2:$A$${LIST_ROWS}`,
  Structure: "Structures!$A$2:$A$500",
  Créneaux: `${LISTS_TAB}!$B$2:$B$${LIST_ROWS}`,
};

/** How many characters of width an A4 landscape page holds across at about 80 % scale, still legible. */
const PAGE_CHARACTERS = 185;

/**
 * Print setup: A4 landscape, the header row on every page, as many pages across as the columns need
 * at full size (a wide tab is split in page-wide strips rather than shrunk out of legibility).
 */
function printSetup(sheet: ExcelJS.Worksheet, columns: number, rows: number): void {
  const width = sheet.columns.reduce((sum, column) => sum + (column.width ?? 10), 0);
  sheet.pageSetup = {
    paperSize: 9,
    orientation: "landscape",
    fitToPage: true,
    fitToWidth: Math.max(1, Math.ceil(width / PAGE_CHARACTERS)),
    fitToHeight: 0,
    horizontalCentered: false,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    printTitlesRow: "1:1",
    printArea: `A1:${columnLetter(columns)}${Math.max(rows, 2)}`,
  } as Partial<ExcelJS.PageSetup>;
  sheet.headerFooter = { oddFooter: "&A — page &P / &N" };
}

/** A column as wide as what it holds (header and example values), within what prints legibly. */
function widthOf(header: string, values: readonly Cell[]): number {
  const longest = Math.max(
    ...header.split(" ").map((word) => word.length + 2),
    ...values.map((value) => String(value ?? "").length),
  );
  return Math.max(8, Math.min(48, longest + 2));
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
    width: widthOf(
      column.meta.header,
      rows.map((row) => row[column.meta.header] ?? null),
    ),
  }));
  columns.forEach((column, index) => {
    styleHeader(sheet.getRow(1).getCell(index + 1), column.meta);
    if (column.meta.io !== "in") return;
    const range = WORKBOOK_LISTS[column.meta.header];
    const choices = column.meta.choices;
    const validation = range
      ? dropdown({ range }, MULTIPLE.has(column.meta.header) || column.meta.header.startsWith("Vœu"))
      : choices
        ? dropdown(choices, MULTIPLE.has(column.meta.header))
        : undefined;
    if (!validation) return;
    const letter = columnLetter(index + 1);
    // One validation for the whole column range (ExcelJS supports it; its typings do not declare it).
    (sheet as unknown as RangeValidations).dataValidations.add(
      `${letter}2:${letter}${VALIDATED_ROWS}`,
      validation,
    );
  });
  for (const row of rows) sheet.addRow(columns.map((column) => row[column.meta.header] ?? null));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  printSetup(sheet, columns.length, rows.length + 1);
}

function addSettings(
  workbook: ExcelJS.Workbook,
  spec: TabSpec,
  values: Readonly<Record<string, Cell>>,
): void {
  const sheet = workbook.addWorksheet(spec.name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = [
    { header: SETTINGS_HEADERS.name, width: 26 },
    { header: SETTINGS_HEADERS.value, width: 66 },
    { header: "Aide", width: 56 },
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
    row.getCell(2).alignment = { horizontal: "left", vertical: "top" };
    void index;
  });
  printSetup(sheet, 3, columnsOf(spec.schema).length + 1);
}

/**
 * The hidden `Listes` tab: column A the values a wish may take (the structure types, then every
 * structure's name as typed in `Structures`), column B the slot names (`Tous`, then the `Intitulé`
 * of each `Immersion` row of `Programme`). Formulas, so the dropdowns follow the organizer's edits.
 */
function addLists(workbook: ExcelJS.Workbook): void {
  const sheet = workbook.addWorksheet(LISTS_TAB, { state: "hidden" });
  sheet.getCell("A1").value = "Vœux possibles";
  sheet.getCell("B1").value = "Créneaux possibles";
  STRUCTURE_TYPES.forEach((type, index) => {
    sheet.getCell(index + 2, 1).value = type;
  });
  for (let row = STRUCTURE_TYPES.length + 2; row <= LIST_ROWS; row++) {
    const source = row - STRUCTURE_TYPES.length;
    sheet.getCell(row, 1).value = {
      formula: `IF(Structures!A${source}="","",Structures!A${source})`,
    } as ExcelJS.CellFormulaValue;
  }
  sheet.getCell("B2").value = "Tous";
  for (let row = 3; row <= LIST_ROWS; row++) {
    const source = row - 1;
    sheet.getCell(row, 2).value = {
      formula: `IF(Programme!D${source}="Immersion",Programme!E${source},"")`,
    } as ExcelJS.CellFormulaValue;
  }
  workbook.calcProperties.fullCalcOnLoad = true;
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
  addLists(workbook);
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

/** A cycle of lunch talks (issue 18): the cycle's parameters, its talks, registrations and speakers. */
export function cycleWorkbook(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Passerelle";
  const [settings, talks, registrations, speakers, journal, feedback] = CYCLE_WORKBOOK;
  addSettings(workbook, settings!, cycleExample.cycleSettings);
  addTable(workbook, talks!, cycleExample.talks);
  addTable(workbook, registrations!, cycleExample.registrations);
  addTable(workbook, speakers!, cycleExample.speakers);
  addTable(workbook, journal!, []);
  addTable(workbook, feedback!, []);
  return workbook;
}

/**
 * The reverse immersion (issue 18): `Immersion`, `Programme`, `Hôtes`, `Participants`, then
 * `Affectations` under its own headers (`Hôte`, `À voir`...), `Journal` and `Retours`. Its wishes
 * are offered the hosts' names, their organismes and types of institution.
 */
export function reverseWorkbook(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Passerelle";
  const [settings, programme, hosts, visitors, placements, journal, feedback] = REVERSE_WORKBOOK;
  addSettings(workbook, settings!, reverseExample.reverseSettings);
  addTable(workbook, programme!, reverseExample.reverseProgramme);
  addTable(workbook, hosts!, reverseExample.hosts);
  addTable(workbook, visitors!, reverseExample.visitors);
  addTable(workbook, placements!, []);
  const header = workbook.getWorksheet(placements!.name)!.getRow(1);
  header.eachCell((cell) => {
    cell.value = PLACEMENT_HEADERS[String(cell.value)] ?? cell.value;
  });
  addTable(workbook, journal!, []);
  addTable(workbook, feedback!, []);
  addReverseLists(workbook);
  return workbook;
}

/** `Listes` for the reverse immersion: column A each host's name, organisme and type; B the slots. */
function addReverseLists(workbook: ExcelJS.Workbook): void {
  const sheet = workbook.addWorksheet(LISTS_TAB, { state: "hidden" });
  sheet.getCell("A1").value = "Vœux possibles";
  sheet.getCell("B1").value = "Créneaux possibles";
  const per = Math.floor((LIST_ROWS - 1) / 3);
  for (let index = 0; index < per; index++) {
    const source = index + 2;
    const formulas = [
      `IF(Hôtes!A${source}="","",Hôtes!B${source}&" "&Hôtes!A${source})`,
      `IF(Hôtes!E${source}="","",Hôtes!E${source})`,
      `IF(Hôtes!F${source}="","",Hôtes!F${source})`,
    ];
    formulas.forEach((formula, part) => {
      sheet.getCell(2 + part * per + index, 1).value = { formula } as ExcelJS.CellFormulaValue;
    });
  }
  sheet.getCell("B2").value = "Tous";
  for (let row = 3; row <= LIST_ROWS; row++) {
    sheet.getCell(row, 2).value = {
      formula: `IF(Programme!D${row - 1}="Immersion",Programme!E${row - 1},"")`,
    } as ExcelJS.CellFormulaValue;
  }
  workbook.calcProperties.fullCalcOnLoad = true;
}

export const TEMPLATE_FILES = {
  seminar: "seminaire.xlsx",
  lunch: "rencontre.xlsx",
  cycle: "cycle-rencontres.xlsx",
  reverse: "immersion-inversee.xlsx",
} as const;

export async function generateTemplates(folder: string): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const seminar = join(folder, TEMPLATE_FILES.seminar);
  const lunch = join(folder, TEMPLATE_FILES.lunch);
  await seminarWorkbook().xlsx.writeFile(seminar);
  await lunchWorkbook().xlsx.writeFile(lunch);
  const cycle = join(folder, TEMPLATE_FILES.cycle);
  await cycleWorkbook().xlsx.writeFile(cycle);
  const reverse = join(folder, TEMPLATE_FILES.reverse);
  await reverseWorkbook().xlsx.writeFile(reverse);
  return [seminar, lunch, cycle, reverse];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const folder = process.argv[2] ?? fileURLToPath(new URL(".", import.meta.url));
  for (const file of await generateTemplates(folder)) console.log(`Modèle écrit : ${file}`);
}
