/** Builds workbooks for tests: in memory (a snapshot, or a Workbook fake recording writes) or as a .xlsx file. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LedgerWorkbook } from "../../functions/app/ledger-workbook.js";
import type { LedgerKeys } from "../../functions/core/ledger/keys.js";
import { SETTINGS_HEADERS, TABS, type TabSpec } from "../../functions/core/sheet/schemas.js";
import { headersOf } from "../../functions/core/sheet/table.js";
import type {
  Cell,
  CellWrite,
  EventWorkbook,
  TabValues,
  WorkbookChanges,
  WorkbookSnapshot,
} from "../../functions/ports.js";
import * as example from "../../sheets-templates/example-data.js";
import { generateTemplates } from "../../sheets-templates/generate.js";
import { testKeys } from "./ledger.js";

export type Row = Readonly<Record<string, Cell>>;

export function tableTab(
  spec: TabSpec,
  rows: readonly Row[],
  headers: readonly string[] = headersOf(spec.schema),
): TabValues {
  return {
    title: spec.name,
    rows: [[...headers], ...rows.map((row) => headers.map((header) => row[header] ?? null))],
  };
}

export function settingsTab(spec: TabSpec, values: Row): TabValues {
  return {
    title: spec.name,
    rows: [
      [SETTINGS_HEADERS.name, SETTINGS_HEADERS.value],
      ...Object.entries(values).map(([name, value]) => [name, value]),
    ],
  };
}

export interface SeminarParts {
  settings?: Row;
  programme?: readonly Row[];
  structures?: readonly Row[];
  tutors?: readonly Row[];
  participants?: readonly Row[];
  placements?: readonly Row[];
}

/** The example seminar, with any part replaced. */
export function seminarSnapshot(parts: SeminarParts = {}): Map<string, TabValues> {
  return new Map<string, TabValues>([
    [TABS.seminar.name, settingsTab(TABS.seminar, parts.settings ?? example.seminarSettings)],
    [TABS.programme.name, tableTab(TABS.programme, parts.programme ?? example.programme)],
    [TABS.structures.name, tableTab(TABS.structures, parts.structures ?? example.structures)],
    [TABS.tutors.name, tableTab(TABS.tutors, parts.tutors ?? example.tutors)],
    [TABS.participants.name, tableTab(TABS.participants, parts.participants ?? example.participants)],
    [TABS.placements.name, tableTab(TABS.placements, parts.placements ?? [])],
    [TABS.journal.name, tableTab(TABS.journal, [])],
  ]);
}

export function lunchSnapshot(
  settings: Row = example.lunchSettings,
  registrations: readonly Row[] = example.registrations,
) {
  return new Map<string, TabValues>([
    [TABS.lunch.name, settingsTab(TABS.lunch, settings)],
    [TABS.registrations.name, tableTab(TABS.registrations, registrations)],
    [TABS.journal.name, tableTab(TABS.journal, [])],
  ]);
}

/** A Workbook kept in memory that records every call, for use-case tests. */
/**
 * Reads verify and writes seal the Journal through the real `LedgerWorkbook`, with the tests' keys;
 * `rawRead`/`rawWrite` reach the stored cells as a person editing the sheet would.
 */
export class MemoryWorkbook implements EventWorkbook {
  readonly reads: string[][] = [];
  readonly writes: WorkbookChanges[] = [];
  readonly tabs: Map<string, Cell[][]>;

  constructor(snapshot: WorkbookSnapshot, event = "seminaire-test") {
    this.tabs = new Map([...snapshot.values()].map((tab) => [tab.title, tab.rows.map((row) => [...row])]));
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
    this.reads.push([...names]);
    const result = new Map<string, TabValues>();
    for (const name of names) {
      const rows = this.tabs.get(name);
      if (rows) result.set(name, { title: name, rows: rows.map((row) => [...row]) });
    }
    return result;
  }

  async rawWrite(changes: WorkbookChanges): Promise<void> {
    this.writes.push(changes);
    for (const creation of changes.createTabs ?? [])
      if (!this.tabs.has(creation.title)) this.tabs.set(creation.title, [[...creation.header]]);
    for (const cell of changes.cells ?? []) this.set(cell);
    for (const append of changes.appends ?? [])
      this.tabs.get(append.tab)?.push(...append.rows.map((row) => [...row]));
  }

  cell(tab: string, row: number, column: number): Cell {
    return this.tabs.get(tab)?.[row - 1]?.[column - 1] ?? null;
  }

  private set({ tab, row, column, value }: CellWrite): void {
    const rows = this.tabs.get(tab);
    if (!rows) throw new Error(`no tab ${tab}`);
    while (rows.length < row) rows.push([]);
    const target = rows[row - 1]!;
    while (target.length < column) target.push(null);
    target[column - 1] = value;
  }
}

/** A fresh copy of the example workbooks as .xlsx files in a temporary folder. */
export async function exampleFiles(): Promise<{
  seminar: string;
  lunch: string;
  cycle: string;
  folder: string;
}> {
  const folder = await mkdtemp(join(tmpdir(), "passerelle-"));
  const [seminar, lunch, cycle] = await generateTemplates(folder);
  return { seminar: seminar!, lunch: lunch!, cycle: cycle!, folder };
}
