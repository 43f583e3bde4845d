/**
 * The Journal edited by hand. A forged or edited row fails its seal and is ignored for every
 * decision. A deleted row cannot be told from a row never written: deletion is prevented, not
 * detected — in Google Sheets the tab is protected (only the functions' account may edit it), and
 * locally the host keeps every sealed row in a side file and writes back what a save dropped. The
 * last test shows why that prevention is needed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { SesMailer } from "../../functions/adapters/ses-mailer.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { type LocalSes, startLocalSes } from "../fakes/ses-server.js";
import { EVENT, ManualClock } from "../messages/fixtures.js";
import { MemoryWorkbook } from "../support/workbooks.js";
import { copiesPerRecipient, crowd, expectExactlyOnce } from "./support.js";

const NOW = new Date("2027-03-01T10:00:00Z");
const LATER = 20 * 60_000;
const KEY = 4;
const DATA = 5;
const SEAL = 6;

let ses: LocalSes;
let mailer: SesMailer;
beforeAll(async () => {
  ses = await startLocalSes();
  mailer = new SesMailer({
    region: "eu-west-3",
    endpoint: ses.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    baseDelayMs: 1,
  });
});
afterAll(async () => {
  mailer.destroy();
  await ses.stop();
});
beforeEach(async () => {
  await ses.clear();
});

function send(workbook: MemoryWorkbook, clock: ManualClock) {
  return sendDueMessages(workbook, mailer, clock, {
    event: EVENT,
    kinds: ["convocation"],
    ratePerSecond: 14,
    sleep: async () => {},
    deliveries: ses.deliveries,
  });
}

function journalRows(workbook: MemoryWorkbook) {
  return workbook.tabs.get("Journal")!;
}

/** The index of the Journal row recording `kind` for the message whose recipient is `email`. */
function rowOf(workbook: MemoryWorkbook, kind: string, email: string): number {
  const index = journalRows(workbook).findIndex(
    (row) => String(row[DATA] ?? "").includes(`"kind":"${kind}"`) && row[2] === email,
  );
  if (index < 0) throw new Error(`no ${kind} row for ${email}`);
  return index;
}

describe("a Journal edited by hand", () => {
  test("a hand-written `sent` row is ignored: the participant gets the convocation once, and the row is reported", async () => {
    const { emails, snapshot } = crowd(5);
    // The key of the first convocation, from a run on a copy of the workbook.
    const copy = new MemoryWorkbook(snapshot);
    await sendDueMessages(copy, { send: async () => ({ messageId: "x" }) }, new ManualClock(NOW), {
      event: EVENT,
      kinds: ["convocation"],
      ratePerSecond: 1000,
      sleep: async () => {},
    });
    const key = journalRows(copy)[rowOf(copy, "sent", emails[0]!)]![KEY];

    const workbook = new MemoryWorkbook(snapshot);
    journalRows(workbook).push([
      NOW.toISOString(),
      "Message envoyé",
      emails[0]!,
      "Convocation",
      key ?? "",
      JSON.stringify({ kind: "sent", messageId: "inventé", at: NOW.toISOString() }),
      "0123456789abcdef",
    ]);
    const clock = new ManualClock(NOW);
    expect(await send(workbook, clock)).toMatchObject({ sent: 5, done: true });
    await expectExactlyOnce(ses, workbook, emails, clock.now(), 1);
  });

  test("a sealed `sent` row edited into a release is ignored: the key is reconciled from SES, not sent again", async () => {
    const { emails, snapshot } = crowd(5);
    const workbook = new MemoryWorkbook(snapshot);
    const clock = new ManualClock(NOW);
    await send(workbook, clock);
    const row = journalRows(workbook)[rowOf(workbook, "sent", emails[2]!)]!;
    row[DATA] = String(row[DATA]).replace('"kind":"sent"', '"kind":"released"');

    clock.advance(LATER);
    const after = await send(workbook, clock);
    expect(after).toMatchObject({ sent: 0, attempts: 0, reconciled: { sent: 1, released: 0 }, done: true });
    await expectExactlyOnce(ses, workbook, emails, clock.now(), 1);
  });

  test("a deleted `sent` row leaves its claim: the key is reconciled from SES, not sent again", async () => {
    const { emails, snapshot } = crowd(5);
    const workbook = new MemoryWorkbook(snapshot);
    const clock = new ManualClock(NOW);
    await send(workbook, clock);
    journalRows(workbook).splice(rowOf(workbook, "sent", emails[1]!), 1);

    clock.advance(LATER);
    const after = await send(workbook, clock);
    expect(after).toMatchObject({ sent: 0, attempts: 0, reconciled: { sent: 1 }, done: true });
    await expectExactlyOnce(ses, workbook, emails, clock.now());
  });

  test("a key whose every row is deleted is sent again: only the tab's protection and the local side file prevent it", async () => {
    const { emails, snapshot } = crowd(5);
    const workbook = new MemoryWorkbook(snapshot);
    const clock = new ManualClock(NOW);
    await send(workbook, clock);
    const key = journalRows(workbook)[rowOf(workbook, "sent", emails[3]!)]![KEY];
    const rows = journalRows(workbook);
    for (let index = rows.length - 1; index > 0; index--)
      if (rows[index]![KEY] === key) rows.splice(index, 1);
    expect(rows.filter((row) => row[SEAL] !== "" && row[KEY] === key)).toHaveLength(0);

    clock.advance(LATER);
    expect(await send(workbook, clock)).toMatchObject({ sent: 1, done: true });
    const copies = await copiesPerRecipient(ses);
    expect(copies.get(emails[3]!)).toBe(2);
    expect(emails.filter((email) => email !== emails[3]).every((email) => copies.get(email) === 1)).toBe(
      true,
    );
  });
});
