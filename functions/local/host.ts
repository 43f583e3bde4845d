/**
 * Passerelle on one machine: the same three functions, served by the functions framework on
 * localhost, over local stand-ins of the cloud: `.xlsx` workbooks for Google Sheets, a local
 * SES-compatible server for Amazon SES, locally signed SNS notifications for SES receiving, and
 * the local workflow runner (workflows/runner) for Cloud Workflows, on a real or simulated clock.
 *
 * An event's id is its workbook's file name without `.xlsx`, in the host's folder.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import type { SchedulerClock } from "../../workflows/runner/clock.js";
import { type RunnerEvent, WorkflowRunner } from "../../workflows/runner/runner.js";
import type { Value } from "../../workflows/runner/values.js";
import { highsPlacements } from "../adapters/highs-solver.js";
import { SesMailer } from "../adapters/ses-mailer.js";
import { XlsxWorkbook } from "../adapters/xlsx-workbook.js";
import { ReverseAwareWorkbook } from "../app/reverse-workbook.js";
import { ledgerKeys } from "../core/ledger/keys.js";
import { signedEditHeaders } from "../core/security/edit-signature.js";
import { spreadsheetKey } from "../core/security/keys.js";
import { buildHandlers, type Handlers, type Platform } from "../handlers.js";
import type { Clock, DeliveryLog, Log, LogFields, Mailer, Workbook, WorkflowStarter } from "../ports.js";
import { BODY_LIMITS, register } from "../request-guard.js";
import { DurableLedgerWorkbook } from "./durable-ledger.js";
import { LocalSns } from "./sns.js";

const WORKFLOWS = resolve(import.meta.dirname, "../../workflows");
/** The definition each kind of event runs. */
const DEFINITIONS = { seminar: "seminar.yaml", lunch: "lunch-talk.yaml", cycle: "cycle.yaml" } as const;
export const LOCAL_REPLY_DOMAIN = "reponses.passerelle.localhost";

export interface LocalHostOptions {
  /** Where the workbooks, the workflow state and the local secrets live. */
  readonly dir: string;
  readonly clock: SchedulerClock;
  /** The local SES-compatible server. */
  readonly sesEndpoint: string;
  /** What that server accepted (`LocalSes.deliveries`): sends whose outcome was lost are settled from it. */
  readonly deliveries?: DeliveryLog;
  /**
   * Fixed ports survive a restart: executions keep the step URL and the callback URLs they were
   * given. Free ports when absent.
   */
  readonly ports?: Partial<Record<keyof Handlers | "runner", number>>;
  readonly sendRate?: number;
  readonly sendBudgetSeconds?: number;
  /** Every log line of the functions (a timeline prints them in French). */
  readonly onLog?: (level: "info" | "warn" | "error", event: string, fields: LogFields) => void;
  readonly onRunnerEvent?: (event: RunnerEvent) => void;
  /** Another spreadsheet than the `.xlsx` files of the folder (the benchmark's fake Google Sheets). */
  readonly workbookFor?: (event: string) => Workbook;
  /** Wraps the mailer (the local outbox keeps a copy of every message sent). */
  readonly wrapMailer?: (mailer: Mailer) => Mailer;
  /**
   * Between two looks at the lock files of a spreadsheet program holding the workbook open (ms;
   * default 1 000), and how to wait that long (the real timer when absent).
   */
  readonly lockPollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Secrets {
  readonly edit: string;
  readonly reply: string;
}

/** Local secrets, made once: reply addresses sent before a restart must still be recognized. */
function localSecrets(dir: string): Secrets {
  const path = join(dir, "secrets.json");
  if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as Secrets;
  const secrets = { edit: randomBytes(24).toString("hex"), reply: randomBytes(24).toString("hex") };
  writeFileSync(path, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

let instances = 0;

const LOG_NAMES = {
  sheetEdit: "sheet-edit",
  workflowStep: "workflow-step",
  inboundMail: "inbound-mail",
} as const;

/** The step a workflowStep body names (for the benchmark's counts), read from its raw bytes. */
function stepOf(body: Buffer | undefined): string | undefined {
  try {
    const step = (JSON.parse(body?.toString("utf8") ?? "") as { step?: unknown } | null)?.step;
    return typeof step === "string" ? step : undefined;
  } catch {
    return undefined;
  }
}

/** A callback endpoint of the local runner: its own origin, its own path shape. */
export function isLocalCallback(url: string, runnerBase: string): boolean {
  try {
    const parsed = new URL(url);
    const base = new URL(runnerBase);
    return (
      parsed.origin === base.origin &&
      parsed.username === "" &&
      parsed.search === "" &&
      /^\/callbacks\/[A-Za-z0-9_-]+\/[a-f0-9]+$/.test(parsed.pathname)
    );
  } catch {
    return false;
  }
}

/** Which function (and which workflow step) the current code runs for: for the benchmark's counts. */
export const requestContext = new AsyncLocalStorage<{
  readonly name: keyof Handlers;
  readonly step?: string;
}>();

export class LocalHost {
  private constructor(
    readonly dir: string,
    readonly runner: WorkflowRunner,
    readonly sns: LocalSns,
    readonly handlers: Handlers,
    private readonly servers: Map<keyof Handlers, Server>,
    private readonly secrets: Secrets,
    readonly clock: Clock,
    private readonly inFlight: { count: number },
    private readonly platform: Platform,
  ) {}

  static async start(options: LocalHostOptions): Promise<LocalHost> {
    const dir = resolve(options.dir);
    mkdirSync(join(dir, "workflows"), { recursive: true });
    const secrets = localSecrets(dir);
    const runner = await WorkflowRunner.open({
      stateDir: join(dir, "workflows"),
      clock: options.clock,
      ...(options.ports?.runner !== undefined ? { port: options.ports.runner } : {}),
      ...(options.onRunnerEvent ? { onEvent: options.onRunnerEvent } : {}),
    });
    const clock: Clock = { now: () => new Date(options.clock.now()) };
    const sns = LocalSns.create();
    const log: Log = {
      info: (event, fields = {}) => options.onLog?.("info", event, fields),
      warn: (event, fields = {}) => options.onLog?.("warn", event, fields),
      error: (event, fields = {}) => options.onLog?.("error", event, fields),
    };
    const starter: WorkflowStarter = {
      async start({ kind, args }) {
        const definition = join(WORKFLOWS, DEFINITIONS[kind]);
        const info = runner.startExecution(definition, args as Value);
        return { executionId: info.id };
      },
      async signal(url, payload) {
        // The local runner's own callbacks only, as the cloud signals only Workflow Executions.
        if (!isLocalCallback(url, runner.baseUrl)) {
          log.error("workflow.callback-refused", { reason: "other-host" });
          throw new Error("Callback URL refused: not the local runner's");
        }
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(payload),
        });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`The callback answered HTTP ${response.status}`);
      },
    };
    const urls = new Map<keyof Handlers, string>();
    const durable = new Map<string, Workbook>();
    const platform: Platform = {
      workbookFor: (event) => {
        if (options.workbookFor) return options.workbookFor(event);
        if (!/^[\w.-]+$/.test(event)) throw new Error("An event id is a file name without a folder");
        let workbook = durable.get(event);
        if (!workbook) {
          const path = join(dir, `${event}.xlsx`);
          workbook = new DurableLedgerWorkbook(new ReverseAwareWorkbook(XlsxWorkbook.shared(path)), path, {
            file: join(dir, `${event}.registre.jsonl`),
            keys: ledgerKeys(secrets.reply, event),
            log: (name, fields) => log.info(name, fields),
            ...(options.lockPollMs !== undefined ? { pollMs: options.lockPollMs } : {}),
            ...(options.sleep ? { sleep: options.sleep } : {}),
          });
          durable.set(event, workbook);
        }
        return workbook;
      },
      mailer: (options.wrapMailer ?? ((mailer: Mailer) => mailer))(
        new SesMailer({
          region: "eu-west-3",
          endpoint: options.sesEndpoint,
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }),
      ),
      clock,
      ...(options.deliveries ? { deliveries: options.deliveries } : {}),
      solver: highsPlacements,
      starter,
      verifier: sns.verifier(),
      fetch: async () => ({ ok: true, status: 200 }),
      config: {
        editSecret: secrets.edit,
        replySecret: secrets.reply,
        replyDomain: LOCAL_REPLY_DOMAIN,
        get stepUrl() {
          return urls.get("workflowStep") ?? "";
        },
        topicArn: sns.topicArn,
        sendRate: options.sendRate ?? 14,
        sendBudgetSeconds: options.sendBudgetSeconds ?? 50,
        workbookLink: (event) => join(dir, `${event}.xlsx`),
      },
      log,
    };
    const handlers = buildHandlers(platform);
    const servers = new Map<keyof Handlers, Server>();
    const inFlight = { count: 0 };
    const instance = ++instances;
    for (const name of ["sheetEdit", "workflowStep", "inboundMail"] as const) {
      const registered = `${name}-local-${instance}`;
      const guard = { name: LOG_NAMES[name], limitBytes: BODY_LIMITS[name], log };
      register(
        registered,
        async (request, response) => {
          inFlight.count++;
          const step = name === "workflowStep" ? stepOf(request.rawBody) : undefined;
          try {
            await requestContext.run({ name, ...(typeof step === "string" ? { step } : {}) }, () =>
              handlers[name](request, response),
            );
          } finally {
            inFlight.count--;
          }
        },
        guard,
      );
      const server = getTestServer(registered);
      await new Promise<void>((done, fail) => {
        server.once("error", fail);
        server.listen(options.ports?.[name] ?? 0, "127.0.0.1", () => done());
      });
      servers.set(name, server);
      urls.set(name, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    }
    return new LocalHost(dir, runner, sns, handlers, servers, secrets, clock, inFlight, platform);
  }

  url(name: keyof Handlers): string {
    const address = this.servers.get(name)?.address() as AddressInfo | null | undefined;
    return `http://127.0.0.1:${address?.port ?? 0}/`;
  }

  workbookPath(event: string): string {
    return join(this.dir, `${event}.xlsx`);
  }

  /** The event's workbook, the same instance the functions use. */
  workbook(event: string): Workbook {
    return this.platform.workbookFor(event);
  }

  /** The key the event's Apps Script would hold (`passerelle cle`). */
  editKey(event: string): string {
    return spreadsheetKey(this.secrets.edit, "edit", event);
  }

  /** What the spreadsheet's Apps Script does after an edit: a signed POST to `sheetEdit`. */
  async edit(
    event: string,
    tab: string,
    range: { firstRow?: number; lastRow?: number; firstColumn?: number; lastColumn?: number } = {},
  ): Promise<{ status: number; body: unknown }> {
    const body = JSON.stringify({
      spreadsheetId: event,
      editId: randomUUID(),
      tab,
      firstRow: range.firstRow ?? 1,
      lastRow: range.lastRow ?? range.firstRow ?? 1,
      firstColumn: range.firstColumn ?? 1,
      lastColumn: range.lastColumn ?? range.firstColumn ?? 1,
    });
    const now = this.clock.now();
    const response = await fetch(this.url("sheetEdit"), {
      method: "POST",
      headers: { "content-type": "application/json", ...signedEditHeaders(this.editKey(event), body, now) },
      body,
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }

  /** A message received by SES for `to`, published to `inboundMail` as SNS does. */
  receive(raw: string | Buffer, to: string, id?: string): Promise<number> {
    return this.sns.deliver(this.url("inboundMail"), this.sns.received(raw, to, this.clock.now(), id));
  }

  /**
   * Stops as a crash of the workflow engine would: the runner stops at once (its state stays on
   * disk and a new host resumes it), while requests the functions already took finish their
   * work, as a Cloud Function instance does whatever happens to its caller.
   */
  async stop(): Promise<void> {
    await this.runner.close();
    while (this.inFlight.count > 0) await new Promise((done) => setTimeout(done, 10));
    await Promise.all(
      [...this.servers.values()].map(
        (server) =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      ),
    );
  }
}
