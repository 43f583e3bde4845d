/**
 * The `workflowStep` function over HTTP (as the workflow calls it), and what an edit sets in
 * motion (`followEdit`): starting one execution per event, waking it, re-placing before the go,
 * change notices after it.
 */
import { join } from "node:path";
import * as functions from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import request from "supertest";
import { beforeEach, describe, expect, it } from "vitest";
import { SheetsRequestError, sheetsFailure } from "../../functions/adapters/google-sheets-workbook.js";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { controlLines, followEdit, readControl } from "../../functions/app/workflow-control.js";
import { CYCLE_TABS } from "../../functions/core/cycle/cycle-schemas.js";
import { journalAppend } from "../../functions/core/ledger/journal.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import {
  type EventWorkbook,
  TransientSendError,
  type WorkbookChanges,
  type WorkbookSnapshot,
  type WorkflowStarter,
} from "../../functions/ports.js";
import { workflowStepHandler } from "../../functions/workflow-step.js";
import { EVENT, ManualClock, people, RecordingMailer, seminar } from "../messages/fixtures.js";
import { ledgerRow, testKeys } from "../support/ledger.js";
import { MemoryWorkbook } from "../support/workbooks.js";

const NOW = new Date("2027-03-01T10:00:00Z");
const STEP_URL = "https://europe-west1-demo.cloudfunctions.net/workflowStep";

let workbook: EventWorkbook;
let mailer: RecordingMailer;
const clock = new ManualClock(NOW);

functions.http("workflowStep-test", (req, res) =>
  workflowStepHandler({
    workbookFor: () => workbook,
    mailer,
    clock,
    solver: async () => {
      throw new Error("no matching in these tests");
    },
    send: () => ({ ratePerSecond: 1000 }),
    log: { info: () => {}, warn: () => {}, error: () => {} },
  })(req, res),
);
const step = (body: unknown) =>
  request(getTestServer("workflowStep-test"))
    .post("/")
    .send(body as object);

function memory(
  settings: Record<string, string> = {},
  journal: Record<string, string>[] = [],
): MemoryWorkbook {
  return new MemoryWorkbook(seminar({ settings, journal }));
}

function journalData(book: MemoryWorkbook): Record<string, unknown>[] {
  const [header = [], ...rows] = book.tabs.get(TABS.journal.name) ?? [];
  const column = header.indexOf("Données");
  return rows.map((row) => JSON.parse(String(row[column] ?? "{}")) as Record<string, unknown>);
}

function journalKeys(book: MemoryWorkbook): string[] {
  const [header = [], ...rows] = book.tabs.get(TABS.journal.name) ?? [];
  const column = header.indexOf("Clé");
  return rows.map((row) => String(row[column] ?? ""));
}

class FailingWorkbook implements EventWorkbook {
  readonly keys = testKeys(EVENT);
  constructor(private readonly error: Error) {}
  async read(_tabs: readonly string[]): Promise<WorkbookSnapshot> {
    throw this.error;
  }
  async write(_changes: WorkbookChanges): Promise<void> {
    throw this.error;
  }
}

beforeEach(() => {
  workbook = memory();
  mailer = new RecordingMailer();
  clock.set(NOW);
});

describe("workflowStep over HTTP", () => {
  it("refuses an unknown step or event with 400 and anything but POST with 405", async () => {
    expect((await step({ step: "dance", event: EVENT })).status).toBe(400);
    expect((await step({ step: "status", event: "../etc" })).status).toBe(400);
    expect((await request(getTestServer("workflowStep-test")).get("/")).status).toBe(405);
  });

  it("answers the go and the suspension from Action, and records the go once", async () => {
    expect((await step({ step: "status", event: EVENT })).body).toEqual({ go: false, suspended: false });
    workbook = memory({ Action: "Envoyer les convocations" });
    expect((await step({ step: "status", event: EVENT })).body).toEqual({ go: true, suspended: false });
    await step({ step: "status", event: EVENT });
    expect(journalKeys(workbook as MemoryWorkbook).filter((key) => key === "workflow:go")).toHaveLength(1);
    workbook = memory({ Action: "Suspendre" }, [ledgerRow(EVENT, "workflow:go", { kind: "go" })]);
    expect((await step({ step: "status", event: EVENT })).body).toEqual({ go: true, suspended: true });
  });

  it("keeps the callback URL of each purpose, once", async () => {
    const url = "https://workflowexecutions.googleapis.com/v1/projects/p/callbacks/abc";
    const args = { purpose: "go", url };
    expect((await step({ step: "register-callback", event: EVENT, args })).status).toBe(200);
    await step({ step: "register-callback", event: EVENT, args });
    const book = workbook as MemoryWorkbook;
    expect(journalKeys(book).filter((key) => key === "workflow:callback:go")).toHaveLength(1);
    expect(readControl(await book.read([TABS.seminar.name, TABS.journal.name])).callbacks.get("go")).toBe(
      url,
    );
    expect((await step({ step: "register-callback", event: EVENT, args: { purpose: "go" } })).status).toBe(
      400,
    );
  });

  it("sends the convocations once, however many times the step runs, and not while suspended", async () => {
    const first = await step({ step: "send-convocations", event: EVENT });
    expect(first.body).toEqual({ done: true, sent: 3, suspended: false });
    const again = await step({ step: "send-convocations", event: EVENT });
    expect(again.body).toEqual({ done: true, sent: 0, suspended: false });
    expect(mailer.recipients().sort()).toEqual(
      [people.claire.Email, people.elodie.Email, people.hugo.Email].sort(),
    );
    workbook = memory({ Action: "Suspendre" });
    mailer = new RecordingMailer();
    expect((await step({ step: "send-convocations", event: EVENT })).body).toEqual({
      done: false,
      sent: 0,
      suspended: true,
    });
    expect(mailer.sent).toHaveLength(0);
  });

  it("plans the reminders, the train reminders and the survey in the event's zone", async () => {
    const { body } = await step({ step: "plan", event: EVENT });
    expect(body.reminderAt).toBe("2027-03-15T09:00:00+01:00");
    expect(body.feedbackAt).toBe("2027-03-19T09:00:00+01:00");
    expect(body.closingAt).toBeNull();
    // Hugo's train leaves at 17:50 on day 2: his reminder is two hours before.
    expect(body.trainReminders).toContain("2027-03-18T15:50:00+01:00");
    expect(Date.parse(body.repliesDeadline)).toBeGreaterThan(NOW.getTime());
    expect(Date.parse(body.repliesDeadline)).toBeLessThan(Date.parse(body.reminderAt));
  });

  it("sends no survey link the check refuses, only the certificates, and answers 200 rather than a retry", async () => {
    workbook = memory({ "Lien questionnaire": "https://questionnaire.example.org/mon questionnaire" });
    clock.set(new Date("2027-03-19T09:00:00+01:00"));
    try {
      const response = await step({ step: "send-feedback", event: EVENT });

      expect(response.status).toBe(200);
      const certificates = mailer.sent.filter((message) => message.attachments?.length === 1);
      expect(certificates.length).toBeGreaterThan(0);
      // No participant gets the link the renderer refuses; each gets their certificate.
      for (const message of mailer.sent) expect(message.text).not.toContain("mon questionnaire");
      expect(
        certificates.every((message) => message.attachments?.[0]?.contentType === "application/pdf"),
      ).toBe(true);
    } finally {
      clock.set(NOW);
    }
  });

  it("stops on a seminar that cannot run, and says so in the Journal", async () => {
    workbook = memory({ "Jour 1": "" });
    const { body } = await step({ step: "check", event: EVENT });
    expect(body.ok).toBe(false);
    expect(journalKeys(workbook as MemoryWorkbook)).toContain("workflow:stopped");
  });

  it("answers 503 when the mail service refuses everything for now, and sends it all on the retry", async () => {
    mailer = new RecordingMailer(() => {
      throw new TransientSendError("Throttling");
    });
    expect((await step({ step: "send-convocations", event: EVENT })).status).toBe(503);
    mailer = new RecordingMailer();
    expect((await step({ step: "send-convocations", event: EVENT })).body).toEqual({
      done: true,
      sent: 3,
      suspended: false,
    });
  });

  it("answers 503 when the spreadsheet is unavailable for now, so the workflow retries", async () => {
    // What the Google Sheets adapter throws for each status.
    const failure = (status: number) => sheetsFailure(new SheetsRequestError("read", { status })) as Error;
    workbook = new FailingWorkbook(failure(503));
    expect((await step({ step: "status", event: EVENT })).status).toBe(503);
    workbook = new FailingWorkbook(failure(429));
    expect((await step({ step: "tutor-replies", event: EVENT })).status).toBe(503);
    workbook = new FailingWorkbook(failure(404));
    expect((await step({ step: "status", event: EVENT })).status).toBe(403);
    workbook = new FailingWorkbook(new SheetsRequestError("read", { status: 400 }));
    expect((await step({ step: "status", event: EVENT })).status).toBe(500);
    workbook = new FailingWorkbook(new Error("bug"));
    expect((await step({ step: "status", event: EVENT })).status).toBe(500);
  });
});

class RecordingStarter implements WorkflowStarter {
  readonly started: { event: string; kind: string; args: unknown }[] = [];
  readonly signals: string[] = [];
  async start(input: Parameters<WorkflowStarter["start"]>[0]) {
    this.started.push(input);
    return { executionId: `execution-${this.started.length}` };
  }
  async signal(url: string) {
    this.signals.push(url);
  }
}

describe("what an edit sets in motion", () => {
  const deps = (starter: WorkflowStarter) => ({
    starter,
    stepUrl: STEP_URL,
    solver: async () => {
      throw new Error("no matching here");
    },
    mailer,
    clock,
    send: { ratePerSecond: 1000 },
  });

  it("starts one execution per event, then only wakes it", async () => {
    const book = memory({ Action: "Affecter" });
    const starter = new RecordingStarter();
    const edit = { event: EVENT, tab: "Séminaire", workbook: book, now: NOW };
    expect(await followEdit(deps(starter), edit)).toEqual({ started: "execution-1", signalled: 0 });
    expect(starter.started).toEqual([
      { event: EVENT, kind: "seminar", args: { event: EVENT, stepUrl: STEP_URL } },
    ]);
    await book.write(
      journalAppend(undefined, NOW, "Europe/Paris", [
        {
          event: "x",
          key: "workflow:callback:go",
          data: { kind: "callback", purpose: "go", url: "https://callback/go" },
        },
      ]),
    );
    const go = (await book.read([TABS.seminar.name])).get(TABS.seminar.name)!;
    const actionRow = go.rows.findIndex((row) => row[0] === "Action") + 1;
    await book.write({
      cells: [{ tab: TABS.seminar.name, row: actionRow, column: 2, value: "Envoyer les convocations" }],
    });
    expect(await followEdit(deps(starter), edit)).toEqual({ signalled: 1 });
    expect(starter.started).toHaveLength(1);
    expect(starter.signals).toEqual(["https://callback/go"]);
  });

  it("never signals a callback URL typed into the Journal by hand, nor a sealed row edited to another URL", async () => {
    const book = memory({ Action: "Affecter" });
    const starter = new RecordingStarter();
    const edit = { event: EVENT, tab: "Séminaire", workbook: book, now: NOW };
    await followEdit(deps(starter), edit);
    // A person who can edit the sheet types a row like the system's, with their own server.
    const header = book.tabs.get(TABS.journal.name)![0]!;
    const typed = header.map(() => null as string | null);
    typed[header.indexOf("Clé")] = "workflow:callback:go";
    typed[header.indexOf("Données")] = JSON.stringify({
      kind: "callback",
      purpose: "go",
      url: "https://attaquant.example/vol",
      at: NOW.toISOString(),
    });
    typed[header.indexOf("Sceau")] = "faux";
    await book.rawWrite({ appends: [{ tab: TABS.journal.name, rows: [typed] }] });
    // ...and edits a sealed callback row to point elsewhere.
    await book.write(
      journalAppend(undefined, NOW, "Europe/Paris", [
        {
          event: "x",
          key: "workflow:callback:resume",
          data: { kind: "callback", purpose: "resume", url: "https://callback/resume" },
        },
      ]),
    );
    const rows = book.tabs.get(TABS.journal.name)!;
    const last = rows.at(-1)!;
    last[header.indexOf("Données")] = String(last[header.indexOf("Données")]).replace(
      "https://callback/resume",
      "https://attaquant.example/vol",
    );
    const settings = (await book.read([TABS.seminar.name])).get(TABS.seminar.name)!;
    const actionRow = settings.rows.findIndex((row) => row[0] === "Action") + 1;
    await book.write({
      cells: [{ tab: TABS.seminar.name, row: actionRow, column: 2, value: "Envoyer les convocations" }],
    });
    await followEdit(deps(starter), edit);
    expect(starter.signals).toEqual([]);
    expect(readControl(await book.read([TABS.seminar.name, TABS.journal.name])).callbacks.size).toBe(0);
  });

  it("starts one execution when two edits choose the action at the same moment", async () => {
    const book = memory({ Action: "Affecter" });
    const starter = new RecordingStarter();
    const edit = { event: EVENT, tab: "Séminaire", workbook: book, now: NOW };
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => followEdit(deps(starter), edit)));
    expect(starter.started).toHaveLength(1);
    expect(results.filter((result) => result.started)).toHaveLength(1);
  });

  it("takes an edit of another parameter for what it is, not for the action chosen again", async () => {
    const book = memory({ Action: "Affecter" });
    const starter = new RecordingStarter();
    const settings = (await book.read([TABS.seminar.name])).get(TABS.seminar.name)!;
    const titleRow = settings.rows.findIndex((row) => row[0] === "Titre") + 1;
    const actionRow = settings.rows.findIndex((row) => row[0] === "Action") + 1;
    const edit = { event: EVENT, tab: "Séminaire", workbook: book, now: NOW };
    expect(await followEdit(deps(starter), { ...edit, rows: { first: titleRow, last: titleRow } })).toEqual({
      signalled: 0,
    });
    expect(starter.started).toHaveLength(0);
    const chosen = await followEdit(deps(starter), { ...edit, rows: { first: actionRow, last: actionRow } });
    expect(chosen.started).toBe("execution-1");
  });

  it("starts a new execution when every callback of the last one answers that it ended", async () => {
    const book = memory({ Action: "Envoyer les convocations" }, [
      ledgerRow(EVENT, "workflow:execution", { kind: "execution", executionId: "execution-old" }),
      ledgerRow(EVENT, "workflow:callback:go", {
        kind: "callback",
        purpose: "go",
        url: "https://callback/ended",
      }),
    ]);
    const starter = new RecordingStarter();
    starter.signal = async () => {
      throw new Error("HTTP 404");
    };
    const result = await followEdit(deps(starter), {
      event: EVENT,
      tab: "Séminaire",
      workbook: book,
      now: NOW,
    });
    expect(result.started).toBe("execution-1");
    expect(journalData(book)).toContainEqual(
      expect.objectContaining({ kind: "execution", executionId: "execution-1" }),
    );
  });

  it("starts a new execution when the last one stopped on problems", async () => {
    const book = memory({ Action: "Affecter" }, [
      ledgerRow(EVENT, "workflow:execution", { kind: "execution", executionId: "execution-1" }),
      ledgerRow(EVENT, "workflow:stopped", { kind: "stopped", problems: 1 }),
    ]);
    const starter = new RecordingStarter();
    const result = await followEdit(deps(starter), {
      event: EVENT,
      tab: "Séminaire",
      workbook: book,
      now: NOW,
    });
    expect(result.started).toBe("execution-1");
    expect(starter.started).toHaveLength(1);
  });

  it("sends a change notice to exactly the participant whose placement the organizer changed after the go", async () => {
    const book = memory({ Action: "Envoyer les convocations" }, [
      ledgerRow(EVENT, "workflow:execution", { kind: "execution", executionId: "execution-1" }),
      ledgerRow(EVENT, "workflow:go", { kind: "go" }),
    ]);
    await sendDueMessages(book, mailer, clock, { event: EVENT, kinds: ["convocation"], ratePerSecond: 1000 });
    expect(mailer.sent).toHaveLength(3);
    // The organizer moves Claire's afternoon to the CAF with Sophie Le Gall.
    const rows = book.tabs.get(TABS.placements.name)!;
    const header = rows[0]!;
    const target = rows.findIndex(
      (row, index) =>
        index > 0 &&
        row[header.indexOf("Email participant")] === people.claire.Email &&
        row[header.indexOf("Créneau")] === "Après-midi",
    );
    rows[target]![header.indexOf("Structure")] = "CAF — Accueil de Rennes";
    rows[target]![header.indexOf("Email tuteur")] = "sophie.le-gall@caf.example.org";
    rows[target]![header.indexOf("Tuteur")] = "Sophie Le Gall";
    const before = mailer.sent.length;
    const result = await followEdit(deps(new RecordingStarter()), {
      event: EVENT,
      tab: TABS.placements.name,
      workbook: book,
      now: NOW,
    });
    const notices = mailer.sent.slice(before);
    const participants = notices.filter((message) => /Modification|modifi/i.test(message.subject));
    expect(
      participants.map((message) => (typeof message.to === "string" ? message.to : message.to.address)),
    ).toEqual([people.claire.Email]);
    expect(result.sent).toBe(notices.length);
    // Saving again changes nothing: no second notice.
    const again = await followEdit(deps(new RecordingStarter()), {
      event: EVENT,
      tab: TABS.placements.name,
      workbook: book,
      now: NOW,
    });
    expect(again.sent).toBe(0);
  });

  it("sends a change notice to those a timetable change concerns, after the go", async () => {
    const book = memory({ Action: "Envoyer les convocations" }, [
      ledgerRow(EVENT, "workflow:execution", { kind: "execution", executionId: "execution-1" }),
      ledgerRow(EVENT, "workflow:go", { kind: "go" }),
    ]);
    await sendDueMessages(book, mailer, clock, { event: EVENT, kinds: ["convocation"], ratePerSecond: 1000 });
    const rows = book.tabs.get(TABS.programme.name)!;
    const header = rows[0]!;
    const row = (sequence: string) =>
      rows.find((candidate) => candidate[header.indexOf("Séquence")] === sequence)!;
    const notified = async () => {
      const before = mailer.sent.length;
      await followEdit(deps(new RecordingStarter()), {
        event: EVENT,
        tab: TABS.programme.name,
        workbook: book,
        now: NOW,
      });
      return mailer.sent
        .slice(before)
        .map((message) => (typeof message.to === "string" ? message.to : message.to.address))
        .filter((address) => Object.values(people).some((person) => person.Email === address))
        .sort();
    };
    // The optional visit moves: only Claire chose it.
    row("Visite")[header.indexOf("Début")] = "14:30";
    expect(await notified()).toEqual([people.claire.Email]);
    // The welcome of every participant moves: everyone hears of it.
    row("Accueil")[header.indexOf("Début")] = "16:15";
    expect(await notified()).toEqual([people.claire.Email, people.elodie.Email, people.hugo.Email].sort());
  });

  it("wakes a running cycle when its speakers, talks or registrations are edited, and only then", async () => {
    const template = join(import.meta.dirname, "../../sheets-templates/cycle-rencontres.xlsx");
    const book = new MemoryWorkbook(await new XlsxWorkbook(template).read(CYCLE_TABS), "cycle-exemple");
    await book.write(
      journalAppend(undefined, NOW, "Europe/Paris", [
        controlLines.execution("execution-1"),
        {
          event: "x",
          key: "workflow:callback:changes",
          data: { kind: "callback", purpose: "changes", url: "https://callback/changes" },
        },
      ]),
    );
    const starter = new RecordingStarter();
    const edit = (tab: string) =>
      followEdit(deps(starter), { event: "cycle-exemple", tab, workbook: book, now: NOW });

    for (const tab of ["Intervenants", "Rencontres", "Inscriptions"])
      expect(await edit(tab), tab).toEqual({ signalled: 1 });
    expect(await edit("Retours")).toEqual({ signalled: 0 });
    expect(starter.signals).toEqual(Array(3).fill("https://callback/changes"));
    expect(starter.started).toEqual([]);
  });
});
