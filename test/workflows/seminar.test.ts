import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runAt, SimulatedClock } from "../../workflows/runner/clock.js";
import { WorkflowRunner } from "../../workflows/runner/runner.js";
import { FakeStepServer, type StepScript } from "./fake-step-server.js";

const DEFINITION = join(import.meta.dirname, "../../workflows/seminar.yaml");
const START = new Date("2027-03-01T08:00:00Z");

const PLAN = {
  reminderAt: "2027-03-15T09:00:00+01:00",
  trainReminders: ["2027-03-18T16:35:00+01:00", "2027-03-18T17:05:00+01:00"],
  feedbackAt: "2027-03-19T10:00:00+01:00",
  rostersAt: "2027-03-10T09:00:00+01:00",
  papersAt: "2027-03-16T09:00:00+01:00",
  repliesDeadline: "2027-03-08T09:00:00+01:00",
  closingAt: null,
  endAt: "2027-03-18T18:00:00+01:00",
};

/** The steps of a seminar where the go comes after a first look, two tutors reply and one stays silent. */
const FULL_SEQUENCE = [
  "check",
  "match",
  "register-callback",
  "status",
  "register-callback",
  "status",
  "send-convocations",
  "send-convocations",
  "send-tutor-requests",
  "plan",
  "register-callback",
  "tutor-replies",
  "tutor-replies",
  "tutor-replies",
  "tutor-replies",
  "nudge-tutors",
  "tutor-replies",
  "mark-silent-tutors",
  "plan",
  "send-rosters",
  "send-reminders",
  "send-papers",
  "send-train-reminders",
  "send-train-reminders",
  "send-feedback",
];

interface World {
  clock: SimulatedClock;
  fake: FakeStepServer;
  stateDir: string;
  state: { go: boolean; pending: number };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(overrides: StepScript = {}): Promise<World> {
  const clock = new SimulatedClock(START);
  const state = { go: false, pending: 3 };
  const script: StepScript = {
    check: () => ({ body: { ok: true, problems: 0 } }),
    match: () => ({ body: { placed: 30, unplaced: 0 } }),
    status: () => ({ body: { go: state.go, suspended: false } }),
    "send-convocations": (_call, nth) => ({
      body: { done: nth > 0, sent: nth === 0 ? 20 : 10, suspended: false },
    }),
    "send-tutor-requests": () => ({ body: { done: true, sent: 12, suspended: false } }),
    plan: () => ({ body: PLAN }),
    "tutor-replies": () => ({ body: { pending: state.pending } }),
    "nudge-tutors": () => ({ body: { sent: state.pending } }),
    "mark-silent-tutors": () => ({ body: { marked: state.pending } }),
    "send-reminders": () => ({ body: { done: true, sent: 42, suspended: false } }),
    "send-train-reminders": (call) => ({
      body: { done: true, sent: call.args.dueAt === PLAN.trainReminders[0] ? 20 : 10, suspended: false },
    }),
    "send-feedback": () => ({ body: { done: true, sent: 30, suspended: false } }),
    "send-rosters": () => ({ body: { done: true, sent: 9, suspended: false } }),
    "send-papers": () => ({ body: { done: true, sent: 1, suspended: false } }),
    ...overrides,
  };
  const fake = await FakeStepServer.start(clock, script);
  const stateDir = await mkdtemp(join(tmpdir(), "passerelle-seminar-"));
  cleanups.push(async () => {
    await fake.close();
    await rm(stateDir, { recursive: true, force: true });
  });
  return { clock, fake, stateDir, state };
}

async function openRunner(w: World, port = 0): Promise<WorkflowRunner> {
  const runner = await WorkflowRunner.open({ stateDir: w.stateDir, clock: w.clock, port });
  cleanups.push(() => runner.close());
  return runner;
}

/** The organizer gives the go at 10:00 UTC; two tutors reply on the next two mornings, one never does. */
function playOrganizerAndTutors(w: World): void {
  void runAt(w.clock, new Date("2027-03-01T10:00:00Z"), async () => {
    w.state.go = true;
    await w.fake.signal("go", { action: "Envoyer les convocations" });
  });
  for (const day of ["2027-03-02T09:00:00Z", "2027-03-03T09:00:00Z"]) {
    void runAt(w.clock, new Date(day), async () => {
      w.state.pending -= 1;
      await w.fake.signal("replies", { tutor: "t" });
    });
  }
}

describe("the seminar workflow", () => {
  it("runs every step in order, sleeping until each planned instant", async () => {
    const w = await world();
    const runner = await openRunner(w);
    playOrganizerAndTutors(w);
    const started = runner.startExecution(DEFINITION, { event: "rennes-2027", stepUrl: w.fake.url });
    const done = await runner.wait(started.id);

    expect(done.state).toBe("SUCCEEDED");
    expect(w.fake.steps).toEqual(FULL_SEQUENCE);
    expect(w.fake.calls.every((c) => c.event === "rennes-2027")).toBe(true);
    expect(w.fake.times("send-convocations")).toEqual([
      "2027-03-01T10:00:00.000Z",
      "2027-03-01T10:00:00.000Z",
    ]);
    // Halfway between the start of the wait (10:00 on day 1) and the deadline (08:00 UTC a week later).
    expect(w.fake.times("nudge-tutors")).toEqual(["2027-03-04T21:00:00.000Z"]);
    expect(w.fake.times("mark-silent-tutors")).toEqual(["2027-03-08T08:00:00.000Z"]);
    expect(w.fake.times("tutor-replies")).toEqual([
      "2027-03-01T10:00:00.000Z",
      "2027-03-02T09:00:00.000Z",
      "2027-03-03T09:00:00.000Z",
      "2027-03-04T21:00:00.000Z",
      "2027-03-08T08:00:00.000Z",
    ]);
    expect(w.fake.times("send-rosters")).toEqual(["2027-03-10T08:00:00.000Z"]);
    expect(w.fake.times("send-reminders")).toEqual(["2027-03-15T08:00:00.000Z"]);
    expect(w.fake.times("send-papers")).toEqual(["2027-03-16T08:00:00.000Z"]);
    expect(w.fake.times("send-train-reminders")).toEqual([
      "2027-03-18T15:35:00.000Z",
      "2027-03-18T16:05:00.000Z",
    ]);
    expect(w.fake.calls.filter((c) => c.step === "send-train-reminders").map((c) => c.args.dueAt)).toEqual(
      PLAN.trainReminders,
    );
    expect(w.fake.times("send-feedback")).toEqual(["2027-03-19T09:00:00.000Z"]);
    expect(w.fake.calls.filter((c) => c.step === "register-callback").map((c) => c.args.purpose)).toEqual([
      "go",
      "go",
      "replies",
    ]);
    expect(done.result).toEqual({
      outcome: "completed",
      placed: 30,
      unplaced: 0,
      convocations: 30,
      tutorRequests: 12,
      tutorsNudged: 1,
      tutorsSilent: 1,
      rosters: 9,
      reminders: 42,
      papers: 1,
      trainReminders: 30,
      feedback: 30,
    });
  });

  it("ends at once with the number of problems when the check fails", async () => {
    const w = await world({ check: () => ({ body: { ok: false, problems: 4 } }) });
    const runner = await openRunner(w);
    const done = await runner.wait(runner.startExecution(DEFINITION, { event: "e", stepUrl: w.fake.url }).id);

    expect(done.state).toBe("SUCCEEDED");
    expect(done.result).toEqual({ outcome: "problems", problems: 4 });
    expect(w.fake.steps).toEqual(["check"]);
  });

  it("retries a step answering 503 with Cloud Workflows' default backoff", async () => {
    const w = await world({
      check: (_call, nth) =>
        nth < 2 ? { status: 503, body: { error: "busy" } } : { body: { ok: false, problems: 0 } },
    });
    const runner = await openRunner(w);
    const done = await runner.wait(runner.startExecution(DEFINITION, { event: "e", stepUrl: w.fake.url }).id);

    expect(done.state).toBe("SUCCEEDED");
    // Delays of 1 s, then 1.25 s (initial_delay 1, multiplier 1.25).
    expect(w.fake.times("check")).toEqual([
      "2027-03-01T08:00:00.000Z",
      "2027-03-01T08:00:01.000Z",
      "2027-03-01T08:00:02.250Z",
    ]);
  });

  it("ends the execution with the step's name when a step answers 400", async () => {
    const w = await world({ match: () => ({ status: 400, body: { error: "Affectations illisibles" } }) });
    const runner = await openRunner(w);
    const done = await runner.wait(runner.startExecution(DEFINITION, { event: "e", stepUrl: w.fake.url }).id);

    expect(done.state).toBe("FAILED");
    expect(w.fake.steps).toEqual(["check", "match"]);
    expect(done.error).toMatchObject({
      step: "match",
      code: 400,
      body: { error: "Affectations illisibles" },
      tags: ["HttpError"],
    });
    expect(String((done.error as { message: string }).message)).toContain("match");
  });

  it("waits for the resume callback while sending is suspended, then goes on", async () => {
    let suspended = true;
    const w = await world({
      "send-convocations": (_call, nth) => ({
        body:
          nth === 0 ? { done: false, sent: 5, suspended: true } : { done: true, sent: 25, suspended: false },
      }),
      status: () => ({ body: { go: true, suspended } }),
      check: () => ({ body: { ok: true, problems: 0 } }),
      "send-tutor-requests": () => ({ status: 400, body: { error: "stop here" } }),
    });
    const runner = await openRunner(w);
    void runAt(w.clock, new Date("2027-03-01T14:00:00Z"), async () => {
      suspended = false;
      await w.fake.signal("resume");
    });
    await runner.wait(runner.startExecution(DEFINITION, { event: "e", stepUrl: w.fake.url }).id);

    expect(w.fake.steps.slice(0, 9)).toEqual([
      "check",
      "match",
      "register-callback",
      "status",
      "send-convocations",
      "register-callback",
      "status",
      "status",
      "send-convocations",
    ]);
    expect(w.fake.times("send-convocations")).toEqual([
      "2027-03-01T08:00:00.000Z",
      "2027-03-01T14:00:00.000Z",
    ]);
  });

  it("resumes after two kills with the same steps, calling again only the step in flight", async () => {
    const w = await world();
    let runner = await openRunner(w);
    let restarted: Promise<void> = Promise.resolve();
    let kills = 0;
    const id = { value: "" };
    // A kill: the runner object is dropped, a new one opens the same state folder and resumes.
    const killAndRestart = () => {
      const hold = w.clock.hold();
      const port = runner.port;
      kills++;
      restarted = (async () => {
        await runner.close();
        runner = await openRunner(w, port);
        runner.resume(id.value);
        hold();
      })();
    };
    playOrganizerAndTutors(w);
    // Kill 1: while the second batch of convocations is in flight (its answer is lost).
    w.fake.onCall = (call, nth) => {
      if (call.step === "send-convocations" && nth === 1) killAndRestart();
    };
    // Kill 2: in the middle of the long sleep before the reminders.
    void runAt(w.clock, new Date("2027-03-10T12:00:00Z"), () => killAndRestart());

    id.value = runner.startExecution(DEFINITION, { event: "rennes-2027", stepUrl: w.fake.url }).id;
    let done = await runner.wait(id.value);
    while (done.state === "ACTIVE") {
      await restarted;
      done = await runner.wait(id.value);
    }

    expect(kills).toBe(2);
    expect(done.state).toBe("SUCCEEDED");
    const expected = [...FULL_SEQUENCE];
    expected.splice(expected.indexOf("send-convocations") + 1, 0, "send-convocations");
    expect(w.fake.steps).toEqual(expected);
    expect(w.fake.times("send-reminders")).toEqual(["2027-03-15T08:00:00.000Z"]);
    expect(w.fake.times("nudge-tutors")).toEqual(["2027-03-04T21:00:00.000Z"]);
    expect(w.fake.times("send-feedback")).toEqual(["2027-03-19T09:00:00.000Z"]);
    expect(runner.list({ event: "rennes-2027" }).map((e) => e.id)).toEqual([id.value]);
  });
});
