/**
 * Recording a reply to the feedback survey (issue 17): one read of the workbook, the core's
 * plan, one write (the `Retours` line, created with its tab when missing, and the `Retours` line
 * of the event's `Statut`). A reply delivered twice is recorded once: its `Clé` is already there.
 *
 * From the inbound path, a reply is first claimed in the ledger by its key (the digest of its
 * `Message-ID`, as a tutor's reply in `apply-reply.ts`): of two deliveries at once only the claim
 * that wins writes; the other answers `in-progress` (SNS delivers it again, and then finds it done).
 * The `Retours` line and the ledger's `reply-done` entry are written together.
 */
import { randomUUID } from "node:crypto";
import {
  FEEDBACK_TABS,
  type FeedbackSummary,
  feedbackLine,
  feedbackSummary,
  planFeedback,
  type SurveyReply,
} from "../core/feedback/retours.js";
import { surveyParticipant } from "../core/feedback/survey-reply.js";
import { journalAppend, readLedger } from "../core/ledger/journal.js";
import { journalState } from "../core/ledger/state.js";
import { hasEntry, REPLY_DONE_SUFFIX, REPLY_LEASE_MS } from "../core/replies/plan.js";
import type { ReplyClaims } from "../core/security/reply-token.js";
import { DEFAULT_ZONE } from "../core/settings/event-settings.js";
import { cellText } from "../core/sheet/cells.js";
import { type FeedbackRow, TABS } from "../core/sheet/schemas.js";
import { withStatusLine } from "../core/sheet/status-lines.js";
import { parseSettings, parseTable } from "../core/sheet/table.js";
import { layoutOf, recordRow } from "../core/sheet/table-writes.js";
import type { CellWrite, Workbook, WorkbookChanges, WorkbookSnapshot } from "../ports.js";

export type FeedbackOutcome =
  | { readonly outcome: "recorded"; readonly mark?: number; readonly flag?: string; readonly summary: string }
  | { readonly outcome: "duplicate" }
  /** Another delivery of the same email holds its claim: try again later. */
  | { readonly outcome: "in-progress" }
  | { readonly outcome: "ignored"; readonly reason: string };

/** Records one survey reply in `Retours` and updates the event's `Statut`. */
export async function recordFeedback(workbook: Workbook, reply: SurveyReply): Promise<FeedbackOutcome> {
  return recordIn(workbook, await workbook.read(FEEDBACK_TABS), reply);
}

/** The tabs the inbound path reads: those of `Retours` and the ledger. */
const SURVEY_REPLY_TABS = [...FEEDBACK_TABS, TABS.journal.name] as const;

/**
 * The inbound path's entry: a reply whose signed address is the survey's (`isSurveyReply`). The
 * participant is the one the address was signed for, never the `From`. `key` is the reply's ledger
 * key (`reponse:<digest of its Message-ID>`); `now` stamps the claim.
 */
export async function recordSurveyReply(
  workbook: Workbook,
  reply: Omit<SurveyReply, "participantEmail"> & { readonly claims: ReplyClaims; readonly key: string },
  secrets: string | readonly string[],
  now: Date = reply.receivedAt,
): Promise<FeedbackOutcome> {
  const first = await workbook.read(SURVEY_REPLY_TABS);
  if (hasEntry(readLedger(first.get(TABS.journal.name)), reply.key + REPLY_DONE_SUFFIX, "reply-done"))
    return { outcome: "duplicate" };
  const participantEmail = surveyParticipant(first, reply.claims, secrets);
  if (participantEmail === null)
    return { outcome: "ignored", reason: "réponse au questionnaire d'une personne qui n'est plus inscrite" };
  const early = planFeedback(first, { ...reply, participantEmail });
  if (early.outcome !== "record") return early;
  const snapshot = await claim(workbook, first, reply.key, now);
  if (snapshot === null) return { outcome: "in-progress" };
  if (hasEntry(readLedger(snapshot.get(TABS.journal.name)), reply.key + REPLY_DONE_SUFFIX, "reply-done"))
    return { outcome: "duplicate" };
  const done = journalAppend(snapshot.get(TABS.journal.name), now, eventZone(snapshot), [
    {
      event: "Réponse au questionnaire enregistrée",
      detail: "onglet Retours",
      key: reply.key + REPLY_DONE_SUFFIX,
      data: { kind: "reply-done" },
    },
  ]);
  return recordIn(workbook, snapshot, { ...reply, participantEmail }, done);
}

/** Claims a reply (one `claim` entry, the ledger read back): the snapshot read back when this claim wins, else `null`. */
async function claim(
  workbook: Workbook,
  snapshot: WorkbookSnapshot,
  key: string,
  now: Date,
): Promise<WorkbookSnapshot | null> {
  const run = randomUUID().replace(/-/g, "").slice(0, 12);
  await workbook.write(
    journalAppend(snapshot.get(TABS.journal.name), now, eventZone(snapshot), [
      { event: "Réponse reçue", key, data: { kind: "claim", run, leaseMs: REPLY_LEASE_MS } },
    ]),
  );
  const back = await workbook.read(SURVEY_REPLY_TABS);
  const state = journalState(readLedger(back.get(TABS.journal.name)), now);
  return state.claims.get(key)?.run === run ? back : null;
}

function eventZone(snapshot: WorkbookSnapshot): string {
  const spec = snapshot.has(TABS.seminar.name) ? TABS.seminar : TABS.lunch;
  return parseSettings<{ timeZone?: string }>(spec, snapshot.get(spec.name)).partial.timeZone ?? DEFAULT_ZONE;
}

async function recordIn(
  workbook: Workbook,
  snapshot: WorkbookSnapshot,
  reply: SurveyReply,
  ledger: WorkbookChanges = {},
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
    createTabs: [...(layout.creation ? [layout.creation] : []), ...(ledger.createTabs ?? [])],
    cells: [...layout.headerWrites, ...statusLineWrite(snapshot, summary), ...(ledger.cells ?? [])],
    appends: [{ tab: layout.title, rows: [row] }, ...(ledger.appends ?? [])],
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
