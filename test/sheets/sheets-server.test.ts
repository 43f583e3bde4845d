/** The fake itself: what the adapter's tests rely on it to do as the real API does. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeSheetsServer, parseRange } from "../fakes/sheets-server.js";

let fake: FakeSheetsServer;

beforeEach(async () => {
  fake = await FakeSheetsServer.start();
  fake.addTab("Participants", [
    ["Nom", "Arrivée", "Présent"],
    ["Durand", 0.5, true],
  ]);
});

afterEach(async () => {
  await fake.close();
});

async function api(path: string, init?: { method: string; body: unknown }) {
  const response = await fetch(new URL(`v4/spreadsheets/${fake.spreadsheetId}${path}`, fake.rootUrl), {
    method: init?.method ?? "GET",
    headers: { "content-type": "application/json" },
    ...(init ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the Sheets API fake", () => {
  it("parses A1 ranges with quoted titles, open ends and whole tabs", () => {
    expect(parseRange("'Vœux d''été'!B2:C")).toEqual({
      title: "Vœux d'été",
      area: { left: 2, top: 2, right: 3 },
    });
    expect(parseRange("Participants!E7")).toEqual({
      title: "Participants",
      area: { left: 5, top: 7, right: 5, bottom: 7 },
    });
    expect(parseRange("'Journal'")).toEqual({ title: "Journal", area: {} });
    expect(parseRange("A:C")).toEqual({ title: undefined, area: { left: 1, right: 3 } });
  });

  it("renders formatted values unless unformatted ones are asked for", async () => {
    const formatted = await api("/values:batchGet?ranges=Participants");
    const raw = await api("/values:batchGet?ranges=Participants&valueRenderOption=UNFORMATTED_VALUE");

    expect(formatted.body.valueRanges).toEqual([
      {
        range: "Participants!A1:Z1000",
        majorDimension: "ROWS",
        values: [
          ["Nom", "Arrivée", "Présent"],
          ["Durand", "0.5", "TRUE"],
        ],
      },
    ]);
    expect((raw.body.valueRanges as { values: unknown[][] }[])[0]?.values[1]).toEqual(["Durand", 0.5, true]);
  });

  it("turns text beginning with = into a formula with USER_ENTERED, never with RAW", async () => {
    const write = (valueInputOption: string, range: string) =>
      api("/values:batchUpdate", {
        method: "POST",
        body: { valueInputOption, data: [{ range, values: [["=1+1"]] }] },
      });

    await write("RAW", "Participants!A3");
    await write("USER_ENTERED", "Participants!A4");

    expect(fake.cell("Participants", "A3")).toBe("=1+1");
    expect(fake.cell("Participants", "A4")).toEqual({ formula: "=1+1" });
  });

  it("answers 400 in the API's error shape for an unknown tab, and records the request", async () => {
    const response = await api("/values:batchGet?ranges=Journal");

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: { code: 400, message: "Unable to parse range: Journal", status: "INVALID_ARGUMENT" },
    });
    expect(fake.requests).toMatchObject([{ method: "GET", endpoint: "values.batchGet", status: 400 }]);
  });

  it("answers a row written, appended or cleared after a read with its new values, in each render and range", async () => {
    const read = async (query: string) =>
      ((await api(`/values:batchGet?ranges=${query}`)).body.valueRanges as { values?: unknown[][] }[])[0]
        ?.values;
    expect(await read("Participants&valueRenderOption=UNFORMATTED_VALUE")).toEqual([
      ["Nom", "Arrivée", "Présent"],
      ["Durand", 0.5, true],
    ]);
    expect(await read("Participants!B1:C2")).toEqual([
      ["Arrivée", "Présent"],
      ["0.5", "TRUE"],
    ]);

    await api("/values:batchUpdate", {
      method: "POST",
      body: { valueInputOption: "RAW", data: [{ range: "Participants!B2:C2", values: [[0.75, ""]] }] },
    });
    await api("/values/Participants!A1:append?valueInputOption=RAW&insertDataOption=INSERT_ROWS", {
      method: "POST",
      body: { values: [["Martin", 0.25, false]] },
    });

    expect(await read("Participants&valueRenderOption=UNFORMATTED_VALUE")).toEqual([
      ["Nom", "Arrivée", "Présent"],
      ["Durand", 0.75],
      ["Martin", 0.25, false],
    ]);
    expect(await read("Participants!B1:C3")).toEqual([["Arrivée", "Présent"], ["0.75"], ["0.25", "FALSE"]]);
  });

  it("answers only the fields a field mask asks for", async () => {
    const response = await api("?fields=sheets.properties.title");
    expect(response.body).toEqual({ sheets: [{ properties: { title: "Participants" } }] });
  });
});
