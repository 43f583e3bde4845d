/** The two commands of the issue: `passerelle cle` and what `passerelle purge` prints. */
import { getTestServer } from "@google-cloud/functions-framework/testing";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { main } from "../../functions/cli/passerelle.js";
import { signedEditHeaders } from "../../functions/core/security/edit-signature.js";
import { spreadsheetKey } from "../../functions/core/security/keys.js";
import { BODY_LIMITS, register } from "../../functions/request-guard.js";
import { sheetEditHandler } from "../../functions/sheet-edit.js";
import { testKeys } from "../support/ledger.js";
import { exampleFiles } from "../support/workbooks.js";

const MASTER = "secret-maitre-des-modifications-0123456789";
const SHEET = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms";
const NOW = new Date("2027-03-01T10:00:00Z");
const silent = { info: () => {}, warn: () => {}, error: () => {} };

register(
  "sheetEdit-cle",
  sheetEditHandler({
    secret: MASTER,
    ledger: async () => ({ applied: false, claim: async () => "won" as const, record: async () => {} }),
    workbookFor: () => ({ read: async () => new Map(), write: async () => {}, keys: testKeys("classeur") }),
    check: async () => ({ rows: [] }),
    clock: { now: () => NOW },
    log: silent,
  }),
  { name: "sheet-edit", limitBytes: BODY_LIMITS.sheetEdit, log: silent },
);

describe("passerelle cle", () => {
  it("prints the key of one spreadsheet, which the function accepts for that spreadsheet only", async () => {
    const result = await main(["cle", SHEET], NOW, { PASSERELLE_EDIT_SECRET: MASTER });
    expect(result).toEqual({ code: 0, out: spreadsheetKey(MASTER, "edit", SHEET), err: "" });

    const post = (spreadsheetId: string) => {
      const body = JSON.stringify({
        spreadsheetId,
        editId: "5b1f3c2a-0e4d-4f6a-9b8c-7d6e5f4a3b2c",
        tab: "Participants",
        firstRow: 2,
        lastRow: 2,
        firstColumn: 1,
        lastColumn: 1,
      });
      return request(getTestServer("sheetEdit-cle"))
        .post("/")
        .set("content-type", "application/json")
        .set(signedEditHeaders(result.out, body, NOW))
        .send(body);
    };
    expect((await post(SHEET)).status).toBe(200);
    expect((await post("un-autre-classeur")).status).toBe(401);
  });

  it("reads the id from the spreadsheet's address too", async () => {
    const result = await main(["cle", `https://docs.google.com/spreadsheets/d/${SHEET}/edit#gid=0`], NOW, {
      PASSERELLE_EDIT_SECRET: MASTER,
    });
    expect(result.out).toBe(spreadsheetKey(MASTER, "edit", SHEET));
  });

  it("refuses without the deployment's secret, and answers 2 to a missing or malformed id", async () => {
    expect(await main(["cle", SHEET], NOW, {})).toMatchObject({
      code: 1,
      out: "",
      err: expect.stringContaining("PASSERELLE_EDIT_SECRET"),
    });
    expect(await main(["cle"], NOW, { PASSERELLE_EDIT_SECRET: MASTER })).toMatchObject({ code: 2 });
    expect(await main(["cle", "../x y"], NOW, { PASSERELLE_EDIT_SECRET: MASTER })).toMatchObject({ code: 2 });
  });
});

describe("passerelle purge", () => {
  it("prints what it erased per tab and that no address or name remains", async () => {
    const { seminar } = await exampleFiles();

    const result = await main(["purge", seminar, "--force"], new Date("2027-04-20T12:00:00Z"));

    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Données personnelles effacées le /);
    expect(result.out).toMatch(/^ {2}Participants : \d+ cellules$/m);
    expect(result.out).toMatch(/^ {2}Tuteurs : \d+ cellules$/m);
    expect(result.out).toMatch(
      /Vérification : \d+ adresses et noms recherchés dans chaque cellule du classeur ; aucun ne reste\./,
    );
  });
});
