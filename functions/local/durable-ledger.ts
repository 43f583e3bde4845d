/**
 * The local ledger's safety copy. An organizer who keeps the `.xlsx` open while Passerelle writes
 * to it, then saves, writes back the copy their spreadsheet program holds: Journal rows appended
 * meanwhile, and the `Convocation` dates they imply, are gone. This `Workbook` sits between the
 * `.xlsx` and the sealing `LedgerWorkbook`:
 *
 * - every Journal row written (already sealed) is appended to a side file, one JSON line per row
 *   (`{"header": [...], "row": [...]}`), fsynced before the write returns;
 * - on every read of `Journal`, rows of the side file whose seal the workbook no longer holds are
 *   appended again, and an emptied `Convocation` cell of a participant whose convocation the side
 *   file records as sent gets its date back (the first 16 characters of the row's `Horodatage`,
 *   the format the sending writes), and a tutor whose applied answer it records gets an emptied
 *   `Confirmation` / `Répondu le` back; the counts are logged as `ledger.restored`;
 * - while Excel's (`~$name.xlsx`) or LibreOffice's (`.~lock.name.xlsx#`) lock file stands beside
 *   the workbook, writes wait (polling, bounded), logged once as `workbook.locked`; reads proceed.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { LedgerKeys } from "../core/ledger/keys.js";
import { cellText, normalizeKey } from "../core/sheet/cells.js";
import { TABS } from "../core/sheet/schemas.js";
import { locateColumns } from "../core/sheet/table.js";
import type { Cell, CellWrite, Workbook, WorkbookChanges, WorkbookSnapshot } from "../ports.js";

const JOURNAL = normalizeKey(TABS.journal.name);
const isJournal = (title: string) => normalizeKey(title) === JOURNAL;

/** One line of the side file: a sealed Journal row and the header it was written under. */
interface StoredRow {
  readonly header: readonly Cell[];
  readonly row: readonly Cell[];
}

export interface DurableLedgerOptions {
  /** The side file (`<event>.registre.jsonl` beside the workbook). */
  readonly file: string;
  /** The event's ledger keys: participants are found by `recipientId(email)`, as keys name them. */
  readonly keys: Pick<LedgerKeys, "recipientId">;
  /** `ledger.restored` ({ rows, cells }) and `workbook.locked` ({}) go here. */
  readonly log?: (event: string, fields: Record<string, number>) => void;
  /** Waits between two looks at the lock files (ms); the real `setTimeout` when absent. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Between two looks at the lock files (ms). Default 1 000. */
  readonly pollMs?: number;
  /** The longest wait for a lock file to go before writing anyway (ms). Default 10 minutes. */
  readonly maxWaitMs?: number;
}

/** The lock files a spreadsheet program leaves beside `workbook` while it has the file open. */
export function lockFiles(workbook: string): string[] {
  const folder = dirname(workbook);
  const name = basename(workbook);
  return [join(folder, `~$${name}`), join(folder, `.~lock.${name}#`)];
}

const text = (cell: Cell | undefined) => (cell === null || cell === undefined ? "" : String(cell));

function columnIndex(header: readonly Cell[], name: string): number {
  return header.findIndex((cell) => normalizeKey(cellText(cell ?? null)) === normalizeKey(name));
}

/** The recipient id of a convocation that left, from a sealed row (`message:<event>:<id>:convocation:<v>`). */
function convocationSent(stored: StoredRow): { recipient: string; at: string } | null {
  const key = text(stored.row[columnIndex(stored.header, "Clé")]);
  const match = /^message:.*:([0-9a-f]{16}):convocation:[^:]+$/.exec(key);
  if (!match) return null;
  try {
    const data = JSON.parse(text(stored.row[columnIndex(stored.header, "Données")])) as {
      kind?: unknown;
      outcome?: unknown;
    };
    const sent = data.kind === "sent" || (data.kind === "reconciled" && data.outcome === "sent");
    if (!sent) return null;
  } catch {
    return null;
  }
  return {
    recipient: match[1] ?? "",
    at: text(stored.row[columnIndex(stored.header, "Horodatage")]).slice(0, 16),
  };
}

const ANSWERS: Readonly<Record<string, string>> = { confirm: "Confirmé", decline: "Décliné" };

/** A tutor's applied answer, from a sealed `reply` row (the labels `core/replies/plan.ts` writes). */
function replyApplied(stored: StoredRow): { tutor: string; confirmation: string; at: string } | null {
  try {
    const data = JSON.parse(text(stored.row[columnIndex(stored.header, "Données")])) as {
      kind?: unknown;
      decision?: unknown;
      tutor?: unknown;
      automatic?: unknown;
    };
    const confirmation = typeof data.decision === "string" ? ANSWERS[data.decision] : undefined;
    if (data.kind !== "reply" || data.automatic === true || !confirmation || typeof data.tutor !== "string")
      return null;
    return {
      tutor: data.tutor.trim().toLowerCase(),
      confirmation,
      at: text(stored.row[columnIndex(stored.header, "Horodatage")]).slice(0, 16),
    };
  } catch {
    return null;
  }
}

export class DurableLedgerWorkbook implements Workbook {
  private lockTold = false;

  constructor(
    private readonly inner: Workbook,
    private readonly path: string,
    private readonly options: DurableLedgerOptions,
  ) {}

  async read(tabs: readonly string[]): Promise<WorkbookSnapshot> {
    const snapshot = await this.inner.read(tabs);
    if (!tabs.some(isJournal)) return snapshot;
    const changes = this.restoration(
      await this.inner.read([
        TABS.journal.name,
        TABS.participants.name,
        TABS.registrations.name,
        TABS.tutors.name,
      ]),
    );
    if (!changes) return snapshot;
    await this.waitForLocks();
    await this.inner.write(changes.write);
    this.options.log?.("ledger.restored", { rows: changes.rows, cells: changes.cells });
    return this.inner.read(tabs);
  }

  async write(changes: WorkbookChanges): Promise<void> {
    await this.waitForLocks();
    await this.inner.write(changes);
    const journalRows = (changes.appends ?? []).filter((append) => isJournal(append.tab));
    if (journalRows.length === 0) return;
    const header = (await this.inner.read([TABS.journal.name])).get(TABS.journal.name)?.rows[0] ?? [];
    this.store(journalRows.flatMap((append) => append.rows.map((row) => ({ header, row }))));
  }

  private stored(): StoredRow[] {
    if (!existsSync(this.options.file)) return [];
    return readFileSync(this.options.file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as StoredRow];
        } catch {
          // A line cut by a crash mid-write: the row was not acknowledged.
          return [];
        }
      });
  }

  private store(rows: readonly StoredRow[]): void {
    const fd = openSync(this.options.file, "a", 0o600);
    try {
      writeSync(fd, rows.map((row) => `${JSON.stringify(row)}\n`).join(""));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** What to write back so the workbook holds every stored row and the Convocation dates they imply. */
  private restoration(
    snapshot: WorkbookSnapshot,
  ): { write: WorkbookChanges; rows: number; cells: number } | null {
    const stored = this.stored();
    if (stored.length === 0) return null;
    const journal = snapshot.get(TABS.journal.name);
    const header = journal?.rows[0] ?? stored[stored.length - 1]?.header ?? [];
    const sealAt = columnIndex(header, "Sceau");
    const present = new Set((journal?.rows ?? []).slice(1).map((row) => text(row[sealAt])));
    const missing = stored.filter((entry) => {
      const seal = text(entry.row[columnIndex(entry.header, "Sceau")]);
      return seal !== "" && !present.has(seal);
    });
    const appended = new Set<string>();
    const rows = missing
      .filter((entry) => {
        const seal = text(entry.row[columnIndex(entry.header, "Sceau")]);
        if (appended.has(seal)) return false;
        appended.add(seal);
        return true;
      })
      .map((entry) =>
        header.map((name) => entry.row[columnIndex(entry.header, cellText(name ?? null))] ?? null),
      );
    // Cells are restored only after a save that dropped rows: an emptied cell alone may be the
    // organizer's own doing (a duplicate row, a cleared date), not a stale copy.
    if (rows.length === 0) return null;
    const cells = [...this.convocationCells(snapshot, stored), ...this.replyCells(snapshot, stored)];
    return {
      write: {
        ...(journal
          ? {}
          : { createTabs: [{ title: TABS.journal.name, header: header.map((cell) => text(cell)) }] }),
        cells,
        appends: rows.length > 0 ? [{ tab: journal?.title ?? TABS.journal.name, rows }] : [],
      },
      rows: rows.length,
      cells: cells.length,
    };
  }

  /** Emptied `Convocation` cells of participants whose convocation the stored rows record as sent. */
  private convocationCells(snapshot: WorkbookSnapshot, stored: readonly StoredRow[]): CellWrite[] {
    const sent = new Map<string, string>();
    for (const entry of stored) {
      const convocation = convocationSent(entry);
      if (convocation && !sent.has(convocation.recipient)) sent.set(convocation.recipient, convocation.at);
    }
    if (sent.size === 0) return [];
    const writes: CellWrite[] = [];
    for (const spec of [TABS.participants, TABS.registrations]) {
      const tab = snapshot.get(spec.name);
      if (!tab) continue;
      const columns = new Map(
        locateColumns(spec.schema, tab.rows[0] ?? []).flatMap((column) =>
          column.index === undefined ? [] : [[column.key, column.index] as const],
        ),
      );
      const email = columns.get("email");
      const convocation = columns.get("convocation");
      if (email === undefined || convocation === undefined) continue;
      tab.rows.forEach((row, index) => {
        if (index === 0) return;
        const address = text(row[email - 1]).trim();
        if (address === "" || text(row[convocation - 1]).trim() !== "") return;
        const at = sent.get(this.options.keys.recipientId(address));
        if (at) writes.push({ tab: tab.title, row: index + 1, column: convocation, value: at });
      });
    }
    return writes;
  }

  /** Emptied `Confirmation` / `Répondu le` cells of tutors whose last applied answer the stored rows hold. */
  private replyCells(snapshot: WorkbookSnapshot, stored: readonly StoredRow[]): CellWrite[] {
    const answers = new Map<string, { confirmation: string; at: string }>();
    for (const entry of stored) {
      const reply = replyApplied(entry);
      if (reply) answers.set(reply.tutor, reply);
    }
    const tab = snapshot.get(TABS.tutors.name);
    if (answers.size === 0 || !tab) return [];
    const columns = new Map(
      locateColumns(TABS.tutors.schema, tab.rows[0] ?? []).flatMap((column) =>
        column.index === undefined ? [] : [[column.key, column.index] as const],
      ),
    );
    const email = columns.get("email");
    const confirmation = columns.get("confirmation");
    const repliedAt = columns.get("repliedAt");
    if (email === undefined || confirmation === undefined) return [];
    const writes: CellWrite[] = [];
    tab.rows.forEach((row, index) => {
      if (index === 0) return;
      const answer = answers.get(
        text(row[email - 1])
          .trim()
          .toLowerCase(),
      );
      if (!answer) return;
      const current = text(row[confirmation - 1]).trim();
      if (current === "")
        writes.push({ tab: tab.title, row: index + 1, column: confirmation, value: answer.confirmation });
      if (repliedAt !== undefined && text(row[repliedAt - 1]).trim() === "")
        writes.push({ tab: tab.title, row: index + 1, column: repliedAt, value: answer.at });
    });
    return writes;
  }

  /** Waits while a spreadsheet program holds the workbook open (bounded), telling it once. */
  private async waitForLocks(): Promise<void> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
    const pollMs = this.options.pollMs ?? 1000;
    const maxWaitMs = this.options.maxWaitMs ?? 10 * 60_000;
    let waited = 0;
    while (lockFiles(this.path).some((file) => existsSync(file)) && waited < maxWaitMs) {
      if (!this.lockTold) this.options.log?.("workbook.locked", {});
      this.lockTold = true;
      await sleep(pollMs);
      waited += pollMs;
    }
    if (!lockFiles(this.path).some((file) => existsSync(file))) this.lockTold = false;
  }
}
