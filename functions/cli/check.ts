/** `passerelle check <workbook.xlsx> [--json]`: checks a local workbook and writes the verdicts into it. */
import { XlsxWorkbook } from "../adapters/xlsx-workbook.js";
import { type CheckReport, checkWorkbook } from "../app/check-workbook.js";
import { ReverseAwareWorkbook } from "../app/reverse-workbook.js";
import { CYCLE_TABS_SPEC } from "../core/cycle/cycle-schemas.js";
import { reverseVerdicts } from "../core/inversee/report.js";
import { REVERSE_WORKBOOK } from "../core/inversee/schemas.js";
import { isReverse, seminarView } from "../core/inversee/view.js";
import { inReverseWords } from "../core/inversee/words.js";
import { TABS } from "../core/sheet/schemas.js";
import { plural, pluralSuffix } from "../core/text/french.js";
import { Refusal } from "./errors.js";

export interface CheckJson {
  readonly kind: CheckReport["kind"];
  readonly event: { readonly tab: string; readonly problems: readonly string[] };
  readonly rows: readonly {
    tab: string;
    row: number;
    ok: boolean;
    problems: readonly string[];
    /** What `Statut` says (`OK`, `Inscrit`, `Liste d'attente (3)`, `Annulé`... or the problems). */
    status: string;
  }[];
}

/**
 * A reverse immersion's report on its own tabs (`Hôtes` rather than the view's `Structures` and
 * `Tuteurs`, the problems only it has included, `Immersion` for the event); any other as it is.
 */
async function asReverse(
  inner: XlsxWorkbook,
  report: CheckReport,
): Promise<CheckReport & { eventTab?: string }> {
  const source = await inner.read([...REVERSE_WORKBOOK.map((spec) => spec.name)]);
  if (!isReverse(source)) return report;
  const view = seminarView(source);
  return {
    ...report,
    rows: reverseVerdicts(report.rows, view),
    eventProblems: [...new Set(report.eventProblems.map(inReverseWords))],
    eventTab: view.titles.settings,
  };
}

export function checkJson(report: CheckReport & { eventTab?: string }): CheckJson {
  return {
    kind: report.kind,
    event: {
      tab:
        report.eventTab ??
        (report.kind === "cycle"
          ? CYCLE_TABS_SPEC.cycle.name
          : report.kind === "lunch"
            ? TABS.lunch.name
            : TABS.seminar.name),
      problems: report.eventProblems,
    },
    rows: report.rows.map((row) => ({
      tab: row.tab,
      row: row.row,
      ok: row.problems.length === 0,
      problems: row.problems,
      status: row.status,
    })),
  };
}

export function checkText(report: CheckReport): string {
  const lines: string[] = [];
  const tabs = [...new Set(report.rows.map((row) => row.tab))];
  for (const tab of tabs) {
    const rows = report.rows.filter((row) => row.tab === tab);
    const ok = rows.filter((row) => row.problems.length === 0).length;
    lines.push(`${tab} : ${ok} ligne${pluralSuffix(ok)} sans problème sur ${rows.length}.`);
  }
  if (report.lunch && report.lunch.missingTabs.length === 0) {
    const { seated, waiting } = report.lunch.seats;
    lines.push(
      `Places : ${seated.length} inscrit${pluralSuffix(seated.length)}, ${waiting.length} en liste d'attente (détail : passerelle match).`,
    );
  }
  // A missing tab is a fault, not zero registrations: no seat is counted then.
  const talks = report.cycle && report.cycle.missingTabs.length === 0 ? report.cycle.talks : [];
  for (const talk of talks) {
    const { seated, waiting } = talk.lunch.seats;
    lines.push(
      `${talk.name} : ${seated.length} inscrit${seated.length > 1 ? "s" : ""}, ${waiting.length} en liste d'attente (détail : passerelle match).`,
    );
  }
  if (report.eventProblems.length > 0) {
    lines.push("", "À revoir pour l'événement :");
    for (const problem of report.eventProblems) lines.push(`  - ${problem}`);
  }
  const wrong = report.rows.filter((row) => row.problems.length > 0);
  // The same count as the workflow's check: a blocking row is left out until it is corrected; the
  // others are kept, with a warning to read.
  const groups = [
    {
      rows: wrong.filter((row) => row.blocking),
      heading: "écartée tant qu'elle n'est pas corrigée",
      many: "écartées tant qu'elles ne sont pas corrigées",
    },
    {
      rows: wrong.filter((row) => !row.blocking),
      heading: "retenue, avec un avertissement à lire",
      many: "retenues, avec un avertissement à lire",
    },
  ];
  for (const { rows, heading, many } of groups) {
    if (rows.length === 0) continue;
    lines.push("", `${plural(rows.length, "ligne")} ${rows.length > 1 ? many : heading} :`);
    for (const row of rows) {
      for (const problem of row.problems)
        lines.push(`  ${row.tab}, ligne ${row.row} : ${problem.replace(/\n/g, " ")}`);
    }
  }
  if (report.eventProblems.length === 0 && wrong.length === 0) lines.push("", "Tout est en ordre.");
  lines.push(
    "",
    `${report.cellsWritten} cellule${pluralSuffix(report.cellsWritten)} « Statut » mise${pluralSuffix(report.cellsWritten)} à jour dans le classeur.`,
  );
  return lines.join("\n");
}

export async function runCheck(path: string, json: boolean, now: Date): Promise<string> {
  const inner = new XlsxWorkbook(path);
  const checked = await checkWorkbook(new ReverseAwareWorkbook(inner), now);
  const report = await asReverse(inner, checked);
  const text = json ? JSON.stringify(checkJson(report)) : checkText(report);
  // Not a Passerelle workbook: nothing was checked, and the exit status says so (1), as for the
  // other commands; the report still goes to the standard output.
  // The reason goes to the error output once; the JSON report still goes to the standard output.
  if (report.kind === "unknown") throw new Refusal(report.summary, json ? text : undefined);
  return text;
}
