import { describe, expect, it } from "vitest";
import { eventModel } from "../../functions/core/event/model.js";
import { planMessages } from "../../functions/core/messages/plan.js";
import { participant, placement, seminar } from "../messages/fixtures.js";
import { testKeys } from "../support/ledger.js";

const NOW = new Date("2027-03-01T10:00:00Z");

describe("addresses that stand for nobody", () => {
  it("plans no message of any kind to an address in a reserved domain, and says why", () => {
    const people = [
      participant({ Nom: "Réelle", Prénom: "Anne", Email: "anne.reelle@caf.example.org" }),
      participant({ Nom: "Sans", Prénom: "Adresse", Email: "usager-1@sans-adresse.invalid" }),
    ];
    const snapshot = seminar({
      participants: people,
      placements: people.flatMap((row) => [
        placement(String(row.Email), "Matin"),
        placement(String(row.Email), "Après-midi"),
      ]),
    });
    const model = eventModel(snapshot, testKeys("seminaire-test"), NOW);
    if (!model) throw new Error("not a seminar");

    const plan = planMessages(model, NOW);

    expect(plan.messages.some((message) => message.to.address.endsWith(".invalid"))).toBe(false);
    expect(plan.messages.some((message) => message.to.address === "anne.reelle@caf.example.org")).toBe(true);
    expect(
      plan.skipped.some(
        (skip) => skip.recipient?.endsWith(".invalid") === true && skip.reason.includes("n'a pas d'adresse"),
      ),
    ).toBe(true);
  });
});
