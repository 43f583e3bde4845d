/**
 * `passerelle retours <workbook.xlsx> [--json]`: the replies to the feedback survey gathered in
 * `Retours`: how many, the average mark, and the marks left empty to check. Reads only.
 */
import { XlsxWorkbook } from "../adapters/xlsx-workbook.js";
import { readFeedbackSummary } from "../app/feedback.js";
import { feedbackLine } from "../core/feedback/retours.js";

export async function runRetours(path: string, json: boolean): Promise<string> {
  const summary = await readFeedbackSummary(new XlsxWorkbook(path));
  if (json) return JSON.stringify(summary);
  const lines = [feedbackLine(summary)];
  if (summary.rows.length > 0) lines.push("");
  for (const row of summary.rows) {
    const mark = row.mark === null ? "–" : String(row.mark);
    const comment = row.comment.replace(/\s+/g, " ").trim();
    lines.push(
      `  ${mark}  ${row.participant}${comment ? ` : « ${comment.length > 100 ? `${comment.slice(0, 99)}…` : comment} »` : ""}`,
    );
    if (row.flag) lines.push(`     à vérifier : ${row.flag}`);
  }
  return lines.join("\n");
}
