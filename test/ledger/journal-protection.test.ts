import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  GoogleSheetsWorkbook,
  PROTECTION_DESCRIPTION,
} from "../../functions/adapters/google-sheets-workbook.js";
import { FakeSheetsServer } from "../fakes/sheets-server.js";

const SPREADSHEET_ID = "classeur-protege";
const ACCOUNT = "passerelle-fonctions@projet.iam.gserviceaccount.com";
const HEADER = ["Horodatage", "Événement", "Destinataire", "Détail", "Clé", "Données", "Sceau"];
const row = (key: string) => ["2027-03-01T10:00:00Z", "Message envoyé", "", "", key, "{}", "sceau"];

let fake: FakeSheetsServer;
beforeEach(async () => {
  fake = await FakeSheetsServer.start(SPREADSHEET_ID);
});
afterEach(async () => {
  await fake.close();
});

function functions(editor?: string) {
  return new GoogleSheetsWorkbook(SPREADSHEET_ID, {
    rootUrl: fake.rootUrl,
    retry: { sleep: async () => {} },
    protectedTabs: ["Journal"],
    ...(editor === undefined ? {} : { editor }),
  });
}

describe("the Journal tab is protected in Google Sheets", () => {
  test("creating the Journal protects the whole tab, the functions' account its only named editor", async () => {
    await functions(ACCOUNT).write({ createTabs: [{ title: "Journal", header: HEADER }] });
    expect(fake.protectedRanges("Journal")).toEqual([
      { protectedRangeId: 1, description: PROTECTION_DESCRIPTION, warningOnly: false, editors: [ACCOUNT] },
    ]);
  });

  test("an existing Journal is protected at the first write, once, with no extra editor when no account is configured", async () => {
    fake.addTab("Journal", [HEADER]).addTab("Participants", [["Nom"]]);
    const workbook = functions();
    await workbook.write({ appends: [{ tab: "Journal", rows: [row("k1")] }] });
    await workbook.write({ appends: [{ tab: "Journal", rows: [row("k2")] }] });
    await functions().write({ appends: [{ tab: "Journal", rows: [row("k3")] }] });
    expect(fake.protectedRanges("Journal")).toMatchObject([{ warningOnly: false, editors: [] }]);
    expect(fake.protectedRanges("Participants")).toEqual([]);
    expect(fake.rows("Journal")).toHaveLength(4);
  });

  test("an organizer's write to the protected Journal is refused, while the functions' write and the organizer's other tabs go through", async () => {
    fake.addTab("Journal", [HEADER]).addTab("Participants", [["Nom"]]);
    await functions(ACCOUNT).write({ appends: [{ tab: "Journal", rows: [row("k1")] }] });
    const organizer = new GoogleSheetsWorkbook(SPREADSHEET_ID, {
      rootUrl: fake.organizerRootUrl,
      retry: { sleep: async () => {} },
    });
    await expect(
      organizer.write({ cells: [{ tab: "Journal", row: 2, column: 6, value: '{"kind":"released"}' }] }),
    ).rejects.toMatchObject({ reason: "no-access", cause: { status: 403 } });

    await expect(
      organizer.write({ appends: [{ tab: "Journal", rows: [row("forgé")] }] }),
    ).rejects.toMatchObject({ reason: "no-access", cause: { status: 403 } });
    await organizer.write({ cells: [{ tab: "Participants", row: 2, column: 1, value: "Durand" }] });
    await functions(ACCOUNT).write({ appends: [{ tab: "Journal", rows: [row("k2")] }] });
    expect(fake.rows("Journal").map((cells) => cells[4])).toEqual(["Clé", "k1", "k2"]);
    expect(fake.cell("Participants", "A2")).toBe("Durand");
  });
});
