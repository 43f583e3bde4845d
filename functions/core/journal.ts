/**
 * The `Journal` tab: an append-only record of what the system did, each line with its key.
 * Keys make steps idempotent (a message key is never sent twice) and let stateless functions find
 * what an earlier call left (the workflow's execution, the callback it waits on).
 */
import { DateTime } from "luxon";
import type { TabValues, WorkbookChanges } from "../ports.js";
import { cellText } from "./cells.js";
import { type JournalRow, TABS } from "./schemas.js";
import { parseTable } from "./table.js";
import { layoutOf, type RecordCells, recordRow } from "./table-writes.js";

export interface JournalEntry {
  readonly row: number;
  readonly at: string;
  readonly event: string;
  readonly recipient: string;
  readonly detail: string;
  readonly key: string;
}

export function journalEntries(tab: TabValues | undefined): JournalEntry[] {
  const table = parseTable<JournalRow>(TABS.journal, tab);
  return table.rows.map((row) => ({
    row: row.row,
    at: cellText(row.cells.at ?? null),
    event: cellText(row.cells.event ?? null),
    recipient: cellText(row.cells.recipient ?? null),
    detail: cellText(row.cells.detail ?? null),
    key: cellText(row.cells.key ?? null),
  }));
}

/** A Journal line; the time is written in the event's zone, as organizers read it. */
export function journalRecord(
  now: Date,
  zone: string,
  entry: { event: string; recipient?: string; detail?: string; key?: string },
): RecordCells {
  return {
    at: DateTime.fromJSDate(now, { zone }).toFormat("yyyy-MM-dd HH:mm:ss"),
    event: entry.event,
    recipient: entry.recipient ?? "",
    detail: entry.detail ?? "",
    key: entry.key ?? "",
  };
}

/** The last entry whose key starts with `prefix`. */
export function lastWithKey(entries: readonly JournalEntry[], prefix: string): JournalEntry | undefined {
  for (let index = entries.length - 1; index >= 0; index--) {
    if (entries[index]!.key.startsWith(prefix)) return entries[index];
  }
  return undefined;
}

export const CALLBACK_KEY = "workflow:callback:";
export const EXECUTION_KEY = "workflow:execution:";

/** The changes that append lines to the Journal (creating the tab or its missing headers first). */
export function journalAppend(
  tab: TabValues | undefined,
  now: Date,
  zone: string,
  entries: readonly { event: string; recipient?: string; detail?: string; key?: string }[],
): WorkbookChanges {
  const layout = layoutOf(parseTable<JournalRow>(TABS.journal, tab), tab !== undefined);
  return {
    ...(layout.creation ? { createTabs: [layout.creation] } : {}),
    cells: layout.headerWrites,
    appends: [
      { tab: layout.title, rows: entries.map((entry) => recordRow(layout, journalRecord(now, zone, entry))) },
    ],
  };
}
