/**
 * Recording a reply to the feedback survey (issue 17): one read of the workbook, the core's
 * plan, one write (the `Retours` line, created with its tab when missing, and the `Retours` line
 * of the event's `Statut`). A reply delivered twice is recorded once: its `Clé` is already there.
 */
import { cellText } from "../core/cells.js";
import {
  FEEDBACK_TABS,
  type FeedbackSummary,
  feedbackLine,
  feedbackSummary,
  planFeedback,
  type SurveyReply,
} from "../core/feedback/retours.js";
import { surveyParticipant } from "../core/feedback/survey-reply.js";
import type { ReplyClaims } from "../core/reply-token.js";
import { type FeedbackRow, TABS } from "../core/schemas.js";
import { withStatusLine } from "../core/status-lines.js";
import { parseSettings, parseTable } from "../core/table.js";
import { layoutOf, recordRow } from "../core/table-writes.js";
import type { CellWrite, Workbook, WorkbookChanges, WorkbookSnapshot } from "../ports.js";

export type FeedbackOutcome =
  | { readonly outcome: "recorded"; readonly mark?: number; readonly flag?: string; readonly summary: string }
  | { readonly outcome: "duplicate" }
  | { readonly outcome: "ignored"; readonly reason: string };

/** Records one survey reply in `Retours` and updates the event's `Statut`. */
export async function recordFeedback(workbook: Workbook, reply: SurveyReply): Promise<FeedbackOutcome> {
  return recordIn(workbook, await workbook.read(FEEDBACK_TABS), reply);
}

/**
 * The inbound path's entry: a reply whose signed address is the survey's (`isSurveyReply`). The
 * participant is the one the address was signed for, never the `From`.
 */
export async function recordSurveyReply(
  workbook: Workbook,
  reply: Omit<SurveyReply, "participantEmail"> & { readonly claims: ReplyClaims },
  secrets: string | readonly string[],
): Promise<FeedbackOutcome> {
  const snapshot = await workbook.read(FEEDBACK_TABS);
  const participantEmail = surveyParticipant(snapshot, reply.claims, secrets);
  if (participantEmail === null)
    return { outcome: "ignored", reason: "réponse au questionnaire d'une personne qui n'est plus inscrite" };
  return recordIn(workbook, snapshot, { ...reply, participantEmail });
}

async function recordIn(
  workbook: Workbook,
  snapshot: WorkbookSnapshot,
  reply: SurveyReply,
): Promise<FeedbackOutcome> {
  const plan = planFeedback(snapshot, reply);
  if (plan.outcome !== "record") return plan;
  const table = parseTable<FeedbackRow>(TABS.feedback, snapshot.get(TABS.feedback.name));
  const layout = layoutOf(table, snapshot.has(TABS.feedback.name));
  const row = recordRow(layout, plan.record);
  // The summary counts the line being added.
  const after = feedbackSummary(withAppended(snapshot, layout.title, row, layout.creation?.header));
  const summary = feedbackLine(after);
  const changes: WorkbookChanges = {
    ...(layout.creation ? { createTabs: [layout.creation] } : {}),
    cells: [...layout.headerWrites, ...statusLineWrite(snapshot, summary)],
    appends: [{ tab: layout.title, rows: [row] }],
  };
  await workbook.write(changes);
  const mark = typeof plan.record.mark === "number" ? plan.record.mark : undefined;
  return {
    outcome: "recorded",
    ...(mark !== undefined ? { mark } : {}),
    ...(plan.flag ? { flag: plan.flag } : {}),
    summary,
  };
}

/** The feedback gathered so far, as `passerelle retours` prints it. */
export async function readFeedbackSummary(workbook: Workbook): Promise<FeedbackSummary> {
  return feedbackSummary(await workbook.read([TABS.feedback.name]));
}

function withAppended(
  snapshot: WorkbookSnapshot,
  title: string,
  row: readonly (string | number | boolean | null)[],
  header: readonly string[] | undefined,
): WorkbookSnapshot {
  const tab = snapshot.get(TABS.feedback.name);
  const rows = tab ? [...tab.rows] : [header ?? []];
  return new Map([...snapshot, [TABS.feedback.name, { title, rows: [...rows, row] }]]);
}

function statusLineWrite(snapshot: WorkbookSnapshot, line: string): CellWrite[] {
  const spec = snapshot.has(TABS.seminar.name) ? TABS.seminar : TABS.lunch;
  const tab = snapshot.get(spec.name);
  if (tab === undefined) return [];
  const settings = parseSettings(spec, tab);
  const status = settings.lines.get("status");
  const current = status ? cellText(tab.rows[status.row - 1]?.[status.valueColumn - 1] ?? null) : "";
  const next = withStatusLine(current, "Retours :", line);
  if (next === current) return [];
  if (status) return [{ tab: tab.title, row: status.row, column: status.valueColumn, value: next }];
  return [
    { tab: tab.title, row: settings.nextRow, column: settings.nameColumn, value: "Statut" },
    { tab: tab.title, row: settings.nextRow, column: settings.valueColumn, value: next },
  ];
}
