/**
 * `workflowStep`: runs one named, idempotent step of an event's workflow and answers what the
 * workflow branches on (the contract is in workflows/README.md). Called by Cloud Workflows with
 * an OIDC token (only the workflows' service account may invoke it), by the local runner on one
 * machine.
 *
 * Status codes are retry decisions: 503 for what may succeed later (the spreadsheet or the mail
 * service unavailable for now; the workflow retries with backoff), 400 for a request that will
 * never be understood (413 for one over 64 KB, read raw and parsed here), 500 for anything
 * unexpected (the execution fails and the organizer sees it).
 */
import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import { z } from "zod";
import { SheetsRequestError } from "./adapters/google-sheets-workbook.js";
import { isTransientHttpStatus } from "./adapters/retry.js";
import { checkWorkbook } from "./app/check-workbook.js";
import { matchWorkbook, type Solver } from "./app/match-workbook.js";
import { type SendOptions, type SendReport, sendDueMessages } from "./app/send-messages.js";
import { markSilentTutors, nudgeTutors, pendingTutors } from "./app/tutor-lifecycle.js";
import {
  appendJournal,
  CALLBACK_PURPOSES,
  controlLines,
  readControl,
  readWorkflowControl,
} from "./app/workflow-control.js";
import { closingInstant } from "./core/check-lunch.js";
import { eventModel, MESSAGE_TABS } from "./core/messages/model.js";
import type { MessageKind } from "./core/messages/plan.js";
import { eventSchedule, isoInZone } from "./core/schedule.js";
import { type LunchSettings, TABS } from "./core/schemas.js";
import { parseSettings } from "./core/table.js";
import type { Clock, EventWorkbook, Mailer } from "./ports.js";
import type { SheetEditLog } from "./sheet-edit.js";

/** The largest body accepted, in bytes (a step request is a few hundred). */
export const WORKFLOW_STEP_MAX_BYTES = 64 * 1024;

export const STEPS = [
  "check",
  "match",
  "register-callback",
  "status",
  "send-convocations",
  "send-tutor-requests",
  "send-reminders",
  "send-train-reminders",
  "send-feedback",
  "allocate-seats",
  "tutor-replies",
  "nudge-tutors",
  "mark-silent-tutors",
  "plan",
] as const;
export type StepName = (typeof STEPS)[number];

export const stepRequest = z.object({
  step: z.enum(STEPS),
  event: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_.-]+$/),
  args: z.record(z.string(), z.unknown()).default({}),
});
export type StepRequest = z.infer<typeof stepRequest>;

const callbackArgs = z.object({ purpose: z.enum(CALLBACK_PURPOSES), url: z.url().max(2000) });
const trainArgs = z.object({ dueAt: z.iso.datetime({ offset: true }) });

export interface WorkflowStepDeps {
  readonly workbookFor: (event: string) => EventWorkbook;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly solver: Solver;
  /** Rate, budget, reply address and workbook link of the sends, per event. */
  readonly send: (event: string) => Omit<SendOptions, "event" | "kinds">;
  readonly log: SheetEditLog;
}

/** A request the step refuses for good (the workflow must not retry it). */
class StepRefused extends Error {
  override readonly name = "StepRefused";
}

/**
 * What each sending step sends (a seminar's plan holds no lunch-talk message, and back); change
 * notices and alerts go out with whichever step runs.
 */
const SENDING: Readonly<Record<string, readonly MessageKind[]>> = {
  "send-convocations": ["convocation", "changement", "annulation", "alerte"],
  "send-tutor-requests": ["demande-tuteur", "changement", "alerte"],
  "send-reminders": [
    "rappel",
    "rappel-tuteur",
    "changement",
    "annulation",
    "rappel-rencontre",
    "inscription",
    "liste-attente",
    "place-liberee",
    "alerte",
    // A cycle's speakers and the organizer about them (a cycle plans nothing else).
    "invitation-intervenant",
    "rappel-intervenant",
    "liste-inscrits",
    "alerte-intervenant",
  ],
  "send-train-reminders": ["rappel-train"],
  "send-feedback": ["questionnaire", "questionnaire-rencontre", "alerte"],
  "allocate-seats": ["inscription", "liste-attente", "place-liberee", "alerte"],
};

export async function runStep(
  deps: WorkflowStepDeps,
  request: StepRequest,
): Promise<Record<string, unknown>> {
  const { event, step, args } = request;
  const workbook = deps.workbookFor(event);
  const now = deps.clock.now();
  const send = (kinds: MessageKind[], extra: Partial<SendOptions> = {}) =>
    sendDueMessages(workbook, deps.mailer, deps.clock, { ...deps.send(event), ...extra, event, kinds });

  switch (step) {
    case "check": {
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
    }
    case "match": {
      const report = await matchWorkbook(workbook, now, deps.solver);
      const placed = new Set(report.result?.placements.map((placement) => placement.participant) ?? []).size;
      const unplaced = new Set(report.result?.unplaced.map((item) => item.participant) ?? []).size;
      return { placed, unplaced, ok: report.ok };
    }
    case "register-callback": {
      const parsed = callbackArgs.safeParse(args);
      if (!parsed.success) throw new StepRefused("register-callback needs a purpose and a URL");
      const { snapshot, control } = await readWorkflowControl(workbook);
      if (control.callbacks.get(parsed.data.purpose) !== parsed.data.url)
        await appendJournal(workbook, snapshot, now, control.zone, [
          controlLines.callback(parsed.data.purpose, parsed.data.url),
        ]);
      return {};
    }
    case "status": {
      const { snapshot, control } = await readWorkflowControl(workbook);
      if (control.kind === "seminar" && control.go && !control.goRecorded)
        await appendJournal(workbook, snapshot, now, control.zone, [controlLines.go()]);
      return { go: control.go, suspended: control.suspended };
    }
    case "send-convocations":
    case "send-tutor-requests":
    case "send-reminders":
    case "send-train-reminders":
    case "send-feedback":
    case "allocate-seats": {
      if (step === "send-train-reminders" && !trainArgs.safeParse(args).success)
        throw new StepRefused("send-train-reminders needs dueAt");
      // A lunch talk's statuses follow the registrations: the check writes `Inscrit` or the rank.
      if (step === "allocate-seats") await checkWorkbook(workbook, now, { kind: "lunch" });
      const kinds = [...(SENDING[step] ?? [])];
      // Suspension is read on the snapshot the sending reads anyway: one request less per call.
      return sendingAnswer(await send(kinds, { suspended: (snapshot) => readControl(snapshot).suspended }));
    }
    case "tutor-replies": {
      const { pending } = await pendingTutors(workbook, now);
      return { pending };
    }
    case "nudge-tutors": {
      const { control } = await readWorkflowControl(workbook);
      if (control.suspended) return { sent: 0, suspended: true };
      const report = await nudgeTutors(workbook, deps.mailer, deps.clock, {
        ...deps.send(event),
        event,
      });
      return { sent: report.sent };
    }
    case "mark-silent-tutors": {
      const { marked } = await markSilentTutors(workbook, deps.clock);
      await send(["alerte"]);
      return { marked };
    }
    case "plan":
      return planAnswer(workbook, now);
  }
}

function sendingAnswer(report: SendReport): Record<string, unknown> {
  if (report.suspended) return { done: false, sent: 0, suspended: true };
  // Nothing could leave and everything failed for now (the mail service is down): let the
  // workflow back off rather than call again at once.
  if (report.sent === 0 && report.deferred > 0 && report.failed === 0)
    throw new TemporarilyUnavailable(`${report.deferred} message(s) deferred`);
  // Only sends under reconciliation are left: the workflow waits a minute before asking again.
  const onlyUncertain =
    !report.done && report.remaining === 0 && report.deferred === 0 && report.uncertain > 0;
  return {
    done: report.done,
    sent: report.sent,
    suspended: false,
    ...(onlyUncertain ? { waitSeconds: RECONCILE_WAIT_SECONDS } : {}),
  };
}

/** How long the workflow waits while only uncertain sends remain (SES events arrive within seconds). */
const RECONCILE_WAIT_SECONDS = 60;

class TemporarilyUnavailable extends Error {
  override readonly name = "TemporarilyUnavailable";
}

async function planAnswer(workbook: EventWorkbook, now: Date): Promise<Record<string, unknown>> {
  const snapshot = await workbook.read(MESSAGE_TABS);
  const model = eventModel(snapshot, workbook.keys, now);
  if (!model) throw new StepRefused("not a Passerelle workbook");
  const closing =
    model.kind === "lunch"
      ? closingInstant(parseSettings<LunchSettings>(TABS.lunch, snapshot.get(TABS.lunch.name)).partial)
      : null;
  const zone = model.info.zone;
  const schedule = eventSchedule(model, now, closing?.toJSDate() ?? null);
  const iso = (instant: Date) => isoInZone(instant, zone);
  return {
    reminderAt: iso(schedule.reminderAt),
    trainReminders: schedule.trainReminders.map(iso),
    feedbackAt: iso(schedule.feedbackAt),
    repliesDeadline: iso(schedule.repliesDeadline),
    closingAt: schedule.closingAt ? iso(schedule.closingAt) : null,
    endAt: iso(schedule.endAt),
    zone,
  };
}

/** The HTTP status that tells the workflow whether to retry. */
export function statusForError(error: unknown): number {
  if (error instanceof StepRefused) return 400;
  if (error instanceof TemporarilyUnavailable) return 503;
  if (error instanceof SheetsRequestError) {
    if (error.status === undefined || isTransientHttpStatus(error.status)) return 503;
    return error.status === 403 || error.status === 404 ? 403 : 500;
  }
  const code = (error as { code?: unknown } | null)?.code;
  // A local workbook busy or briefly unreadable (a spreadsheet program holding it open).
  if (code === "EBUSY" || code === "EAGAIN" || code === "ETIMEDOUT" || code === "ECONNRESET") return 503;
  return 500;
}

export function workflowStepHandler(deps: WorkflowStepDeps): HttpFunction {
  return async (request: Request, response: Response) => {
    if (request.method !== "POST") {
      response.status(405).set("allow", "POST").json({ error: "Méthode non permise : utilisez POST." });
      return;
    }
    const body = request.rawBody ?? Buffer.alloc(0);
    if (body.length > WORKFLOW_STEP_MAX_BYTES) {
      deps.log.warn("workflow-step.too-large", { bytes: body.length });
      response.status(413).json({ error: "Requête trop volumineuse." });
      return;
    }
    const parsed = stepRequest.safeParse(parseJson(body));
    if (!parsed.success) {
      deps.log.warn("workflow-step.bad-request", {
        issues: parsed.error.issues.map((issue) => issue.path.join(".") || "body").join(","),
      });
      response.status(400).json({ error: "Requête invalide : étape ou événement inconnu." });
      return;
    }
    const started = Date.now();
    try {
      const answer = await runStep(deps, parsed.data);
      deps.log.info("workflow-step.done", {
        step: parsed.data.step,
        workbook: parsed.data.event,
        tookMs: Date.now() - started,
        ...numbersOf(answer),
      });
      response.status(200).json(answer);
    } catch (error) {
      const status = statusForError(error);
      deps.log[status === 503 ? "warn" : "error"]("workflow-step.failed", {
        step: parsed.data.step,
        workbook: parsed.data.event,
        status,
        error: error instanceof Error ? error.name : typeof error,
        message:
          error instanceof StepRefused || error instanceof TemporarilyUnavailable ? error.message : undefined,
      });
      response.status(status).json({
        error:
          status === 503
            ? "Service momentanément indisponible : l'étape sera refaite."
            : `Étape « ${parsed.data.step} » impossible.`,
      });
    }
  };
}

/** The body as JSON, `undefined` when it is not JSON. */
function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

function numbersOf(answer: Record<string, unknown>): Record<string, number | boolean> {
  const fields: Record<string, number | boolean> = {};
  for (const [key, value] of Object.entries(answer))
    if (typeof value === "number" || typeof value === "boolean") fields[key] = value;
  return fields;
}
