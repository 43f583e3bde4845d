import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { GoogleSheetsWorkbook } from "../../functions/adapters/google-sheets-workbook.js";
import { SesMailer } from "../../functions/adapters/ses-mailer.js";
import { LedgerWorkbook } from "../../functions/app/ledger-workbook.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { type LocalSes, startLocalSes } from "../fakes/ses-server.js";
import { FakeSheetsServer, type InjectedFailure } from "../fakes/sheets-server.js";
import { EVENT, ManualClock } from "../messages/fixtures.js";
import { testKeys } from "../support/ledger.js";
import { crowd, expectExactlyOnce } from "./support.js";

const NOW = new Date("2027-03-01T10:00:00Z");
const LATER = 20 * 60_000;
const SPREADSHEET_ID = "classeur-pannes";
const options = { event: EVENT, kinds: ["convocation" as const], ratePerSecond: 14, sleep: async () => {} };

let ses: LocalSes;
let mailer: SesMailer;
let fake: FakeSheetsServer;
beforeAll(async () => {
  ses = await startLocalSes();
  mailer = new SesMailer({
    region: "eu-west-3",
    endpoint: ses.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    baseDelayMs: 1,
  });
});
afterAll(async () => {
  mailer.destroy();
  await ses.stop();
});
beforeEach(async () => {
  await ses.clear();
  fake = await FakeSheetsServer.start(SPREADSHEET_ID);
});
afterEach(async () => {
  await fake.close();
});

/**
 * One sending step's Sheets calls, in order: the first read (`values.batchGet`, after a first try
 * that finds the tab titles unknown), then per group of 14: the claim (`values.append`), its read-back
 * (`values.batchGet`), the `Convocation` cells (`values.batchUpdate`) and the outcomes (`values.append`).
 */
const faults: [string, InjectedFailure][] = [
  ["the first read answered 429 twice", { status: 429, times: 2, endpoint: "values.batchGet" }],
  ["the first read answered 503 six times", { status: 503, times: 6, endpoint: "values.batchGet", after: 1 }],
  [
    "the claim's read-back answered 503 six times",
    { status: 503, times: 6, endpoint: "values.batchGet", after: 2 },
  ],
  ["the claim's read-back answered 500 once", { status: 500, endpoint: "values.batchGet", after: 2 }],
  ["the claim's append answered 429", { status: 429, endpoint: "values.append" }],
  ["the claim's append answered 500", { status: 500, times: 2, endpoint: "values.append" }],
  [
    "the claim's append applied, then answered 500",
    { status: 500, endpoint: "values.append", afterApplying: true },
  ],
  [
    "the Convocation cells' write answered 503 six times",
    { status: 503, times: 6, endpoint: "values.batchUpdate" },
  ],
  [
    "the outcomes' append answered 503 six times",
    { status: 503, times: 6, endpoint: "values.append", after: 1 },
  ],
  [
    "the outcomes' append applied, then answered 500",
    { status: 500, endpoint: "values.append", after: 1, afterApplying: true },
  ],
  [
    "the second group's claim answered 503 six times",
    { status: 503, times: 6, endpoint: "values.append", after: 2 },
  ],
  [
    "the second group's read-back applied, then answered 500",
    { status: 500, endpoint: "values.batchGet", after: 3, afterApplying: true },
  ],
  [
    "the second group's outcomes applied, then answered 500",
    { status: 500, endpoint: "values.append", after: 3, afterApplying: true },
  ],
];

describe("Sheets failing during a sending step", () => {
  test.each(faults)("%s: nothing is lost and nothing is sent twice", async (_, failure) => {
    const { emails, snapshot } = crowd(26);
    for (const tab of snapshot.values())
      fake.addTab(
        tab.title,
        tab.rows.map((row) => [...row]),
      );
    const workbook = new LedgerWorkbook(
      new GoogleSheetsWorkbook(SPREADSHEET_ID, {
        rootUrl: fake.rootUrl,
        retry: { sleep: async () => {} },
        protectedTabs: ["Journal"],
      }),
      testKeys(EVENT),
    );
    fake.failNext(failure);
    const clock = new ManualClock(NOW);
    let done = false;
    for (let call = 0; call < 6 && !done; call++) {
      try {
        done = (await sendDueMessages(workbook, mailer, clock, { ...options, deliveries: ses.deliveries }))
          .done;
      } catch {
        // The step answers 500; the workflow calls it again later.
      }
      if (!done) clock.advance(LATER);
    }
    expect(done).toBe(true);
    // The fault was played where it was aimed.
    expect(
      fake.requests.some(
        (request) => request.status === failure.status && request.endpoint === failure.endpoint,
      ),
    ).toBe(true);
    await expectExactlyOnce(ses, workbook, emails, clock.now());
  });
});
