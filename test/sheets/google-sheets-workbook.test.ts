import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  GoogleSheetsWorkbook,
  groupCells,
  SheetsRequestError,
  SheetTitleCache,
  titleOfRange,
  valueRangesOf,
} from "../../functions/adapters/google-sheets-workbook.js";
import { PermanentError, RetryableError } from "../../functions/errors.js";
import { FakeSheetsServer } from "../fakes/sheets-server.js";

let fake: FakeSheetsServer;
let sleeps: number[];

beforeEach(async () => {
  fake = await FakeSheetsServer.start();
  sleeps = [];
});

afterEach(async () => {
  await fake.close();
});

function workbook(cache = new SheetTitleCache()): GoogleSheetsWorkbook {
  return new GoogleSheetsWorkbook(fake.spreadsheetId, {
    rootUrl: fake.rootUrl,
    titleCache: cache,
    retry: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    },
  });
}

const participants = [
  ["Nom", "Prénom", "Email", "Arrivée", "Statut"],
  ["Durand", "Émilie", "emilie.durand@example.org", 0.6875, null],
  ["Le Gall", "Yann", "yann.legall@example.org", null, "OK"],
];

describe("GoogleSheetsWorkbook reading", () => {
  it("reads every tab asked for in one batchGet, unformatted, with dates as serial numbers", async () => {
    fake.addTab("Participants", participants).addTab("Séminaire", [
      ["Paramètre", "Valeur"],
      ["Jour 1", 46463],
      ["Fuseau horaire", "Europe/Paris"],
    ]);

    const snapshot = await workbook().read(["Participants", "Séminaire"]);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.endpoint).toBe("values.batchGet");
    expect(request?.query.ranges).toEqual(["'Participants'", "'Séminaire'"]);
    expect(request?.query.valueRenderOption).toEqual(["UNFORMATTED_VALUE"]);
    expect(request?.query.dateTimeRenderOption).toEqual(["SERIAL_NUMBER"]);
    expect(snapshot.get("Séminaire")?.rows[1]).toEqual(["Jour 1", 46463]);
    expect(snapshot.get("Participants")).toEqual({
      title: "Participants",
      rows: [participants[0], ["Durand", "Émilie", "emilie.durand@example.org", 0.6875], participants[2]],
    });
  });

  it("gives an empty cell in the middle of a row as null", async () => {
    fake.addTab("Participants", [["Nom", null, "Email"], [], ["Martin", null, "x@example.org"]]);

    const tab = (await workbook().read(["Participants"])).get("Participants");

    expect(tab?.rows).toEqual([["Nom", null, "Email"], [], ["Martin", null, "x@example.org"]]);
  });

  it("leaves a missing tab out of the result and asks for the titles only once", async () => {
    fake.addTab("Participants", participants);
    const sheet = workbook();

    const snapshot = await sheet.read(["Participants", "Journal"]);

    expect([...snapshot.keys()]).toEqual(["Participants"]);
    expect(fake.requests.map((request) => [request.endpoint, request.status])).toEqual([
      ["values.batchGet", 400],
      ["spreadsheets.get", 200],
      ["values.batchGet", 200],
    ]);
    expect(fake.requests[1]?.query.fields?.[0]).toContain("sheets.properties.title");

    fake.clearRequests();
    await sheet.read(["Participants", "Journal"]);
    expect(fake.requests.map((request) => request.endpoint)).toEqual(["values.batchGet"]);
  });

  it("reads a tab titled participants, or Seminaire without its accent, under the canonical name", async () => {
    fake.addTab("participants", participants).addTab("  Seminaire ", [["Paramètre", "Valeur"]]);

    const snapshot = await workbook().read(["Participants", "Séminaire"]);

    expect(snapshot.get("Participants")?.title).toBe("participants");
    expect(snapshot.get("Participants")?.rows[1]?.[0]).toBe("Durand");
    expect(snapshot.get("Séminaire")?.title).toBe("  Seminaire ");
  });

  it("quotes titles with spaces and apostrophes, in reads and in writes", async () => {
    fake.addTab("Vœux d'été 2027", [["Nom", "Vœu"]]);
    const sheet = workbook();

    const snapshot = await sheet.read(["Vœux d'été 2027"]);
    await sheet.write({ cells: [{ tab: "Vœux d'été 2027", row: 2, column: 2, value: "CAF" }] });

    expect(snapshot.get("Vœux d'été 2027")?.rows).toEqual([["Nom", "Vœu"]]);
    expect(fake.requests[0]?.query.ranges).toEqual(["'Vœux d''été 2027'"]);
    expect(fake.cell("Vœux d'été 2027", "B2")).toBe("CAF");
  });

  it("answers an empty map without calling the API when no tab is asked for", async () => {
    expect((await workbook().read([])).size).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("GoogleSheetsWorkbook and the titles it learns", () => {
  it("learns the titles again when a tab it knew has been renamed", async () => {
    fake.addTab("participants", participants);
    const cache = new SheetTitleCache();
    await workbook(cache).read(["Participants"]);
    fake.renameTab("participants", "Participants ");
    fake.clearRequests();

    const snapshot = await workbook(cache).read(["Participants"]);

    expect(snapshot.get("Participants")?.title).toBe("Participants ");
    expect(fake.requests.map((request) => [request.endpoint, request.status])).toEqual([
      ["values.batchGet", 400],
      ["spreadsheets.get", 200],
      ["values.batchGet", 200],
    ]);
  });

  it("forgets what it learnt after its time to live", () => {
    let now = 0;
    const cache = new SheetTitleCache(60_000, () => now);
    cache.set("id", ["Participants"]);
    now = 59_000;
    expect(cache.get("id")).toEqual(["Participants"]);
    now = 61_000;
    expect(cache.get("id")).toBeUndefined();
  });
});

describe("GoogleSheetsWorkbook writing", () => {
  it("writes every cell in one RAW batchUpdate, a column of verdicts as one range", async () => {
    fake.addTab("Participants", participants);
    const sheet = workbook();

    await sheet.write({
      cells: [
        { tab: "Participants", row: 2, column: 5, value: "Email : adresse invalide." },
        { tab: "Participants", row: 3, column: 5, value: "OK" },
        { tab: "Participants", row: 4, column: 5, value: "OK" },
        { tab: "Participants", row: 1, column: 7, value: "Convocation" },
        { tab: "Participants", row: 1, column: 8, value: "Notes" },
      ],
    });

    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.endpoint).toBe("values.batchUpdate");
    expect(fake.requests[0]?.body).toEqual({
      valueInputOption: "RAW",
      data: [
        {
          range: "'Participants'!E2:E4",
          majorDimension: "ROWS",
          values: [["Email : adresse invalide."], ["OK"], ["OK"]],
        },
        { range: "'Participants'!G1:H1", majorDimension: "ROWS", values: [["Convocation", "Notes"]] },
      ],
    });
    const back = (await sheet.read(["Participants"])).get("Participants");
    expect(back?.rows.map((row) => row[4])).toEqual(["Statut", "Email : adresse invalide.", "OK", "OK"]);
  });

  it("keeps a value beginning with = as text, never as a formula", async () => {
    fake.addTab("Participants", participants);
    const sheet = workbook();
    const typed = '=HYPERLINK("https://example.org","Cliquez")';

    await sheet.write({ cells: [{ tab: "Participants", row: 2, column: 1, value: typed }] });

    expect(fake.cell("Participants", "A2")).toBe(typed);
    expect((await sheet.read(["Participants"])).get("Participants")?.rows[1]?.[0]).toBe(typed);
  });

  it("clears a cell written as null and keeps numbers and booleans as they are", async () => {
    fake.addTab("Participants", participants);

    await workbook().write({
      cells: [
        { tab: "Participants", row: 3, column: 5, value: null },
        { tab: "Participants", row: 3, column: 4, value: 0.75 },
        { tab: "Participants", row: 3, column: 6, value: true },
      ],
    });

    expect(fake.rows("Participants")[2]).toEqual([
      "Le Gall",
      "Yann",
      "yann.legall@example.org",
      0.75,
      null,
      true,
    ]);
  });

  it("writes to a tab under the title the organizer gave it, once it has been read", async () => {
    fake.addTab("participants", participants);
    const sheet = workbook();
    await sheet.read(["Participants", "Journal"]);

    await sheet.write({ cells: [{ tab: "Participants", row: 2, column: 5, value: "OK" }] });

    expect(fake.cell("participants", "E2")).toBe("OK");
  });

  it("appends rows after the last one with INSERT_ROWS, one request per tab", async () => {
    fake.addTab("Journal", [
      ["Horodatage", "Événement", "Destinataire", "Détail", "Clé"],
      [46400.5, "convocation", "a@example.org", "", "k1"],
    ]);

    await workbook().write({
      appends: [
        { tab: "Journal", rows: [[46401.25, "rappel", "b@example.org", "=1+1", "k2"]] },
        { tab: "Journal", rows: [[46401.5, "rappel", "c@example.org", null, "k3"]] },
      ],
    });

    expect(fake.requests.map((request) => request.endpoint)).toEqual(["values.append"]);
    expect(fake.requests[0]?.path).toBe(`/v4/spreadsheets/${fake.spreadsheetId}/values/'Journal'!A1:append`);
    expect(fake.requests[0]?.query).toMatchObject({
      valueInputOption: ["RAW"],
      insertDataOption: ["INSERT_ROWS"],
    });
    expect(fake.rows("Journal").slice(2)).toEqual([
      [46401.25, "rappel", "b@example.org", "=1+1", "k2"],
      [46401.5, "rappel", "c@example.org", null, "k3"],
    ]);
  });

  it("creates a missing tab with its header, and leaves an existing one alone when asked again", async () => {
    fake.addTab("Participants", participants);
    const header = ["Horodatage", "Événement", "Destinataire", "Détail", "Clé"];

    await workbook().write({ createTabs: [{ title: "Journal", header }] });
    expect(fake.titles()).toEqual(["Participants", "Journal"]);
    expect(fake.rows("Journal")).toEqual([header]);
    expect(fake.requests.map((request) => request.endpoint)).toEqual([
      "spreadsheets.batchUpdate",
      "values.batchUpdate",
    ]);

    fake.clearRequests();
    await workbook().write({ createTabs: [{ title: "journal", header: ["autre"] }] });
    expect(fake.titles()).toEqual(["Participants", "Journal"]);
    expect(fake.rows("Journal")).toEqual([header]);
    expect(fake.requests.map((request) => [request.endpoint, request.status])).toEqual([
      ["spreadsheets.batchUpdate", 400],
      ["spreadsheets.get", 200],
    ]);
  });

  it("creates a tab, writes its header and appends below it in one write", async () => {
    fake.addTab("Participants", participants);

    await workbook().write({
      createTabs: [{ title: "Journal", header: ["Horodatage", "Événement"] }],
      appends: [{ tab: "Journal", rows: [[46401.5, "convocation"]] }],
    });

    expect(fake.rows("Journal")).toEqual([
      ["Horodatage", "Événement"],
      [46401.5, "convocation"],
    ]);
    expect(fake.requests.map((request) => request.endpoint)).toEqual([
      "spreadsheets.batchUpdate",
      "values.batchUpdate",
      "values.append",
    ]);
  });

  it("grows the grid when a verdict goes in a column past the sheet's last one", async () => {
    fake.addTab("Participants", participants).setGrid("Participants", 10, 5);

    await workbook().write({ cells: [{ tab: "Participants", row: 1, column: 6, value: "Statut" }] });

    expect(fake.cell("Participants", "F1")).toBe("Statut");
    expect(fake.requests.map((request) => [request.endpoint, request.status])).toEqual([
      ["values.batchUpdate", 400],
      ["spreadsheets.get", 200],
      ["spreadsheets.batchUpdate", 200],
      ["values.batchUpdate", 200],
    ]);
  });
});

describe("GoogleSheetsWorkbook retries", () => {
  it("retries a 429 after the delay Retry-After asks for, then succeeds", async () => {
    fake.addTab("Participants", participants).failNext({ status: 429, retryAfterSeconds: 3 });

    const snapshot = await workbook().read(["Participants"]);

    expect(snapshot.get("Participants")?.rows).toHaveLength(3);
    expect(fake.requests.map((request) => request.status)).toEqual([429, 200]);
    expect(sleeps).toEqual([3000]);
  });

  it("retries 500s with a growing backoff, then succeeds", async () => {
    fake
      .addTab("Participants", participants)
      .failNext({ status: 500, times: 2, endpoint: "values.batchUpdate" });

    await workbook().write({ cells: [{ tab: "Participants", row: 2, column: 5, value: "OK" }] });

    expect(fake.requests.map((request) => request.status)).toEqual([500, 500, 200]);
    expect(sleeps).toEqual([200, 400]);
    expect(fake.cell("Participants", "E2")).toBe("OK");
  });

  it("gives up after four attempts with an error that carries the status and its cause", async () => {
    fake.addTab("Participants", participants).failNext({ status: 503, times: 10 });

    const failure = await workbook()
      .read(["Participants"])
      .catch((error: unknown) => error);

    // Translated into the functions' words, the Sheets failure kept as its cause.
    expect(failure).toBeInstanceOf(RetryableError);
    const cause = (failure as Error).cause;
    expect(cause).toBeInstanceOf(SheetsRequestError);
    expect(cause).toMatchObject({ status: 503, operation: "values.batchGet", retryable: true });
    expect((cause as Error).cause).toBeDefined();
    expect(fake.requests).toHaveLength(4);
  });

  it("gives up on a 429 with a retryable error that carries the delay Retry-After asked for", async () => {
    fake.addTab("Participants", participants).failNext({ status: 429, retryAfterSeconds: 7, times: 10 });

    const failure = await workbook()
      .read(["Participants"])
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RetryableError);
    expect(failure).toMatchObject({ retryAfterSeconds: 7 });
  });

  it("answers a spreadsheet not shared with the functions' account with a permanent error, not retried", async () => {
    fake.addTab("Participants", participants).failNext({ status: 403 });

    const failure = await workbook()
      .read(["Participants"])
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).toMatchObject({ reason: "no-access" });
    expect(fake.requests).toHaveLength(1);
  });

  it("never retries a 400", async () => {
    fake.addTab("Participants", participants).failNext({ status: 400, endpoint: "values.batchUpdate" });

    const failure = await workbook()
      .write({ cells: [{ tab: "Participants", row: 2, column: 5, value: "OK" }] })
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: "SheetsRequestError", status: 400, retryable: false });
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("does not retry an append after a 500, which may have added the rows already", async () => {
    fake.addTab("Journal", [["Horodatage"]]).failNext({ status: 500, endpoint: "values.append" });

    await expect(workbook().write({ appends: [{ tab: "Journal", rows: [[1]] }] })).rejects.toMatchObject({
      name: "RetryableError",
      cause: { status: 500 },
    });
    expect(fake.requests).toHaveLength(1);
  });

  it("retries an append refused with 429", async () => {
    fake.addTab("Journal", [["Horodatage"]]).failNext({ status: 429, endpoint: "values.append" });

    await workbook().write({ appends: [{ tab: "Journal", rows: [[1]] }] });

    expect(fake.rows("Journal")).toEqual([["Horodatage"], [1]]);
    expect(fake.requests.map((request) => request.status)).toEqual([429, 200]);
  });
});

describe("A1 helpers", () => {
  it("reads the title back from the range the API answers", () => {
    expect(titleOfRange("'It''s here'!A1:Z1000")).toBe("It's here");
    expect(titleOfRange("Participants!A1:Z1000")).toBe("Participants");
    expect(titleOfRange("'Vœux'")).toBe("Vœux");
  });

  it("keeps only the last write to a cell and splits non-adjacent cells", () => {
    const ranges = groupCells([
      { tab: "T", row: 2, column: 1, value: "a" },
      { tab: "T", row: 2, column: 1, value: "b" },
      { tab: "T", row: 5, column: 28, value: "c" },
    ]);
    expect(ranges).toEqual([
      { range: "'T'!A2", majorDimension: "ROWS", values: [["b"]] },
      { range: "'T'!AB5", majorDimension: "ROWS", values: [["c"]] },
    ]);
  });
});

describe("reading a batchGet answer", () => {
  it("gives each range's rows with empty cells as null, and no rows for a range without values", () => {
    expect(
      valueRangesOf({
        valueRanges: [
          {
            range: "'J'!A1:C2",
            values: [
              ["a", "", 3],
              [true, null],
            ],
          },
          { range: "'K'!A1:Z1000" },
        ],
      }),
    ).toEqual([
      {
        range: "'J'!A1:C2",
        rows: [
          ["a", null, 3],
          [true, null],
        ],
      },
      { range: "'K'!A1:Z1000", rows: [] },
    ]);
    expect(valueRangesOf({ spreadsheetId: "x" })).toEqual([]);
  });

  it("refuses an answer of another shape: a cell that is an object, a row that is not a list, a range that is not text", () => {
    expect(valueRangesOf({ valueRanges: [{ values: [["a", { formula: "=1" }]] }] })).toBeUndefined();
    expect(valueRangesOf({ valueRanges: [{ values: ["a"] }] })).toBeUndefined();
    expect(valueRangesOf({ valueRanges: [{ range: 3 }] })).toBeUndefined();
    expect(valueRangesOf({ valueRanges: {} })).toBeUndefined();
    expect(valueRangesOf("<html>")).toBeUndefined();
  });
});
