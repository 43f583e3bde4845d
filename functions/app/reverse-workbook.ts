/**
 * A workbook that may hold a reverse immersion, presented to every use case as a seminar: reads
 * also ask for the reverse immersion's own tabs (same round trip) and, when `Immersion` is there,
 * answer the seminar view of them (`core/inversee/view.ts`); writes are mapped back onto the reverse
 * tabs. A seminar or a lunch talk passes through untouched.
 */
import {
  isReverse,
  REVERSE_SOURCE_TABS,
  type SeminarView,
  seminarView,
  sourceChanges,
} from "../core/inversee/view.js";
import { TABS } from "../core/sheet/schemas.js";
import type { Workbook, WorkbookChanges, WorkbookSnapshot } from "../ports.js";

export class ReverseAwareWorkbook implements Workbook {
  /** The last reverse snapshot read and its view: a use case reads once, then writes. */
  private last: { readonly view: SeminarView; readonly source: WorkbookSnapshot } | undefined;

  constructor(private readonly inner: Workbook) {}

  async read(tabs: readonly string[]): Promise<WorkbookSnapshot> {
    const asked = new Set(tabs);
    const source = await this.inner.read([...new Set([...tabs, ...REVERSE_SOURCE_TABS])]);
    if (!isReverse(source)) {
      this.last = undefined;
      return new Map([...source].filter(([name]) => asked.has(name)));
    }
    const view = seminarView(source);
    // A read of the Journal alone (the ledger's header, its rows) must not replace the view the
    // use case's writes are mapped with.
    if (tabs.some((name) => name !== TABS.journal.name && name !== TABS.feedback.name))
      this.last = { view, source };
    return view.snapshot;
  }

  async write(changes: WorkbookChanges): Promise<void> {
    if (this.last === undefined) return this.inner.write(changes);
    const { view, source } = this.last;
    // Lines appended to the Journal get the immersion's words in their human columns, found by
    // header: read it when the use case did not.
    const journal =
      !source.has(TABS.journal.name) &&
      (changes.appends ?? []).some((append) => append.tab === TABS.journal.name)
        ? (await this.inner.read([TABS.journal.name])).get(TABS.journal.name)
        : undefined;
    const withJournal = journal ? new Map([...source, [TABS.journal.name, journal]]) : source;
    return this.inner.write(sourceChanges(view, withJournal, changes));
  }
}
