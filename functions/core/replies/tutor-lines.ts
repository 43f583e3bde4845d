/**
 * The Journal lines of a tutor's answer after the request: the re-placement that follows a decline,
 * and the mark of a tutor who never answered. Their keys let a step run twice, and the message plan
 * reads them to tell the organizer. Pure.
 */
import type { CellWrite, WorkbookChanges, WorkbookSnapshot } from "../../ports.js";
import { type JournalLine, journalRecord } from "../ledger/journal.js";
import type { LedgerKeys } from "../ledger/keys.js";
import { DEFAULT_ZONE } from "../settings/event-settings.js";
import { type JournalRow, type SeminarSettings, TABS, type TutorRow } from "../sheet/schemas.js";
import { parseSettings, parseTable } from "../sheet/table.js";
import { layoutOf, recordRow, recordWrites } from "../sheet/table-writes.js";

export const TUTOR_EVENTS = {
  rematch: "Ré-affectation après désistement",
  silent: "Tuteur sans réponse",
} as const;

export const SILENT = "Sans réponse";

type Ids = Pick<LedgerKeys, "event" | "recipientId">;

/** `tutor:silent:<event>:<recipient id>`: the tutor was marked `Sans réponse` (once). */
export function silentKey(keys: Ids, tutorEmail: string): string {
  return `tutor:silent:${keys.event}:${keys.recipientId(tutorEmail)}`;
}

/** `tutor:rematch:<event>:<recipient id>`: the participants of a tutor who declined were re-placed (after the decline's line). */
export function rematchKey(keys: Ids, tutorEmail: string): string {
  return `tutor:rematch:${keys.event}:${keys.recipientId(tutorEmail)}`;
}

function zoneOf(snapshot: WorkbookSnapshot): string {
  return (
    parseSettings<SeminarSettings>(TABS.seminar, snapshot.get(TABS.seminar.name)).partial.timeZone ??
    DEFAULT_ZONE
  );
}

function journalAppend(
  snapshot: WorkbookSnapshot,
  now: Date,
  entries: readonly JournalLine[],
  cells: readonly CellWrite[] = [],
): WorkbookChanges {
  const tab = snapshot.get(TABS.journal.name);
  const zone = zoneOf(snapshot);
  // The layout is the header's: the rows (thousands, once messages are sent) are not parsed.
  const header = tab && { title: tab.title, rows: tab.rows.slice(0, 1) };
  const layout = layoutOf(parseTable<JournalRow>(TABS.journal, header), tab !== undefined);
  return {
    ...(layout.creation ? { createTabs: [layout.creation] } : {}),
    cells: [...cells, ...layout.headerWrites],
    appends: [
      { tab: layout.title, rows: entries.map((entry) => recordRow(layout, journalRecord(now, zone, entry))) },
    ],
  };
}

/**
 * `Confirmation: Sans réponse` on the rows of these tutors, and a Journal line each (unless one
 * is already there), in one write.
 */
export function planSilentTutors(
  snapshot: WorkbookSnapshot,
  keys: Ids,
  tutors: readonly { readonly email: string; readonly row?: number; readonly version: number }[],
  journalKeys: ReadonlySet<string>,
  now: Date,
): WorkbookChanges | null {
  if (tutors.length === 0) return null;
  const table = parseTable<TutorRow>(TABS.tutors, snapshot.get(TABS.tutors.name));
  const layout = layoutOf(table, snapshot.has(TABS.tutors.name));
  const cells = tutors.flatMap((tutor) =>
    tutor.row === undefined ? [] : recordWrites(layout, tutor.row, { confirmation: SILENT }),
  );
  const lines = tutors
    .filter((tutor) => !journalKeys.has(silentKey(keys, tutor.email)))
    .map(
      (tutor): JournalLine => ({
        event: TUTOR_EVENTS.silent,
        recipient: tutor.email,
        detail: `Pas de réponse à la demande d'accueil (version ${tutor.version}) dans le délai : Confirmation passée à « ${SILENT} », l'organisateur est prévenu.`,
        key: silentKey(keys, tutor.email),
        data: { kind: "silent", tutor: tutor.email, version: tutor.version },
      }),
    );
  return journalAppend(snapshot, now, lines, cells.length > 0 ? [...layout.headerWrites, ...cells] : []);
}

/** The line that says the participants of a tutor who declined were re-placed (or could not be). */
export function planRematchLine(
  snapshot: WorkbookSnapshot,
  keys: Ids,
  tutorEmail: string,
  detail: string,
  now: Date,
): WorkbookChanges {
  return journalAppend(snapshot, now, [
    {
      event: TUTOR_EVENTS.rematch,
      recipient: tutorEmail,
      detail,
      key: rematchKey(keys, tutorEmail),
      data: { kind: "rematch", tutor: tutorEmail, note: detail },
    },
  ]);
}
