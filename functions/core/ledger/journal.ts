/**
 * The `Journal` tab as the system's ledger: rows are written with human columns (what organizers
 * read) and machine columns (`Clé`, `Données`, `Sceau`), and read back from the machine columns
 * only, once, into `LedgerEntry` values (`core/ledger/entry.ts` says what each kind means).
 *
 * Seals are made and verified at the edge (`functions/app/ledger-workbook.ts`): every snapshot the
 * use cases read has its unverified rows replaced by a row whose `Sceau` is `REJECTED_SEAL`, so what
 * this module parses is what the system wrote, and the rows a person typed or changed are counted
 * (to tell the organizer) and ignored.
 */
import { DateTime } from "luxon";
import type { Cell, TabValues, WorkbookChanges } from "../../ports.js";
import { cellText } from "../sheet/cells.js";
import { type JournalRow, TABS } from "../sheet/schemas.js";
import { locateColumns, parseTable } from "../sheet/table.js";
import { layoutOf, type RecordCells, recordRow } from "../sheet/table-writes.js";
import { decodePayload, encodePayload, type LedgerData, type LedgerEntry } from "./entry.js";

/** The `Sceau` a verified snapshot shows in place of a row whose seal did not verify. */
export const REJECTED_SEAL = "rejeté";
/** The `Sceau` a verified snapshot shows in place of a row sealed for another event (a renamed or copied workbook). */
export const FOREIGN_SEAL = "autre classeur";

/** What the ledger holds: its verified entries in row order, and the rows it ignored. */
export interface Ledger {
  readonly entries: readonly LedgerEntry[];
  /** Rows (as the organizer numbers them) typed or changed by hand: ignored for every decision. */
  readonly rejectedRows: readonly number[];
  /** Rows sealed for another event: the Journal of a renamed or copied workbook. */
  readonly foreignRows: readonly number[];
}

/** One line to append: the human columns, the key and the typed payload. */
export interface JournalLine {
  /** `Événement`, as organizers read it. */
  readonly event: string;
  readonly recipient?: string;
  readonly detail?: string;
  readonly key: string;
  readonly data: LedgerData;
}

/** The column index (0-based) of each machine and human column, found by header. */
function columnsOf(tab: TabValues): Map<string, number> {
  return new Map(
    locateColumns(TABS.journal.schema, tab.rows[0] ?? []).flatMap((column) =>
      column.index === undefined ? [] : [[column.key, column.index - 1] as const],
    ),
  );
}

/**
 * The ledger of a verified snapshot's `Journal` tab. A row whose `Sceau` is `REJECTED_SEAL` is
 * counted as rejected; an empty row is skipped; a row whose payload is not a known shape (which a
 * verified snapshot never has) is rejected too.
 */
export function readLedger(tab: TabValues | undefined): Ledger {
  if (!tab) return { entries: [], rejectedRows: [], foreignRows: [] };
  const columns = columnsOf(tab);
  const read = (row: readonly Cell[], key: string) => {
    const index = columns.get(key);
    return index === undefined ? "" : cellText(row[index] ?? null);
  };
  const entries: LedgerEntry[] = [];
  const rejectedRows: number[] = [];
  const foreignRows: number[] = [];
  for (let index = 1; index < tab.rows.length; index++) {
    const row = tab.rows[index] ?? [];
    const seal = read(row, "seal");
    if (seal === REJECTED_SEAL) {
      rejectedRows.push(index + 1);
      continue;
    }
    if (seal === FOREIGN_SEAL) {
      foreignRows.push(index + 1);
      continue;
    }
    const key = read(row, "key");
    const cell = read(row, "data");
    if (key === "" && cell === "" && seal === "") continue;
    const data = decodePayload(cell);
    if (data === null) {
      rejectedRows.push(index + 1);
      continue;
    }
    entries.push({ row: index + 1, key, data, at: new Date(data.at) });
  }
  return { entries, rejectedRows, foreignRows };
}

/** A Journal line's cells; the time is written in the event's zone, as organizers read it. */
export function journalRecord(now: Date, zone: string, line: JournalLine): RecordCells {
  return {
    at: DateTime.fromJSDate(now, { zone }).toFormat("yyyy-MM-dd HH:mm:ss"),
    event: line.event,
    recipient: line.recipient ?? "",
    detail: line.detail ?? "",
    key: line.key,
    data: encodePayload(line.data, now),
    // Sealed at the edge, where the secret is.
    seal: "",
  };
}

/** The changes that append lines to the Journal (creating the tab or its missing headers first). */
export function journalAppend(
  tab: TabValues | undefined,
  now: Date,
  zone: string,
  lines: readonly JournalLine[],
): WorkbookChanges {
  // The layout is the header's: the rows (thousands, once messages are sent) are not parsed.
  const header = tab && { title: tab.title, rows: tab.rows.slice(0, 1) };
  const layout = layoutOf(parseTable<JournalRow>(TABS.journal, header), tab !== undefined);
  return {
    ...(layout.creation ? { createTabs: [layout.creation] } : {}),
    cells: layout.headerWrites,
    appends: [
      { tab: layout.title, rows: lines.map((line) => recordRow(layout, journalRecord(now, zone, line))) },
    ],
  };
}
