/**
 * A plan for a few people (`PlanOptions.recipients`): what a request that concerns them may owe,
 * and nothing else, the organizer's messages aside.
 */
import { describe, expect, it } from "vitest";
import { sharedSolver } from "../../functions/adapters/highs-solver.js";
import { matchWorkbook } from "../../functions/app/match-workbook.js";
import { ReverseAwareWorkbook } from "../../functions/app/reverse-workbook.js";
import { MESSAGE_TABS, type SeminarModel, seminarModel } from "../../functions/core/event/model.js";
import { solvePlacements } from "../../functions/core/matching/index.js";
import { messageKey, type PlannedMessage, planMessages } from "../../functions/core/messages/plan.js";
import { reverseSnapshot } from "../inversee/fixtures.js";
import { testKeys } from "../support/ledger.js";
import { MemoryWorkbook } from "../support/workbooks.js";

const NOW = new Date("2027-04-19T07:00:00Z");
const EVENT = "inversee-destinataires";
const solver = sharedSolver();

async function placedModel(): Promise<SeminarModel> {
  const workbook = new ReverseAwareWorkbook(new MemoryWorkbook(reverseSnapshot(), EVENT));
  await matchWorkbook(workbook, NOW, (problem, options) =>
    solvePlacements(problem, { ...options, timeLimitSeconds: 20 }, solver),
  );
  return seminarModel(await workbook.read(MESSAGE_TABS), testKeys(EVENT), NOW);
}

const keysOf = (messages: readonly PlannedMessage[]) => messages.map((message) => message.key).sort();

/** Whether a message's key names one of these people (by address). */
function about(model: SeminarModel, people: readonly string[]) {
  const ids = new Set(people.map((person) => model.keys.recipientId(person)));
  return (message: PlannedMessage) => ids.has(message.key.split(":")[2] ?? "");
}

describe("a plan for a few people", () => {
  it("holds exactly the full plan's messages about them and the organizer's, whatever they are sent", async () => {
    const model = await placedModel();
    const full = planMessages(model, NOW, {});
    const participants = model.agendas.map((agenda) => agenda.participant.email);
    const tutors = model.tutors.flatMap((tutor) => (tutor.email ? [tutor.email] : []));
    // Someone convened through their registrar, someone convened themselves, a tutor.
    const registered = model.agendas.find((agenda) => agenda.participant.careOf !== undefined);
    const themselves = model.agendas.find((agenda) => agenda.participant.careOf === undefined);
    expect(registered && themselves && tutors.length > 0).toBe(true);
    const people = [registered!.participant.email, themselves!.participant.email.toUpperCase(), tutors[0]!];

    const few = planMessages(model, NOW, { recipients: new Set(people) });

    const expected = full.messages.filter(about(model, [...people, model.info.organizerEmail]));
    expect(keysOf(few.messages)).toEqual(keysOf(expected));
    expect(few.messages.length).toBeLessThan(full.messages.length);
    // The registrar receives the messages about the person they registered.
    const convocation = messageKey(model.keys, registered!.participant.email, "convocation", 1);
    expect(few.messages.find((message) => message.key === convocation)?.to.address).toBe(
      registered!.participant.careOf,
    );
    // Nobody else's.
    const others = participants.filter(
      (person) => !people.some((p) => p.toLowerCase() === person.toLowerCase()),
    );
    expect(few.messages.filter(about(model, others))).toEqual([]);
  });

  it("for nobody still holds the organizer's messages, and for everyone is the full plan", async () => {
    const model = await placedModel();
    const full = planMessages(model, NOW, {});
    const organizer = about(model, [model.info.organizerEmail]);
    expect(keysOf(planMessages(model, NOW, { recipients: new Set() }).messages)).toEqual(
      keysOf(full.messages.filter(organizer)),
    );
    const everyone = new Set([
      ...model.agendas.map((agenda) => agenda.participant.email),
      ...model.tutors.flatMap((tutor) => (tutor.email ? [tutor.email] : [])),
    ]);
    expect(keysOf(planMessages(model, NOW, { recipients: everyone }).messages)).toEqual(
      keysOf(full.messages),
    );
  });
});
