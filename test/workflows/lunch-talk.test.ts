import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runAt, SimulatedClock } from "../../workflows/runner/clock.js";
import { WorkflowRunner } from "../../workflows/runner/runner.js";
import { FakeStepServer, type StepScript } from "./fake-step-server.js";

const DEFINITION = join(import.meta.dirname, "../../workflows/lunch-talk.yaml");
const START = new Date("2027-05-03T07:00:00Z");

const PLAN = {
  reminderAt: "2027-05-19T12:15:00+02:00",
  trainReminders: [],
  feedbackAt: "2027-05-20T14:00:00+02:00",
  rostersAt: null,
  papersAt: "2027-05-19T09:00:00+02:00",
  repliesDeadline: "2027-05-20T12:15:00+02:00",
  closingAt: "2027-05-18T12:00:00+02:00",
  endAt: "2027-05-20T13:45:00+02:00",
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(script: StepScript) {
  const clock = new SimulatedClock(START);
  const fake = await FakeStepServer.start(clock, script);
  const stateDir = await mkdtemp(join(tmpdir(), "passerelle-lunch-"));
  const runner = await WorkflowRunner.open({ stateDir, clock });
  cleanups.push(async () => {
    await runner.close();
    await fake.close();
    await rm(stateDir, { recursive: true, force: true });
  });
  return { clock, fake, runner };
}

function script(plan: unknown): StepScript {
  return {
    check: () => ({ body: { ok: true, problems: 0 } }),
    plan: () => ({ body: plan }),
    "allocate-seats": (_call, nth) => ({ body: { done: true, sent: nth + 1, suspended: false } }),
    "send-reminders": () => ({ body: { done: true, sent: 30, suspended: false } }),
    "send-feedback": () => ({ body: { done: true, sent: 30, suspended: false } }),
    "send-papers": () => ({ body: { done: true, sent: 1, suspended: false } }),
  };
}

describe("the lunch-talk workflow", () => {
  it("allocates seats on each registration change, once more after the closing, then reminds and asks for feedback", async () => {
    const { clock, fake, runner } = await setUp(script(PLAN));
    for (const at of ["2027-05-05T09:30:00Z", "2027-05-12T16:00:00Z"]) {
      void runAt(clock, new Date(at), () => fake.signal("registrations", { row: 12 }));
    }
    const done = await runner.wait(
      runner.startExecution(DEFINITION, { event: "midi-mai", stepUrl: fake.url }).id,
    );

    expect(done.state).toBe("SUCCEEDED");
    expect(fake.steps).toEqual([
      "check",
      "plan",
      "register-callback",
      "allocate-seats",
      "allocate-seats",
      "allocate-seats",
      "allocate-seats",
      "plan",
      "send-reminders",
      "send-papers",
      "send-feedback",
    ]);
    expect(fake.calls.find((c) => c.step === "register-callback")?.args.purpose).toBe("registrations");
    expect(fake.times("allocate-seats")).toEqual([
      "2027-05-03T07:00:00.000Z",
      "2027-05-05T09:30:00.000Z",
      "2027-05-12T16:00:00.000Z",
      "2027-05-18T10:00:00.000Z",
    ]);
    expect(fake.times("send-reminders")).toEqual(["2027-05-19T10:15:00.000Z"]);
    // Its papers are due at 9:00 the day before, already past after the reminder: they go at once.
    expect(fake.times("send-papers")).toEqual(["2027-05-19T10:15:00.000Z"]);
    expect(fake.times("send-feedback")).toEqual(["2027-05-20T12:00:00.000Z"]);
    expect(done.result).toEqual({
      outcome: "completed",
      allocationRounds: 4,
      seatMessages: 1 + 2 + 3 + 4,
      reminders: 30,
      papers: 1,
      feedback: 30,
    });
  });

  it("keeps registrations open until the reminder when no closing is planned", async () => {
    const { fake, runner } = await setUp(script({ ...PLAN, closingAt: null }));
    const done = await runner.wait(
      runner.startExecution(DEFINITION, { event: "midi-mai", stepUrl: fake.url }).id,
    );

    expect(done.state).toBe("SUCCEEDED");
    expect(fake.times("allocate-seats")).toEqual(["2027-05-03T07:00:00.000Z", "2027-05-19T10:15:00.000Z"]);
  });
});
