/**
 * The workbook as a local `.xlsx` file (the embedded default, opened in LibreOffice or Excel),
 * through ExcelJS. Writes go to a temporary file in the same folder, flushed, then renamed over
 * the original, so a crash leaves either the old file or the new one, never half of one.
 */
import { randomBytes } from "node:crypto";
import { open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import ExcelJS from "exceljs";
import { normalizeKey } from "../core/sheet/cells.js";
import { RetryableError } from "../errors.js";
import type { Cell, TabValues, Workbook, WorkbookChanges, WorkbookSnapshot } from "../ports.js";

const SERIAL_EPOCH_OFFSET = 25569;

/** ExcelJS gives dates as JavaScript dates holding the wall-clock value in UTC. */
function dateToSerial(date: Date): number {
  return date.getTime() / 86_400_000 + SERIAL_EPOCH_OFFSET;
}

/** The value a cell shows, as the core reads it: the result of a formula, the text of rich text. */
export function toCell(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof Date) return dateToSerial(value);
  if (typeof value === "object") {
    if ("error" in value && typeof value.error === "string") return value.error;
    if ("richText" in value && Array.isArray(value.richText))
      return value.richText.map((part) => part.text).join("");
    if ("formula" in value || "sharedFormula" in value) {
      const result = (value as { result?: ExcelJS.CellValue }).result;
      return result === undefined ? null : toCell(result);
    }
    if ("text" in value && typeof value.text === "string") return value.text;
    if ("hyperlink" in value && typeof value.hyperlink === "string") return value.hyperlink;
  }
  return String(value);
}

export class XlsxWorkbook implements Workbook {
  private cache: { workbook: ExcelJS.Workbook; mtimeMs: number; size: number } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  private static readonly instances = new Map<string, XlsxWorkbook>();

  /**
   * The one instance of this process for a file: its queue orders every read and write of the
   * file, so two callers (two functions serving at once) never overwrite each other's changes.
   */
  static shared(path: string): XlsxWorkbook {
    const key = resolve(path);
    let workbook = XlsxWorkbook.instances.get(key);
    if (!workbook) {
      workbook = new XlsxWorkbook(key);
      XlsxWorkbook.instances.set(key, workbook);
    }
    return workbook;
  }

  /** Reads the tabs; a file held or briefly unreadable is a `RetryableError`. */
  read(tabs: readonly string[]): Promise<WorkbookSnapshot> {
    return this.busyAsRetryable(async () => {
      const workbook = await this.load();
      const result = new Map<string, TabValues>();
      for (const name of tabs) {
        const sheet = findSheet(workbook, name);
        if (sheet) result.set(name, { title: sheet.name, rows: sheetRows(sheet) });
      }
      return result;
    });
  }

  /** Applies the changes and saves the file; a file held or briefly unreadable is a `RetryableError`. */
  write(changes: WorkbookChanges): Promise<void> {
    return this.busyAsRetryable(async () => {
      const workbook = await this.load();
      // Every tab is found before anything changes, so a bad write leaves the loaded copy untouched.
      const targets = [...(changes.cells ?? []), ...(changes.appends ?? [])].map((change) => change.tab);
      const creating = new Set((changes.createTabs ?? []).map((creation) => normalizeKey(creation.title)));
      const absent = targets.find((tab) => !findSheet(workbook, tab) && !creating.has(normalizeKey(tab)));
      if (absent !== undefined) throw new Error(`Tab "${absent}" not found in the workbook`);
      try {
        this.apply(workbook, changes);
      } catch (error) {
        this.cache = undefined;
        throw error;
      }
      await this.save(workbook);
    });
  }

  private async busyAsRetryable<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await this.exclusive(run);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      // A spreadsheet program holding the file open, or a network drive slow to answer.
      if (code === "EBUSY" || code === "EAGAIN" || code === "ETIMEDOUT" || code === "ECONNRESET")
        throw new RetryableError("The workbook file is busy for now", { cause: error });
      throw error;
    }
  }

  private apply(workbook: ExcelJS.Workbook, changes: WorkbookChanges): void {
    for (const creation of changes.createTabs ?? []) {
      if (findSheet(workbook, creation.title)) continue;
      const sheet = workbook.addWorksheet(creation.title);
      sheet.addRow([...creation.header]);
      sheet.getRow(1).font = { bold: true };
    }
    for (const write of changes.cells ?? []) {
      const sheet = findSheet(workbook, write.tab);
      if (!sheet) throw new Error(`Tab "${write.tab}" not found in the workbook`);
      sheet.getCell(write.row, write.column).value = write.value;
    }
    for (const append of changes.appends ?? []) {
      const sheet = findSheet(workbook, append.tab);
      if (!sheet) throw new Error(`Tab "${append.tab}" not found in the workbook`);
      let next = lastUsedRow(sheet) + 1;
      for (const row of append.rows) {
        row.forEach((value, index) => {
          sheet.getCell(next, index + 1).value = value;
        });
        next++;
      }
    }
  }

  /** One read-modify-write at a time within this process. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<ExcelJS.Workbook> {
    const info = await stat(this.path);
    if (this.cache && this.cache.mtimeMs === info.mtimeMs && this.cache.size === info.size)
      return this.cache.workbook;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(this.path);
    this.cache = { workbook, mtimeMs: info.mtimeMs, size: info.size };
    return workbook;
  }

  private async save(workbook: ExcelJS.Workbook): Promise<void> {
    const temporary = join(
      dirname(this.path),
      `.${basename(this.path)}.${randomBytes(6).toString("hex")}.tmp`,
    );
    try {
      const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
      const handle = await open(temporary, "w");
      try {
        await handle.writeFile(buffer);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      this.cache = undefined;
      throw new Error(`Could not save the workbook ${basename(this.path)}`, { cause: error });
    }
    const info = await stat(this.path);
    this.cache = { workbook, mtimeMs: info.mtimeMs, size: info.size };
  }
}

function findSheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet | undefined {
  const exact = workbook.getWorksheet(name);
  if (exact) return exact;
  const key = normalizeKey(name);
  return workbook.worksheets.find((sheet) => normalizeKey(sheet.name) === key);
}

function lastUsedRow(sheet: ExcelJS.Worksheet): number {
  for (let row = sheet.rowCount; row >= 1; row--) {
    const values = sheet.getRow(row).values;
    if (
      Array.isArray(values) &&
      values.some((value) => value !== null && value !== undefined && value !== "")
    )
      return row;
  }
  return 0;
}

function sheetRows(sheet: ExcelJS.Worksheet): Cell[][] {
  const rows: Cell[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = toCell(cell.value);
    });
    for (let index = 0; index < cells.length; index++) cells[index] ??= null;
    rows[rowNumber - 1] = cells;
  });
  for (let index = 0; index < rows.length; index++) rows[index] ??= [];
  return rows;
}
