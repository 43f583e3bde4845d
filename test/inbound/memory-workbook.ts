/**
 * A workbook held in memory: reads answer copies of its tabs (found by title, accents and case
 * aside), writes are applied and recorded, so a test can check both what was asked and the result.
 */

import { LedgerWorkbook } from "../../functions/app/ledger-workbook.js";
import type { LedgerKeys } from "../../functions/core/ledger/keys.js";
import { normalizeKey } from "../../functions/core/sheet/cells.js";
import type {
  Cell,
  EventWorkbook,
  TabValues,
  WorkbookChanges,
  WorkbookSnapshot,
} from "../../functions/ports.js";
import { testKeys } from "../support/ledger.js";

/**
 * Reads verify and writes seal the Journal through the real `LedgerWorkbook`, with the tests' keys;
 * `rawRead`/`rawWrite` reach the stored cells as a person editing the sheet would.
 */
export class MemoryWorkbook implements EventWorkbook {
  readonly reads: (readonly string[])[] = [];
  readonly writes: WorkbookChanges[] = [];
  private readonly tabs = new Map<string, Cell[][]>();

  constructor(tabs: Readonly<Record<string, readonly (readonly Cell[])[]>> = {}, event = "seminaire-test") {
    for (const [title, rows] of Object.entries(tabs))
      this.tabs.set(
        title,
        rows.map((row) => [...row]),
      );
    this.keys = testKeys(event);
    this.ledger = new LedgerWorkbook(
      { read: (names) => this.rawRead(names), write: (changes) => this.rawWrite(changes) },
      this.keys,
    );
  }

  readonly keys: LedgerKeys;
  private readonly ledger: LedgerWorkbook;

  async read(names: readonly string[]): Promise<WorkbookSnapshot> {
    return this.ledger.read(names);
  }

  async write(changes: WorkbookChanges): Promise<void> {
    return this.ledger.write(changes);
  }

  async rawRead(names: readonly string[]): Promise<WorkbookSnapshot> {
    this.reads.push(names);
    const snapshot = new Map<string, TabValues>();
    for (const name of names) {
      const title = this.titleOf(name);
      if (title !== undefined)
        snapshot.set(name, { title, rows: this.tabs.get(title)!.map((row) => [...row]) });
    }
    return snapshot;
  }

  async rawWrite(changes: WorkbookChanges): Promise<void> {
    this.writes.push(changes);
    for (const creation of changes.createTabs ?? []) this.tabs.set(creation.title, [[...creation.header]]);
    for (const cell of changes.cells ?? []) {
      const rows = this.rowsOf(cell.tab);
      while (rows.length < cell.row) rows.push([]);
      const row = rows[cell.row - 1]!;
      while (row.length < cell.column) row.push(null);
      row[cell.column - 1] = cell.value;
    }
    for (const append of changes.appends ?? [])
      this.rowsOf(append.tab).push(...append.rows.map((row) => [...row]));
  }

  /** The rows of a tab as they stand, header first. */
  rows(name: string): Cell[][] {
    const title = this.titleOf(name);
    return title === undefined ? [] : this.tabs.get(title)!;
  }

  /** A tab as records keyed by header. */
  records(name: string): Record<string, Cell>[] {
    const [header = [], ...rows] = this.rows(name);
    return rows.map((row) =>
      Object.fromEntries(header.map((title, index) => [String(title), row[index] ?? null])),
    );
  }

  private titleOf(name: string): string | undefined {
    return [...this.tabs.keys()].find((title) => normalizeKey(title) === normalizeKey(name));
  }

  private rowsOf(name: string): Cell[][] {
    const title = this.titleOf(name);
    if (title === undefined) throw new Error(`No tab ${name}`);
    return this.tabs.get(title)!;
  }
}
