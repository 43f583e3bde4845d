/**
 * The cycle's workflow (`workflows/cycle.yaml`) in the local runner: first against a scripted
 * step server (the loop and its times), then on the local host against the example cycle
 * workbook, started by the organizer's `Action` as in the cloud, with the real sending step.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { afterEach, describe, expect, it } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { checkCycle } from "../../functions/core/cycle/check-cycle.js";
import { CYCLE_TABS, CYCLE_TABS_SPEC } from "../../functions/core/cycle/cycle-schemas.js";
import { CONFIRM_ACTION } from "../../functions/core/settings/event-settings.js";
import { parseTable } from "../../functions/core/sheet/table.js";
import { chooseCycleAction, speakersReply } from "../../functions/local/cycle-scenario.js";
import { LocalHost } from "../../functions/local/host.js";
import { startLocalSes } from "../../functions/local/ses.js";
import type { Mailer } from "../../functions/ports.js";
import { runAt, SimulatedClock } from "../../workflows/runner/clock.js";
import type { ExecutionState } from "../../workflows/runner/runner.js";
import { WorkflowRunner } from "../../workflows/runner/runner.js";
import { FakeStepServer } from "./fake-step-server.js";

const DEFINITION = join(import.meta.dirname, "../../workflows/cycle.yaml");
const TEMPLATE = join(import.meta.dirname, "../../sheets-templates/cycle-rencontres.xlsx");
const ZONE = "Europe/Paris";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("the cycle workflow against a scripted step server", () => {
  it("sends, surveys included, then sleeps until the next due instant, until nothing is left", async () => {
    const clock = new SimulatedClock(new Date("2027-03-20T08:00:00Z"));
    const dues = ["2027-03-27T12:15:00+01:00", "2027-04-02T09:00:00+02:00", null];
    const fake = await FakeStepServer.start(clock, {
      check: () => ({ body: { ok: true, problems: 0 } }),
      "send-reminders": (_call, nth) => ({ body: { done: true, sent: nth + 1, suspended: false } }),
      "send-feedback": (_call, nth) => ({ body: { done: true, sent: nth === 2 ? 10 : 0, suspended: false } }),
      "cycle-next": (_call, nth) => ({ body: { nextAt: dues[nth] ?? null } }),
    });
    const stateDir = await mkdtemp(join(tmpdir(), "passerelle-cycle-flow-"));
    const runner = await WorkflowRunner.open({ stateDir, clock });
    cleanups.push(async () => {
      await runner.close();
      await fake.close();
      await rm(stateDir, { recursive: true, force: true });
    });

    const done = await runner.wait(
      runner.startExecution(DEFINITION, { event: "cycle", stepUrl: fake.url }).id,
    );

    expect(done.state).toBe("SUCCEEDED");
    expect(fake.times("send-reminders")).toEqual([
      "2027-03-20T08:00:00.000Z",
      "2027-03-27T11:15:00.000Z",
      "2027-04-02T07:00:00.000Z",
    ]);
    expect(fake.times("send-feedback")).toEqual(fake.times("send-reminders"));
    expect(done.result).toEqual({ outcome: "completed", rounds: 3, sent: 1 + 2 + 3 + 10 });
  });

  it("wakes before the next due instant when the speakers or talks are edited, and sends then", async () => {
    const clock = new SimulatedClock(new Date("2027-03-20T08:00:00Z"));
    const dues = ["2027-03-27T12:15:00+01:00", "2027-03-27T12:15:00+01:00", null];
    const fake = await FakeStepServer.start(clock, {
      check: () => ({ body: { ok: true, problems: 0 } }),
      "send-reminders": () => ({ body: { done: true, sent: 1, suspended: false } }),
      "send-feedback": () => ({ body: { done: true, sent: 0, suspended: false } }),
      "cycle-next": (_call, nth) => ({ body: { nextAt: dues[nth] ?? null } }),
    });
    const stateDir = await mkdtemp(join(tmpdir(), "passerelle-cycle-flow-"));
    const runner = await WorkflowRunner.open({ stateDir, clock });
    cleanups.push(async () => {
      await runner.close();
      await fake.close();
      await rm(stateDir, { recursive: true, force: true });
    });
    // Two days in, the organizer adds a speaker (sheetEdit posts to the cycle's callback).
    void runAt(clock, new Date("2027-03-22T10:30:00Z"), () =>
      fake.signal("changes", { tab: "Intervenants" }),
    );

    const done = await runner.wait(
      runner.startExecution(DEFINITION, { event: "cycle", stepUrl: fake.url }).id,
    );

    expect(done.state).toBe("SUCCEEDED");
    expect(fake.calls.find((call) => call.step === "register-callback")?.args.purpose).toBe("changes");
    // The callback is registered before the first send reads the sheet.
    expect(fake.steps.indexOf("register-callback")).toBeLessThan(fake.steps.indexOf("send-reminders"));
    expect(fake.times("send-reminders")).toEqual([
      "2027-03-20T08:00:00.000Z",
      "2027-03-22T10:30:00.000Z",
      "2027-03-27T11:15:00.000Z",
    ]);
  });

  it("ends at once, without sending, when the check finds problems", async () => {
    const clock = new SimulatedClock(new Date("2027-03-20T08:00:00Z"));
    const fake = await FakeStepServer.start(clock, {
      check: () => ({ body: { ok: false, problems: 2 } }),
    });
    const stateDir = await mkdtemp(join(tmpdir(), "passerelle-cycle-flow-"));
    const runner = await WorkflowRunner.open({ stateDir, clock });
    cleanups.push(async () => {
      await runner.close();
      await fake.close();
      await rm(stateDir, { recursive: true, force: true });
    });

    const done = await runner.wait(
      runner.startExecution(DEFINITION, { event: "cycle", stepUrl: fake.url }).id,
    );

    expect(done.result).toEqual({ outcome: "problems", problems: 2 });
    expect(fake.steps).toEqual(["check"]);
  });
});

interface Sent {
  readonly at: string;
  readonly to: string;
  readonly subject: string;
}

/**
 * The example cycle on a local host with a simulated clock from 20 March 2027, 9:00 in Paris, where
 * the organizer chooses `Confirmer les inscriptions`; `prepare` edits the workbook file before.
 * Every message sent is in `sent` (at, in the cycle's zone); `end` is the execution's final state.
 */
async function cycleOnLocalHost(prepare?: (path: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-cycle-"));
  const event = "cycle-exemple";
  const path = join(dir, `${event}.xlsx`);
  copyFileSync(TEMPLATE, path);
  await prepare?.(path);
  const start = DateTime.fromISO("2027-03-20T09:00", { zone: ZONE }).toJSDate();
  const clock = new SimulatedClock(start);
  const ses = await startLocalSes();
  await ses.clear();
  const sent: Sent[] = [];
  const wrapMailer = (mailer: Mailer): Mailer => ({
    send: async (message) => {
      const answer = await mailer.send(message);
      const to = typeof message.to === "string" ? message.to : message.to.address;
      sent.push({
        at: DateTime.fromMillis(clock.now(), { zone: ZONE }).toISO() ?? "",
        to,
        subject: message.subject,
      });
      return answer;
    },
  });
  let ended: (state: ExecutionState) => void = () => {};
  const end = new Promise<ExecutionState>((resolve) => {
    ended = resolve;
  });
  const host = await LocalHost.start({
    dir,
    clock,
    sesEndpoint: ses.endpoint,
    deliveries: ses.deliveries,
    wrapMailer,
    onRunnerEvent: (runnerEvent) => {
      if (runnerEvent.type === "end") ended(runnerEvent.state);
    },
  });
  cleanups.push(async () => {
    await host.stop();
    await ses.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await runAt(clock, start, async () => {
    const { tab, row } = await chooseCycleAction(host.workbook(event), CONFIRM_ACTION);
    expect((await host.edit(event, tab, { firstRow: row, firstColumn: 2 })).status).toBe(200);
  });
  return {
    host,
    clock,
    ses,
    event,
    start,
    sent,
    end,
    ctx: { host: () => host, clock, ses, event, zone: ZONE },
  };
}

describe("the cycle workflow on the local host, against the example cycle", () => {
  it("starts on the cycle's Action and sends the speakers' and the registered people's messages once each, at their times", async () => {
    const { host, clock, event, start, sent, end, ctx } = await cycleOnLocalHost();
    // Two hours later, the first speaker confirms by replying, the second declines.
    const replied = new Date(start.getTime() + 2 * 3_600_000);
    void runAt(clock, replied, () => speakersReply(ctx));
    expect(await end).toBe("SUCCEEDED");
    const ines = "ines.lemaire@etudes-sociales.example.org";
    const organizer = "meridiennes@action-sociale.example.org";
    const decline = sent.filter((message) => message.subject.startsWith("Un intervenant décline"));
    const inOrder = (a: Sent, b: Sent) =>
      DateTime.fromISO(a.at).toMillis() - DateTime.fromISO(b.at).toMillis() || a.to.localeCompare(b.to);
    const speakersAndOrganizer = new Set([ines, "yves.ferrand@ccas-exemple.example.org", organizer]);
    const toSpeakers = sent.filter((message) => speakersAndOrganizer.has(message.to));
    expect(toSpeakers.filter((message) => message !== decline[0]).sort(inOrder)).toEqual([
      {
        at: "2027-03-20T09:00:00.000+01:00",
        to: ines,
        subject: "Invitation à intervenir — Participation des usagers, jeudi 8 avril 2027",
      },
      {
        at: "2027-03-20T09:00:00.000+01:00",
        to: "yves.ferrand@ccas-exemple.example.org",
        subject: "Invitation à intervenir — Accueil inconditionnel, jeudi 6 mai 2027",
      },
      // A week before the first talk, at its time; the day before at 9:00, the list.
      {
        at: "2027-04-01T12:15:00.000+02:00",
        to: ines,
        subject: "Rappel : Participation des usagers, jeudi 8 avril 2027",
      },
      {
        at: "2027-04-07T09:00:00.000+02:00",
        to: ines,
        subject: "Les inscrits de demain — Participation des usagers",
      },
      // Nobody confirmed for the two other talks: the organizer hears of it a week before each.
      {
        at: "2027-04-29T12:15:00.000+02:00",
        to: organizer,
        subject: "Aucun intervenant confirmé — Accueil inconditionnel",
      },
      {
        at: "2027-05-27T12:15:00.000+02:00",
        to: organizer,
        subject: "Aucun intervenant confirmé — Données et territoires",
      },
    ]);
    // Each talk's registered people: one seat confirmation per talk they are seated at, the reminder
    // the day before, the survey after it; nothing twice.
    const people = sent.filter((message) => !speakersAndOrganizer.has(message.to));
    const pairs = people.map((message) => `${message.to} ${message.subject}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const final = checkCycle(await host.workbook(event).read(CYCLE_TABS), new Date(clock.now()));
    for (const talk of final.talks) {
      const forTalk = people.filter((message) => message.subject.includes(talk.name));
      const seated = new Set(talk.lunch.seats.seated);
      const confirmed = forTalk.filter((message) =>
        /^(Inscription confirmée|Une place s'est libérée)/.test(message.subject),
      );
      expect(confirmed.map((message) => message.to).sort()).toEqual([...seated].sort());
      const reminders = forTalk.filter((message) => message.subject.startsWith("Rappel"));
      expect(reminders.map((message) => message.to).sort()).toEqual([...seated].sort());
      const day = DateTime.fromJSDate(talk.start, { zone: ZONE }).minus({ hours: 24 }).toISO();
      expect(new Set(reminders.map((message) => message.at))).toEqual(new Set([day]));
    }
    // The decline reaches the organizer once, at once.
    expect(decline).toEqual([
      {
        at: "2027-03-20T11:00:00.000+01:00",
        to: organizer,
        subject: "Un intervenant décline — Accueil inconditionnel",
      },
    ]);
  }, 120_000);

  it("invites a speaker added to Intervenants while the cycle runs at once, not at the next wake-up", async () => {
    const added = DateTime.fromISO("2027-03-22T10:37", { zone: ZONE }).toJSDate();
    const { host, clock, event, sent, end } = await cycleOnLocalHost();
    const nora = "nora.benali@territoires.example.org";
    void runAt(clock, added, async () => {
      const workbook = host.workbook(event);
      const spec = CYCLE_TABS_SPEC.speakers;
      const table = parseTable(spec, (await workbook.read([spec.name])).get(spec.name));
      const row = Math.max(1, ...table.rows.map((candidate) => candidate.row)) + 1;
      const column = (key: string) => table.columns.find((candidate) => candidate.key === key)?.index ?? 0;
      const values: Record<string, string> = {
        lastName: "Benali",
        firstName: "Nora",
        email: nora,
        organisation: "Observatoire des territoires",
        talk: "Données et territoires",
      };
      await workbook.write({
        cells: Object.entries(values).map(([key, value]) => ({
          tab: table.title,
          row,
          column: column(key),
          value,
        })),
      });
      expect((await host.edit(event, table.title, { firstRow: row, lastColumn: 5 })).status).toBe(200);
    });

    expect(await end).toBe("SUCCEEDED");
    const invitations = sent.filter((message) => message.subject.startsWith("Invitation"));
    expect(invitations.filter((message) => message.to === nora)).toEqual([
      {
        at: DateTime.fromJSDate(added, { zone: ZONE }).toISO(),
        to: nora,
        subject: "Invitation à intervenir — Données et territoires, jeudi 3 juin 2027",
      },
    ]);
  }, 120_000);

  it("runs the other talks of a cycle with a talk whose date is unreadable, and tells the organizer once", async () => {
    const { sent, end } = await cycleOnLocalHost(async (path) => {
      const workbook = new XlsxWorkbook(path);
      const spec = CYCLE_TABS_SPEC.talks;
      const table = parseTable(spec, (await workbook.read([spec.name])).get(spec.name));
      const column = table.columns.find((candidate) => candidate.key === "date")?.index ?? 0;
      await workbook.write({ cells: [{ tab: table.title, row: 3, column, value: "le 12 avrl" }] });
    });

    expect(await end).toBe("SUCCEEDED");
    const organizer = "meridiennes@action-sociale.example.org";
    expect(sent.filter((message) => message.subject.includes("non programmée"))).toEqual([
      {
        at: "2027-03-20T09:00:00.000+01:00",
        to: organizer,
        subject:
          "[Passerelle] Rencontres méridiennes 2027 : rencontre « Accueil inconditionnel » non programmée",
      },
    ]);
    const toPeople = sent.filter((message) => message.to !== organizer);
    expect(toPeople.filter((message) => message.subject.includes("Accueil inconditionnel"))).toEqual([]);
    for (const talk of ["Participation des usagers", "Données et territoires"])
      expect(
        toPeople.some(
          (message) => message.subject.startsWith("Votre avis") && message.subject.includes(talk),
        ),
      ).toBe(true);
  }, 120_000);
});
