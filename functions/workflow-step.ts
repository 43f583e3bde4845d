/**
 * `workflowStep`: runs one named, idempotent step of an event's workflow and answers what the
 * workflow branches on. The steps, their arguments and answers are the table of `app/steps.ts`
 * (the contract is in workflows/README.md). Called by Cloud Workflows with an OIDC token (only the
 * workflows' service account may invoke it), by the local runner on one machine.
 *
 * Statuses are retry decisions (`errors.ts`): 503 for what may succeed later (the workflow retries
 * with backoff), 400 for a request that will never be understood (413 for one over 64 KB), 403 for
 * a spreadsheet Passerelle may not open, 500 for anything unexpected (the execution fails and the
 * organizer sees it).
 */
import type { HttpFunction } from "@google-cloud/functions-framework";
import { z } from "zod";
import type { Solver } from "./app/match-workbook.js";
import type { SendOptions } from "./app/send-messages.js";
import { runStep, STEPS } from "./app/steps.js";
import { inSession } from "./app/workbook-session.js";
import { PermanentError, RetryableError, retryAfterOf, statusForError } from "./errors.js";
import type { Clock, EventWorkbook, Log, Mailer } from "./ports.js";
import type { Refusal } from "./request-guard.js";

/** The largest body accepted, in bytes (a step request is a few hundred). */
export const WORKFLOW_STEP_MAX_BYTES = 64 * 1024;

export const stepRequest = z.object({
  step: z.enum(STEPS),
  event: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_.-]+$/),
  args: z.record(z.string(), z.unknown()).default({}),
});

export interface WorkflowStepDeps {
  /** The request's workbook (a session: read once, written once). */
  readonly workbookFor: (event: string) => EventWorkbook;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly solver: Solver;
  /** Rate, budget, reply address and workbook link of the sends, per event. */
  readonly send: (event: string) => Omit<SendOptions, "event" | "kinds">;
  readonly log: Log;
}

export function workflowStepHandler(deps: WorkflowStepDeps): HttpFunction {
  return async (request, response) => {
    if (request.method !== "POST") {
      response.status(405).set("allow", "POST").json({ error: "Méthode non permise : utilisez POST." });
      return;
    }
    const parsed = parseStep(request.rawBody ?? Buffer.alloc(0));
    if ("status" in parsed) {
      deps.log.warn(parsed.log, parsed.fields);
      response.status(parsed.status).json({ error: parsed.error });
      return;
    }
    const { step, event, args } = parsed;
    const started = Date.now();
    try {
      const workbook = deps.workbookFor(event);
      const context = { event, workbook, now: deps.clock.now(), ...deps, send: deps.send(event) };
      const answer = await inSession(workbook, () => runStep(context, step, args));
      deps.log.info("workflow-step.done", {
        step,
        workbook: event,
        tookMs: Date.now() - started,
        ...numbersOf(answer),
      });
      response.status(200).json(answer);
    } catch (error) {
      const status = statusForError(error);
      logFailure(deps.log, step, event, status, error);
      const wait = retryAfterOf(error);
      if (wait !== undefined) response.set("retry-after", String(wait));
      response.status(status).json({
        error:
          status === 503
            ? "Service momentanément indisponible : l'étape sera refaite."
            : `Étape « ${step} » impossible.`,
      });
    }
  };
}

/** A failed step's log line: its class and, for the product's own errors, their message (no data). */
function logFailure(log: Log, step: string, event: string, status: number, error: unknown): void {
  const ours = error instanceof PermanentError || error instanceof RetryableError;
  log[status === 503 ? "warn" : "error"]("workflow-step.failed", {
    step,
    workbook: event,
    status,
    error: error instanceof Error ? error.name : typeof error,
    message: ours ? error.message : undefined,
  });
}

/** The step a body asks for, or why it is refused (413 over 64 KB, 400 not a known step). */
function parseStep(body: Buffer): z.infer<typeof stepRequest> | Refusal {
  if (body.length > WORKFLOW_STEP_MAX_BYTES)
    return {
      status: 413,
      error: "Requête trop volumineuse.",
      log: "workflow-step.too-large",
      fields: { bytes: body.length },
    };
  const parsed = stepRequest.safeParse(parseJson(body));
  if (parsed.success) return parsed.data;
  return {
    status: 400,
    error: "Requête invalide : étape ou événement inconnu.",
    log: "workflow-step.bad-request",
    fields: { issues: parsed.error.issues.map((issue) => issue.path.join(".") || "body").join(",") },
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
