/**
 * The three functions as an attacker meets them: built by `buildHandlers` as in the cloud, served
 * behind the body guard by the functions framework's test server, over in-memory workbooks, with
 * the attacker's own server on a loopback port. Every log line the functions print during this
 * file is kept and searched, at the end, for an address, a name or a body.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createGzip } from "node:zlib";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GoogleWorkflowStarter } from "../../functions/adapters/google-workflow-starter.js";
import { jsonLogLine } from "../../functions/adapters/json-log.js";
import { type SnsMessage, SnsVerifier } from "../../functions/adapters/sns-verifier.js";
import { messageKey } from "../../functions/core/messages/plan.js";
import { signedEditHeaders } from "../../functions/core/security/edit-signature.js";
import { spreadsheetKey } from "../../functions/core/security/keys.js";
import { replyAddress, replyToken } from "../../functions/core/security/reply-token.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import { buildHandlers, type Platform } from "../../functions/handlers.js";
import type { LogFields, WorkflowStarter } from "../../functions/ports.js";
import { BODY_LIMITS, register } from "../../functions/request-guard.js";
import { createTestSigner, type TestSigner } from "../inbound/sns-signer.js";
import { EVENT, ManualClock, people, RecordingMailer, seminar, tutors } from "../messages/fixtures.js";
import { ledgerRow, sentRow, testKeys } from "../support/ledger.js";
import { MemoryWorkbook } from "../support/workbooks.js";

const NOW = new Date("2027-03-01T10:00:00Z");
const MASTER_EDIT = "secret-maitre-des-modifications-0123456789";
const MASTER_REPLY = "secret-maitre-des-reponses-0123456789";
const TOPIC = "arn:aws:sns:eu-west-3:123456789012:passerelle-reponses";
const OTHER_EVENT = "autre-classeur-2027";
/** A marker put in every body sent here: it must reach no log line. */
const BODY_MARK = "corps-de-requete-7f3a";
const TUTOR = String(tutors[0]!.Email);

const clock = new ManualClock(NOW);
const books = new Map<string, MemoryWorkbook>();
const opened: string[] = [];
const started: string[] = [];
let matchings = 0;
/** Every line the functions log (as `jsonConsoleLog` would print it) and the console prints. */
const printed: string[] = [];
let signer: TestSigner;

/** The attacker's server: records every request, and whether it carried a credential. */
const attacker = {
  server: undefined as Server | undefined,
  url: "",
  requests: [] as { path: string; authorization: string | undefined }[],
};

/** The functions' account: adds its token to every request the starter sends. */
const withToken = {
  request: async (options: { url: string; method: "POST"; data: unknown }) => {
    const response = await fetch(options.url, {
      method: "POST",
      headers: { authorization: "Bearer jeton-du-compte-des-fonctions", "content-type": "application/json" },
      body: JSON.stringify(options.data),
    });
    return { data: await response.text() };
  },
};

const log = {
  info: (event: string, fields?: LogFields) => printed.push(jsonLogLine("INFO", event, fields)),
  warn: (event: string, fields?: LogFields) => printed.push(jsonLogLine("WARNING", event, fields)),
  error: (event: string, fields?: LogFields) => printed.push(jsonLogLine("ERROR", event, fields)),
};

const google = new GoogleWorkflowStarter({
  project: "passerelle-demo",
  location: "europe-west1",
  workflows: { seminar: "passerelle-seminaire", lunch: "passerelle-rencontre" },
  requester: withToken,
  log,
});
const starter: WorkflowStarter = {
  async start({ event }) {
    started.push(event);
    return { executionId: `execution-${started.length}` };
  },
  signal: (url, payload) => google.signal(url, payload),
};

const platform: Platform = {
  workbookFor: (event) => {
    opened.push(event);
    const book = books.get(event);
    if (!book) throw new Error("unknown spreadsheet");
    return book;
  },
  mailer: new RecordingMailer(),
  clock,
  solver: async () => {
    matchings++;
    throw new Error("no matching in these tests");
  },
  starter,
  verifier: new SnsVerifier({ fetchCertificate: async () => signer.certificatePem, now: () => NOW }),
  fetch: async () => ({ ok: true, status: 200 }),
  config: {
    editSecret: MASTER_EDIT,
    replySecret: MASTER_REPLY,
    replyDomain: "reponses.example.org",
    stepUrl: "https://europe-west1-passerelle-demo.cloudfunctions.net/workflowStep",
    topicArn: TOPIC,
    sendRate: 1000,
    sendBudgetSeconds: 50,
  },
  log,
};

const handlers = buildHandlers(platform);
register("sheetEdit-security", handlers.sheetEdit, {
  name: "sheet-edit",
  limitBytes: BODY_LIMITS.sheetEdit,
  log,
});
register("workflowStep-security", handlers.workflowStep, {
  name: "workflow-step",
  limitBytes: BODY_LIMITS.workflowStep,
  log,
});
register("inboundMail-security", handlers.inboundMail, {
  name: "inbound-mail",
  limitBytes: BODY_LIMITS.inboundMail,
  log,
});
register(
  "crashing-security",
  async () => {
    throw new Error(`impossible de lire ${TUTOR}`);
  },
  { name: "crashing", limitBytes: 1024, log },
);

const servers = {
  sheetEdit: getTestServer("sheetEdit-security"),
  workflowStep: getTestServer("workflowStep-security"),
  inboundMail: getTestServer("inboundMail-security"),
};

/** The same functions listening on loopback ports, for large bodies (sent with `fetch`). */
const urls: Record<keyof typeof servers, string> = { sheetEdit: "", workflowStep: "", inboundMail: "" };

async function send(
  name: keyof typeof servers,
  body: Buffer | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
): Promise<number> {
  const response = await fetch(urls[name], {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    ...(body instanceof Buffer ? {} : { duplex: "half" }),
  } as RequestInit);
  await response.arrayBuffer();
  return response.status;
}

const consoleMethods = ["log", "info", "warn", "error", "debug"] as const;
const originalConsole = Object.fromEntries(consoleMethods.map((name) => [name, console[name]]));

beforeAll(async () => {
  signer = createTestSigner();
  for (const name of consoleMethods)
    console[name] = (...args: unknown[]) => {
      printed.push(args.map(String).join(" "));
    };
  for (const name of Object.keys(servers) as (keyof typeof servers)[]) {
    const server = servers[name];
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }
  attacker.server = createServer((incoming, response) => {
    attacker.requests.push({ path: incoming.url ?? "", authorization: incoming.headers.authorization });
    incoming.resume();
    response.end("{}");
  });
  await new Promise<void>((done) => attacker.server!.listen(0, "127.0.0.1", done));
  attacker.url = `http://127.0.0.1:${(attacker.server!.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const name of consoleMethods) console[name] = originalConsole[name]!;
  await new Promise((done) => attacker.server?.close(done));
  for (const server of Object.values(servers)) server.close();
});

beforeEach(() => {
  books.clear();
  opened.length = 0;
  started.length = 0;
  matchings = 0;
  attacker.requests.length = 0;
});

function book(settings: Record<string, string>, journal: Record<string, string>[] = []): MemoryWorkbook {
  const workbook = new MemoryWorkbook(seminar({ settings, journal }));
  books.set(EVENT, workbook);
  return workbook;
}

function actionRow(workbook: MemoryWorkbook): number {
  return (workbook.tabs.get(TABS.seminar.name) ?? []).findIndex((row) => row[0] === "Action") + 1;
}

function editBody(row: number, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    spreadsheetId: EVENT,
    editId: randomUUID(),
    tab: TABS.seminar.name,
    firstRow: row,
    lastRow: row,
    firstColumn: 2,
    lastColumn: 2,
    ...overrides,
  });
}

function postEdit(body: string, key = spreadsheetKey(MASTER_EDIT, "edit", EVENT)) {
  return request(servers.sheetEdit)
    .post("/")
    .set("content-type", "application/json")
    .set(signedEditHeaders(key, body, NOW))
    .send(body);
}

function journalKeys(workbook: MemoryWorkbook): string[] {
  const [header = [], ...rows] = workbook.tabs.get(TABS.journal.name) ?? [];
  const column = header.indexOf("Clé");
  return rows.map((row) => String(row[column] ?? ""));
}

describe("credentials go only to Google", () => {
  it("posts nothing to a callback URL typed into the Journal, and starts a new execution instead", async () => {
    // Rows typed by hand are ignored by the ledger (their seal does not verify); here the rows are
    // sealed, as if the ledger itself had been fooled: the rule on the URL still holds.
    const workbook = book({ Action: "Envoyer les convocations" }, [
      ledgerRow("seminaire-test", "workflow:execution", { kind: "execution", executionId: "execution-old" }),
      ledgerRow("seminaire-test", "workflow:callback:go", {
        kind: "callback",
        purpose: "go",
        url: `${attacker.url}collect`,
      }),
      ledgerRow("seminaire-test", "workflow:callback:resume", {
        kind: "callback",
        purpose: "resume",
        url: `https://workflowexecutions.googleapis.com.${attacker.url.slice(7)}v1/projects/passerelle-demo/locations/europe-west1/workflows/passerelle-seminaire/executions/e/callbacks/c`,
      }),
    ]);

    const response = await postEdit(editBody(actionRow(workbook)));

    expect(response.status).toBe(200);
    expect(attacker.requests).toEqual([]);
    expect(started).toEqual([EVENT]);
    const refusals = printed.filter((line) => line.includes("workflow.callback-refused"));
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    expect(refusals.join("\n")).not.toContain("127.0.0.1");
  });
});

describe("each edit is applied once", () => {
  it("runs the action of a captured edit once, however many times it is replayed", async () => {
    const workbook = book({ Action: "Affecter" });
    const body = editBody(actionRow(workbook));

    const answers = [];
    for (let delivery = 0; delivery < 4; delivery++) answers.push(await postEdit(body));

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((answer) => answer.body.replay ?? false)).toEqual([false, true, true, true]);
    expect(started).toEqual([EVENT]);
    expect(matchings).toBe(0);
    // One claim, then one record of the edit applied.
    expect(journalKeys(workbook).filter((key) => key.startsWith("edit:"))).toHaveLength(2);
    expect(new Set(journalKeys(workbook).filter((key) => key.startsWith("edit:"))).size).toBe(1);
  });

  it("runs a new edit of the same range again: only the same id is a replay", async () => {
    const workbook = book({ Action: "Affecter" });
    await postEdit(editBody(actionRow(workbook)));
    await postEdit(editBody(actionRow(workbook)));

    expect(started).toEqual([EVENT]);
    expect(matchings).toBe(1);
  });
});

describe("per-spreadsheet keys", () => {
  it("refuses an edit signed with another spreadsheet's key, or with the master secret itself", async () => {
    const workbook = book({ Action: "Affecter" });
    const body = editBody(actionRow(workbook));

    const other = await postEdit(body, spreadsheetKey(MASTER_EDIT, "edit", OTHER_EVENT));
    const master = await postEdit(body, MASTER_EDIT);
    const own = await postEdit(body);

    expect([other.status, master.status, own.status]).toEqual([401, 401, 200]);
    expect(started).toEqual([EVENT]);
  });

  it("derives a different key for each spreadsheet and each use", () => {
    const keys = new Set([
      spreadsheetKey(MASTER_EDIT, "edit", EVENT),
      spreadsheetKey(MASTER_EDIT, "edit", OTHER_EVENT),
      spreadsheetKey(MASTER_EDIT, "reply", EVENT),
      spreadsheetKey(MASTER_REPLY, "edit", EVENT),
    ]);
    expect(keys.size).toBe(4);
    expect([...keys].every((key) => /^[0-9a-f]{64}$/.test(key))).toBe(true);
  });
});

function mime(to: string, body = "Oui, je confirme."): string {
  return [
    `From: Sophie Le Gall <${TUTOR}>`,
    `To: ${to}`,
    "Subject: Re: Accueil de participants",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
    "",
  ].join("\r\n");
}

function snsNotification(to: string, options: { at?: Date; id?: string } = {}): SnsMessage {
  return signer.sign({
    Type: "Notification",
    MessageId: options.id ?? randomUUID(),
    TopicArn: TOPIC,
    Subject: "Amazon SES Email Receipt Notification",
    Timestamp: (options.at ?? NOW).toISOString(),
    Message: JSON.stringify({
      notificationType: "Received",
      mail: { messageId: "ses-1", destination: [to] },
      receipt: { recipients: [to], action: { type: "SNS", encoding: "BASE64", topicArn: TOPIC } },
      content: Buffer.from(mime(to), "utf8").toString("base64"),
    }),
  });
}

function postSns(message: SnsMessage) {
  return request(servers.inboundMail)
    .post("/")
    .set("content-type", "text/plain; charset=UTF-8")
    .send(JSON.stringify(message));
}

describe("unverified input writes nothing", () => {
  const token = (secret: string, version: number, event = EVENT) =>
    `reponse+${replyToken({ event, tutorEmail: TUTOR, version }, secret)}@reponses.example.org`;

  it("writes into no workbook for five replies forged with another key, nor for a version never sent", async () => {
    const workbook = book({});
    const forged = [
      ...Array.from({ length: 5 }, (_, index) => token(`une-autre-cle-de-signature-${index}`, 1)),
      token(MASTER_REPLY, 0),
    ];

    const answers = [];
    for (const to of forged) answers.push(await postSns(snsNotification(to)));

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.map((answer) => answer.body.outcome)).toEqual(Array(6).fill("unmatched-forged"));
    expect(opened).toEqual([]);
    expect(workbook.writes).toEqual([]);
    expect(printed.filter((line) => line.includes("inbound-mail.unmatched")).length).toBeGreaterThanOrEqual(
      6,
    );
  });

  it("applies a reply to a request that was sent", async () => {
    const workbook = book({}, [
      sentRow("seminaire-test", messageKey(testKeys("seminaire-test"), TUTOR, "demande-tuteur", 1)),
    ]);
    const to = replyAddress(
      { event: EVENT, tutorEmail: TUTOR, version: 1 },
      MASTER_REPLY,
      "reponses.example.org",
    );

    const answer = await postSns(snsNotification(to));

    expect(answer.body).toMatchObject({ outcome: "recorded", decision: "confirm" });
    expect(workbook.writes.length).toBeGreaterThan(0);
  });

  it("refuses, with 401, an SNS message signed more than an hour ago, and one from 2019", async () => {
    book({});
    const to = replyAddress(
      { event: EVENT, tutorEmail: TUTOR, version: 1 },
      MASTER_REPLY,
      "reponses.example.org",
    );
    const late = await postSns(snsNotification(to, { at: new Date(NOW.getTime() - 61 * 60_000) }));
    const old = await postSns(snsNotification(to, { at: new Date("2019-06-01T12:00:00Z") }));
    const recent = await postSns(snsNotification(to, { at: new Date(NOW.getTime() - 59 * 60_000) }));

    expect([late.status, old.status, recent.status]).toEqual([401, 401, 200]);
  });
});

/** 100 MB of zeros, gzipped to about 100 KB, built a megabyte at a time. */
async function gzipBomb(inflated: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((done) => gzip.on("end", done));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < inflated; written += zeros.length) {
    if (!gzip.write(zeros)) await new Promise((done) => gzip.once("drain", done));
  }
  gzip.end();
  await ended;
  return Buffer.concat(chunks);
}

describe("bounded requests", () => {
  const names = ["sheetEdit", "workflowStep", "inboundMail"] as const;

  it.each(names)(
    "answers 415 to a gzip bomb sent to %s, before any of its code runs, in bounded memory",
    async (name) => {
      const bomb = await gzipBomb(100 * 1024 * 1024);
      const before = process.memoryUsage().rss;

      const status = await send(name, bomb, { "content-encoding": "gzip" });

      const grown = process.memoryUsage().rss - before;
      expect(status).toBe(415);
      expect(grown).toBeLessThan(40 * 1024 * 1024);
      expect(opened).toEqual([]);
      expect(printed.at(-1)).toContain("refused-body");
    },
  );

  it.each(names)(
    "answers 413 to a 10 MB body sent to %s, declared or not, before any of its code runs",
    async (name) => {
      const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
      const declared = await send(name, big);
      const chunked = await send(
        name,
        new ReadableStream({
          start(controller) {
            for (let chunk = 0; chunk < 10; chunk++) controller.enqueue(big.subarray(0, 1024 * 1024));
            controller.close();
          },
        }),
      );

      expect([declared, chunked]).toEqual([413, 413]);
      expect(opened).toEqual([]);
    },
  );

  it("holds sheetEdit and workflowStep to 64 KB and inboundMail to 256 KB", async () => {
    const justOver = (limit: number) => Buffer.alloc(limit + 1, 0x20);

    const statuses = [
      await send("sheetEdit", justOver(65_536)),
      await send("workflowStep", justOver(65_536)),
      await send("inboundMail", justOver(262_144)),
      await send("inboundMail", Buffer.alloc(200 * 1024, 0x20)),
    ];

    expect(statuses).toEqual([413, 413, 413, 400]);
  });

  it.each(names)(
    "answers 400 to malformed JSON sent to %s, echoing nothing and logging no body",
    async (name) => {
      const body = `{"spreadsheetId": "${EVENT}", "email": "${TUTOR}", "note": "${BODY_MARK}"`;

      const response = await request(servers[name])
        .post("/")
        .set("content-type", "application/json")
        .send(body);

      expect(response.status).toBe(400);
      expect(response.text).not.toContain(TUTOR);
      expect(response.text).not.toMatch(/at .*\.(js|ts):\d+/);
    },
  );

  it("answers 500 with a fixed message when a function throws, logging the error's class only", async () => {
    const response = await request(getTestServer("crashing-security")).post("/").send({ note: BODY_MARK });

    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: "Erreur interne : la demande sera refaite au prochain essai." });
    expect(printed.at(-1)).toBe(jsonLogLine("ERROR", "crashing.crashed", { error: "Error" }));
  });
});

describe("what the functions log", () => {
  it("names each line, whatever its fields are called", () => {
    expect(
      JSON.parse(jsonLogLine("INFO", "workflow-step.done", { event: "x", severity: "y" })),
    ).toMatchObject({
      event: "workflow-step.done",
      severity: "INFO",
    });
  });

  it("printed no address, no name and no body during this file", () => {
    const names = [...Object.values(people), ...tutors].flatMap((person) => [
      String(person.Nom),
      String(person.Prénom),
    ]);
    const everything = printed.join("\n");
    expect(printed.length).toBeGreaterThan(20);
    expect(everything).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.-]+/);
    expect(everything).not.toContain(BODY_MARK);
    for (const name of names) expect(everything).not.toContain(name);
    expect(everything).not.toMatch(/Bearer|\n\s+at /);
  });
});
