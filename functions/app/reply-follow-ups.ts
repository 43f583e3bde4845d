/**
 * What follows a tutor's reply, wired to the real use cases: after a decline, the tutor's
 * participants are re-placed with the fewest moves and everyone concerned is told (a change notice
 * with the new calendar to each participant moved, a request to each new tutor, an alert to the
 * organizer); a reply that needs a person, or a bounced address, is told to the organizer.
 *
 * Nothing here builds a message: each is planned from the workbook (`core/messages/plan.ts`) and
 * sent by `sendDueMessages`, exactly once per key, so every follow-up may run again after a failure
 * and sends nothing twice.
 */

import { readLedger } from "../core/ledger/journal.js";
import type { MessageKind } from "../core/messages/plan.js";
import { planRematchLine, rematchKey } from "../core/replies/tutor-lines.js";
import { cellText, normalizeKey, parseEmail } from "../core/sheet/cells.js";
import { type PlacementRow, type SeminarSettings, TABS, type TutorRow } from "../core/sheet/schemas.js";
import { parseSettings, parseTable } from "../core/sheet/table.js";
import { plural } from "../core/text/french.js";
import type { Clock, EventWorkbook, Mailer, WorkbookSnapshot } from "../ports.js";
import type { ReplyFollowUps } from "./apply-reply.js";
import { changeLines, matchWorkbook, type Solver } from "./match-workbook.js";
import { type SendOptions, type SendReport, sendDueMessages } from "./send-messages.js";

type EventSendOptions = Omit<SendOptions, "event" | "kinds">;

export type ReplyFollowUpDeps = (
  | { readonly workbook: EventWorkbook; readonly workbookFor?: undefined }
  | { readonly workbookFor: (event: string) => EventWorkbook; readonly workbook?: undefined }
) & {
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly solver: Solver;
  /** Rate, budget, reply address and workbook link of the sends (the same for every event, or per event). */
  readonly sendOptions: EventSendOptions | ((event: string) => EventSendOptions);
  readonly onAnswer?: ReplyFollowUps["onAnswer"];
};

/** What a decline sends: the change notices, the new requests, the organizer's alert. */
const AFTER_DECLINE: readonly MessageKind[] = ["changement", "demande-tuteur", "alerte"];
const SUSPEND_ACTION = "Suspendre";
/** Alerts go to the organizer alone: nobody else's messages need planning (`PlanOptions.recipients`). */
const ORGANIZER_ONLY: ReadonlySet<string> = new Set();

export function replyFollowUps(deps: ReplyFollowUpDeps): ReplyFollowUps {
  // The request's workbook when the caller gives it (read once per request), else the event's.
  const workbookOf = (event: string, given?: EventWorkbook) =>
    given ?? deps.workbook ?? deps.workbookFor(event);
  const send = (
    event: string,
    workbook: EventWorkbook,
    kinds: readonly MessageKind[],
    recipients?: ReadonlySet<string>,
  ) => {
    const options = typeof deps.sendOptions === "function" ? deps.sendOptions(event) : deps.sendOptions;
    return sendDueMessages(workbook, deps.mailer, deps.clock, {
      ...options,
      ...(recipients ? { plan: { ...options.plan, recipients } } : {}),
      event,
      kinds,
    });
  };
  return {
    async onDecline(event, tutorEmail, given) {
      const workbook = workbookOf(event, given);
      const { suspended, concerned } = await replaceDeclinedTutor(
        workbook,
        tutorEmail,
        deps.solver,
        deps.clock,
      );
      // Suspended: the organizer still hears of it; the others are told once sending resumes.
      const kinds = suspended ? (["alerte"] as const) : AFTER_DECLINE;
      const declinesBefore = declineReplies(await workbook.read([TABS.journal.name]));
      const report = await send(event, workbook, kinds, suspended ? ORGANIZER_ONLY : concerned);
      const raced = await mendConcurrentDeclines(workbook, deps, declinesBefore, report);
      // What others, and the mending, changed is owed to people our own set does not name: everyone's
      // messages are planned (each still sent once).
      if (raced) await send(event, workbook, kinds, suspended ? ORGANIZER_ONLY : undefined);
    },
    async alertOrganizer(alert, given) {
      // A cycle's alerts about its speakers are `alerte-intervenant`.
      await send(
        alert.event,
        workbookOf(alert.event, given),
        ["alerte", "alerte-intervenant"],
        ORGANIZER_ONLY,
      );
    },
    async onBounce(event, _addresses, given) {
      await send(event, workbookOf(event, given), ["alerte"], ORGANIZER_ONLY);
    },
    ...(deps.onAnswer ? { onAnswer: deps.onAnswer } : {}),
  };
}

const DECLINE_TABS = [TABS.seminar.name, TABS.placements.name, TABS.journal.name] as const;

/**
 * How many times a decline checks afresh that no participant is left with a tutor who declined,
 * and mends it. Each round follows a write of `Affectations` by another request; two suffice for
 * two declines at once, three leave room for a third.
 */
const MENDING_ROUNDS = 3;

/**
 * The tutors marked `Décliné` in `Tuteurs` who still host someone in `Affectations` (addresses in
 * lowercase). Two declines re-placed at once, each from a snapshot where the other tutor had not
 * declined, can leave such placements: Sheets has no conditional write, so the later request sees
 * the earlier one's writes only by reading again.
 */
function strandedTutors(snapshot: WorkbookSnapshot): string[] {
  const declined = new Set(
    parseTable<TutorRow>(TABS.tutors, snapshot.get(TABS.tutors.name))
      .rows.filter((row) => row.partial.confirmation === "Décliné")
      .flatMap((row) => (row.partial.email ? [row.partial.email.toLowerCase()] : [])),
  );
  const hosting = new Set([...placementsOf(snapshot).values()].map((placement) => placement.tutor));
  return [...declined].filter((tutor) => hosting.has(tutor)).sort();
}

/**
 * Re-places the participants of a tutor who declined (when any is still placed with them), then
 * records it in the Journal after the decline's line, once: the organizer's alert waits for that
 * line. Running it again moves nobody: the tutor hosts no one any more.
 *
 * Answers how many placements moved, whether the event is suspended, and, when this call moved
 * someone, who the re-placement concerns (`concerned`, addresses): the declined tutor, each
 * participant whose row of `Affectations` now shows something else (a move, or a situation, an
 * address or times written anew), and their tutors before and after. Only they can be owed a message
 * because of it (`PlanOptions.recipients`). Absent when nobody moved in this call (a replay after a
 * failure, whose first run moved them): then everyone's messages are planned, as they may still be
 * owed.
 */
export async function replaceDeclinedTutor(
  workbook: EventWorkbook,
  tutorEmail: string,
  solver: Solver,
  clock: Clock,
): Promise<{ moved: number; suspended: boolean; concerned?: ReadonlySet<string> }> {
  const snapshot = await workbook.read(DECLINE_TABS);
  const settings = parseSettings<SeminarSettings>(TABS.seminar, snapshot.get(TABS.seminar.name)).partial;
  const suspended = settings.action === SUSPEND_ACTION;
  const before = placementsOf(snapshot);
  const hosted = [...before.values()].filter((placement) => placement.tutor === tutorEmail.toLowerCase());
  const { entries } = readLedger(snapshot.get(TABS.journal.name));
  const decline = entries.findLast(
    ({ data }) =>
      data.kind === "reply" &&
      data.decision === "decline" &&
      data.tutor.toLowerCase() === tutorEmail.toLowerCase(),
  );
  const recorded = entries.some(
    (entry) => entry.key === rematchKey(workbook.keys, tutorEmail) && entry.row > (decline?.row ?? 0),
  );
  let moved = 0;
  let concerned: Set<string> | undefined;
  let detail = "Aucun participant n'était affecté à ce tuteur.";
  if (hosted.length > 0) {
    const report = await matchWorkbook(workbook, clock.now(), solver, { withoutTutor: tutorEmail });
    if (report.ok && report.result) {
      const after = new Map(
        report.result.placements.map((placement) => [
          `${placement.participant.toLowerCase()}\u0000${normalizeKey(placement.slot)}`,
          { structure: placement.structure, tutor: placement.tutor.toLowerCase() },
        ]),
      );
      moved = [...before].filter(([key, placement]) => {
        const now = after.get(key);
        return now?.structure !== placement.structure || now.tutor !== placement.tutor;
      }).length;
      // Who the rows rewritten concern: a row whose agenda-bearing cells changed (a move, and also
      // a situation, an address or times the re-run wrote anew), on either side.
      const written = placementsOf(await workbook.read([TABS.placements.name]));
      concerned = new Set([tutorEmail.toLowerCase()]);
      for (const [key, placement] of [...before, ...written]) {
        const other = (placement === before.get(key) ? written : before).get(key);
        if (other?.cells === placement.cells) continue;
        concerned.add(key.slice(0, key.indexOf("\u0000")));
        if (placement.tutor !== "") concerned.add(placement.tutor);
      }
      const others = moved - hosted.length;
      detail = `Ré-affectation faite : ${plural(moved, "placement modifié")}${others > 0 ? `, dont ${others} concernant d'autres participants (prévenus eux aussi)` : ""}.${report.result.unplaced.length > 0 ? ` ${plural(report.result.unplaced.length, "placement impossible")} : voir le Statut des participants.` : ""}`;
      if (report.check && report.changes?.length)
        detail += `\n${changeLines(report.check, report.changes).join("\n")}`;
    } else {
      detail = `Ré-affectation impossible : ${report.refused.join(" ")} Replacez les participants à la main dans l'onglet Affectations.`;
    }
  }
  if (!recorded)
    await workbook.write(planRematchLine(snapshot, workbook.keys, tutorEmail, detail, clock.now()));
  return { moved, suspended, ...(concerned && moved > 0 ? { concerned } : {}) };
}

/**
 * After a decline's sending: when another tutor's decline was claimed since it started (the
 * sending's claims were read back after its writes, `report`), or when nothing was read back,
 * reads `Tuteurs` and `Affectations` afresh and re-places anyone left with a tutor who declined, up
 * to `MENDING_ROUNDS` times. The other decline may have been re-placed from a snapshot where this
 * one had not declined yet. Answers whether the placements changed under this request (then its
 * recipient set no longer names everyone owed a message). No read when no other decline was seen.
 */
async function mendConcurrentDeclines(
  workbook: EventWorkbook,
  deps: Pick<ReplyFollowUpDeps, "solver" | "clock">,
  declinesBefore: readonly string[],
  report: SendReport,
): Promise<boolean> {
  const readBack = report.sent + report.failed + report.deferred + report.leftToOthers + report.uncertain > 0;
  const declinesNow = declineReplies(await workbook.read([TABS.journal.name]));
  if (readBack && declinesNow.every((key) => declinesBefore.includes(key))) return false;
  const ours = placementsOf(await workbook.read([TABS.placements.name]));
  let raced = false;
  for (let round = 0; round < MENDING_ROUNDS; round++) {
    const fresh = await workbook.read([TABS.tutors.name, TABS.placements.name], { fresh: true });
    if (round === 0) raced = !samePlacements(ours, placementsOf(fresh));
    const stranded = strandedTutors(fresh);
    if (stranded.length === 0) break;
    raced = true;
    for (const tutor of stranded) await replaceDeclinedTutor(workbook, tutor, deps.solver, deps.clock);
  }
  return raced;
}

/** The Journal keys of every tutor's decline recorded so far. */
function declineReplies(snapshot: WorkbookSnapshot): string[] {
  return readLedger(snapshot.get(TABS.journal.name))
    .entries.filter(({ data }) => data.kind === "reply" && data.decision === "decline")
    .map((entry) => entry.key);
}

/** Whether two readings of `Affectations` show every participant the same cells. */
function samePlacements(
  a: ReadonlyMap<string, { readonly cells: string }>,
  b: ReadonlyMap<string, { readonly cells: string }>,
): boolean {
  return a.size === b.size && [...a].every(([key, placement]) => b.get(key)?.cells === placement.cells);
}

/** The cells of an `Affectations` row that a participant's agenda or a tutor's request shows. */
const SHOWN: readonly (keyof PlacementRow)[] = [
  "structure",
  "situation",
  "tutorEmail",
  "tutor",
  "address",
  "start",
  "end",
];

/**
 * `Affectations` as participant and slot → structure and tutor (addresses in lowercase), and the
 * row's `SHOWN` cells as they are written (`cells`, one string to compare).
 */
function placementsOf(
  snapshot: WorkbookSnapshot,
): Map<string, { structure: string; tutor: string; cells: string }> {
  const table = parseTable<PlacementRow>(TABS.placements, snapshot.get(TABS.placements.name));
  const placements = new Map<string, { structure: string; tutor: string; cells: string }>();
  for (const row of table.rows) {
    const participant = row.partial.participantEmail ?? parseEmail(row.cells.participantEmail ?? null);
    const slot = row.partial.slot ?? cellText(row.cells.slot ?? null);
    if (!participant || slot === "") continue;
    placements.set(`${participant.toLowerCase()}\u0000${normalizeKey(slot)}`, {
      structure: row.partial.structure ?? cellText(row.cells.structure ?? null),
      tutor: (row.partial.tutorEmail ?? parseEmail(row.cells.tutorEmail ?? null) ?? "").toLowerCase(),
      cells: JSON.stringify(SHOWN.map((key) => row.cells[key] ?? null)),
    });
  }
  return placements;
}
