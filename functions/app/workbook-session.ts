/**
 * One request's view of an event's workbook: read once, written once.
 *
 * The composition root (`handlers.ts`) opens one session per request, over the sealed workbook.
 * The first read fetches every tab the request may need (`readAlso`) in one round trip; later
 * reads are answered from what the session holds. A write is applied at once to what the session
 * holds (so the next use case of the same request sees it) and kept to be sent with the others:
 * everything kept leaves in one write, before any read of the spreadsheet itself (a tab not held
 * yet, or `{ fresh: true }`: a claim's read-back, which must see what others wrote) and when the
 * request ends (`inSession`), whether it succeeded or failed.
 *
 * A write that fails is not sent again by the session (a write may be applied and still answer an
 * error: sending it again would append the Journal's rows twice); the request fails, and its caller
 * retries the whole request, which reads everything again.
 */
import { normalizeKey } from "../core/sheet/cells.js";
import type {
  Cell,
  CellWrite,
  EventWorkbook,
  ReadOptions,
  RowsAppend,
  TabCreation,
  TabValues,
  Workbook,
  WorkbookChanges,
  WorkbookSnapshot,
} from "../ports.js";

export interface SessionOptions {
  /** Tabs the first read fetches along with those asked for (the request's use cases read them next). */
  readonly readAlso?: readonly string[];
}

export class WorkbookSession implements EventWorkbook {
  /** What the session holds, by the name the tab was asked by; `null` when the tab does not exist. */
  private readonly held = new Map<string, TabValues | null>();
  private pending: WorkbookChanges[] = [];
  private firstRead = true;

  constructor(
    private readonly inner: EventWorkbook,
    private readonly options: SessionOptions = {},
  ) {}

  get keys() {
    return this.inner.keys;
  }

  /**
   * The tabs asked for. Held tabs are answered from memory (with this request's writes applied);
   * missing ones are read, with `readAlso` on the first read. `fresh` sends what is kept first, then
   * reads the tabs asked for from the spreadsheet and holds them from then on.
   */
  async read(tabs: readonly string[], options?: ReadOptions): Promise<WorkbookSnapshot> {
    // What is kept leaves before any read: what is read must not be older than this request's writes.
    if (options?.fresh) {
      await this.flush();
      this.firstRead = false;
      const snapshot = await this.inner.read(tabs, options);
      for (const name of new Set(tabs)) this.held.set(name, snapshot.get(name) ?? null);
      return snapshot;
    }
    const missing = tabs.filter((name) => !this.held.has(name));
    if (missing.length > 0) {
      const also = this.firstRead ? (this.options.readAlso ?? []).filter((name) => !this.held.has(name)) : [];
      const wanted = [...new Set([...missing, ...also])];
      this.firstRead = false;
      await this.flush();
      const snapshot = await this.inner.read(wanted);
      for (const name of wanted) this.held.set(name, snapshot.get(name) ?? null);
    }
    const answer = new Map<string, TabValues>();
    for (const name of tabs) {
      const tab = this.held.get(name);
      if (tab) answer.set(name, tab);
    }
    return answer;
  }

  /**
   * Applies the changes to what the session holds and keeps them for the next `flush`. A cell
   * written with the value the session already holds for it is not kept: rewriting a whole table
   * (`Affectations` after a re-run) sends only the cells that change.
   */
  async write(changes: WorkbookChanges): Promise<void> {
    for (const creation of changes.createTabs ?? []) this.create(creation);
    // The held copies of each tab written, found once per write (a re-run writes thousands of cells).
    const copies = new Map<string, [string, TabValues][]>();
    const copiesOf = (tab: string) => {
      let entries = copies.get(tab);
      if (!entries) {
        entries = this.entriesOf(tab);
        copies.set(tab, entries);
      }
      return entries;
    };
    const cells = (changes.cells ?? []).filter((cell) => !holds(copiesOf(cell.tab), cell));
    this.setCells(cells);
    for (const append of changes.appends ?? []) this.append(append);
    const kept: WorkbookChanges = {
      ...(changes.createTabs?.length ? { createTabs: changes.createTabs } : {}),
      ...(cells.length > 0 ? { cells } : {}),
      ...(changes.appends?.length ? { appends: changes.appends } : {}),
    };
    if (kept.createTabs || kept.cells || kept.appends) this.pending.push(kept);
  }

  /** Whether writes are kept that have not left yet. */
  get dirty(): boolean {
    return this.pending.length > 0;
  }

  /**
   * Sends every kept write in one write; nothing when none is kept. A failed write is not kept,
   * and what the session held is forgotten: it held values the spreadsheet may not have, so a later
   * read fetches the tabs again and a later write of the same value is sent.
   */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const changes = mergeChanges(this.pending);
    this.pending = [];
    try {
      await this.inner.write(changes);
    } catch (error) {
      this.held.clear();
      throw error;
    }
  }

  /** The held entries whose title is this tab's (by normalised title: case and accents aside). */
  private entriesOf(title: string): [string, TabValues][] {
    const key = normalizeKey(title);
    return [...this.held].flatMap(([name, tab]): [string, TabValues][] =>
      tab !== null && normalizeKey(tab.title) === key ? [[name, tab]] : [],
    );
  }

  private create(creation: TabCreation): void {
    const key = normalizeKey(creation.title);
    for (const [name, tab] of this.held)
      if (tab === null && normalizeKey(name) === key)
        this.held.set(name, { title: creation.title, rows: [[...creation.header]] });
  }

  /** The cells written into what the session holds: each tab and row copied once, not per cell. */
  private setCells(cells: readonly CellWrite[]): void {
    const byTab = new Map<string, CellWrite[]>();
    for (const cell of cells) {
      const key = normalizeKey(cell.tab);
      const list = byTab.get(key);
      if (list) list.push(cell);
      else byTab.set(key, [cell]);
    }
    for (const writes of byTab.values()) {
      for (const [name, tab] of this.entriesOf(writes[0]!.tab)) {
        const rows = [...tab.rows];
        const copied = new Set<number>();
        for (const cell of writes) {
          while (rows.length < cell.row) rows.push([]);
          if (!copied.has(cell.row)) {
            rows[cell.row - 1] = [...(rows[cell.row - 1] ?? [])];
            copied.add(cell.row);
          }
          const row = rows[cell.row - 1] as Cell[];
          while (row.length < cell.column) row.push(null);
          row[cell.column - 1] = cell.value;
        }
        this.held.set(name, { title: tab.title, rows });
      }
    }
  }

  private append(append: RowsAppend): void {
    for (const [name, tab] of this.entriesOf(append.tab))
      this.held.set(name, { title: tab.title, rows: [...tab.rows, ...append.rows.map((row) => [...row])] });
  }
}

/** Whether every held copy of the cell's tab (`entries`) already has that value there (none held: no). */
function holds(entries: readonly [string, TabValues][], cell: CellWrite): boolean {
  return (
    entries.length > 0 &&
    entries.every(([, tab]) => (tab.rows[cell.row - 1]?.[cell.column - 1] ?? null) === cell.value)
  );
}

/**
 * Several writes as one: tabs created first, then cells (the last value of a cell wins), then the
 * rows appended, in order, one append per tab (as the adapters apply a write).
 */
export function mergeChanges(all: readonly WorkbookChanges[]): WorkbookChanges {
  const createTabs: TabCreation[] = [];
  const cells = new Map<string, CellWrite>();
  const appends = new Map<string, RowsAppend>();
  for (const changes of all) {
    for (const creation of changes.createTabs ?? [])
      if (!createTabs.some((tab) => normalizeKey(tab.title) === normalizeKey(creation.title)))
        createTabs.push(creation);
    for (const cell of changes.cells ?? []) {
      const key = `${normalizeKey(cell.tab)}\u0000${cell.row}\u0000${cell.column}`;
      // Deleted first so the cell takes its place among the last written.
      cells.delete(key);
      cells.set(key, cell);
    }
    for (const append of changes.appends ?? []) {
      const key = normalizeKey(append.tab);
      const before = appends.get(key);
      appends.set(key, { tab: before?.tab ?? append.tab, rows: [...(before?.rows ?? []), ...append.rows] });
    }
  }
  return {
    ...(createTabs.length > 0 ? { createTabs } : {}),
    ...(cells.size > 0 ? { cells: [...cells.values()] } : {}),
    ...(appends.size > 0 ? { appends: [...appends.values()] } : {}),
  };
}

/**
 * Sends what a request's session kept, now: before waking or starting something that reads the
 * spreadsheet itself (a workflow woken by a callback must find the reply that woke it). Nothing
 * for a workbook that is not a session.
 */
export async function sendKept(workbook: Workbook): Promise<void> {
  if (workbook instanceof WorkbookSession) await workbook.flush();
}

/**
 * Runs a request's use cases on its workbook, then sends what it kept: after success (a failure of
 * that write fails the request) and after a failure too (best effort, the first error is thrown),
 * so an outcome recorded before the failure is not lost. A workbook that is not a session (a
 * test's) is used as it is.
 */
export async function inSession<T>(workbook: Workbook, run: () => Promise<T>): Promise<T> {
  if (!(workbook instanceof WorkbookSession)) return run();
  let result: T;
  try {
    result = await run();
  } catch (error) {
    try {
      await workbook.flush();
    } catch {
      // The request fails with its own error; what was kept is written again by its retry.
    }
    throw error;
  }
  await workbook.flush();
  return result;
}
