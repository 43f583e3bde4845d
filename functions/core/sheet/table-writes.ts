/**
 * Writing records into a tab found by its headers: the cells of the columns the schema knows, in
 * whatever order the organizer put them; a missing column is added after the last one.
 */
import type { Cell, CellWrite, TabCreation } from "../../ports.js";
import type { RowSchema } from "./schemas.js";
import { headersOf, type ParsedTable } from "./table.js";

export type RecordCells = Readonly<Record<string, Cell | undefined>>;

export interface TabLayout {
  readonly title: string;
  /** 1-based column of each schema key. */
  readonly columns: ReadonlyMap<string, number>;
  /** Header cells to write for the columns that were missing (or the tab to create). */
  readonly headerWrites: readonly CellWrite[];
  readonly creation?: TabCreation;
}

/** Where each column of the schema is, adding the missing ones (or the whole tab) when needed. */
export function layoutOf(table: ParsedTable<unknown>, exists: boolean): TabLayout {
  const schema: RowSchema = table.spec.schema;
  if (!exists) {
    const header = headersOf(schema);
    const keys = Object.keys(schema.shape);
    return {
      title: table.spec.name,
      columns: new Map(keys.map((key, index) => [key, index + 1])),
      headerWrites: [],
      creation: { title: table.spec.name, header },
    };
  }
  const columns = new Map<string, number>();
  const headerWrites: CellWrite[] = [];
  let next = table.nextColumn;
  for (const column of table.columns) {
    if (column.index !== undefined) {
      columns.set(column.key, column.index);
    } else {
      columns.set(column.key, next);
      headerWrites.push({ tab: table.title, row: 1, column: next, value: column.meta.header });
      next++;
    }
  }
  return { title: table.title, columns, headerWrites };
}

/** The cells of one record at `row`; `undefined` values are written empty. */
export function recordWrites(layout: TabLayout, row: number, record: RecordCells): CellWrite[] {
  return [...layout.columns].flatMap(([key, column]) =>
    key in record ? [{ tab: layout.title, row, column, value: record[key] ?? "" }] : [],
  );
}

/** One record as a row of cells in the tab's column order (for appends). */
export function recordRow(layout: TabLayout, record: RecordCells): Cell[] {
  const width = Math.max(0, ...layout.columns.values());
  const row: Cell[] = Array.from({ length: width }, () => null);
  for (const [key, column] of layout.columns) row[column - 1] = record[key] ?? null;
  return row;
}

/**
 * Replaces the data rows of a table with `records`: rows 2.. are overwritten, rows left over
 * from a longer previous content are emptied (only in the columns the schema knows).
 */
export function replaceRows(
  layout: TabLayout,
  previousRows: number,
  records: readonly RecordCells[],
): CellWrite[] {
  const writes = records.flatMap((record, index) => recordWrites(layout, index + 2, record));
  const blank = Object.fromEntries([...layout.columns.keys()].map((key) => [key, ""]));
  for (let row = records.length + 2; row <= previousRows; row++)
    writes.push(...recordWrites(layout, row, blank));
  return writes;
}
