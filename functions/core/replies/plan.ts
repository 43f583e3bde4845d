/**
 * What a tutor's reply changes in the workbook, decided from a snapshot and the time: pure, so the
 * use case only reads, writes and calls the follow-ups it is told to.
 *
 * - `confirm` / `decline`: the tutor's `Confirmation` and `Répondu le`; a later reply wins and the
 *   Journal says what it replaced.
 * - `unclear`: nothing on the row; the organizer reads the text.
 * - Every reply gets a Journal line whose `Clé` is the reply's key, written with the row; its
 *   follow-ups (re-placement, alerts) come after, and a last line keyed `<key>:traitee` says they
 *   are done. A replay finds the first line and does not apply the row again; it runs the
 *   follow-ups again (they are idempotent) unless the last line is there too.
 * - The organizer's alerts are not sent from here: the message plan derives them from these lines
 *   (`readReplyLine`), so each goes out exactly once, with the idempotency of every other message.
 *   A decline's line names the participants who were with the tutor, for the alert to say where
 *   they went.
 */
import { DateTime } from "luxon";
import type { CellWrite, RowsAppend, TabCreation, WorkbookSnapshot } from "../../ports.js";
import type { LedgerEntry } from "../ledger/entry.js";
import { type JournalLine, journalRecord, type Ledger, readLedger } from "../ledger/journal.js";
import type { ReplyClaims } from "../security/reply-token.js";
import { tutorTag } from "../security/reply-token.js";
import { eventZone } from "../settings/event-settings.js";
import { cellText, parseEmail, textKey } from "../sheet/cells.js";
import {
  type JournalRow,
  type PlacementRow,
  type SeminarSettings,
  TABS,
  type TutorRow,
} from "../sheet/schemas.js";
import { parseSettings, parseTable } from "../sheet/table.js";
import { layoutOf, recordRow, recordWrites, type TabLayout } from "../sheet/table-writes.js";
import type { Decision, ReplyDecision } from "./message.js";

/** The tabs a reply needs, by canonical name. */
export const REPLY_TABS = [
  TABS.seminar.name,
  TABS.tutors.name,
  TABS.placements.name,
  TABS.journal.name,
] as const;

export const REPLY_KEY_PREFIX = "reponse:";

/** How long a delivery holds a reply it claimed before another delivery may take it over (ms). */
export const REPLY_LEASE_MS = 5 * 60_000;

export interface TutorReply {
  /** The idempotency key (`reponse:<message id>`). */
  readonly key: string;
  readonly claims: ReplyClaims;
  readonly answer: ReplyDecision;
}

export type ReplyOutcome =
  | { readonly kind: "duplicate" }
  /** Another delivery of the same email holds it and is applying it: try again later. */
  | { readonly kind: "in-progress" }
  /** The token names a request version never sent to that tutor: nothing is written. */
  | { readonly kind: "never-sent" }
  /** No tutor of the workbook matches the token: a reply to an old request. */
  | { readonly kind: "unknown-tutor" }
  | {
      readonly kind: "recorded";
      readonly decision: Decision;
      readonly tutorEmail: string;
      /** The row of the tutor in `Tuteurs` (as the organizer sees it). */
      readonly row: number;
      readonly tab: string;
      /** The answer the row held before, when it held a different one: the tutor changed their mind. */
      readonly previous?: string;
      /** How many placements name this tutor in `Affectations`. */
      readonly placements: number;
      /** The reply was recorded by an earlier attempt that died before its follow-ups were done. */
      readonly resumed?: true;
    };

/** Changes to the workbook, in one write. */
export interface ReplyWrite {
  readonly createTabs?: readonly TabCreation[];
  readonly cells: readonly CellWrite[];
  readonly appends: readonly RowsAppend[];
}

export interface ReplyPlan {
  readonly outcome: ReplyOutcome;
  /**
   * The tutor's row and the reply's Journal line, written together before the follow-ups (the
   * re-placement reads the row, the organizer's alerts are planned from the line). `null` when an
   * earlier attempt wrote them and died before the follow-ups were done: they are not applied twice.
   */
  readonly record: ReplyWrite | null;
  /** The line that says the follow-ups are done (its key is `<reply key>:traitee`), written last. */
  readonly done: ReplyWrite | null;
}

const LABELS: Readonly<Record<Decision, string>> = {
  confirm: "Confirmé",
  decline: "Décliné",
  unclear: "À lire",
};

/** The `Événement` of the Journal lines a reply writes. */
export const REPLY_EVENTS = {
  answer: (decision: Decision) => `Réponse tuteur : ${LABELS[decision]}`,
  unknownTutor: "Réponse d'un tuteur inconnu",
  forged: "Réponse non reconnue",
  done: "Réponse traitée",
} as const;

/** The suffix of the key of the line written once a reply's follow-ups are done. */
export const REPLY_DONE_SUFFIX = ":traitee";

const ANSWERED = new Set(["confirme", "decline"]);
/** What the Journal keeps of a yes or a no; an answer the organizer must read is kept longer. */
const EXCERPT_CHARS = 200;
const ALERT_EXCERPT_CHARS = 1000;
const TO_REPLACE = "participants à replacer : ";

function excerptOf(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function planReply(
  snapshot: WorkbookSnapshot,
  reply: TutorReply,
  secrets: string | readonly string[],
  now: Date,
): ReplyPlan {
  const journalTab = snapshot.get(TABS.journal.name);
  const ledger = readLedger(journalTab);
  if (hasEntry(ledger, reply.key + REPLY_DONE_SUFFIX, "reply-done"))
    return { outcome: { kind: "duplicate" }, record: null, done: null };
  const recorded = hasEntry(ledger, reply.key, "reply");
  const settings = parseSettings<SeminarSettings>(TABS.seminar, snapshot.get(TABS.seminar.name));
  const zone = eventZone(settings.partial);
  const tutors = parseTable<TutorRow>(TABS.tutors, snapshot.get(TABS.tutors.name));
  const keys = typeof secrets === "string" ? [secrets] : secrets;
  const tutor = tutors.rows.find((row) => {
    const email = row.partial.email ?? parseEmail(row.cells.email ?? null);
    return (
      email !== null &&
      email !== undefined &&
      keys.some((key) => tutorTag(reply.claims.event, email, key) === reply.claims.tutor)
    );
  });
  // The layout is the header's alone: the Journal's rows are not parsed again.
  const journalTable = parseTable<JournalRow>(
    TABS.journal,
    journalTab && { title: journalTab.title, rows: journalTab.rows.slice(0, 1) },
  );
  const journalLayout = layoutOf(journalTable, journalTab !== undefined);
  // Once the reply's line is written the tab exists: the last line goes to the same columns.
  const afterLayout = journalLayout.creation
    ? layoutOf(
        parseTable<JournalRow>(TABS.journal, {
          title: journalLayout.creation.title,
          rows: [journalLayout.creation.header],
        }),
        true,
      )
    : journalLayout;
  const line = (layout: TabLayout, entry: JournalLine) => recordRow(layout, journalRecord(now, zone, entry));
  const done = (detail: string, recipient = ""): ReplyWrite => ({
    cells: afterLayout.headerWrites,
    appends: [
      {
        tab: afterLayout.title,
        rows: [
          line(afterLayout, {
            event: REPLY_EVENTS.done,
            recipient,
            detail,
            key: reply.key + REPLY_DONE_SUFFIX,
            data: { kind: "reply-done" },
          }),
        ],
      },
    ],
  });
  const record = (cells: readonly CellWrite[], entry: Omit<JournalLine, "key">) =>
    recorded
      ? null
      : {
          ...(journalLayout.creation ? { createTabs: [journalLayout.creation] } : {}),
          cells: [...cells, ...journalLayout.headerWrites],
          appends: [{ tab: journalLayout.title, rows: [line(journalLayout, { ...entry, key: reply.key })] }],
        };
  if (!tutor) {
    return {
      outcome: { kind: "unknown-tutor" },
      record: record([], {
        event: REPLY_EVENTS.unknownTutor,
        recipient: "",
        detail: `Non appliquée : aucun tuteur de l'onglet Tuteurs ne correspond à cette demande (version ${reply.claims.version}), elle est peut-être ancienne. ${reply.answer.reason}. « ${excerptOf(reply.answer.text, ALERT_EXCERPT_CHARS)} »`,
        data: {
          kind: "reply",
          decision: "unknown-tutor",
          tutor: "",
          automatic: reply.answer.automatic !== undefined,
          notes: `aucun tuteur de l'onglet Tuteurs ne correspond à cette demande (version ${reply.claims.version}), elle est peut-être ancienne. ${reply.answer.reason}`,
          excerpt: excerptOf(reply.answer.text, ALERT_EXCERPT_CHARS),
          toReplace: [],
        },
      }),
      done: done("L'organisateur a été prévenu."),
    };
  }
  const tutorEmail = (tutor.partial.email ?? parseEmail(tutor.cells.email ?? null))!;
  const previousText = cellText(tutor.cells.confirmation ?? null);
  const decision = reply.answer.decision;
  // A change of mind is an answer that differs from the one the row holds; the same answer again
  // (a tutor confirming a new request after a re-placement, say) replaces nothing.
  const previous =
    ANSWERED.has(textKey(previousText)) &&
    decision !== "unclear" &&
    textKey(previousText) !== textKey(LABELS[decision])
      ? previousText
      : undefined;
  const hosted = parseTable<PlacementRow>(TABS.placements, snapshot.get(TABS.placements.name)).rows.filter(
    (row) => (row.partial.tutorEmail ?? parseEmail(row.cells.tutorEmail ?? null)) === tutorEmail,
  );
  const placements = hosted.length;
  const rowCells: CellWrite[] = [];
  if (decision !== "unclear") {
    const layout = layoutOf(tutors, true);
    rowCells.push(
      ...layout.headerWrites,
      ...recordWrites(layout, tutor.row, {
        confirmation: LABELS[decision],
        repliedAt: DateTime.fromJSDate(now, { zone }).toFormat("yyyy-MM-dd HH:mm"),
      }),
    );
  }
  const toReplace = hosted.flatMap((row) => {
    const email = row.partial.participantEmail ?? parseEmail(row.cells.participantEmail ?? null);
    const slot = row.partial.slot ?? cellText(row.cells.slot ?? null);
    return email ? [{ email, slot }] : [];
  });
  const notes = [
    reply.answer.reason,
    previous ? `nouvelle réponse : remplace « ${previous} »` : "",
    decision === "decline" && placements === 0 ? "aucune affectation en cours avec ce tuteur" : "",
    decision === "decline" && toReplace.length > 0
      ? `${TO_REPLACE}${toReplace.map(({ email, slot }) => `${email} (${slot})`).join(", ")}`
      : "",
    decision === "unclear" ? "rien n'a été modifié, l'organisateur a été prévenu" : "",
  ].filter((note) => note !== "");
  const excerpt = excerptOf(reply.answer.text, decision === "unclear" ? ALERT_EXCERPT_CHARS : EXCERPT_CHARS);
  return {
    outcome: {
      kind: "recorded",
      decision,
      tutorEmail,
      row: tutor.row,
      tab: tutors.title,
      ...(previous ? { previous } : {}),
      placements,
      ...(recorded ? { resumed: true } : {}),
    },
    record: record(rowCells, {
      event: REPLY_EVENTS.answer(decision),
      recipient: tutorEmail,
      detail: `${notes.join(" ; ")}. « ${excerpt} »`,
      data: {
        kind: "reply",
        decision,
        tutor: tutorEmail,
        automatic: reply.answer.automatic !== undefined,
        notes: notes.join(" ; "),
        excerpt,
        toReplace: decision === "decline" ? toReplace : [],
      },
    }),
    done: done(
      decision === "decline"
        ? "Participants replacés et prévenus, organisateur informé."
        : decision === "unclear"
          ? "L'organisateur a été prévenu."
          : "Réponse enregistrée.",
      tutorEmail,
    ),
  };
}

/** What a reply's ledger entry says (the plan tells the organizer from it). */
export interface ReplyLine {
  readonly decision: Decision | "unknown-tutor";
  /** The tutor's address (`""` for an unknown tutor). */
  readonly tutorEmail: string;
  /** An out-of-office or a delivery report: no answer, the tutor is still awaited. */
  readonly automatic: boolean;
  /** How the reply was read, and what was done, in French. */
  readonly notes: string;
  /** What the tutor wrote (cut). */
  readonly excerpt: string;
  /** After a decline: the participants who were with the tutor, and the slot. */
  readonly toReplace: readonly { readonly email: string; readonly slot: string }[];
}

/** The reply a ledger entry records, or `null` for any other entry. */
export function readReplyLine(entry: LedgerEntry): ReplyLine | null {
  const { data } = entry;
  if (data.kind !== "reply") return null;
  return {
    decision: data.decision,
    tutorEmail: data.tutor,
    automatic: data.automatic,
    notes: data.notes,
    excerpt: data.excerpt,
    toReplace: data.toReplace,
  };
}

/** Whether the ledger holds an entry of this kind under this key. */
export function hasEntry(ledger: Ledger, key: string, kind: LedgerEntry["data"]["kind"]): boolean {
  return ledger.entries.some((entry) => entry.key === key && entry.data.kind === kind);
}
