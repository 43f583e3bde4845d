/**
 * The cloud services the benchmark stands in for (Google Sheets, Amazon SES), either in a worker
 * thread of their own (the default: the measured time is the functions' and the runner's, as
 * deployed, and the stand-ins' share is reported apart) or in the benchmark's own thread
 * (`BENCH_STAND_INS=inline`, as the benchmark ran at first).
 */
import { Worker } from "node:worker_threads";
import { type LocalSes, type StoredEmail, startLocalSes } from "../../functions/local/ses.js";
import type { DeliveryLog } from "../../functions/ports.js";
import { FakeSheetsServer } from "../fakes/sheets-server.js";
import type { StandInAnswer, StandInCall, StandInData, StandInRequest } from "./stand-ins-worker.js";

export interface StandIns {
  readonly spreadsheetId: string;
  /** The fake Sheets API's root, for `GoogleSheetsWorkbook`. */
  readonly rootUrl: string;
  readonly ses: LocalSes;
  /** Sheets requests served so far. */
  sheetsRequests(): Promise<number>;
  /** Milliseconds the stand-ins' thread has been busy since it started; `undefined` when they share the benchmark's thread. */
  activeMs(): number | undefined;
  stop(): Promise<void>;
}

type Tabs = StandInData["tabs"];

/** Starts the fake Sheets server holding `tabs` and the local SES server, in a worker unless `inline`. */
export function startStandIns(spreadsheetId: string, tabs: Tabs, inline: boolean): Promise<StandIns> {
  return inline ? startInline(spreadsheetId, tabs) : startInWorker({ spreadsheetId, tabs });
}

async function startInline(spreadsheetId: string, tabs: Tabs): Promise<StandIns> {
  const fake = await FakeSheetsServer.start(spreadsheetId);
  for (const tab of tabs) fake.addTab(tab.title, tab.rows);
  const ses = await startLocalSes();
  return {
    spreadsheetId,
    rootUrl: fake.rootUrl,
    ses,
    sheetsRequests: async () => fake.requests.length,
    activeMs: () => undefined,
    async stop() {
      await ses.stop();
      await fake.close();
    },
  };
}

async function startInWorker(data: StandInData): Promise<StandIns> {
  const target = new URL("./stand-ins-worker.ts", import.meta.url).href;
  // A worker does not inherit tsx's loader: it registers it before importing the TypeScript module.
  const worker = new Worker(
    `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(target)}); });`,
    { eval: true, workerData: data },
  );
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const ready = new Promise<{ rootUrl: string; endpoint: string }>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (message: StandInAnswer | { ready: true; rootUrl: string; endpoint: string }) => {
      if ("ready" in message) {
        resolve(message);
        return;
      }
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.result);
    });
  });
  const { rootUrl, endpoint } = await ready;
  const call = <T>(request: StandInRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id } satisfies StandInCall);
    });
  const deliveries: DeliveryLog = {
    async accepted(ids) {
      return new Map(await call<[string, string][]>({ op: "accepted", ids: [...ids] }));
    },
  };
  const ses: LocalSes = {
    endpoint,
    deliveries,
    emails: () => call<StoredEmail[]>({ op: "emails" }),
    clear: () => call<void>({ op: "clear" }),
    stop: async () => {},
  };
  const started = worker.performance.eventLoopUtilization();
  return {
    spreadsheetId: data.spreadsheetId,
    rootUrl,
    ses,
    sheetsRequests: () => call<number>({ op: "sheetsRequests" }),
    activeMs: () => worker.performance.eventLoopUtilization(started).active,
    async stop() {
      await call<void>({ op: "stop" });
      await worker.terminate();
    },
  };
}
