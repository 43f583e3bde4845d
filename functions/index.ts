/**
 * The composition root of the Cloud Functions: the only place that reads the environment and
 * builds the Google and Amazon adapters. Each function is registered with the functions framework
 * under the name `serverless.yml` deploys it as; the platform is built on the first request.
 */
import { auth as googleAuth } from "@googleapis/sheets";
import { GoogleSheetsWorkbook, SheetTitleCache } from "./adapters/google-sheets-workbook.js";
import { GoogleWorkflowStarter } from "./adapters/google-workflow-starter.js";
import { jsonConsoleLog } from "./adapters/json-log.js";
import { httpsCertificateFetcher, SnsVerifier } from "./adapters/sns-verifier.js";
import { ReverseAwareWorkbook } from "./app/reverse-workbook.js";
import { loadConfig } from "./config.js";
import { buildHandlers, type Handlers } from "./handlers.js";
import type { Mailer } from "./ports.js";
import { BODY_LIMITS, register } from "./request-guard.js";

let built: Handlers | undefined;

/** Amazon SES, its SDK loaded by the first message sent. */
function lazyMailer(
  region: string,
  endpoint: string | undefined,
  configurationSet: string | undefined,
): Mailer {
  let mailer: Promise<Mailer> | undefined;
  return {
    async send(message) {
      mailer ??= import("./adapters/ses-mailer.js").then(
        ({ SesMailer }) =>
          new SesMailer({
            region,
            ...(endpoint ? { endpoint } : {}),
            ...(configurationSet ? { configurationSet } : {}),
          }),
      );
      return (await mailer).send(message);
    },
  };
}

function handlers(): Handlers {
  if (built) return built;
  const config = loadConfig(process.env);
  const titles = new SheetTitleCache();
  const sheetsAuth = new googleAuth.GoogleAuth({ scopes: ["https://www.googleapis.com/auth/spreadsheets"] });
  const cloudAuth = new googleAuth.GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] });
  built = buildHandlers({
    workbookFor: (spreadsheetId) =>
      new ReverseAwareWorkbook(
        new GoogleSheetsWorkbook(spreadsheetId, {
          auth: sheetsAuth,
          titleCache: titles,
          protectedTabs: ["Journal"],
          ...(config.PASSERELLE_SHEETS_ACCOUNT ? { editor: config.PASSERELLE_SHEETS_ACCOUNT } : {}),
        }),
      ),
    mailer: lazyMailer(config.SES_REGION, config.SES_ENDPOINT, config.PASSERELLE_SES_CONFIGURATION_SET),
    clock: { now: () => new Date() },
    // The solver (and its WebAssembly worker) is loaded by the first matching only.
    solver: async (problem, options) => {
      const { highsPlacements } = await import("./adapters/highs-solver.js");
      return highsPlacements(problem, options);
    },
    starter: new GoogleWorkflowStarter({
      project: config.GOOGLE_CLOUD_PROJECT,
      ...(config.PASSERELLE_PROJECT_NUMBER ? { projectNumber: config.PASSERELLE_PROJECT_NUMBER } : {}),
      log: jsonConsoleLog,
      location: config.PASSERELLE_WORKFLOW_LOCATION,
      workflows: {
        seminar: config.PASSERELLE_WORKFLOW_SEMINAR,
        lunch: config.PASSERELLE_WORKFLOW_LUNCH,
        cycle: config.PASSERELLE_WORKFLOW_CYCLE,
      },
      auth: cloudAuth,
    }),
    verifier: new SnsVerifier({ fetchCertificate: httpsCertificateFetcher() }),
    fetch: (url) => fetch(url, { signal: AbortSignal.timeout(10_000) }),
    config: {
      editSecret: config.PASSERELLE_EDIT_SECRET,
      replySecret: config.PASSERELLE_REPLY_SECRET,
      replyDomain: config.PASSERELLE_REPLY_DOMAIN,
      stepUrl: config.PASSERELLE_STEP_URL,
      topicArn: config.PASSERELLE_SNS_TOPIC_ARN,
      sendRate: config.PASSERELLE_SEND_RATE,
      sendBudgetSeconds: config.PASSERELLE_SEND_BUDGET_SECONDS,
      workbookLink: (event) => `https://docs.google.com/spreadsheets/d/${event}/edit`,
    },
    log: jsonConsoleLog,
  });
  return built;
}

// Each function is served behind the body guard: bodies read raw within its limit, never inflated.
register("sheetEdit", (request, response) => handlers().sheetEdit(request, response), {
  name: "sheet-edit",
  limitBytes: BODY_LIMITS.sheetEdit,
  log: jsonConsoleLog,
});
register("workflowStep", (request, response) => handlers().workflowStep(request, response), {
  name: "workflow-step",
  limitBytes: BODY_LIMITS.workflowStep,
  log: jsonConsoleLog,
});
register("inboundMail", (request, response) => handlers().inboundMail(request, response), {
  name: "inbound-mail",
  limitBytes: BODY_LIMITS.inboundMail,
  log: jsonConsoleLog,
});
