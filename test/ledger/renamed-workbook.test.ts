/**
 * A workbook renamed or copied: its Journal was sealed for another event, so none of its rows
 * verifies here, and without them every message would look unsent. Those rows are told apart from
 * rows typed by hand (their seal is well formed and tagged for another event), and the event then
 * sends nothing and says why, instead of sending everything a second time.
 */
import { describe, expect, test } from "vitest";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { eventModel } from "../../functions/core/event/model.js";
import { readLedger } from "../../functions/core/ledger/journal.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import type { Mailer, OutgoingMessage, WorkbookSnapshot } from "../../functions/ports.js";
import { ManualClock } from "../messages/fixtures.js";
import { MemoryWorkbook } from "../support/workbooks.js";
import { crowd } from "./support.js";

const NOW = new Date("2027-03-01T10:00:00Z");

function recordingMailer(): Mailer & { sent: OutgoingMessage[] } {
  const sent: OutgoingMessage[] = [];
  return {
    sent,
    send: async (message) => {
      sent.push(message);
      return { messageId: `m-${sent.length}` };
    },
  };
}

function send(workbook: MemoryWorkbook, mailer: Mailer, event: string) {
  return sendDueMessages(workbook, mailer, new ManualClock(NOW), {
    event,
    kinds: ["convocation"],
    ratePerSecond: 1000,
    sleep: async () => {},
  });
}

function tabsOf(workbook: MemoryWorkbook): WorkbookSnapshot {
  return new Map(
    [...workbook.tabs].map(([title, rows]) => [title, { title, rows: rows.map((row) => [...row]) }]),
  );
}

describe("a workbook renamed or copied after messages were sent", () => {
  test("sends nothing again and says the Journal belongs to another workbook", async () => {
    const { snapshot } = crowd(5);
    const original = new MemoryWorkbook(snapshot, "seminaire-2027");
    const first = recordingMailer();
    await send(original, first, "seminaire-2027");
    expect(first.sent).toHaveLength(5);

    const renamed = new MemoryWorkbook(tabsOf(original), "seminaire-2027-copie");
    const second = recordingMailer();
    await send(renamed, second, "seminaire-2027-copie");

    expect(second.sent).toEqual([]);
    const read = await renamed.read([...renamed.tabs.keys()]);
    const ledger = readLedger(read.get(TABS.journal.name));
    expect(ledger.foreignRows.length).toBeGreaterThanOrEqual(5);
    expect(ledger.rejectedRows).toEqual([]);
    const model = eventModel(read, renamed.keys, NOW);
    expect(model?.problems.join("\n")).toContain("Le Journal a été écrit pour un autre classeur");
  });

  test("under its own name the same Journal is trusted and nothing is sent twice", async () => {
    const { snapshot } = crowd(3);
    const original = new MemoryWorkbook(snapshot, "seminaire-2027");
    await send(original, recordingMailer(), "seminaire-2027");

    const reopened = new MemoryWorkbook(tabsOf(original), "seminaire-2027");
    const again = recordingMailer();
    await send(reopened, again, "seminaire-2027");

    expect(again.sent).toEqual([]);
    const read = await reopened.read([TABS.journal.name]);
    expect(readLedger(read.get(TABS.journal.name)).foreignRows).toEqual([]);
  });

  test("a row edited by hand in its own workbook is still only ignored, and the rest is sent", async () => {
    const { snapshot } = crowd(3);
    const workbook = new MemoryWorkbook(snapshot, "seminaire-2027");
    await send(workbook, recordingMailer(), "seminaire-2027");
    const journal = workbook.tabs.get(TABS.journal.name)!;
    const header = journal[0]!.map(String);
    const data = header.indexOf("Données");
    const edited = journal.findIndex((row) => String(row[data] ?? "").includes('"kind":"sent"'));
    journal[edited]![data] = String(journal[edited]![data]).replace('"kind":"sent"', '"kind":"sent" ');

    const read = await workbook.read([TABS.journal.name]);
    const ledger = readLedger(read.get(TABS.journal.name));
    expect(ledger.rejectedRows).toEqual([edited + 1]);
    expect(ledger.foreignRows).toEqual([]);
    const model = eventModel(await workbook.read([...workbook.tabs.keys()]), workbook.keys, NOW);
    expect(model?.problems.join("\n") ?? "").not.toContain("autre classeur");
  });
});
