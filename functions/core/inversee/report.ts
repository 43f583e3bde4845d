/**
 * A check of a reverse immersion as its organizer reads it: the seminar's verdicts on the view
 * (`view.ts`) put back on the reverse workbook's own tabs. The view's `Structures` and `Tuteurs`
 * rows are each one row of `Hôtes` (same row number): their problems are that row's. The problems
 * only a reverse immersion has (`SeminarView.extra`, written into `Statut` by `sourceChanges`) are
 * added to their row, so that the printout says what the sheet says. Pure.
 */
import { type RowVerdict, statusText } from "../checks/check-seminar.js";
import { TABS } from "../sheet/schemas.js";
import { REVERSE_TABS } from "./schemas.js";
import { type SeminarView, withoutSeminarEmail } from "./view.js";
import { inReverseLines, inReverseWords } from "./words.js";

/** The tab of the reverse workbook a view's tab stands for (its own title). */
function sourceTab(tab: string, view: SeminarView): string {
  if (tab === TABS.structures.name || tab === TABS.tutors.name) return view.titles.hosts;
  if (tab === TABS.participants.name) return view.titles.visitors;
  if (tab === TABS.seminar.name) return view.titles.settings;
  return tab;
}

/**
 * The verdicts of a check made on the view, on the reverse workbook's tabs: one per source row,
 * problems merged (each once), the reverse-only problems added; in the order of the tabs as they
 * first come, then of the rows.
 */
export function reverseVerdicts(rows: readonly RowVerdict[], view: SeminarView): RowVerdict[] {
  const merged = new Map<string, RowVerdict>();
  const add = (verdict: RowVerdict) => {
    const key = `${verdict.tab}\u0000${verdict.row}`;
    const before = merged.get(key);
    if (!before) {
      merged.set(key, verdict);
      return;
    }
    const problems = [...new Set([...before.problems, ...verdict.problems])];
    const warnings = [...new Set([...(before.warnings ?? []), ...(verdict.warnings ?? [])])].filter(
      (warning) => problems.includes(warning),
    );
    merged.set(key, {
      ...before,
      problems,
      blocking: before.blocking || verdict.blocking,
      ...(warnings.length > 0 ? { warnings } : {}),
      status: problems.length === 0 ? before.status : statusText(problems, warnings),
    });
  };
  for (const verdict of rows) {
    // A row the view emptied on purpose has its own problem: the seminar's empty `Email` is not said.
    const quiet = verdict.tab === TABS.participants.name && view.addressless.has(verdict.row);
    const problems = quiet
      ? verdict.problems.filter((problem) => !problem.startsWith("Email :"))
      : verdict.problems;
    add({
      ...verdict,
      tab: sourceTab(verdict.tab, view),
      problems: problems.map(inReverseWords),
      ...(verdict.warnings ? { warnings: verdict.warnings.map(inReverseWords) } : {}),
      status: inReverseLines(quiet ? withoutSeminarEmail(verdict.status) : verdict.status),
    });
  }
  const titles: Record<string, string> = {
    [REVERSE_TABS.hosts.name]: view.titles.hosts,
    [REVERSE_TABS.visitors.name]: view.titles.visitors,
  };
  for (const [name, problemsByRow] of view.extra) {
    const tab = titles[name] ?? name;
    for (const [row, problems] of problemsByRow)
      if (problems.length > 0)
        add({ tab, row, problems: [...problems], blocking: true, status: statusText(problems) });
  }
  const order = [...new Set([...merged.values()].map((verdict) => verdict.tab))];
  return [...merged.values()].sort((a, b) => order.indexOf(a.tab) - order.indexOf(b.tab) || a.row - b.row);
}
