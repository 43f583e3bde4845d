/**
 * A visitor whose host dropped out and whom no other host could take: told honestly that nothing is
 * found yet and that the organizer will write; then, once the organizer places them by hand in
 * `Affectations`, sent a change notice with the new placement. A service user's registrar is told
 * the same, about the person they registered.
 */
import { describe, expect, it } from "vitest";
import { checkWorkbook } from "../../functions/app/check-workbook.js";
import { matchWorkbook } from "../../functions/app/match-workbook.js";
import { ReverseAwareWorkbook } from "../../functions/app/reverse-workbook.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { cellText } from "../../functions/core/sheet/cells.js";
import type { Cell, OutgoingMessage } from "../../functions/ports.js";
import { ManualClock, RecordingMailer } from "../messages/fixtures.js";
import { MemoryWorkbook } from "../support/workbooks.js";
import { testSolver } from "../tutors/support.js";
import { reverseSnapshot } from "./fixtures.js";

const EVENT = "inversee-desistement";
const NOW = new Date("2027-04-19T07:00:00Z");
const solver = testSolver();
const options = { ratePerSecond: 1000, sleep: async () => {}, event: EVENT };

const kindOf = (message: OutgoingMessage) => message.headers?.["X-Passerelle-Key"]?.split(":")[3];
const addressOf = (message: OutgoingMessage) =>
  typeof message.to === "string" ? message.to : message.to.address;

/** The example, placed, its convocations sent. */
async function convoked() {
  const memory = new MemoryWorkbook(reverseSnapshot(), EVENT);
  // The ledger's keys are the sealed Journal's; reads and writes go through the reverse view.
  const workbook = Object.assign(new ReverseAwareWorkbook(memory), { keys: memory.keys });
  const match = await matchWorkbook(workbook, NOW, solver);
  if (!match.ok) throw new Error(match.summary);
  // As the workflow does before sending: the check writes the agenda each convocation announces.
  await checkWorkbook(workbook, NOW);
  const mailer = new RecordingMailer();
  const clock = new ManualClock(NOW);
  await sendDueMessages(workbook, mailer, clock, { ...options, kinds: ["convocation"] });
  return { memory, workbook, mailer, clock };
}

function column(memory: MemoryWorkbook, tab: string, name: string): number {
  return (memory.tabs.get(tab)?.[0] ?? []).findIndex((cell) => cellText(cell) === name);
}

/** The rows of `Affectations` of a visitor, by their name. */
function rowsOf(memory: MemoryWorkbook, name: string): { index: number; row: Cell[] }[] {
  const rows = memory.tabs.get("Affectations") ?? [];
  const participant = column(memory, "Affectations", "Participant");
  return rows.flatMap((row, index) =>
    index > 0 && cellText(row[participant] ?? null) === name ? [{ index, row }] : [],
  );
}

describe("a visitor left without a host after a decline", () => {
  it("is told that no other host is found yet and that the organizer will write, then gets the placement made by hand", async () => {
    const { memory, workbook, mailer, clock } = await convoked();
    const [first] = rowsOf(memory, "Thomas Girard");
    expect(first).toBeDefined();
    const affectations = memory.tabs.get("Affectations")!;
    const hostColumn = column(memory, "Affectations", "Hôte");
    const slotColumn = column(memory, "Affectations", "Créneau");
    const original = [...first!.row];
    const slot = cellText(original[slotColumn] ?? null);
    // The host declined and nobody could take the visitor: the re-placement left the row empty.
    affectations[first!.index] = original.map(() => null);
    const sentBefore = mailer.sent.length;
    await sendDueMessages(workbook, mailer, clock, { ...options, kinds: ["changement"] });
    const notice = mailer.sent.slice(sentBefore).filter((message) => kindOf(message) === "changement");
    expect(notice).toHaveLength(1);
    const told = notice[0]!.text;
    expect(told).toContain(
      `Pour le créneau « ${slot} », nous n'avons pas encore pu vous proposer un autre hôte.`,
    );
    expect(told).toContain("L'équipe d'organisation vous écrira");
    expect(told).toMatch(/Supprimé : « Immersion \(.*\) — .* » .*retiré de votre agenda/);
    expect(told).not.toMatch(/communiqué prochainement|lieu d'immersion/);

    // The organizer places them by hand with another host, in the same row.
    const other = affectations.find(
      (row, index) =>
        index > 0 &&
        cellText(row[slotColumn] ?? null) === slot &&
        cellText(row[hostColumn] ?? null) !== cellText(original[hostColumn] ?? null),
    )!;
    const byHand = original.map((cell, index) =>
      [
        hostColumn,
        ...["À voir", "Email hôte", "Nom de l'hôte", "Adresse"].map((name) =>
          column(memory, "Affectations", name),
        ),
      ].includes(index)
        ? (other[index] ?? null)
        : cell,
    );
    affectations[first!.index] = byHand;
    const sentThen = mailer.sent.length;
    await sendDueMessages(workbook, mailer, clock, { ...options, kinds: ["changement"] });
    const placed = mailer.sent.slice(sentThen).filter((message) => kindOf(message) === "changement");
    expect(placed.map(addressOf)).toEqual([addressOf(notice[0]!)]);
    expect(placed[0]!.text).toContain(`Votre hôte : ${cellText(other[hostColumn] ?? null)}`);
    expect(placed[0]!.text).not.toContain("nous n'avons pas encore pu");
  }, 120_000);

  it("tells the registrar of a service user, about the person they registered", async () => {
    const { memory, workbook, mailer, clock } = await convoked();
    const [first] = rowsOf(memory, "Maryse Collin");
    const affectations = memory.tabs.get("Affectations")!;
    affectations[first!.index] = first!.row.map(() => null);
    const sentBefore = mailer.sent.length;
    await sendDueMessages(workbook, mailer, clock, { ...options, kinds: ["changement"] });
    const [notice] = mailer.sent.slice(sentBefore);
    expect(addressOf(notice!)).toBe("accueil@entraide-lyon8.example.org");
    expect(notice!.subject).toContain("Modification du programme de Maryse Collin");
    expect(notice!.text).toMatch(/^Bonjour,$/m);
    expect(notice!.text).toContain("nous n'avons pas encore pu lui proposer un autre hôte");
    expect(notice!.text).toContain("retiré de son agenda");
    expect(notice!.text).not.toMatch(/Bonjour Maryse|vous proposer/);
  }, 120_000);
});
