/**
 * The steps of an event's workflow (the contract is in workflows/README.md): for each step name,
 * the schema of its arguments and of its answer, the message kinds it sends, and the use case it
 * runs. `workflowStep` parses a request against this table and runs the step on the request's
 * workbook; a test checks every step the workflows call, and its arguments, against it.
 *
 * Every step is idempotent: run twice, it sends nothing twice and writes nothing twice.
 */
import { z } from "zod";
import { closingInstant } from "../core/checks/check-lunch.js";
import { CYCLE_TABS } from "../core/cycle/cycle-schemas.js";
import { eventModel, MESSAGE_TABS } from "../core/event/model.js";
import type { MessageKind } from "../core/messages/plan.js";
import { cycleModel, nextCycleWake } from "../core/messages/speakers.js";
import { eventSchedule, isoInZone } from "../core/schedule/schedule.js";
import { type LunchSettings, TABS } from "../core/sheet/schemas.js";
import { parseSettings } from "../core/sheet/table.js";
import { plural } from "../core/text/french.js";
import { PermanentError, RetryableError } from "../errors.js";
import type { Clock, EventWorkbook, Mailer } from "../ports.js";
import { checkWorkbook } from "./check-workbook.js";
import { matchWorkbook, type Solver } from "./match-workbook.js";
import { type SendOptions, type SendReport, sendDueMessages } from "./send-messages.js";
import { markSilentTutors, nudgeTutors, pendingTutors } from "./tutor-lifecycle.js";
import {
  appendJournal,
  CALLBACK_PURPOSES,
  controlLines,
  readControl,
  readWorkflowControl,
} from "./workflow-control.js";

/** What a step runs with: the request's workbook (its session), the time, and the outside world. */
export interface StepContext {
  readonly event: string;
  readonly workbook: EventWorkbook;
  readonly now: Date;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly solver: Solver;
  /** Rate, budget, reply address and workbook link of the sends of this event. */
  readonly send: Omit<SendOptions, "event" | "kinds">;
}

/** One step: its arguments and answer (zod), the kinds it sends, and its use case. */
export interface StepDefinition<Args extends z.ZodType, Answer extends z.ZodType> {
  readonly args: Args;
  readonly answer: Answer;
  /** The message kinds it sends (none for a step that only reads or records). */
  readonly sends: readonly MessageKind[];
  run(context: StepContext, args: z.infer<Args>): Promise<z.infer<Answer>>;
}

function step<Args extends z.ZodType, Answer extends z.ZodType>(
  definition: StepDefinition<Args, Answer>,
): StepDefinition<Args, Answer> {
  return definition;
}

/** No argument (anything else given is dropped; the workflows' test finds it first). */
const noArgs = z.object({});
const sendingAnswer = z.object({
  done: z.boolean(),
  sent: z.number().int().min(0),
  suspended: z.boolean(),
  /** Only sends under reconciliation are left: seconds to wait before asking again. */
  waitSeconds: z.number().int().positive().optional(),
});

/** How long the workflow waits while only uncertain sends remain (SES events arrive within seconds). */
const RECONCILE_WAIT_SECONDS = 60;

/**
 * A sending step: sends its kinds (a seminar's plan holds no lunch-talk message, and back);
 * change notices and alerts go out with whichever step runs. Suspension is read on the snapshot
 * the sending reads anyway.
 */
function sending<Args extends z.ZodType = typeof noArgs>(
  sends: readonly MessageKind[],
  options: { readonly args?: Args; readonly before?: (context: StepContext) => Promise<unknown> } = {},
) {
  const { before } = options;
  return step({
    args: (options.args ?? noArgs) as Args,
    answer: sendingAnswer,
    sends,
    run: async (context) => {
      await before?.(context);
      return answerOf(await sendKinds(context, sends));
    },
  });
}

function sendKinds(context: StepContext, kinds: readonly MessageKind[]): Promise<SendReport> {
  return sendDueMessages(context.workbook, context.mailer, context.clock, {
    ...context.send,
    event: context.event,
    kinds,
    suspended: (snapshot) => readControl(snapshot).suspended,
  });
}

function answerOf(report: SendReport): z.infer<typeof sendingAnswer> {
  if (report.suspended) return { done: false, sent: 0, suspended: true };
  // Nothing could leave and everything failed for now (the mail service is down): let the
  // workflow back off rather than call again at once.
  if (report.sent === 0 && report.deferred > 0 && report.failed === 0)
    throw new RetryableError(`${plural(report.deferred, "message")} deferred`);
  const onlyUncertain =
    !report.done && report.remaining === 0 && report.deferred === 0 && report.uncertain > 0;
  return {
    done: report.done,
    sent: report.sent,
    suspended: false,
    ...(onlyUncertain ? { waitSeconds: RECONCILE_WAIT_SECONDS } : {}),
  };
}

const instant = z.iso.datetime({ offset: true });

/** Every step, by the name the workflows call it. */
export const STEP_TABLE = {
  check: step({
    args: noArgs,
    answer: z.object({ ok: z.boolean(), problems: z.number().int().min(0) }),
    sends: [],
    run: async ({ workbook, now }) => {
      const report = await checkWorkbook(workbook, now);
      const blockingRows = report.rows.filter((row) => row.blocking).length;
      const ok = report.kind !== "unknown" && report.eventProblems.length === 0;
      if (!ok) {
        const { snapshot, control } = await readWorkflowControl(workbook);
        await appendJournal(workbook, snapshot, now, control.zone, [
          controlLines.stopped(report.eventProblems.length),
        ]);
      }
      return { ok, problems: report.eventProblems.length + blockingRows };
    },
  }),
  match: step({
    args: noArgs,
    answer: z.object({ placed: z.number().int(), unplaced: z.number().int(), ok: z.boolean() }),
    sends: [],
    run: async ({ workbook, now, solver }) => {
      const report = await matchWorkbook(workbook, now, solver);
      const placed = new Set(report.result?.placements.map((placement) => placement.participant) ?? []).size;
      const unplaced = new Set(report.result?.unplaced.map((item) => item.participant) ?? []).size;
      return { placed, unplaced, ok: report.ok };
    },
  }),
  "register-callback": step({
    args: z.object({ purpose: z.enum(CALLBACK_PURPOSES), url: z.url().max(2000) }),
    answer: z.object({}),
    sends: [],
    run: async ({ workbook, now }, { purpose, url }) => {
      const { snapshot, control } = await readWorkflowControl(workbook);
      if (control.callbacks.get(purpose) !== url)
        await appendJournal(workbook, snapshot, now, control.zone, [controlLines.callback(purpose, url)]);
      return {};
    },
  }),
  status: step({
    args: noArgs,
    answer: z.object({ go: z.boolean(), suspended: z.boolean() }),
    sends: [],
    run: async ({ workbook, now }) => {
      const { snapshot, control } = await readWorkflowControl(workbook);
      if (control.kind === "seminar" && control.go && !control.goRecorded)
        await appendJournal(workbook, snapshot, now, control.zone, [controlLines.go()]);
      return { go: control.go, suspended: control.suspended };
    },
  }),
  "send-convocations": sending(["convocation", "changement", "annulation", "alerte"]),
  "send-tutor-requests": sending(["demande-tuteur", "changement", "alerte"]),
  "send-reminders": sending([
    "rappel",
    "rappel-tuteur",
    "changement",
    "annulation",
    "rappel-rencontre",
    "inscription",
    "liste-attente",
    "place-liberee",
    "fiche-structure",
    "alerte",
    // A cycle's speakers and the organizer about them (a cycle plans nothing else).
    "invitation-intervenant",
    "rappel-intervenant",
    "liste-inscrits",
    "alerte-intervenant",
  ]),
  "send-train-reminders": sending(["rappel-train"], { args: z.object({ dueAt: instant }) }),
  "send-feedback": sending(["questionnaire", "questionnaire-rencontre", "attestation", "alerte"]),
  "send-rosters": sending(["fiche-structure", "alerte"]),
  "send-papers": sending(["documents-organisateur", "fiche-structure", "alerte"]),
  // A lunch talk's statuses follow the registrations: the check writes `Inscrit` or the rank.
  "allocate-seats": sending(["inscription", "liste-attente", "place-liberee", "alerte"], {
    before: ({ workbook, now }) => checkWorkbook(workbook, now, { kind: "lunch" }),
  }),
  "tutor-replies": step({
    args: noArgs,
    answer: z.object({ pending: z.number().int().min(0) }),
    sends: [],
    run: async ({ workbook, now }) => ({ pending: (await pendingTutors(workbook, now)).pending }),
  }),
  "nudge-tutors": step({
    args: noArgs,
    answer: z.object({ sent: z.number().int().min(0), suspended: z.boolean().optional() }),
    sends: ["relance-tuteur"],
    run: async ({ workbook, mailer, clock, send, event }) => {
      const { control } = await readWorkflowControl(workbook);
      if (control.suspended) return { sent: 0, suspended: true };
      const report = await nudgeTutors(workbook, mailer, clock, { ...send, event });
      return { sent: report.sent };
    },
  }),
  "mark-silent-tutors": step({
    args: noArgs,
    answer: z.object({ marked: z.number().int().min(0) }),
    sends: ["alerte"],
    run: async (context) => {
      const { marked } = await markSilentTutors(context.workbook, context.clock);
      await sendKinds(context, ["alerte"]);
      return { marked };
    },
  }),
  plan: step({
    args: noArgs,
    answer: z.object({
      reminderAt: instant,
      trainReminders: z.array(instant),
      feedbackAt: instant,
      rostersAt: instant.nullable(),
      papersAt: instant,
      repliesDeadline: instant,
      closingAt: instant.nullable(),
      endAt: instant,
      zone: z.string(),
    }),
    sends: [],
    run: ({ workbook, now }) => planAnswer(workbook, now),
  }),
  // A cycle of lunch talks: when to call `send-reminders` again, `null` once its last talk started.
  "cycle-next": step({
    args: noArgs,
    answer: z.object({ nextAt: instant.nullable() }),
    sends: [],
    run: async ({ workbook, now }) => {
      const snapshot = await workbook.read([...CYCLE_TABS, TABS.journal.name]);
      if (!snapshot.has(CYCLE_TABS[0])) throw new PermanentError("not a cycle workbook", "invalid-request");
      const model = cycleModel(snapshot, workbook.keys, now);
      const next = nextCycleWake(model, now);
      return { nextAt: next ? isoInZone(next, model.info.zone) : null };
    },
  }),
} as const;

export type StepName = keyof typeof STEP_TABLE;
export const STEPS = Object.keys(STEP_TABLE) as [StepName, ...StepName[]];

/**
 * Runs one step on the request's workbook: its arguments parsed against the table (a
 * `PermanentError` when they do not fit: the workflow must not retry), its answer checked against
 * the table too. Throws what the use case throws (`RetryableError` for what may pass).
 */
export async function runStep(
  context: StepContext,
  name: StepName,
  args: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const definition: StepDefinition<z.ZodType, z.ZodType> = STEP_TABLE[name];
  const parsed = definition.args.safeParse(args);
  if (!parsed.success)
    throw new PermanentError(
      `${name}: ${parsed.error.issues.map((issue) => issue.path.join(".") || "args").join(",")}`,
      "invalid-request",
    );
  return definition.answer.parse(await definition.run(context, parsed.data)) as Record<string, unknown>;
}

async function planAnswer(workbook: EventWorkbook, now: Date) {
  const snapshot = await workbook.read(MESSAGE_TABS);
  const model = eventModel(snapshot, workbook.keys, now);
  if (!model) throw new PermanentError("not a Passerelle workbook", "invalid-request");
  const closing =
    model.kind === "lunch"
      ? closingInstant(parseSettings<LunchSettings>(TABS.lunch, snapshot.get(TABS.lunch.name)).partial)
      : null;
  const zone = model.info.zone;
  const schedule = eventSchedule(model, now, closing?.toJSDate() ?? null);
  const iso = (at: Date) => isoInZone(at, zone);
  return {
    reminderAt: iso(schedule.reminderAt),
    trainReminders: schedule.trainReminders.map(iso),
    feedbackAt: iso(schedule.feedbackAt),
    rostersAt: schedule.rostersAt ? iso(schedule.rostersAt) : null,
    papersAt: iso(schedule.papersAt),
    repliesDeadline: iso(schedule.repliesDeadline),
    closingAt: schedule.closingAt ? iso(schedule.closingAt) : null,
    endAt: iso(schedule.endAt),
    zone,
  };
}
