/**
 * The seal of the ledger, at the edge: a `Workbook` that seals every row appended to `Journal`
 * and, on every read, verifies every row of it. A row whose seal does not verify (typed by hand,
 * edited, pasted from elsewhere, a second copy of a sealed row) reaches the use cases as an empty
 * row whose `Sceau` is `REJECTED_SEAL`: ignored for every decision, and counted so the organizer is
 * told (`core/messages/plan.ts`). A row sealed for another event (the Journal of a renamed or copied
 * workbook) is shown as `FOREIGN_SEAL` instead, and the event sends nothing until the organizer
 * decides (`core/event/model.ts`). Every workbook the functions open goes through this class (the
 * composition root wraps `workbookFor`), so no use case can read an unverified ledger.
 */

import { FOREIGN_SEAL, REJECTED_SEAL } from "../core/ledger/journal.js";
import type { LedgerKeys } from "../core/ledger/keys.js";
import { normalizeKey } from "../core/sheet/cells.js";
import { TABS } from "../core/sheet/schemas.js";
import { locateColumns } from "../core/sheet/table.js";
import type {
  Cell,
  ReadOptions,
  RowsAppend,
  TabValues,
  Workbook,
  WorkbookChanges,
  WorkbookSnapshot,
} from "../ports.js";

const JOURNAL = normalizeKey(TABS.journal.name);
const isJournal = (title: string) => normalizeKey(title) === JOURNAL;

interface MachineColumns {
  readonly key: number;
  readonly data: number;
  readonly seal: number;
}

/** Where `Clé`, `Données` and `Sceau` are (0-based), or `null` when one is missing. */
function machineColumns(header: readonly Cell[]): MachineColumns | null {
  const found = new Map(
    locateColumns(TABS.journal.schema, header).flatMap((column) =>
      column.index === undefined ? [] : [[column.key, column.index - 1] as const],
    ),
  );
  const key = found.get("key");
  const data = found.get("data");
  const seal = found.get("seal");
  return key === undefined || data === undefined || seal === undefined ? null : { key, data, seal };
}

const text = (cell: Cell | undefined) => (cell === null || cell === undefined ? "" : String(cell));

/** The `Journal` tab with every row that does not verify replaced (see the module's comment). */
export function verifyJournal(tab: TabValues, keys: LedgerKeys): TabValues {
  const header = tab.rows[0] ?? [];
  const columns = machineColumns(header);
  const seen = new Set<string>();
  const rows = tab.rows.map((row, index) => {
    if (index === 0) return row;
    if (row.every((cell) => text(cell).trim() === "")) return row;
    if (columns) {
      const seal = text(row[columns.seal]);
      if (
        seal !== "" &&
        !seen.has(seal) &&
        keys.verify(text(row[columns.key]), text(row[columns.data]), seal)
      ) {
        seen.add(seal);
        return row;
      }
    }
    const rejected: Cell[] = header.map(() => null);
    const foreign = columns !== null && keys.sealedElsewhere(text(row[columns.seal]));
    rejected[columns?.seal ?? Math.max(header.length - 1, 0)] = foreign ? FOREIGN_SEAL : REJECTED_SEAL;
    return rejected;
  });
  return { title: tab.title, rows };
}

export class LedgerWorkbook implements Workbook {
  /** The Journal's header as last seen, to seal appends without reading it again. */
  private header: readonly Cell[] | undefined;

  constructor(
    private readonly inner: Workbook,
    readonly keys: LedgerKeys,
  ) {}

  async read(tabs: readonly string[], options?: ReadOptions): Promise<WorkbookSnapshot> {
    const snapshot = await this.inner.read(tabs, options);
    const journal = snapshot.get(TABS.journal.name);
    if (!journal) return snapshot;
    this.header = journal.rows[0] ?? [];
    const verified = new Map(snapshot);
    verified.set(TABS.journal.name, verifyJournal(journal, this.keys));
    return verified;
  }

  async write(changes: WorkbookChanges): Promise<void> {
    const appends = changes.appends ?? [];
    if (!appends.some((append) => isJournal(append.tab))) return this.inner.write(changes);
    const header = await this.headerAfter(changes);
    const columns = machineColumns(header);
    if (!columns) throw new Error("The Journal tab has no Clé, Données or Sceau column to seal.");
    const sealed: RowsAppend[] = appends.map((append) =>
      isJournal(append.tab)
        ? { tab: append.tab, rows: append.rows.map((row) => this.seal(row, columns)) }
        : append,
    );
    await this.inner.write({ ...changes, appends: sealed });
    this.header = header;
  }

  private seal(row: readonly Cell[], columns: MachineColumns): Cell[] {
    const sealed = [...row];
    while (sealed.length <= columns.seal) sealed.push(null);
    sealed[columns.seal] = this.keys.seal(text(row[columns.key]), text(row[columns.data]));
    return sealed;
  }

  /** The Journal's header once these changes apply (a new tab, or header cells added to row 1). */
  private async headerAfter(changes: WorkbookChanges): Promise<readonly Cell[]> {
    const created = changes.createTabs?.find((tab) => isJournal(tab.title));
    let header: Cell[] = created
      ? [...created.header]
      : [
          ...(this.header ??
            (await this.inner.read([TABS.journal.name])).get(TABS.journal.name)?.rows[0] ??
            []),
        ];
    for (const cell of changes.cells ?? []) {
      if (!isJournal(cell.tab) || cell.row !== 1) continue;
      while (header.length < cell.column) header = [...header, null];
      header[cell.column - 1] = cell.value;
    }
    return header;
  }
}
