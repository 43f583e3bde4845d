/**
 * The `Journal` tab: an append-only record of what the system did, each line with its key.
 * Keys make steps idempotent (a message key is never sent twice) and let stateless functions find
 * what an earlier call left (the workflow's execution, the callback it waits on).
 */
import { DateTime } from "luxon";
import type { Cell, TabValues, WorkbookChanges } from "../ports.js";
import { cellText } from "./cells.js";
import { type JournalRow, TABS } from "./schemas.js";
import { locateColumns, parseTable } from "./table.js";
import { layoutOf, type RecordCells, recordRow } from "./table-writes.js";

export interface JournalEntry {
  readonly row: number;
  readonly at: string;
  readonly event: string;
  readonly recipient: string;
  readonly detail: string;
  readonly key: string;
}

/**
 * The lines of `Journal`, columns found by header, read lean (no row validation: the Journal is
 * the longest tab and is read by every step); a line with neither event nor key is skipped.
 */
export function journalEntries(tab: TabValues | undefined): JournalEntry[] {
  if (!tab) return [];
  const columns = new Map(locateColumns(TABS.journal.schema, tab.rows[0] ?? []).map((c) => [c.key, c.index]));
  const read = (row: readonly Cell[], key: string) => {
    const index = columns.get(key);
    return index === undefined ? "" : cellText(row[index - 1] ?? null);
  };
  const entries: JournalEntry[] = [];
  for (let index = 1; index < tab.rows.length; index++) {
    const row = tab.rows[index] ?? [];
    const entry = {
      row: index + 1,
      at: read(row, "at"),
      event: read(row, "event"),
      recipient: read(row, "recipient"),
      detail: read(row, "detail"),
      key: read(row, "key"),
    };
    if (entry.event !== "" || entry.key !== "") entries.push(entry);
  }
  return entries;
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
