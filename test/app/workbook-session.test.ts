import { describe, expect, test } from "vitest";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { inSession, mergeChanges, sendKept, WorkbookSession } from "../../functions/app/workbook-session.js";
import type { WorkbookChanges } from "../../functions/ports.js";
import { EVENT, ManualClock, RecordingMailer, seminar } from "../messages/fixtures.js";
import { MemoryWorkbook } from "../support/workbooks.js";

const NOW = new Date("2027-03-01T10:00:00Z");
const ALL = ["Séminaire", "Participants", "Tuteurs", "Affectations", "Journal", "Programme", "Structures"];

function journalAppend(key: string): WorkbookChanges {
  return { appends: [{ tab: "Journal", rows: [["2027-03-01 11:00:00", "Essai", "", "", key, "", ""]] }] };
}

describe("a request's workbook session", () => {
  test("the first read fetches every tab the request will need; later reads make no request", async () => {
    const memory = new MemoryWorkbook(seminar());
    const session = new WorkbookSession(memory, { readAlso: ALL });
    const first = await session.read(["Séminaire"]);
    expect([...first.keys()]).toEqual(["Séminaire"]);
    const second = await session.read(["Participants", "Journal"]);
    await session.read(["Séminaire", "Tuteurs"]);
    expect(memory.reads).toHaveLength(1);
    expect(memory.reads[0]).toEqual(expect.arrayContaining(ALL));
    expect(second.get("Participants")?.rows).toEqual(memory.tabs.get("Participants"));
  });

  test("a write is seen by the request's next read at once and leaves in one write when the request ends", async () => {
    const memory = new MemoryWorkbook(seminar());
    const session = new WorkbookSession(memory, { readAlso: ALL });
    const before = (await session.read(["Journal"])).get("Journal")!.rows.length;
    await inSession(session, async () => {
      await session.write(journalAppend("essai:1"));
      await session.write({ cells: [{ tab: "Participants", row: 2, column: 1, value: "Nouveau nom" }] });
      await session.write(journalAppend("essai:2"));
      const held = await session.read(["Journal", "Participants"]);
      expect(held.get("Journal")!.rows.length).toBe(before + 2);
      expect(held.get("Participants")!.rows[1]![0]).toBe("Nouveau nom");
      expect(memory.writes).toHaveLength(0);
    });
    expect(memory.writes).toHaveLength(1);
    expect(memory.reads).toHaveLength(1);
    expect(
      memory.tabs
        .get("Journal")!
        .slice(before)
        .map((row) => row[4]),
    ).toEqual(["essai:1", "essai:2"]);
    expect(memory.cell("Participants", 2, 1)).toBe("Nouveau nom");
  });

  test("a fresh read sends what is kept first and reads what others wrote since", async () => {
    const memory = new MemoryWorkbook(seminar());
    const mine = new WorkbookSession(memory, { readAlso: ALL });
    const theirs = new WorkbookSession(memory, { readAlso: ALL });
    const rowsOf = (snapshot: Awaited<ReturnType<WorkbookSession["read"]>>) =>
      snapshot.get("Journal")!.rows.map((row) => row[4]);
    await mine.read(["Journal"]);
    await theirs.read(["Journal"]);
    await theirs.write(journalAppend("essai:eux"));
    await theirs.flush();
    await mine.write(journalAppend("essai:moi"));
    expect(rowsOf(await mine.read(["Journal"]))).not.toContain("essai:eux");
    const back = rowsOf(await mine.read(["Journal"], { fresh: true }));
    expect(back).toEqual(expect.arrayContaining(["essai:eux", "essai:moi"]));
    // Held from then on: the next read answers the fresh rows without asking again.
    const reads = memory.reads.length;
    expect(rowsOf(await mine.read(["Journal"]))).toEqual(back);
    expect(memory.reads).toHaveLength(reads);
  });

  test("two senders at once, each through its own session, send each message once between them", async () => {
    const memory = new MemoryWorkbook(seminar());
    const mailer = new RecordingMailer();
    const clock = new ManualClock(NOW);
    const run = (runId: string) => {
      const session = new WorkbookSession(memory, { readAlso: ALL });
      return inSession(session, () =>
        sendDueMessages(session, mailer, clock, {
          event: EVENT,
          ratePerSecond: 1000,
          sleep: async () => {},
          runId,
        }),
      );
    };
    const [a, b] = await Promise.all([run("runa"), run("runb")]);
    expect(a.sent + b.sent).toBe(5);
    expect(a.leftToOthers + b.leftToOthers).toBe(5);
    expect(mailer.sent).toHaveLength(5);
    expect(new Set(mailer.recipients()).size).toBe(5);
  });

  test("what is kept is sent at once before something else reads the spreadsheet (a workflow woken)", async () => {
    const memory = new MemoryWorkbook(seminar());
    const session = new WorkbookSession(memory, { readAlso: ALL });
    await session.read(["Journal"]);
    await session.write(journalAppend("essai:reponse"));
    expect(memory.tabs.get("Journal")!.map((row) => row[4])).not.toContain("essai:reponse");
    await sendKept(session);
    expect(memory.tabs.get("Journal")!.map((row) => row[4])).toContain("essai:reponse");
    expect(session.dirty).toBe(false);
  });

  test("a request that fails still writes what it recorded before the failure", async () => {
    const memory = new MemoryWorkbook(seminar());
    const session = new WorkbookSession(memory, { readAlso: ALL });
    await expect(
      inSession(session, async () => {
        await session.read(["Journal"]);
        await session.write(journalAppend("essai:avant"));
        throw new Error("panne");
      }),
    ).rejects.toThrow("panne");
    expect(memory.tabs.get("Journal")!.map((row) => row[4])).toContain("essai:avant");
  });

  test("a write that fails is not sent a second time by the session", async () => {
    const memory = new MemoryWorkbook(seminar());
    let attempts = 0;
    const failing = {
      keys: memory.keys,
      read: memory.read.bind(memory),
      write: async (changes: WorkbookChanges) => {
        attempts++;
        await memory.write(changes);
        throw new Error("appliqué, puis 500");
      },
    };
    const session = new WorkbookSession(failing, { readAlso: ALL });
    await expect(
      inSession(session, async () => {
        await session.write(journalAppend("essai:une-fois"));
      }),
    ).rejects.toThrow("appliqué, puis 500");
    expect(attempts).toBe(1);
    expect(memory.tabs.get("Journal")!.filter((row) => row[4] === "essai:une-fois")).toHaveLength(1);
  });
});

describe("what a request's session sends", () => {
  test("only the cells whose value changes: a table rewritten whole leaves as the few cells that differ", async () => {
    const memory = new MemoryWorkbook(seminar());
    const session = new WorkbookSession(memory, { readAlso: ALL });
    const rows = (await session.read(["Participants"])).get("Participants")!.rows;
    await inSession(session, async () => {
      const rewrite = rows.flatMap((row, r) =>
        row.map((value, c) => ({ tab: "Participants", row: r + 1, column: c + 1, value })),
      );
      await session.write({
        cells: [...rewrite, { tab: "Participants", row: 2, column: 1, value: "Nouveau nom" }],
      });
      expect((await session.read(["Participants"])).get("Participants")!.rows[1]![0]).toBe("Nouveau nom");
    });
    expect(memory.writes).toHaveLength(1);
    expect(memory.writes[0]!.cells).toEqual([
      { tab: "Participants", row: 2, column: 1, value: "Nouveau nom" },
    ]);
    expect(memory.tabs.get("Participants")![1]![0]).toBe("Nouveau nom");
  });

  test("a cell written again after a failed write is sent: the session forgets what it held", async () => {
    const memory = new MemoryWorkbook(seminar());
    let failures = 1;
    const flaky = {
      keys: memory.keys,
      read: memory.read.bind(memory),
      write: async (changes: WorkbookChanges) => {
        if (failures-- > 0) throw new Error("503, rien d'écrit");
        await memory.write(changes);
      },
    };
    const session = new WorkbookSession(flaky, { readAlso: ALL });
    await session.read(["Participants"]);
    const cell = { tab: "Participants", row: 2, column: 1, value: "Nouveau nom" };
    await session.write({ cells: [cell] });
    await expect(session.flush()).rejects.toThrow("503");
    await session.write({ cells: [cell] });
    await session.flush();
    expect(memory.cell("Participants", 2, 1)).toBe("Nouveau nom");
  });

  test("a cell of a tab it has not read is always sent", async () => {
    const memory = new MemoryWorkbook(seminar());
    const session = new WorkbookSession(memory);
    const value = memory.tabs.get("Participants")![1]![0]!;
    await inSession(session, () =>
      session.write({ cells: [{ tab: "Participants", row: 2, column: 1, value }] }),
    );
    expect(memory.writes.map((changes) => changes.cells)).toEqual([
      [{ tab: "Participants", row: 2, column: 1, value }],
    ]);
  });
});

describe("merging a request's writes", () => {
  test("tabs are created first, the last value of a cell wins and rows are appended in order, one append per tab", () => {
    const merged = mergeChanges([
      {
        cells: [{ tab: "Participants", row: 2, column: 3, value: "a" }],
        appends: [{ tab: "Journal", rows: [["1"]] }],
      },
      {
        createTabs: [{ title: "Journal", header: ["Horodatage"] }],
        appends: [{ tab: "journal", rows: [["2"]] }],
      },
      {
        cells: [{ tab: "Participants", row: 2, column: 3, value: "b" }],
        appends: [{ tab: "Journal", rows: [["3"]] }],
      },
    ]);
    expect(merged).toEqual({
      createTabs: [{ title: "Journal", header: ["Horodatage"] }],
      cells: [{ tab: "Participants", row: 2, column: 3, value: "b" }],
      appends: [{ tab: "Journal", rows: [["1"], ["2"], ["3"]] }],
    });
  });
});
