/**
 * The tutors' side of the workflow once their requests are sent: who has not answered yet, a nudge
 * to them (once per request), and, at the deadline, marking the silent ones and telling the
 * organizer. Each is one read and at most one write besides the sending; each can run twice.
 */
import { eventModel, MESSAGE_TABS, type SeminarModel } from "../core/event/model.js";
import { awaitingTutors } from "../core/messages/plan.js";
import { planSilentTutors } from "../core/replies/tutor-lines.js";
import type { Clock, EventWorkbook, Mailer, WorkbookSnapshot } from "../ports.js";
import { type SendOptions, type SendReport, sendDueMessages } from "./send-messages.js";

async function readSeminar(
  workbook: EventWorkbook,
  now: Date,
): Promise<{ snapshot: WorkbookSnapshot; model: SeminarModel | null }> {
  const snapshot = await workbook.read(MESSAGE_TABS);
  const model = eventModel(snapshot, workbook.keys, now);
  return { snapshot, model: model?.kind === "seminar" ? model : null };
}

/**
 * Tutors who host at least one participant, whose request was sent, and whose `Confirmation` is
 * empty or `En attente`; none for a lunch talk. `now` only matters to the checks' date warnings,
 * which this ignores.
 */
export async function pendingTutors(
  workbook: EventWorkbook,
  now: Date,
): Promise<{ pending: number; tutors: string[] }> {
  const { model } = await readSeminar(workbook, now);
  const tutors = model ? awaitingTutors(model).map((awaited) => awaited.email) : [];
  return { pending: tutors.length, tutors };
}

/**
 * Sends a `relance-tuteur` to every pending tutor, once per request version, with the request's
 * signed reply address.
 */
export function nudgeTutors(
  workbook: EventWorkbook,
  mailer: Mailer,
  clock: Clock,
  options: SendOptions,
): Promise<SendReport> {
  return sendDueMessages(workbook, mailer, clock, {
    ...options,
    kinds: ["relance-tuteur"],
    plan: { ...options.plan, nudge: true },
  });
}

/**
 * Pending tutors get `Confirmation: Sans réponse` and a Journal line each, in one write. The
 * organizer's alert is planned from those lines: send the `alerte` kind right after.
 */
export async function markSilentTutors(workbook: EventWorkbook, clock: Clock): Promise<{ marked: number }> {
  const now = clock.now();
  const { snapshot, model } = await readSeminar(workbook, now);
  if (!model) return { marked: 0 };
  const silent = awaitingTutors(model).map((awaited) => ({
    email: awaited.email,
    version: awaited.version,
    ...(awaited.tutor.row !== undefined ? { row: awaited.tutor.row } : {}),
  }));
  const changes = planSilentTutors(snapshot, workbook.keys, silent, new Set(model.journal.keys), now);
  if (changes) await workbook.write(changes);
  return { marked: silent.length };
}
