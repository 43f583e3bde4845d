/**
 * Runs the real `sheets-templates/passerelle.gs` in a Node `vm` context, with small stand-ins for
 * the Apps Script services it calls, and hands what it sends to the server-side verifier and to
 * the registered `sheetEdit` function.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createContext, runInContext } from "node:vm";
import * as functions from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import request from "supertest";
import { beforeEach, describe, expect, it } from "vitest";
import {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyEdit,
} from "../../functions/core/security/edit-signature.js";
import { spreadsheetKey } from "../../functions/core/security/keys.js";
import type { Workbook } from "../../functions/ports.js";
import { sheetEditHandler } from "../../functions/sheet-edit.js";
import { testKeys } from "../support/ledger.js";

const SCRIPT = readFileSync(
  fileURLToPath(new URL("../../sheets-templates/passerelle.gs", import.meta.url)),
  "utf8",
);
const MASTER = "secret-partagé-de-démonstration-42";
const SPREADSHEET_ID = "1AbC-dEf_123";
/** What `passerelle cle 1AbC-dEf_123` prints: the only key this spreadsheet's script holds. */
const SECRET = spreadsheetKey(MASTER, "edit", SPREADSHEET_ID);
const URL_ = "https://europe-west1-exemple.cloudfunctions.net/sheetEdit";
const SIGNED_AT = new Date("2027-03-01T09:30:00Z");

interface Fetch {
  readonly url: string;
  readonly params: {
    method: string;
    contentType: string;
    payload: string;
    headers: Record<string, string>;
    muteHttpExceptions: boolean;
  };
}

interface Trigger {
  handler: string;
  spreadsheet?: unknown;
  deleted: boolean;
  kind?: "edit" | "change" | "form";
}

/** The Apps Script services the file uses, recording what it does with them. */
function appsScript(
  options: {
    properties?: Record<string, string>;
    statuses?: number[];
    now?: Date;
    formUrl?: string;
    activeSheet?: string;
  } = {},
) {
  const fetches: Fetch[] = [];
  const sleeps: number[] = [];
  const warnings: string[] = [];
  const toasts: string[] = [];
  const triggers: Trigger[] = [
    { handler: "onEditInstallable", deleted: false },
    { handler: "other", deleted: false },
  ];
  const statuses = [...(options.statuses ?? [200])];
  let uuids = 0;
  const properties: Record<string, string> = options.properties ?? {
    PASSERELLE_URL: URL_,
    PASSERELLE_SECRET: SECRET,
  };
  const spreadsheet = {
    getId: () => SPREADSHEET_ID,
    getSheets: () => [sheet("Séminaire")],
    getActiveSheet: () => sheet(options.activeSheet ?? "Participants"),
    getFormUrl: () => options.formUrl ?? null,
    toast: (message: string) => toasts.push(message),
  };
  function sheet(name: string) {
    return { getName: () => name, getLastRow: () => 18, getLastColumn: () => 2 };
  }
  const RealDate = Date;
  const fixedNow = (options.now ?? SIGNED_AT).getTime();
  const context = createContext({
    console: { log: () => {}, warn: (message: string) => warnings.push(message) },
    Date: Object.assign(class extends RealDate {}, {
      now: () => fixedNow,
      UTC: RealDate.UTC,
      parse: RealDate.parse,
    }),
    JSON,
    Math,
    String,
    Utilities: {
      Charset: { UTF_8: "UTF-8", US_ASCII: "US-ASCII" },
      // As Apps Script does: Java bytes, signed, -128..127.
      computeHmacSha256Signature: (value: string, key: string, charset: string) => {
        expect(charset).toBe("UTF-8");
        return [
          ...createHmac("sha256", Buffer.from(key, "utf8")).update(Buffer.from(value, "utf8")).digest(),
        ].map((byte) => (byte > 127 ? byte - 256 : byte));
      },
      sleep: (ms: number) => sleeps.push(ms),
      getUuid: () => `0d1e2f3a-4b5c-4d6e-8f70-${String(++uuids).padStart(12, "0")}`,
    },
    UrlFetchApp: {
      fetch: (url: string, params: Fetch["params"]) => {
        fetches.push({ url, params });
        const code = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
        return { getResponseCode: () => code, getContentText: () => "{}" };
      },
    },
    PropertiesService: {
      getScriptProperties: () => ({
        getProperty: (key: string) => properties[key] ?? null,
        setProperties: (values: Record<string, string>) => Object.assign(properties, values),
      }),
    },
    SpreadsheetApp: { getActive: () => spreadsheet, getActiveSpreadsheet: () => spreadsheet },
    ScriptApp: {
      getProjectTriggers: () =>
        triggers
          .filter((trigger) => !trigger.deleted)
          .map((trigger) => ({ getHandlerFunction: () => trigger.handler, trigger })),
      deleteTrigger: (handle: { trigger: Trigger }) => {
        handle.trigger.deleted = true;
      },
      newTrigger: (handler: string) => {
        const trigger: Trigger = { handler, deleted: false };
        const builder = {
          forSpreadsheet: (target: unknown) => {
            trigger.spreadsheet = target;
            return builder;
          },
          onEdit: () => {
            trigger.kind = "edit";
            return builder;
          },
          onChange: () => {
            trigger.kind = "change";
            return builder;
          },
          onFormSubmit: () => {
            trigger.kind = "form";
            return builder;
          },
          create: () => {
            triggers.push(trigger);
            return trigger;
          },
        };
        return builder;
      },
    },
  });
  runInContext(SCRIPT, context, { filename: "passerelle.gs" });
  const call = (name: string, ...args: unknown[]) => (context[name] as (...a: unknown[]) => unknown)(...args);
  const editEvent = (tab: string, row: number, column: number, rows = 1, columns = 1) => ({
    source: spreadsheet,
    range: {
      getSheet: () => sheet(tab),
      getRow: () => row,
      getLastRow: () => row + rows - 1,
      getColumn: () => column,
      getLastColumn: () => column + columns - 1,
    },
    value: "jean.dupont@example.org",
  });
  return { call, editEvent, fetches, sleeps, warnings, toasts, triggers, spreadsheet };
}

function headersOf(fetch: Fetch): { timestamp: string | undefined; signature: string | undefined } {
  return {
    timestamp: fetch.params.headers["X-Passerelle-Timestamp"],
    signature: fetch.params.headers["X-Passerelle-Signature"],
  };
}

describe("the Apps Script trigger", () => {
  it("posts the edited range as JSON, signed, to the configured address", () => {
    const script = appsScript();

    script.call("onEditInstallable", script.editEvent("Participants", 7, 3, 2, 4));

    expect(script.fetches).toHaveLength(1);
    const [fetch] = script.fetches;
    expect(fetch?.url).toBe(URL_);
    expect(fetch?.params).toMatchObject({
      method: "post",
      contentType: "application/json",
      muteHttpExceptions: true,
    });
    expect(JSON.parse(fetch!.params.payload)).toEqual({
      spreadsheetId: SPREADSHEET_ID,
      editId: "0d1e2f3a-4b5c-4d6e-8f70-000000000001",
      tab: "Participants",
      firstRow: 7,
      lastRow: 8,
      firstColumn: 3,
      lastColumn: 6,
    });
    expect(headersOf(fetch!).timestamp).toBe(String(SIGNED_AT.getTime() / 1000));
    expect(headersOf(fetch!).signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it("signs what the server-side verifier accepts, and nothing tampered or late", () => {
    const script = appsScript();
    script.call("onEditInstallable", script.editEvent("Vœux d'été", 2, 1));
    const fetch = script.fetches[0]!;
    const signed = { secret: SECRET, ...headersOf(fetch), body: fetch.params.payload };

    expect(verifyEdit({ ...signed, now: SIGNED_AT })).toEqual({ ok: true });
    expect(verifyEdit({ ...signed, now: new Date(SIGNED_AT.getTime() + 4 * 60_000) })).toEqual({ ok: true });
    expect(verifyEdit({ ...signed, now: new Date(SIGNED_AT.getTime() + 6 * 60_000) })).toEqual({
      ok: false,
      reason: "stale",
    });
    expect(
      verifyEdit({
        ...signed,
        body: fetch.params.payload.replace('"firstRow":2', '"firstRow":3'),
        now: SIGNED_AT,
      }),
    ).toEqual({ ok: false, reason: "mismatch" });
    expect(verifyEdit({ ...signed, secret: "un-autre-secret-tout-aussi-long", now: SIGNED_AT })).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("sends nothing and warns when the address or the secret is not configured", () => {
    const script = appsScript({ properties: { PASSERELLE_URL: URL_ } });

    script.call("onEditInstallable", script.editEvent("Participants", 2, 1));

    expect(script.fetches).toHaveLength(0);
    expect(script.warnings).toHaveLength(1);
  });

  it("tries once more, signed afresh, after a 503, and logs only the status", () => {
    const script = appsScript({ statuses: [503, 503] });

    script.call("onEditInstallable", script.editEvent("Participants", 2, 1));

    expect(script.fetches).toHaveLength(2);
    // The same edit, the same id: the function applies it once even if the first one got through.
    const ids = script.fetches.map((fetch) => JSON.parse(fetch.params.payload).editId);
    expect(new Set(ids).size).toBe(1);
    expect(script.sleeps).toEqual([1000]);
    expect(script.warnings).toEqual(["Passerelle : la fonction a répondu 503."]);
  });

  it("does not try again after a 401", () => {
    const script = appsScript({ statuses: [401] });

    script.call("onEditInstallable", script.editEvent("Participants", 2, 1));

    expect(script.fetches).toHaveLength(1);
  });

  it("installs a single on-edit trigger however many times it is asked to", () => {
    const script = appsScript();

    script.call("installPasserelleTrigger");
    script.call("installPasserelleTrigger");

    const live = script.triggers.filter((trigger) => !trigger.deleted);
    expect(live.map((trigger) => trigger.handler)).toEqual([
      "other",
      "onEditInstallable",
      "onChangeInstallable",
    ]);
    expect(live[1]?.spreadsheet).toBe(script.spreadsheet);
    expect(script.toasts.at(-1)).toContain("activée");
  });
});

describe("structural edits and form responses are seen", () => {
  it("installs one change trigger, and no form trigger when no form is linked", () => {
    const script = appsScript();
    script.call("installPasserelleTrigger");
    const live = script.triggers.filter((trigger) => !trigger.deleted && trigger.handler !== "other");
    expect(live.map((trigger) => trigger.kind)).toEqual(["edit", "change"]);
  });

  it("installs a form-submit trigger once when a Google Form is linked", () => {
    const script = appsScript({ formUrl: "https://docs.google.com/forms/d/abc/viewform" });
    script.call("installPasserelleTrigger");
    script.call("installPasserelleTrigger");
    const live = script.triggers.filter((trigger) => !trigger.deleted && trigger.handler !== "other");
    expect(live.map((trigger) => trigger.kind)).toEqual(["edit", "change", "form"]);
    expect(script.toasts.at(-1)).toContain("chaque réponse du formulaire");
  });

  it.each(["REMOVE_ROW", "INSERT_ROW", "OTHER", "INSERT_GRID", "REMOVE_COLUMN"])(
    "asks for a check of the whole tab concerned after a %s change",
    (changeType) => {
      const script = appsScript({ activeSheet: "Inscriptions" });
      script.call("onChangeInstallable", { changeType, source: script.spreadsheet });
      expect(script.fetches).toHaveLength(1);
      expect(JSON.parse(script.fetches[0]!.params.payload)).toEqual({
        spreadsheetId: "1AbC-dEf_123",
        tab: "Inscriptions",
        firstRow: 1,
        lastRow: 18,
        firstColumn: 1,
        lastColumn: 2,
        editId: expect.any(String),
      });
      expect(headersOf(script.fetches[0]!).signature).toMatch(/^[0-9a-f]{64}$/);
    },
  );

  it.each(["EDIT", "FORMAT"])("leaves a %s change to the edit trigger (nothing sent twice)", (changeType) => {
    const script = appsScript();
    script.call("onChangeInstallable", { changeType, source: script.spreadsheet });
    expect(script.fetches).toEqual([]);
  });

  it("asks for a check of the responses' tab when a form is submitted", () => {
    const script = appsScript();
    script.call("onFormSubmitInstallable", script.editEvent("Inscriptions", 46, 1, 1, 8));
    expect(JSON.parse(script.fetches[0]!.params.payload)).toMatchObject({ tab: "Inscriptions", firstRow: 1 });
  });
});

describe("the Apps Script against the sheetEdit function", () => {
  let now = SIGNED_AT;
  const checked: Workbook[] = [];
  functions.http(
    "sheetEdit",
    sheetEditHandler({
      secret: MASTER,
      ledger: async () => ({ applied: false, claim: async () => "won" as const, record: async () => {} }),
      workbookFor: () => ({ read: async () => new Map(), write: async () => {}, keys: testKeys("classeur") }),
      check: async (workbook) => {
        checked.push(workbook);
        return { rows: [] };
      },
      clock: { now: () => now },
      log: { info: () => {}, warn: () => {}, error: () => {} },
    }),
  );

  beforeEach(() => {
    now = SIGNED_AT;
    checked.length = 0;
  });

  async function deliver(fetch: Fetch, payload = fetch.params.payload) {
    const { timestamp, signature } = headersOf(fetch);
    return request(getTestServer("sheetEdit"))
      .post("/")
      .set("content-type", fetch.params.contentType)
      .set(TIMESTAMP_HEADER, timestamp ?? "")
      .set(SIGNATURE_HEADER, signature ?? "")
      .send(payload);
  }

  it("is accepted by the function, which then checks the workbook", async () => {
    const script = appsScript();
    script.call("onEditInstallable", script.editEvent("Participants", 12, 5));

    const response = await deliver(script.fetches[0]!);

    expect(response.status).toBe(200);
    expect(checked).toHaveLength(1);
  });

  it("is refused once tampered with, or delivered six minutes late", async () => {
    const script = appsScript();
    script.call("onEditInstallable", script.editEvent("Participants", 12, 5));
    const fetch = script.fetches[0]!;

    const tampered = await deliver(fetch, fetch.params.payload.replace('"lastRow":12', '"lastRow":9999'));
    now = new Date(SIGNED_AT.getTime() + 6 * 60_000);
    const late = await deliver(fetch);

    expect([tampered.status, late.status]).toEqual([401, 401]);
    expect(checked).toHaveLength(0);
  });
});
