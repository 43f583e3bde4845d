/**
 * The `Retours` tab (issue 17): one line per reply to the survey, and the summary the event's
 * `Statut` and `passerelle retours` show. Pure: the snapshot, the reply and `now` in; the record
 * to append (or why none) out.
 */
import { createHash } from "node:crypto";
import { DateTime } from "luxon";
import type { WorkbookSnapshot } from "../../ports.js";
import { automaticMessage } from "../replies/automatic.js";
import { type InboundMessage, MAX_ANSWER_CHARS } from "../replies/message.js";
import { stripReply } from "../replies/strip.js";
import { DEFAULT_ZONE } from "../settings/event-settings.js";
import { cellText } from "../sheet/cells.js";
import { type FeedbackRow, type LunchSettings, type SeminarSettings, TABS } from "../sheet/schemas.js";
import { parseSettings, parseTable } from "../sheet/table.js";
import { pluralSuffix } from "../text/french.js";
import { readFeedback } from "./mark.js";

/** The tabs a feedback reply is recorded from. */
export const FEEDBACK_TABS = [
  TABS.seminar.name,
  TABS.lunch.name,
  TABS.participants.name,
  TABS.registrations.name,
  TABS.feedback.name,
] as const;

/** A reply to the survey, as the inbound path hands it over once the signed address named the participant. */
export interface SurveyReply {
  /** The `Message-ID` of the email: the same email delivered twice is recorded once. */
  readonly messageId: string;
  /** The participant the signed reply address names (never the `From`, which proves nothing). */
  readonly participantEmail: string;
  readonly message: InboundMessage;
  readonly receivedAt: Date;
}

export type FeedbackPlan =
  | {
      readonly outcome: "record";
      /** The cells of the new `Retours` line, by key of `feedbackRow`. */
      readonly record: Readonly<Record<keyof FeedbackRow, string | number>>;
      /** Set when the mark was left empty for a reason the organizer should look at. */
      readonly flag?: string;
    }
  | { readonly outcome: "duplicate" }
  | { readonly outcome: "ignored"; readonly reason: string };

/** The `Clé` of a reply: a hash of its `Message-ID` (no personal data in it). */
export function feedbackKey(messageId: string): string {
  return `retour:${createHash("sha256").update(messageId.trim().toLowerCase()).digest("hex").slice(0, 24)}`;
}

/** What to do with a survey reply: record it, or why not (already recorded, an automatic reply, empty). */
export function planFeedback(snapshot: WorkbookSnapshot, reply: SurveyReply): FeedbackPlan {
  const key = feedbackKey(reply.messageId);
  const existing = parseTable<FeedbackRow>(TABS.feedback, snapshot.get(TABS.feedback.name));
  if (existing.rows.some((row) => row.partial.key === key)) return { outcome: "duplicate" };
  const automatic = automaticMessage(reply.message);
  if (automatic) return { outcome: "ignored", reason: automatic.reason };
  const answer = stripReply(reply.message.text).slice(0, MAX_ANSWER_CHARS);
  if (answer.trim() === "") return { outcome: "ignored", reason: "réponse sans texte lisible" };
  const reading = readFeedback(answer);
  const zone = eventZone(snapshot);
  return {
    outcome: "record",
    record: {
      participant: participantName(snapshot, reply.participantEmail),
      email: reply.participantEmail,
      mark: reading.mark ?? "",
      comment: reading.comment,
      receivedAt: DateTime.fromJSDate(reply.receivedAt, { zone }).toFormat("yyyy-LL-dd HH:mm"),
      flag: reading.flag ?? "",
      key,
    },
    ...(reading.flag ? { flag: reading.flag } : {}),
  };
}

function eventZone(snapshot: WorkbookSnapshot): string {
  const seminar = snapshot.get(TABS.seminar.name);
  const zone = seminar
    ? parseSettings<SeminarSettings>(TABS.seminar, seminar).partial.timeZone
    : parseSettings<LunchSettings>(TABS.lunch, snapshot.get(TABS.lunch.name)).partial.timeZone;
  return zone ?? DEFAULT_ZONE;
}

/** `Prénom Nom` from `Participants` or `Inscriptions`; the address when no row has it any more. */
function participantName(snapshot: WorkbookSnapshot, email: string): string {
  const spec = snapshot.has(TABS.participants.name) ? TABS.participants : TABS.registrations;
  const table = parseTable<{ email?: string; firstName?: string; lastName?: string }>(
    spec,
    snapshot.get(spec.name),
  );
  const row = table.rows.find((candidate) => candidate.partial.email === email.toLowerCase());
  const name = `${row?.partial.firstName ?? ""} ${row?.partial.lastName ?? ""}`.trim();
  return name || email;
}

/** The feedback gathered so far. */
export interface FeedbackSummary {
  readonly count: number;
  /** Replies with a mark. */
  readonly marks: number;
  /** The mean of the marks, or `null` without any. */
  readonly average: number | null;
  /** Replies whose mark was left empty for a reason to look at. */
  readonly flagged: number;
  readonly rows: readonly {
    readonly participant: string;
    readonly mark: number | null;
    readonly comment: string;
    readonly date: string;
    readonly flag: string;
  }[];
}

/** Reads `Retours` (a mark typed in by the organizer after a flag counts like any other). */
export function feedbackSummary(snapshot: WorkbookSnapshot): FeedbackSummary {
  const table = parseTable<FeedbackRow>(TABS.feedback, snapshot.get(TABS.feedback.name));
  const rows = table.rows
    .filter((row) => Object.values(row.cells).some((cell) => cellText(cell) !== ""))
    .map((row) => {
      const value = Number((row.partial.mark ?? "").replace(",", "."));
      const mark = row.partial.mark && Number.isInteger(value) && value >= 1 && value <= 5 ? value : null;
      return {
        participant: row.partial.participant ?? "",
        mark,
        comment: row.partial.comment ?? "",
        date: row.partial.receivedAt ?? "",
        flag: mark === null ? (row.partial.flag ?? "") : "",
      };
    });
  const marks = rows.flatMap((row) => (row.mark === null ? [] : [row.mark]));
  return {
    count: rows.length,
    marks: marks.length,
    average: marks.length === 0 ? null : marks.reduce((a, b) => a + b, 0) / marks.length,
    flagged: rows.filter((row) => row.flag !== "").length,
    rows,
  };
}

/** `Retours : 12 réponses, note moyenne 4,2 sur 5 (10 notes ; 1 à vérifier dans Retours).` */
export function feedbackLine(summary: FeedbackSummary): string {
  if (summary.count === 0) return "Retours : aucune réponse au questionnaire pour l'instant.";
  const replies = `${summary.count} réponse${pluralSuffix(summary.count)}`;
  const average =
    summary.average === null
      ? "aucune note"
      : `note moyenne ${summary.average.toFixed(1).replace(".", ",")} sur 5 (${summary.marks} note${pluralSuffix(summary.marks)})`;
  const flagged =
    summary.flagged > 0
      ? ` ; ${summary.flagged} note${pluralSuffix(summary.flagged)} à vérifier dans Retours`
      : "";
  return `Retours : ${replies}, ${average}${flagged}.`;
}
