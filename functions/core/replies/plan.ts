/**
 * What a tutor's reply changes in the workbook, decided from a snapshot and the time: pure, so the
 * use case only reads, writes and calls the follow-ups it is told to.
 *
 * - `confirm` / `decline`: the tutor's `Confirmation` and `Répondu le`; a later reply wins and the
 *   Journal says what it replaced.
 * - `unclear`: nothing on the row; the organizer reads the text.
 * - Every reply gets a Journal line whose `Clé` is the reply's key, so a replay is seen and skipped.
 */
import { DateTime } from "luxon";
import type { CellWrite, RowsAppend, TabCreation, TabValues, WorkbookSnapshot } from "../../ports.js";
import { cellText, normalizeKey, parseEmail } from "../cells.js";
import { journalRecord } from "../journal.js";
import type { ReplyClaims } from "../reply-token.js";
import { tutorTag } from "../reply-token.js";
import { type JournalRow, type PlacementRow, type SeminarSettings, TABS, type TutorRow } from "../schemas.js";
import { parseSettings, parseTable } from "../table.js";
import { layoutOf, recordRow, recordWrites } from "../table-writes.js";
import type { Decision, ReplyDecision } from "./message.js";

/** The tabs a reply needs, by canonical name. */
export const REPLY_TABS = [
  TABS.seminar.name,
  TABS.tutors.name,
  TABS.placements.name,
  TABS.journal.name,
] as const;

export const REPLY_KEY_PREFIX = "reponse:";

export interface TutorReply {
  /** The idempotency key (`reponse:<message id>`). */
  readonly key: string;
  readonly claims: ReplyClaims;
  readonly answer: ReplyDecision;
}

export type ReplyOutcome =
  | { readonly kind: "duplicate" }
  /** No tutor of the workbook matches the token: a reply to an old request. */
  | { readonly kind: "unknown-tutor" }
  | {
      readonly kind: "recorded";
      readonly decision: Decision;
      readonly tutorEmail: string;
      /** The row of the tutor in `Tuteurs` (as the organizer sees it). */
      readonly row: number;
      readonly tab: string;
      /** The confirmation the row held before, when it already held an answer. */
      readonly previous?: string;
      /** How many placements name this tutor in `Affectations`. */
      readonly placements: number;
    };

export interface ReplyPlan {
  readonly outcome: ReplyOutcome;
  /** The tutor's row, written first (re-placement after a decline reads it). */
  readonly rowChanges: { readonly cells: readonly CellWrite[] } | null;
  /** The Journal line, written once the follow-ups are done. */
  readonly journal: {
    readonly createTabs?: readonly TabCreation[];
    readonly cells: readonly CellWrite[];
    readonly appends: readonly RowsAppend[];
  } | null;
}

const LABELS: Readonly<Record<Decision, string>> = {
  confirm: "Confirmé",
  decline: "Décliné",
  unclear: "À lire",
};

const ANSWERED = new Set(["confirme", "decline"]);

export function planReply(
  snapshot: WorkbookSnapshot,
  reply: TutorReply,
  secrets: string | readonly string[],
  now: Date,
): ReplyPlan {
  const journalTab = snapshot.get(TABS.journal.name);
  if (journalHasKey(journalTab, reply.key))
    return { outcome: { kind: "duplicate" }, rowChanges: null, journal: null };
  const settings = parseSettings<SeminarSettings>(TABS.seminar, snapshot.get(TABS.seminar.name));
  const zone = settings.partial.timeZone ?? "Europe/Paris";
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
  const excerpt = reply.answer.text.replace(/\s+/g, " ").trim();
  const shortExcerpt = excerpt.length > 200 ? `${excerpt.slice(0, 199)}…` : excerpt;
  const journalLine = (event: string, recipient: string, detail: string) => {
    const table = parseTable<JournalRow>(TABS.journal, journalTab);
    const layout = layoutOf(table, journalTab !== undefined);
    return {
      ...(layout.creation ? { createTabs: [layout.creation] } : {}),
      cells: layout.headerWrites,
      appends: [
        {
          tab: layout.title,
          rows: [recordRow(layout, journalRecord(now, zone, { event, recipient, detail, key: reply.key }))],
        },
      ],
    };
  };
  if (!tutor) {
    return {
      outcome: { kind: "unknown-tutor" },
      rowChanges: null,
      journal: journalLine(
        "Réponse d'un tuteur inconnu",
        "",
        `Non appliquée : aucun tuteur de l'onglet Tuteurs ne correspond à cette demande (version ${reply.claims.version}), elle est peut-être ancienne. ${reply.answer.reason}. « ${shortExcerpt} »`,
      ),
    };
  }
  const tutorEmail = (tutor.partial.email ?? parseEmail(tutor.cells.email ?? null))!;
  const previousText = cellText(tutor.cells.confirmation ?? null);
  const previous = ANSWERED.has(previousText.toLowerCase().normalize("NFD").replace(/\p{M}/gu, ""))
    ? previousText
    : undefined;
  const placements = parseTable<PlacementRow>(
    TABS.placements,
    snapshot.get(TABS.placements.name),
  ).rows.filter(
    (row) => (row.partial.tutorEmail ?? parseEmail(row.cells.tutorEmail ?? null)) === tutorEmail,
  ).length;
  const decision = reply.answer.decision;
  let rowChanges: ReplyPlan["rowChanges"] = null;
  if (decision !== "unclear") {
    const layout = layoutOf(tutors, true);
    rowChanges = {
      cells: [
        ...layout.headerWrites,
        ...recordWrites(layout, tutor.row, {
          confirmation: LABELS[decision],
          repliedAt: DateTime.fromJSDate(now, { zone }).toFormat("yyyy-MM-dd HH:mm"),
        }),
      ],
    };
  }
  const notes = [
    reply.answer.reason,
    previous ? `nouvelle réponse : remplace « ${previous} »` : "",
    decision === "decline" && placements === 0 ? "aucune affectation en cours avec ce tuteur" : "",
    decision === "unclear" ? "rien n'a été modifié, l'organisateur a été prévenu" : "",
  ].filter((note) => note !== "");
  return {
    outcome: {
      kind: "recorded",
      decision,
      tutorEmail,
      row: tutor.row,
      tab: tutors.title,
      ...(previous ? { previous } : {}),
      placements,
    },
    rowChanges,
    journal: journalLine(
      `Réponse tuteur : ${LABELS[decision]}`,
      tutorEmail,
      `${notes.join(" ; ")}. « ${shortExcerpt} »`,
    ),
  };
}

/** The Journal line of a reply whose token did not hold but named this event: kept, not applied. */
export function planForgedReply(
  snapshot: WorkbookSnapshot,
  key: string,
  now: Date,
): ReplyPlan["journal"] | null {
  const journalTab = snapshot.get(TABS.journal.name);
  if (journalHasKey(journalTab, key)) return null;
  const settings = parseSettings<SeminarSettings>(TABS.seminar, snapshot.get(TABS.seminar.name));
  const zone = settings.partial.timeZone ?? "Europe/Paris";
  const layout = layoutOf(parseTable<JournalRow>(TABS.journal, journalTab), journalTab !== undefined);
  const record = journalRecord(now, zone, {
    event: "Réponse non reconnue",
    detail:
      "Non appliquée : l'adresse à laquelle ce message a été envoyé ne porte pas de jeton valide (modifiée ou inventée). Vérifiez auprès du tuteur.",
    key,
  });
  return {
    ...(layout.creation ? { createTabs: [layout.creation] } : {}),
    cells: layout.headerWrites,
    appends: [{ tab: layout.title, rows: [recordRow(layout, record)] }],
  };
}

/** Whether a Journal line already holds this key (one column read, for the replay check). */
export function journalHasKey(tab: TabValues | undefined, key: string): boolean {
  if (tab === undefined) return false;
  const headers = (tab.rows[0] ?? []).map((cell) => normalizeKey(cellText(cell)));
  const column = headers.indexOf(normalizeKey(TABS.journal.schema.shape.key.meta()?.header ?? "Clé"));
  if (column < 0) return false;
  return tab.rows.some((row, index) => index > 0 && cellText(row[column] ?? null) === key);
}
