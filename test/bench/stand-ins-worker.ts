/**
 * The benchmark's stand-ins for the cloud services (the fake Google Sheets server, the local SES
 * server), served from a worker thread as they would be from machines of their own: their CPU is
 * not the functions'. Started by `stand-ins.ts`; answers its calls (`StandInCall`) on the port.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type LocalSes, startLocalSes } from "../../functions/local/ses.js";
import { FakeSheetsServer, type FakeValue } from "../fakes/sheets-server.js";

/** What the worker is started with: the spreadsheet's id and tabs. */
export interface StandInData {
  readonly spreadsheetId: string;
  readonly tabs: readonly { title: string; rows: (FakeValue | null)[][] }[];
}

/** What the worker is asked. */
export type StandInRequest =
  | { readonly op: "accepted"; readonly ids: readonly string[] }
  | { readonly op: "emails" | "clear" | "sheetsRequests" | "stop" };

/** A call to the worker, answered by a `StandInAnswer` with the same `id`. */
export type StandInCall = StandInRequest & { readonly id: number };

export interface StandInAnswer {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}

async function serve(port: NonNullable<typeof parentPort>, data: StandInData): Promise<void> {
  const fake = await FakeSheetsServer.start(data.spreadsheetId);
  for (const tab of data.tabs) fake.addTab(tab.title, tab.rows);
  const ses: LocalSes = await startLocalSes();
  const run = async (call: StandInCall): Promise<unknown> => {
    switch (call.op) {
      case "accepted":
        return [...(await ses.deliveries.accepted(call.ids))];
      case "emails":
        return ses.emails();
      case "clear":
        return ses.clear();
      case "sheetsRequests":
        return fake.requests.length;
      case "stop":
        await ses.stop();
        await fake.close();
        return undefined;
    }
  };
  port.on("message", (call: StandInCall) => {
    run(call).then(
      (result) => port.postMessage({ id: call.id, result } satisfies StandInAnswer),
      (error: unknown) => port.postMessage({ id: call.id, error: String(error) } satisfies StandInAnswer),
    );
  });
  port.postMessage({ ready: true, rootUrl: fake.rootUrl, endpoint: ses.endpoint });
}

if (parentPort) await serve(parentPort, workerData as StandInData);
