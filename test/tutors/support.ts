/** The example seminar, placed and with its tutors asked, and what the tests around tutors' answers share. */
import { afterAll } from "vitest";
import { monotonicSeconds, WorkerLinearSolver } from "../../functions/adapters/highs-solver.js";
import type { Solver } from "../../functions/app/match-workbook.js";
import { matchWorkbook } from "../../functions/app/match-workbook.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { eventModel, MESSAGE_TABS } from "../../functions/core/event/model.js";
import { solvePlacements } from "../../functions/core/matching/index.js";
import { dueMessages, type MessageKind, planMessages } from "../../functions/core/messages/plan.js";
import { classifyAnswer } from "../../functions/core/replies/classify.js";
import type { Decision } from "../../functions/core/replies/message.js";
import type { TutorReply } from "../../functions/core/replies/plan.js";
import { replyAddress, tutorTag } from "../../functions/core/security/reply-token.js";
import type { Cell, EventWorkbook, OutgoingMessage } from "../../functions/ports.js";
import { ManualClock, RecordingMailer } from "../messages/fixtures.js";
import { MemoryWorkbook, seminarSnapshot } from "../support/workbooks.js";

export const EVENT = "seminaire-rennes-2027";
export const SECRET = "secret-des-reponses-0123456789";
export const REPLY_DOMAIN = "reponses.seminaire.example.org";
export const ORGANIZER = "organisation@seminaire.example.org";
/** Two weeks before the seminar (17-18 March 2027). */
export const NOW = new Date("2027-03-01T09:00:00Z");

export const sendOptions = {
  ratePerSecond: 1000,
  sleep: async () => {},
  plan: {
    replyAddress: (input: { event: string; tutorEmail: string; version: number }) =>
      replyAddress(input, SECRET, REPLY_DOMAIN),
  },
};

/** A real solver (HiGHS in a worker), closed after the file's tests. */
export function testSolver(): Solver {
  const linear = new WorkerLinearSolver();
  afterAll(() => linear.close());
  return (problem, options) =>
    solvePlacements(problem, { timeLimitSeconds: 20, clock: monotonicSeconds, ...options }, linear);
}

export interface Seminar {
  readonly workbook: MemoryWorkbook;
  readonly mailer: RecordingMailer;
  readonly clock: ManualClock;
}

/** The example seminar, placed, with convocations and tutor requests sent. */
export async function seminarAsked(
  solver: Solver,
  kinds: MessageKind[] = ["convocation", "demande-tuteur"],
): Promise<Seminar> {
  const workbook = new MemoryWorkbook(seminarSnapshot(), EVENT);
  const clock = new ManualClock(NOW);
  const mailer = new RecordingMailer();
  const match = await matchWorkbook(workbook, NOW, solver);
  if (!match.ok) throw new Error(match.summary);
  if (kinds.length > 0)
    await sendDueMessages(workbook, mailer, clock, { ...sendOptions, event: EVENT, kinds });
  return { workbook, mailer, clock };
}

export function addressOf(message: OutgoingMessage): string {
  return typeof message.to === "string" ? message.to : message.to.address;
}

/** A tab as records keyed by header. */
export function records(workbook: MemoryWorkbook, tab: string): Record<string, Cell>[] {
  const [header = [], ...rows] = workbook.tabs.get(tab) ?? [];
  return rows.map((row) =>
    Object.fromEntries(header.map((title, index) => [String(title), row[index] ?? null])),
  );
}

/** `Affectations` as `participant|slot` → tutor's address. */
export function placements(workbook: MemoryWorkbook): Map<string, string> {
  return new Map(
    records(workbook, "Affectations")
      .filter((row) => row["Email participant"])
      .map((row) => [`${row["Email participant"]}|${row.Créneau}`, String(row["Email tuteur"])]),
  );
}

export function requestsSent(mailer: RecordingMailer): OutgoingMessage[] {
  return mailer.sent.filter((message) => message.headers?.["X-Passerelle-Key"]?.includes(":demande-tuteur:"));
}

let replies = 0;
/** A tutor's reply as the inbound function hands it over, read by the real classifier. */
export function tutorReply(tutorEmail: string, text: string, decision?: Decision): TutorReply {
  const classification = classifyAnswer(text);
  replies++;
  return {
    key: `reponse:msg-${replies}`,
    claims: { event: EVENT, version: 1, tutor: tutorTag(EVENT, tutorEmail, SECRET) },
    answer: { decision: decision ?? classification.decision, reason: classification.reason, text },
  };
}

/** A tutor's decline, as the classifier reads it. */
export const DECLINE = "Bonjour, malheureusement je ne serai pas disponible ces jours-là.";
/** What a decline sends: the change notices, the new requests, the organizer's alert. */
export const AFTER_DECLINE: readonly MessageKind[] = ["changement", "demande-tuteur", "alerte"];

/** The keys of the messages a decline sends that are due now, planned for everyone or for `recipients` only. */
export async function owedAfterDecline(
  workbook: EventWorkbook,
  recipients?: ReadonlySet<string>,
): Promise<string[]> {
  const model = eventModel(await workbook.read(MESSAGE_TABS), workbook.keys, NOW);
  if (model === null) throw new Error("no event");
  const plan = planMessages(model, NOW, { ...sendOptions.plan, ...(recipients ? { recipients } : {}) });
  return dueMessages(plan, NOW, AFTER_DECLINE)
    .map((message) => message.key)
    .sort();
}
