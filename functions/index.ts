/**
 * The composition root of the Cloud Functions: the only place that reads the environment and
 * builds the real adapters. Each function is registered with the functions framework under the
 * name `serverless.yml` deploys it as; adapters are built on the first request, so a cold start
 * pays only for what that function uses.
 */
import * as functions from "@google-cloud/functions-framework";
import { auth as googleAuth } from "@googleapis/sheets";
import { GoogleSheetsWorkbook, SheetTitleCache } from "./adapters/google-sheets-workbook.js";
import { checkWorkbook, kindOfTab } from "./app/check-workbook.js";
import { type Config, loadConfig } from "./config.js";
import type { Clock } from "./ports.js";
import { jsonConsoleLog, sheetEditHandler } from "./sheet-edit.js";

const systemClock: Clock = { now: () => new Date() };

function once<T>(build: () => T): () => T {
  let value: { built: T } | undefined;
  return () => {
    value ??= { built: build() };
    return value.built;
  };
}

const config = once((): Config => loadConfig(process.env));

const sheets = once(() => {
  const titles = new SheetTitleCache();
  const authClient = new googleAuth.GoogleAuth({ scopes: ["https://www.googleapis.com/auth/spreadsheets"] });
  return (spreadsheetId: string) =>
    new GoogleSheetsWorkbook(spreadsheetId, { auth: authClient, titleCache: titles });
});

const sheetEdit = once(() =>
  sheetEditHandler({
    secret: config().PASSERELLE_EDIT_SECRET,
    workbookFor: sheets(),
    check: (workbook, now, edit) => {
      const kind = kindOfTab(edit.tab);
      return checkWorkbook(workbook, now, kind ? { kind } : {});
    },
    clock: systemClock,
    log: jsonConsoleLog,
  }),
);

functions.http("sheetEdit", (request, response) => sheetEdit()(request, response));
