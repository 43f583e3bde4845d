import * as functions from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  GoogleSheetsWorkbook,
  SheetsRequestError,
  SheetTitleCache,
  sheetsFailure,
} from "../../functions/adapters/google-sheets-workbook.js";
import { checkWorkbook } from "../../functions/app/check-workbook.js";
import { LedgerWorkbook } from "../../functions/app/ledger-workbook.js";
import {
  SIGNATURE_HEADER,
  signEdit,
  TIMESTAMP_HEADER,
} from "../../functions/core/security/edit-signature.js";
import { spreadsheetKey } from "../../functions/core/security/keys.js";
import { cellText, parseEmail } from "../../functions/core/sheet/cells.js";
import type {
  Cell,
  CellWrite,
  EventWorkbook,
  LogFields,
  Workbook,
  WorkbookChanges,
  WorkbookSnapshot,
} from "../../functions/ports.js";
import { type SheetEditDeps, sheetEditHandler } from "../../functions/sheet-edit.js";
import { FakeSheetsServer } from "../fakes/sheets-server.js";
import { testKeys } from "../support/ledger.js";
import { seminarSnapshot } from "../support/workbooks.js";

const SECRET = "un-secret-partagé-de-test-0123456789";
const NOW = new Date("2027-03-01T09:30:00Z");
const SPREADSHEET_ID = "1AbC-dEf_123";

/** Records what the handler asked of it and answers as told. */
class RecordingWorkbook implements EventWorkbook {
  readonly keys = testKeys("classeur");
  readonly reads: (readonly string[])[] = [];
  readonly writes: WorkbookChanges[] = [];
  constructor(private readonly snapshot: WorkbookSnapshot = new Map()) {}
  async read(tabs: readonly string[]): Promise<WorkbookSnapshot> {
    this.reads.push(tabs);
    return this.snapshot;
  }
  async write(changes: WorkbookChanges): Promise<void> {
    this.writes.push(changes);
  }
}

interface LogLine {
  readonly level: string;
  readonly event: string;
  readonly fields?: LogFields | undefined;
}

/** What the registered function uses, swapped by each test. */
const scenario = {
  now: NOW,
  workbooks: new Map<string, EventWorkbook>(),
  opened: [] as string[],
  checks: [] as { workbook: Workbook; now: Date }[],
  check: async (_workbook: Workbook, _now: Date): Promise<unknown> => ({ rows: [], cellsWritten: 0 }),
  actions: [] as string[],
  logs: [] as LogLine[],
  applied: new Set<string>(),
};

const deps: SheetEditDeps = {
  secret: SECRET,
  ledger: async (_workbook, edit) => ({
    applied: scenario.applied.has(edit.id),
    claim: async () => "won" as const,
    record: async () => {
      scenario.applied.add(edit.id);
    },
  }),
  workbookFor: (spreadsheetId) => {
    scenario.opened.push(spreadsheetId);
    return scenario.workbooks.get(spreadsheetId) ?? new RecordingWorkbook();
  },
  check: async (workbook, now) => {
    scenario.checks.push({ workbook, now });
    return scenario.check(workbook, now);
  },
  onAction: async ({ edit }) => {
    scenario.actions.push(edit.tab);
  },
  clock: { now: () => scenario.now },
  log: {
    info: (event, fields) => scenario.logs.push({ level: "info", event, fields }),
    warn: (event, fields) => scenario.logs.push({ level: "warn", event, fields }),
    error: (event, fields) => scenario.logs.push({ level: "error", event, fields }),
  },
};

functions.http("sheetEdit", sheetEditHandler(deps));

beforeEach(() => {
  scenario.now = NOW;
  scenario.workbooks.clear();
  scenario.opened = [];
  scenario.checks = [];
  scenario.check = async () => ({ rows: [], cellsWritten: 0 });
  scenario.actions = [];
  scenario.logs = [];
  scenario.applied.clear();
});

const edit = {
  spreadsheetId: SPREADSHEET_ID,
  editId: "3f2c1a9e-7d4b-4c1e-9a51-2b8f0c6d4e17",
  tab: "Participants",
  firstRow: 7,
  lastRow: 7,
  firstColumn: 3,
  lastColumn: 3,
};

function seconds(date: Date): string {
  return String(Math.floor(date.getTime() / 1000));
}

function post(body: string, headers: Record<string, string>) {
  return request(getTestServer("sheetEdit"))
    .post("/")
    .set("content-type", "application/json")
    .set(headers)
    .send(body);
}

/** Signed as the spreadsheet's Apps Script signs: with the key derived for this spreadsheet. */
function signed(
  body: string,
  at = NOW,
  secret = spreadsheetKey(SECRET, "edit", SPREADSHEET_ID),
): Record<string, string> {
  const timestamp = seconds(at);
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signEdit(secret, timestamp, body) };
}

describe("sheetEdit refuses what it cannot trust", () => {
  const body = JSON.stringify(edit);
  const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
  const cases: {
    name: string;
    body: string;
    headers: Record<string, string>;
    status: number;
    reason?: string;
  }[] = [
    { name: "an unsigned request", body, headers: {}, status: 401, reason: "missing" },
    {
      name: "a request without its timestamp",
      body,
      headers: { [SIGNATURE_HEADER]: signed(body)[SIGNATURE_HEADER]! },
      status: 401,
      reason: "missing",
    },
    {
      name: "a request signed with another secret",
      body,
      headers: signed(body, NOW, "un-autre-secret-0123456789"),
      status: 401,
      reason: "mismatch",
    },
    {
      name: "a body changed after signing",
      body: body.replace('"firstRow":7', '"firstRow":2'),
      headers: signed(body),
      status: 401,
      reason: "mismatch",
    },
    {
      name: "a request signed six minutes ago",
      body,
      headers: signed(body, minutes(-6)),
      status: 401,
      reason: "stale",
    },
    {
      name: "a request signed six minutes ahead",
      body,
      headers: signed(body, minutes(6)),
      status: 401,
      reason: "stale",
    },
    {
      name: "a signature that is not hexadecimal",
      body,
      headers: { [TIMESTAMP_HEADER]: seconds(NOW), [SIGNATURE_HEADER]: "sha256=abc" },
      status: 401,
      reason: "malformed",
    },
    {
      name: "a signed body that names no tab",
      body: JSON.stringify({ ...edit, tab: "" }),
      headers: signed(JSON.stringify({ ...edit, tab: "" })),
      status: 400,
    },
    {
      name: "a signed body whose last row comes before its first",
      body: JSON.stringify({ ...edit, lastRow: 2 }),
      headers: signed(JSON.stringify({ ...edit, lastRow: 2 })),
      status: 400,
    },
    {
      name: "a signed body with a spreadsheet id that is not one",
      body: JSON.stringify({ ...edit, spreadsheetId: "../../etc" }),
      headers: signed(JSON.stringify({ ...edit, spreadsheetId: "../../etc" })),
      status: 400,
    },
  ];

  it.each(cases)(
    "answers $status to $name, without checking anything",
    async ({ body, headers, status, reason }) => {
      const response = await post(body, headers);

      expect(response.status).toBe(status);
      expect(response.body.error).toMatch(/Signature|Requête invalide/);
      expect(scenario.checks).toHaveLength(0);
      if (reason)
        expect(scenario.logs).toEqual([{ level: "warn", event: "sheet-edit.refused", fields: { reason } }]);
    },
  );

  it("accepts a request signed four minutes ago", async () => {
    const response = await post(body, signed(body, minutes(-4)));
    expect(response.status).toBe(200);
  });

  it("answers 405 to anything but POST", async () => {
    const response = await request(getTestServer("sheetEdit")).get("/");
    expect(response.status).toBe(405);
  });

  it("logs neither the tab nor the spreadsheet of a refused or a bad request", async () => {
    const named = JSON.stringify({ ...edit, tab: "Dupont Jean", lastRow: 1 });
    await post(named, {});
    await post(named, signed(named));

    expect(scenario.logs.map((line) => line.event)).toEqual(["sheet-edit.refused", "sheet-edit.bad-request"]);
    expect(JSON.stringify(scenario.logs)).not.toMatch(/Dupont|1AbC/);
  });
});

describe("sheetEdit checks the workbook of a signed edit", () => {
  it("checks the workbook named by the edit at the clock's time and answers a summary", async () => {
    const body = JSON.stringify(edit);
    scenario.check = async () => ({
      rows: [
        { tab: "Participants", row: 2, problems: [] },
        { tab: "Participants", row: 7, problems: ["Email : adresse invalide."] },
      ],
      cellsWritten: 1,
    });

    const response = await post(body, signed(body));

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, rows: 2, rowsWithProblems: 1, cellsWritten: 1, tookMs: 0 });
    expect(scenario.opened).toEqual([SPREADSHEET_ID]);
    expect(scenario.checks.map((call) => call.now)).toEqual([NOW]);
    expect(scenario.actions).toEqual(["Participants"]);
  });

  it("hands every edit on to the follow-up handler after the check", async () => {
    const body = JSON.stringify({ ...edit, tab: "Seminaire" });

    const response = await post(body, signed(body));

    expect(response.status).toBe(200);
    expect(scenario.actions).toEqual(["Seminaire"]);
  });

  it("answers 500 without details when the check fails, and logs only the error's kind", async () => {
    const body = JSON.stringify(edit);
    scenario.check = async () => {
      throw new Error("jean.dupont@example.org cannot be parsed");
    };

    const response = await post(body, signed(body));

    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toContain("dupont");
    expect(scenario.logs).toEqual([
      { level: "error", event: "sheet-edit.failed", fields: { error: "Error", status: 500 } },
    ]);
  });

  it("answers 403, which the script does not retry, when the spreadsheet is not shared with the function", async () => {
    const body = JSON.stringify(edit);
    scenario.check = async () => {
      throw sheetsFailure(
        new SheetsRequestError("values.batchGet", Object.assign(new Error("forbidden"), { status: 403 })),
      );
    };

    const response = await post(body, signed(body));

    expect(response.status).toBe(403);
    expect(response.body.error).toContain("compte de service");
  });
});

describe("sheetEdit end to end against the Sheets API fake", () => {
  let fake: FakeSheetsServer;

  beforeAll(async () => {
    fake = await FakeSheetsServer.start(SPREADSHEET_ID);
  });
  afterAll(async () => {
    await fake.close();
  });

  /** A check of the test's own: every participant's email, verdict in `Statut`, only what changed. */
  async function checkEmails(workbook: Workbook): Promise<unknown> {
    const tab = (await workbook.read(["Participants"])).get("Participants");
    if (!tab) return { rows: [] };
    const header = tab.rows[0] ?? [];
    const email = header.findIndex((cell) => cellText(cell) === "Email");
    const status = header.findIndex((cell) => cellText(cell) === "Statut");
    const rows = tab.rows.slice(1).map((row, index) => ({
      row: index + 2,
      current: row[status] ?? null,
      problems: parseEmail(row[email] ?? null) === null ? ["Email : adresse invalide."] : [],
    }));
    const cells: CellWrite[] = rows
      .map((row) => ({ ...row, verdict: (row.problems[0] ?? "OK") as Cell }))
      .filter((row) => row.verdict !== row.current)
      .map((row) => ({ tab: tab.title, row: row.row, column: status + 1, value: row.verdict }));
    if (cells.length > 0) await workbook.write({ cells });
    return { rows, cellsWritten: cells.length };
  }

  it("writes the verdicts in Statut with one read and one write", async () => {
    fake.addTab("Participants", [
      ["Nom", "Prénom", "Email", "Statut"],
      ["Durand", "Émilie", "emilie.durand@example.org"],
      ['=HYPERLINK("x")', "Yann", "yann.legall@exemple"],
      ["Martin", "Léa", "lea.martin@example.org", "OK"],
    ]);
    scenario.workbooks.set(
      SPREADSHEET_ID,
      new LedgerWorkbook(
        new LedgerWorkbook(
          new GoogleSheetsWorkbook(SPREADSHEET_ID, { rootUrl: fake.rootUrl }),
          testKeys(SPREADSHEET_ID),
        ),
        testKeys(SPREADSHEET_ID),
      ),
    );
    scenario.check = checkEmails;
    const body = JSON.stringify({ ...edit, firstRow: 3, lastRow: 3 });

    const response = await post(body, signed(body));

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ rows: 3, rowsWithProblems: 1, cellsWritten: 2 });
    expect(fake.rows("Participants").map((row) => row[3] ?? null)).toEqual([
      "Statut",
      "OK",
      "Email : adresse invalide.",
      "OK",
    ]);
    expect(fake.cell("Participants", "A3")).toBe('=HYPERLINK("x")');
    expect(fake.requests.map((recorded) => recorded.endpoint)).toEqual([
      "values.batchGet",
      "values.batchUpdate",
    ]);
  });

  it("answers 503 when Sheets keeps failing, so that the script may try again", async () => {
    fake.failNext({ status: 503, times: 10 });
    scenario.workbooks.set(
      SPREADSHEET_ID,
      new LedgerWorkbook(
        new GoogleSheetsWorkbook(SPREADSHEET_ID, { rootUrl: fake.rootUrl, retry: { sleep: async () => {} } }),
        testKeys(SPREADSHEET_ID),
      ),
    );
    scenario.check = checkEmails;
    const body = JSON.stringify(edit);

    const response = await post(body, signed(body));

    expect(response.status).toBe(503);
    expect(scenario.logs.at(-1)).toEqual({
      level: "error",
      event: "sheet-edit.failed",
      fields: { error: "RetryableError", status: 503 },
    });
  });
});

describe("sheetEdit through the checking use case, against the Sheets API fake", () => {
  let fake: FakeSheetsServer;

  beforeAll(async () => {
    fake = await FakeSheetsServer.start(SPREADSHEET_ID);
    for (const tab of seminarSnapshot().values())
      fake.addTab(
        tab.title,
        tab.rows.map((row) => [...row]),
      );
  });
  afterAll(async () => {
    await fake.close();
  });

  it("writes the example seminar's verdicts, then reads once and writes nothing when nothing changed", async () => {
    const titles = new SheetTitleCache();
    scenario.workbooks.set(
      SPREADSHEET_ID,
      new LedgerWorkbook(
        new GoogleSheetsWorkbook(SPREADSHEET_ID, { rootUrl: fake.rootUrl, titleCache: titles }),
        testKeys(SPREADSHEET_ID),
      ),
    );
    scenario.check = checkWorkbook;
    const body = JSON.stringify(edit);

    const first = await post(body, signed(body));

    expect(first.status).toBe(200);
    expect(first.body.rowsWithProblems).toBeGreaterThan(0);
    expect(first.body.cellsWritten).toBeGreaterThan(0);
    const participants = fake.rows("Participants");
    const statusColumn = participants[0]!.indexOf("Statut");
    const statuses = participants.map((row, index) => (index === 0 ? null : row[statusColumn]));
    expect(statuses.filter((status) => status === "OK").length).toBeGreaterThan(10);
    expect(fake.count("values.batchUpdate")).toBe(1);

    fake.clearRequests();
    scenario.workbooks.set(
      SPREADSHEET_ID,
      new LedgerWorkbook(
        new GoogleSheetsWorkbook(SPREADSHEET_ID, { rootUrl: fake.rootUrl, titleCache: titles }),
        testKeys(SPREADSHEET_ID),
      ),
    );
    const second = await post(body, signed(body));

    expect(second.status).toBe(200);
    expect(second.body.cellsWritten).toBe(0);
    expect(fake.requests.map((recorded) => recorded.endpoint)).toEqual(["values.batchGet"]);
  });
});
