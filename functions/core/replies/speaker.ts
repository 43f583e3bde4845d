/**
 * What a speaker's reply to their invitation (`invitation-intervenant`, `core/messages/speakers.ts`)
 * changes in a cycle workbook: the same reply address, classifier, Journal lines and idempotency as
 * a tutor's reply (`plan.ts`), applied to the `Intervenants` tab.
 *
 * - `confirm` / `decline`: `Confirmation` and `Répondu le` on the row of that speaker for the talk
 *   the invitation was for (its reply address carries the talk's number, `core/messages/cycle-talks.ts`),
 *   and on no other talk of theirs; a later reply wins. A token of version 1 (an invitation sent
 *   before invitations were per talk) answers for every talk of the speaker.
 * - `unclear`: nothing on the rows; the cycle's plan tells the organizer from the Journal line.
 * - A decline is told to the organizer by the cycle's plan (`alerte-intervenant`), read from the row.
 * Pure: the snapshot, the reply and `now` in; the writes out.
 */
import { DateTime } from "luxon";
import type { CellWrite, WorkbookSnapshot } from "../../ports.js";
import { CYCLE_TABS_SPEC, type SpeakerRow } from "../cycle/cycle-schemas.js";
import { talkNumber } from "../cycle/talk-identity.js";
import { zoneOfWorkbook } from "../event/zone.js";
import { type JournalLine, journalRecord, readLedger } from "../ledger/journal.js";
import { tutorTag } from "../security/reply-token.js";
import { cellText, parseEmail } from "../sheet/cells.js";
import { type JournalRow, TABS } from "../sheet/schemas.js";
import { parseTable } from "../sheet/table.js";
import { layoutOf, recordRow, recordWrites } from "../sheet/table-writes.js";
import type { Decision } from "./message.js";
import { hasEntry, REPLY_DONE_SUFFIX, REPLY_EVENTS, type ReplyPlan, type TutorReply } from "./plan.js";

/** The tabs a speaker's reply needs, by canonical name. */
export const SPEAKER_REPLY_TABS = [
  CYCLE_TABS_SPEC.cycle.name,
  CYCLE_TABS_SPEC.speakers.name,
  TABS.journal.name,
] as const;

const LABELS: Readonly<Record<Decision, string>> = {
  confirm: "Confirmé",
  decline: "Décliné",
  unclear: "À lire",
};

const EXCERPT_CHARS = 1000;

/** The version of the invitations sent before they were per talk: one for all the speaker's talks. */
const LEGACY_VERSION = 1;

function excerptOf(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line;
}

/**
 * The writes of a speaker's reply, as `planReply` answers for a tutor's: `record` (the rows and the
 * reply's Journal line, one write; `null` when an earlier attempt wrote them) and `done` (the last
 * line, keyed `<reply key>:traitee`). An address no row of `Intervenants` matches is `unknown-tutor`.
 */
export function planSpeakerReply(
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
  const zone = zoneOfWorkbook(snapshot);
  const speakers = parseTable<SpeakerRow>(
    CYCLE_TABS_SPEC.speakers,
    snapshot.get(CYCLE_TABS_SPEC.speakers.name),
  );
  const keys = typeof secrets === "string" ? [secrets] : secrets;
  const emailOf = (row: (typeof speakers.rows)[number]) =>
    row.partial.email ?? parseEmail(row.cells.email ?? null);
  const forTalk = (row: (typeof speakers.rows)[number]) =>
    reply.claims.version === LEGACY_VERSION || talkNumber(row.partial.talk ?? "") === reply.claims.version;
  const rows = speakers.rows.filter((row) => {
    const email = emailOf(row);
    return (
      email !== null &&
      email !== undefined &&
      forTalk(row) &&
      keys.some((key) => tutorTag(reply.claims.event, email, key) === reply.claims.tutor)
    );
  });
  const journalLayout = layoutOf(parseTable<JournalRow>(TABS.journal, journalTab), journalTab !== undefined);
  const afterLayout = journalLayout.creation
    ? layoutOf(
        parseTable<JournalRow>(TABS.journal, {
          title: journalLayout.creation.title,
          rows: [journalLayout.creation.header],
        }),
        true,
      )
    : journalLayout;
  const line = (layout: typeof journalLayout, entry: JournalLine) =>
    recordRow(layout, journalRecord(now, zone, entry));
  const excerpt = excerptOf(reply.answer.text);
  const first = rows[0];
  const email = first ? emailOf(first) : undefined;
  if (!first || !email) {
    const notes = `aucun intervenant de l'onglet Intervenants ne correspond à cette invitation. ${reply.answer.reason}`;
    return {
      outcome: { kind: "unknown-tutor" },
      record: recorded
        ? null
        : {
            ...(journalLayout.creation ? { createTabs: [journalLayout.creation] } : {}),
            cells: journalLayout.headerWrites,
            appends: [
              {
                tab: journalLayout.title,
                rows: [
                  line(journalLayout, {
                    event: "Réponse d'un intervenant inconnu",
                    recipient: "",
                    detail: `Non appliquée : ${notes}. « ${excerpt} »`,
                    key: reply.key,
                    data: {
                      kind: "reply",
                      decision: "unknown-tutor",
                      tutor: "",
                      automatic: reply.answer.automatic !== undefined,
                      notes,
                      excerpt,
                      toReplace: [],
                    },
                  }),
                ],
              },
            ],
          },
      done: doneWrite(afterLayout, line, reply.key, "Réponse non appliquée.", ""),
    };
  }
  const decision = reply.answer.decision;
  const previous = cellText(first.cells.confirmation ?? null);
  const cells: CellWrite[] = [];
  if (decision !== "unclear") {
    const layout = layoutOf(speakers, true);
    cells.push(...layout.headerWrites);
    for (const row of rows)
      cells.push(
        ...recordWrites(layout, row.row, {
          confirmation: LABELS[decision],
          repliedAt: DateTime.fromJSDate(now, { zone }).toFormat("yyyy-MM-dd HH:mm"),
        }),
      );
  }
  const notes = [
    reply.answer.reason,
    previous === "Confirmé" || previous === "Décliné" ? `nouvelle réponse : remplace « ${previous} »` : "",
    decision === "unclear" ? "rien n'a été modifié, l'organisateur a été prévenu" : "",
  ].filter((note) => note !== "");
  const entry: JournalLine = {
    event: `Réponse intervenant : ${LABELS[decision]}`,
    recipient: email,
    detail: `${notes.join(" ; ")}. « ${excerpt} »`,
    key: reply.key,
    data: {
      kind: "reply",
      decision,
      tutor: email,
      automatic: reply.answer.automatic !== undefined,
      notes: notes.join(" ; "),
      excerpt,
      toReplace: [],
    },
  };
  return {
    outcome: {
      kind: "recorded",
      decision,
      tutorEmail: email,
      row: first.row,
      tab: speakers.title,
      ...(previous === "Confirmé" || previous === "Décliné" ? { previous } : {}),
      placements: 0,
      ...(recorded ? { resumed: true } : {}),
    },
    record: recorded
      ? null
      : {
          ...(journalLayout.creation ? { createTabs: [journalLayout.creation] } : {}),
          cells: [...cells, ...journalLayout.headerWrites],
          appends: [{ tab: journalLayout.title, rows: [line(journalLayout, entry)] }],
        },
    done: doneWrite(
      afterLayout,
      line,
      reply.key,
      decision === "decline"
        ? "Organisateur prévenu."
        : decision === "unclear"
          ? "L'organisateur a été prévenu."
          : "Réponse enregistrée.",
      email,
    ),
  };
}

function doneWrite(
  layout: ReturnType<typeof layoutOf>,
  line: (layout: ReturnType<typeof layoutOf>, entry: JournalLine) => ReturnType<typeof recordRow>,
  key: string,
  detail: string,
  recipient: string,
): ReplyPlan["done"] {
  return {
    cells: layout.headerWrites,
    appends: [
      {
        tab: layout.title,
        rows: [
          line(layout, {
            event: REPLY_EVENTS.done,
            recipient,
            detail,
            key: key + REPLY_DONE_SUFFIX,
            data: { kind: "reply-done" },
          }),
        ],
      },
    ],
  };
}
