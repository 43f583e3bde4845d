import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { SesMailer } from "../../functions/adapters/ses-mailer.js";
import { type SendReport, sendDueMessages } from "../../functions/app/send-messages.js";
import { type Mailer, UncertainSendError } from "../../functions/ports.js";
import {
  type Fault,
  type FaultySes,
  type LocalSes,
  startFaultySes,
  startLocalSes,
} from "../fakes/ses-server.js";
import { EVENT, ManualClock } from "../messages/fixtures.js";
import { MemoryWorkbook } from "../support/workbooks.js";
import { crowd, expectExactlyOnce } from "./support.js";

const NOW = new Date("2027-03-01T10:00:00Z");
const LATER = 20 * 60_000;
const options = { event: EVENT, kinds: ["convocation" as const], ratePerSecond: 14, sleep: async () => {} };

let ses: LocalSes;
let proxy: FaultySes | undefined;
beforeEach(async () => {
  ses = await startLocalSes();
  await ses.clear();
});
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
  await ses.stop();
});

describe("SES accepts a message and the answer is lost", () => {
  test.each<Fault>(["accepted-reset", "accepted-500", "accepted-timeout"])(
    "with one call in four %s, nothing is retried blindly, reconciliation marks those keys sent and nobody gets two",
    async (fault) => {
      proxy = await startFaultySes((call) => (call % 4 === 0 ? fault : "ok"), ses.endpoint);
      const mailer = new SesMailer({
        region: "eu-west-3",
        endpoint: proxy.endpoint,
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
        baseDelayMs: 1,
        requestTimeoutMs: 5_000,
      });
      try {
        const { emails, snapshot } = crowd(26);
        const workbook = new MemoryWorkbook(snapshot);
        const clock = new ManualClock(NOW);
        const first = await sendDueMessages(workbook, mailer, clock, {
          ...options,
          deliveries: ses.deliveries,
        });
        const ambiguous = proxy.calls.filter((call) => call === fault).length;
        expect(ambiguous).toBe(6);
        // SesMailer never called twice for one message: one call per attempt of the step.
        expect(proxy.calls).toHaveLength(first.attempts);
        // (A slow local server may make an ordinary call time out too: uncertain as well, never retried.)
        expect(first.uncertain).toBeGreaterThanOrEqual(ambiguous);
        expect(first.done).toBe(false);

        const reports: SendReport[] = [];
        for (let call = 0; call < 4 && reports.at(-1)?.done !== true; call++)
          reports.push(
            await sendDueMessages(workbook, mailer, clock, { ...options, deliveries: ses.deliveries }),
          );
        expect(reports.at(-1)?.done).toBe(true);
        // Every ambiguous key was found accepted by SES: none of them was released and sent again.
        expect(reports.reduce((sum, report) => sum + report.reconciled.sent, 0)).toBe(first.uncertain);
        expect(reports.reduce((sum, report) => sum + report.reconciled.released, 0)).toBe(0);
        clock.advance(LATER);
        const after = await sendDueMessages(workbook, mailer, clock, {
          ...options,
          deliveries: ses.deliveries,
        });
        expect(after).toMatchObject({ sent: 0, attempts: 0, done: true });
        await expectExactlyOnce(ses, workbook, emails, clock.now());
      } finally {
        mailer.destroy();
      }
    },
  );
});

describe("a step called again while an earlier call's send is still uncertain", () => {
  test("is not done until that send is settled, so the workflow waits instead of moving on", async () => {
    const { emails, snapshot } = crowd(3);
    const workbook = new MemoryWorkbook(snapshot);
    const clock = new ManualClock(NOW);
    const delivered: string[] = [];
    let calls = 0;
    const mailer: Mailer = {
      send: async (message) => {
        calls++;
        // The first attempt times out: SES may or may not have taken it (here it did not).
        if (calls === 1) throw new UncertainSendError("timeout");
        delivered.push(typeof message.to === "string" ? message.to : message.to.address);
        return { messageId: `m-${calls}` };
      },
    };

    const first = await sendDueMessages(workbook, mailer, clock, options);
    expect(first).toMatchObject({ uncertain: 1, done: false });

    // Within the grace period, with no report from the mail service: nothing to send, still not done.
    const second = await sendDueMessages(workbook, mailer, clock, options);
    expect(second).toMatchObject({ sent: 0, uncertain: 1, done: false });

    // After the grace period without a report, the key is released and sent once more.
    clock.advance(LATER);
    const third = await sendDueMessages(workbook, mailer, clock, options);
    expect(third).toMatchObject({ sent: 1, done: true });
    expect(delivered.sort()).toEqual([...emails].sort());
  });
});
