/**
 * The three functions, built from a platform: the Google one in the cloud (index.ts), local
 * stand-ins on one machine (functions/local/). Everything the functions do is here; only the
 * adapters differ.
 *
 * Each function loads its modules on its first request, and only its own: a cold `sheetEdit`
 * does not pay for the MIME parser of `inboundMail` nor for the matching of `workflowStep`.
 */
import type { HttpFunction } from "@google-cloud/functions-framework";
import type { SnsVerifierPort } from "./adapters/sns-verifier.js";
import { LedgerWorkbook } from "./app/ledger-workbook.js";
import type { Solver } from "./app/match-workbook.js";
import type { SendOptions } from "./app/send-messages.js";
import { WorkbookSession } from "./app/workbook-session.js";
import { CYCLE_TABS } from "./core/cycle/cycle-schemas.js";
import { REVERSE_TABS } from "./core/inversee/schemas.js";
import { ledgerKeys } from "./core/ledger/keys.js";
import { replyAddress } from "./core/security/reply-token.js";
import { TABS } from "./core/sheet/schemas.js";
import type { Clock, DeliveryLog, EventWorkbook, Log, Mailer, Workbook, WorkflowStarter } from "./ports.js";

export interface Platform {
  readonly workbookFor: (event: string) => Workbook;
  readonly mailer: Mailer;
  /** What the mail service reports it accepted, where it can be asked (the local server); the ledger alone otherwise. */
  readonly deliveries?: DeliveryLog;
  readonly clock: Clock;
  readonly solver: Solver;
  readonly starter: WorkflowStarter;
  readonly verifier: SnsVerifierPort;
  /** Confirms an SNS subscription (fetches its URL). */
  readonly fetch: (url: string) => Promise<{ readonly ok: boolean; readonly status: number }>;
  readonly config: {
    readonly editSecret: string;
    readonly replySecret: string;
    /** The domain (or `local@domain`) tutors' replies are received at. */
    readonly replyDomain: string;
    readonly stepUrl: string;
    readonly topicArn: string;
    readonly sendRate: number;
    readonly sendBudgetSeconds: number;
    /** A link to an event's spreadsheet, for the organizer's alerts. */
    readonly workbookLink?: (event: string) => string;
  };
  readonly log: Log;
}

export interface Handlers {
  readonly sheetEdit: HttpFunction;
  readonly workflowStep: HttpFunction;
  readonly inboundMail: HttpFunction;
}

export function sendOptionsFor(
  platform: Omit<Platform, "workbookFor">,
  event: string,
): Omit<SendOptions, "event" | "kinds"> {
  const { config } = platform;
  const link = config.workbookLink?.(event);
  return {
    ratePerSecond: config.sendRate,
    budgetMs: config.sendBudgetSeconds * 1000,
    ...(platform.deliveries ? { deliveries: platform.deliveries } : {}),
    plan: {
      replyAddress: (input) => replyAddress(input, config.replySecret, config.replyDomain),
      ...(link ? { workbookLink: link } : {}),
    },
  };
}

/** A function whose handler is built on its first request (its modules imported then). */
function lazy(build: () => Promise<HttpFunction>): HttpFunction {
  let handler: Promise<HttpFunction> | undefined;
  return async (request, response) => {
    if (!handler) {
      handler = build();
      // A failed import is tried again by the next request.
      handler.catch(() => {
        handler = undefined;
      });
    }
    return (await handler)(request, response);
  };
}

/**
 * Every tab of every kind of event: a request's first read fetches them all, in one round trip
 * (`WorkbookSession`); a tab left out would be read later, on its own, and make the request's
 * kept writes leave early.
 */
const SESSION_TABS = [
  ...new Set([
    ...Object.values(TABS).map((tab) => tab.name),
    ...CYCLE_TABS,
    ...Object.values(REVERSE_TABS).map((tab) => tab.name),
  ]),
];

/**
 * The platform with every workbook sealed and verified: the only way the functions open one. The
 * ledger keys of an event are derived from the reply secret (`core/ledger/keys.ts`). Each call
 * opens a request's session over it (`app/workbook-session.ts`): a request calls it once and
 * passes the workbook along, so its use cases share one read and one write.
 */
type SealedPlatform = Omit<Platform, "workbookFor"> & {
  readonly workbookFor: (event: string) => EventWorkbook;
};

function sealed(platform: Platform): SealedPlatform {
  const inner = platform.workbookFor;
  return {
    ...platform,
    workbookFor: (event) => {
      const workbook = inner(event);
      // A workbook that is sealed already (a test's own) keeps its keys.
      const sealedWorkbook =
        "keys" in workbook
          ? (workbook as EventWorkbook)
          : new LedgerWorkbook(workbook, ledgerKeys(platform.config.replySecret, event));
      return new WorkbookSession(sealedWorkbook, { readAlso: SESSION_TABS });
    },
  };
}

export function buildHandlers(base: Platform): Handlers {
  const platform = sealed(base);
  return {
    sheetEdit: lazy(() => sheetEditFunction(platform)),
    workflowStep: lazy(() => workflowStepFunction(platform)),
    inboundMail: lazy(() => inboundMailFunction(platform)),
  };
}

/** `sheetEdit`: the check of an edit, what it sets in motion, and the record of applied edits. */
async function sheetEditFunction(platform: SealedPlatform): Promise<HttpFunction> {
  const { config } = platform;
  const [{ sheetEditHandler }, { checkWorkbook, kindOfTab }, { followEdit }, { readEditLedger }] =
    await Promise.all([
      import("./sheet-edit.js"),
      import("./app/check-workbook.js"),
      import("./app/workflow-control.js"),
      import("./app/applied-edits.js"),
    ]);
  return sheetEditHandler({
    secret: config.editSecret,
    ledger: readEditLedger,
    workbookFor: platform.workbookFor,
    check: (workbook, now, edit) => {
      const kind = kindOfTab(edit.tab);
      return checkWorkbook(workbook, now, kind ? { kind } : {});
    },
    onAction: ({ edit, workbook, now }) =>
      followEdit(
        {
          starter: platform.starter,
          stepUrl: config.stepUrl,
          solver: platform.solver,
          mailer: platform.mailer,
          clock: platform.clock,
          send: sendOptionsFor(platform, edit.spreadsheetId),
        },
        {
          event: edit.spreadsheetId,
          tab: edit.tab,
          rows: { first: edit.firstRow, last: edit.lastRow },
          workbook,
          now,
        },
      ),
    clock: platform.clock,
    log: platform.log,
  });
}

/** `workflowStep`: the step table's use cases on the request's workbook. */
async function workflowStepFunction(platform: SealedPlatform): Promise<HttpFunction> {
  const { workflowStepHandler } = await import("./workflow-step.js");
  return workflowStepHandler({
    workbookFor: platform.workbookFor,
    mailer: platform.mailer,
    clock: platform.clock,
    solver: platform.solver,
    send: (event) => sendOptionsFor(platform, event),
    log: platform.log,
  });
}

/** `inboundMail`: replies, bounces and `Send` events; a decline's follow-ups; the replies wait woken. */
async function inboundMailFunction(platform: SealedPlatform): Promise<HttpFunction> {
  const { config } = platform;
  const [{ inboundMailHandler }, { replyFollowUps }, { pendingTutors }, control] = await Promise.all([
    import("./inbound-mail.js"),
    import("./app/reply-follow-ups.js"),
    import("./app/tutor-lifecycle.js"),
    import("./app/workflow-control.js"),
  ]);
  return inboundMailHandler({
    verifier: platform.verifier,
    config: { topicArn: config.topicArn, replySecret: config.replySecret },
    workbookFor: platform.workbookFor,
    clock: platform.clock,
    fetch: platform.fetch,
    followUps: replyFollowUps({
      workbookFor: platform.workbookFor,
      mailer: platform.mailer,
      clock: platform.clock,
      solver: platform.solver,
      sendOptions: (event: string) => sendOptionsFor(platform, event),
      // The workflow waits for every answer, the nudge time or the deadline: it is woken only
      // when the last awaited answer arrives (one wake-up per seminar, not one per tutor).
      onAnswer: async (event, _tutor, _decision, given) => {
        const workbook = given ?? platform.workbookFor(event);
        const { pending } = await pendingTutors(workbook, platform.clock.now());
        if (pending > 0) return;
        const { control: state } = await control.readWorkflowControl(workbook);
        await control.signalWorkflow(platform.starter, workbook, state, ["replies"], {
          purpose: "replies",
        });
      },
    }),
    log: platform.log,
  });
}
