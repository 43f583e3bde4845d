/**
 * Figures for sending: 1,000 convocations to the local SES server through a proxy that answers
 * `Throttling` to one call in ten, at the configured rate (14 per second by default), in steps of
 * the configured budget (50 s) that resume where the last stopped. Prints wall time against the
 * allowed rate, duplicates and lost messages (read back from the SES store).
 */
import { pathToFileURL } from "node:url";
import { SesMailer } from "../../functions/adapters/ses-mailer.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { startFaultySes, startLocalSes } from "../fakes/ses-server.js";
import { EVENT, participant, placement, seminar } from "../messages/fixtures.js";
import { MemoryWorkbook } from "../support/workbooks.js";

export async function benchMessages(): Promise<void> {
  const count = Number(process.env.BENCH_MESSAGES ?? 1000);
  const rate = Number(process.env.BENCH_RATE ?? 14);
  const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? 50_000);
  const people = Array.from({ length: count }, (_, index) =>
    participant({
      Nom: `Participant ${index}`,
      Prénom: "Test",
      Email: `participant${index}@bench.example.org`,
    }),
  );
  const workbook = new MemoryWorkbook(
    seminar({
      participants: people,
      placements: people.flatMap((row) => [
        placement(String(row.Email), "Matin"),
        placement(String(row.Email), "Après-midi"),
      ]),
    }),
  );
  const ses = await startLocalSes();
  // One call in ten is throttled, spread evenly (deterministic, same figures every run).
  const proxy = await startFaultySes((call) => (call % 10 === 0 ? "throttle" : "ok"), ses.endpoint);
  const mailer = new SesMailer({
    region: "eu-west-3",
    endpoint: proxy.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    baseDelayMs: 100,
  });
  // Real elapsed time from a fixed start, so the plan sees the same day on every run.
  const t0 = performance.now();
  const clock = { now: () => new Date(Date.parse("2027-03-01T10:00:00Z") + (performance.now() - t0)) };
  let steps = 0;
  let sent = 0;
  for (;;) {
    steps++;
    const report = await sendDueMessages(workbook, mailer, clock, {
      event: EVENT,
      kinds: ["convocation"],
      ratePerSecond: rate,
      budgetMs,
    });
    sent += report.sent;
    if (report.done || steps > 100) break;
  }
  const wall = (performance.now() - t0) / 1000;
  mailer.destroy();
  const stored = await ses.emails();
  const perRecipient = new Map<string, number>();
  for (const email of stored) {
    const to = email.destination.to[0] ?? "";
    perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  }
  const duplicates = [...perRecipient.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const lost = count - perRecipient.size;
  const ideal = count / rate;
  const throttled = proxy.calls.filter((call) => call === "throttle").length;
  await proxy.stop();
  await ses.stop();
  console.log("Messages (convocations sent to the local SES server, 10 % of calls throttled)");
  console.log(`  convocations        ${count} (steps of ${budgetMs / 1000} s: ${steps})`);
  console.log(`  SES calls           ${proxy.calls.length} (${throttled} answered Throttling, retried)`);
  console.log(`  wall time           ${wall.toFixed(1)} s (at ${rate}/s the floor is ${ideal.toFixed(1)} s)`);
  console.log(
    `  achieved rate       ${(count / wall).toFixed(2)}/s = ${((100 * ideal) / wall).toFixed(1)} % of the allowed rate (target ≥ 90 %)`,
  );
  console.log(`  sent (journal)      ${sent}`);
  console.log(`  duplicates          ${duplicates} (target 0)`);
  console.log(`  lost                ${lost} (target 0)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  benchMessages().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
