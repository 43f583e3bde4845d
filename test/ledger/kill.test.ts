import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { SesMailer } from "../../functions/adapters/ses-mailer.js";
import { type SendReport, sendDueMessages } from "../../functions/app/send-messages.js";
import type { EventWorkbook, Mailer, OutgoingMessage } from "../../functions/ports.js";
import { type LocalSes, startLocalSes } from "../fakes/ses-server.js";
import { EVENT, ManualClock } from "../messages/fixtures.js";
import { MemoryWorkbook } from "../support/workbooks.js";
import { crowd, expectExactlyOnce } from "./support.js";

const NOW = new Date("2027-03-01T10:00:00Z");
/** Past the claims' lease (budget + 1 minute) and the 15-minute grace of reconciliation. */
const LATER = 20 * 60_000;
const options = { event: EVENT, kinds: ["convocation" as const], ratePerSecond: 14, sleep: async () => {} };

/**
 * The process dies once SES has accepted `after` messages: from then on no call of this run
 * reaches SES or the workbook (each throws `killed`), as when the instance is stopped mid-step.
 */
class KillSwitch {
  private accepted = 0;
  dead = false;
  constructor(private readonly after: number) {}
  mailer(inner: Mailer): Mailer {
    return {
      send: async (message: OutgoingMessage) => {
        if (this.dead) throw new Error("killed");
        const answer = await inner.send(message);
        this.accepted++;
        if (this.accepted >= this.after) this.dead = true;
        return answer;
      },
    };
  }
  workbook(inner: EventWorkbook): EventWorkbook {
    return {
      keys: inner.keys,
      read: async (names) => {
        if (this.dead) throw new Error("killed");
        return inner.read(names);
      },
      write: async (changes) => {
        if (this.dead) throw new Error("killed");
        return inner.write(changes);
      },
    };
  }
}

let ses: LocalSes;
let mailer: SesMailer;
beforeEach(async () => {
  ses = await startLocalSes();
  await ses.clear();
  mailer = new SesMailer({
    region: "eu-west-3",
    endpoint: ses.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    baseDelayMs: 1,
  });
});
afterEach(async () => {
  mailer.destroy();
  await ses.stop();
});

/** Later calls on a simulated clock, until the step says it is done. */
async function resume(workbook: EventWorkbook, clock: ManualClock): Promise<SendReport[]> {
  const reports: SendReport[] = [];
  for (let call = 0; call < 5; call++) {
    const report = await sendDueMessages(workbook, mailer, clock, { ...options, deliveries: ses.deliveries });
    reports.push(report);
    if (report.done) break;
    clock.advance(LATER);
  }
  return reports;
}

describe("a sending step killed midway", () => {
  test.each([1, 10, 25])(
    "killed after SES accepted %i of 26 convocations, the resumed step sends each of the others once and sends nothing twice",
    async (after) => {
      const { emails, snapshot } = crowd(26);
      const workbook = new MemoryWorkbook(snapshot);
      const clock = new ManualClock(NOW);
      const kill = new KillSwitch(after);
      await expect(
        sendDueMessages(kill.workbook(workbook), kill.mailer(mailer), clock, options),
      ).rejects.toThrow("killed");
      // Sends already in flight when it died may have been accepted too.
      expect((await ses.emails()).length).toBeGreaterThanOrEqual(after);

      // Right after the crash the dead run's claims still hold: a retry leaves their keys alone.
      const early = await sendDueMessages(workbook, mailer, clock, {
        ...options,
        deliveries: ses.deliveries,
      });
      expect(early.leftToOthers + early.sent).toBeLessThanOrEqual(26);
      expect(early.reconciled.sent).toBe(0);

      clock.advance(LATER);
      const reports = await resume(workbook, clock);
      expect(reports.at(-1)?.done).toBe(true);
      const reconciled = reports.reduce((sum, report) => sum + report.reconciled.sent, 0);
      // What SES took before the crash without a `sent` row is settled from its report, not re-sent.
      expect(reconciled).toBeGreaterThan(0);
      await expectExactlyOnce(ses, workbook, emails, clock.now());
    },
  );
});
