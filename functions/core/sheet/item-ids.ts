/**
 * The identity of each `Programme` row: its `Identifiant`, a number the system writes once and the
 * organizer never edits. Calendars are keyed on it, never on the row's text or position, so a
 * renamed or moved item updates in place and a removed one can be cancelled.
 *
 * A row without one gets the next free number (after the highest already written), in row order:
 * the same numbers the check writes into the sheet, so a message built before the check agrees
 * with the sheet after it. Pure.
 */
import type { CellWrite, TabValues } from "../../ports.js";
import type { ProgrammeRow } from "./schemas.js";
import type { ParsedTable } from "./table.js";

const ID = /^\d{1,6}$/;

/** Each data row's identity (by sheet row number), written or to be written. */
export function programmeIds(table: ParsedTable<ProgrammeRow>): Map<number, string> {
  const ids = new Map<number, string>();
  const taken = new Set<string>();
  let highest = 0;
  for (const row of table.rows) {
    const id = (row.partial.id ?? "").trim();
    if (ID.test(id) && !taken.has(id)) {
      ids.set(row.row, id);
      taken.add(id);
      highest = Math.max(highest, Number(id));
    }
  }
  for (const row of table.rows) {
    if (ids.has(row.row)) continue;
    highest += 1;
    ids.set(row.row, String(highest));
  }
  return ids;
}

/** The `Identifiant` cells to write: rows without a valid one (and the header, when missing). */
export function programmeIdWrites(table: ParsedTable<ProgrammeRow>, tab: TabValues | undefined): CellWrite[] {
  if (tab === undefined || table.rows.length === 0) return [];
  const ids = programmeIds(table);
  const writes: CellWrite[] = [];
  let column = table.columns.find((candidate) => candidate.key === "id")?.index;
  if (column === undefined) {
    column = table.nextColumn;
    const status = table.columns.find((candidate) => candidate.key === "status");
    if (status === undefined) column += 1;
    writes.push({ tab: tab.title, row: 1, column, value: "Identifiant" });
  }
  for (const row of table.rows) {
    const id = ids.get(row.row)!;
    if ((row.partial.id ?? "").trim() !== id)
      writes.push({ tab: tab.title, row: row.row, column, value: Number(id) });
  }
  return writes;
}
