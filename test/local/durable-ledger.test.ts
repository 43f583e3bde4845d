import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, test } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { LedgerWorkbook } from "../../functions/app/ledger-workbook.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { journalAppend } from "../../functions/core/ledger/journal.js";
import { DurableLedgerWorkbook, lockFiles } from "../../functions/local/durable-ledger.js";
import { Timeline } from "../../functions/local/timeline.js";
import type { TabValues } from "../../functions/ports.js";
import { EVENT, ManualClock, RecordingMailer, seminar } from "../messages/fixtures.js";
import { testKeys } from "../support/ledger.js";

const NOW = new Date("2027-03-01T10:00:00Z");
const base = { event: EVENT, ratePerSecond: 1000, sleep: async () => {} };

async function writeXlsx(path: string, snapshot: ReadonlyMap<string, TabValues>): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  for (const tab of snapshot.values()) {
    const sheet = workbook.addWorksheet(tab.title);
    for (const row of tab.rows) sheet.addRow(row.map((cell) => cell ?? null));
  }
  await workbook.xlsx.writeFile(path);
}

/** The local host's stack over a fresh `.xlsx`: sealing, then the durable side file, then the file. */
async function localStack(options: { sleep?: (ms: number) => Promise<void> } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "passerelle-registre-"));
  const path = join(dir, `${EVENT}.xlsx`);
  await writeXlsx(path, seminar());
  const keys = testKeys(EVENT);
  const logs: { event: string; fields: Record<string, number> }[] = [];
  const durable = new DurableLedgerWorkbook(new XlsxWorkbook(path), path, {
    file: join(dir, `${EVENT}.registre.jsonl`),
    keys,
    log: (event, fields) => logs.push({ event, fields }),
    pollMs: 1000,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  return {
    dir,
    path,
    workbook: new LedgerWorkbook(durable, keys),
    logs,
    side: join(dir, `${EVENT}.registre.jsonl`),
  };
}

const column = (rows: readonly (readonly unknown[])[], name: string) => rows[0]?.indexOf(name) ?? -1;

describe("the local ledger's durable side file", () => {
  test("a save of an older copy of the workbook loses neither the Journal nor Convocation, and nothing leaves twice", async () => {
    const { dir, path, workbook, logs, side } = await localStack();
    const stale = join(dir, "copie-ancienne.xlsx");
    await copyFile(path, stale);
    const mailer = new RecordingMailer();
    expect(await sendDueMessages(workbook, mailer, new ManualClock(NOW), base)).toMatchObject({ sent: 5 });
    const before = await workbook.read(["Journal", "Participants"]);
    const journalRows = before.get("Journal")!.rows.length;
    const participants = before.get("Participants")!.rows;
    const convocation = column(participants, "Convocation");
    expect(participants[1]![convocation]).toBe("2027-03-01 11:00");
    const stored = (await readFile(side, "utf8")).trim().split("\n");
    expect(stored).toHaveLength(journalRows - 1);
    // Every stored row is the sealed one.
    expect(stored.every((line) => /"[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{43}"\]\}$/.test(line))).toBe(true);

    await copyFile(stale, path);
    const after = await workbook.read(["Journal", "Participants"]);
    expect(after.get("Journal")!.rows).toHaveLength(journalRows);
    expect(
      after
        .get("Journal")!
        .rows.slice(1)
        .every((row) => row.at(-1) !== "rejeté"),
    ).toBe(true);
    const restored = after.get("Participants")!.rows;
    expect(restored[1]![column(restored, "Convocation")]).toBe("2027-03-01 11:00");
    expect(logs).toContainEqual({ event: "ledger.restored", fields: { rows: journalRows - 1, cells: 3 } });

    expect(await sendDueMessages(workbook, mailer, new ManualClock(NOW), base)).toMatchObject({
      sent: 0,
      done: true,
    });
    expect(mailer.sent).toHaveLength(5);
  });

  test("a tutor's emptied Confirmation and Répondu le come back from the answer the ledger holds", async () => {
    const { dir, path, workbook, logs } = await localStack();
    const stale = join(dir, "copie-ancienne.xlsx");
    await copyFile(path, stale);
    const tutor = "sophie.le-gall@caf.example.org";
    const journal = (await workbook.read(["Journal"])).get("Journal");
    await workbook.write(
      journalAppend(journal, NOW, "Europe/Paris", [
        {
          event: "Réponse tuteur",
          key: "reponse:0123456789abcdef",
          data: {
            kind: "reply",
            decision: "confirm",
            tutor,
            automatic: false,
            notes: "",
            excerpt: "",
            toReplace: [],
          },
        },
      ]),
    );
    await copyFile(stale, path);
    const tutors = (await workbook.read(["Journal", "Tuteurs"])).get("Tuteurs")!.rows;
    const row = tutors.find((candidate) => candidate.includes(tutor))!;
    expect(row[column(tutors, "Confirmation")]).toBe("Confirmé");
    expect(row[column(tutors, "Répondu le")]).toBe("2027-03-01 11:00");
    expect(logs).toContainEqual({ event: "ledger.restored", fields: { rows: 1, cells: 2 } });
  });

  test("a Journal row deleted by hand is written back", async () => {
    const { path, workbook, logs } = await localStack();
    await sendDueMessages(workbook, new RecordingMailer(), new ManualClock(NOW), base);
    const rows = (await workbook.read(["Journal"])).get("Journal")!.rows;
    const excel = new ExcelJS.Workbook();
    await excel.xlsx.readFile(path);
    excel.getWorksheet("Journal")!.spliceRows(3, 1);
    await excel.xlsx.writeFile(path);
    const back = (await workbook.read(["Journal"])).get("Journal")!.rows;
    expect(back).toHaveLength(rows.length);
    expect(new Set(back.map((row) => row.at(-1)))).toEqual(new Set(rows.map((row) => row.at(-1))));
    expect(logs.filter((log) => log.event === "ledger.restored")).toEqual([
      { event: "ledger.restored", fields: { rows: 1, cells: 0 } },
    ]);
  });

  test("a workbook held open by a spreadsheet program is written only once its lock file is gone, and that is told once", async () => {
    let lock = "";
    const sleeps: number[] = [];
    const { path, workbook, logs } = await localStack({
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 3) await rm(lock);
      },
    });
    for (const candidate of lockFiles(path)) {
      lock = candidate;
      sleeps.length = 0;
      logs.length = 0;
      await writeFile(lock, "organisateur");
      // Reads proceed while the file is open.
      expect((await workbook.read(["Participants"])).get("Participants")).toBeDefined();
      expect(sleeps).toEqual([]);
      await workbook.write({
        cells: [{ tab: "Participants", row: 2, column: 1, value: `écrit après ${lock}` }],
      });
      expect(sleeps).toEqual([1000, 1000, 1000]);
      expect(logs).toEqual([{ event: "workbook.locked", fields: {} }]);
      const excel = new ExcelJS.Workbook();
      await excel.xlsx.readFile(path);
      expect(excel.getWorksheet("Participants")!.getCell(2, 1).value).toBe(`écrit après ${lock}`);
    }
    expect(lockFiles(path).map((file) => file.slice(path.length - `${EVENT}.xlsx`.length))).toEqual([
      `~$${EVENT}.xlsx`,
      `.~lock.${EVENT}.xlsx#`,
    ]);
  });

  test("the timeline tells the organizer in French", () => {
    const lines: string[] = [];
    const timeline = new Timeline(
      () => NOW,
      "Europe/Paris",
      (line) => lines.push(line),
    );
    timeline.log("info", "ledger.restored", { rows: 4, cells: 0 });
    timeline.log("info", "workbook.locked", {});
    expect(lines.slice(1).map((line) => line.trim().replace(/^\d+ h( \d+)?\s+/, ""))).toEqual([
      "4 lignes du Journal rétablies après un enregistrement d'une copie ancienne du classeur.",
      "Classeur ouvert dans un tableur : Passerelle attend qu'il soit fermé pour écrire.",
    ]);
  });
});
