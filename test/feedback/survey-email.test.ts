import { describe, expect, it } from "vitest";
import { eventModel } from "../../functions/core/event/model.js";
import { SURVEY_REPLY_VERSION } from "../../functions/core/feedback/survey-reply.js";
import { planMessages } from "../../functions/core/messages/plan.js";
import { PLACEMENTS, smallSeminar } from "../documents/fixtures.js";
import { testKeys } from "../support/ledger.js";
import { lunchSnapshot } from "../support/workbooks.js";

const signed = (input: { event: string; tutorEmail: string; version: number }) =>
  `reponse+v${input.version}-${input.tutorEmail.replace("@", ".")}@reponses.example.org`;

describe("the survey email", () => {
  it("invites a mark from 1 to 5 by reply, to the participant's signed address, beside the link", () => {
    const at = new Date("2027-03-19T09:00:00Z");
    const model = eventModel(smallSeminar(), testKeys("seminaire-test"), at)!;
    const survey = planMessages(model, at, { replyAddress: signed }).messages.find(
      (message) =>
        message.kind === "questionnaire" && message.to.address === PLACEMENTS[0]!["Email participant"],
    );
    expect(survey).toBeDefined();
    const outgoing = survey!.render(at);
    expect(outgoing.replyTo).toBe(
      signed({
        event: "seminaire-test",
        tutorEmail: "emile.zola@etat.example.org",
        version: SURVEY_REPLY_VERSION,
      }),
    );
    expect(outgoing.text).toContain("une note de 1 à 5 (5 = excellent) sur la première ligne");
    expect(outgoing.text).toContain("Répondre au questionnaire : https://questionnaire.example.org/");
  });

  it("does the same for a lunch talk", () => {
    const at = new Date("2027-04-09T09:00:00Z");
    const model = eventModel(lunchSnapshot(), testKeys("rencontre-test"), at)!;
    const survey = planMessages(model, at, { replyAddress: signed }).messages.find(
      (message) => message.kind === "questionnaire-rencontre",
    );
    expect(survey).toBeDefined();
    const outgoing = survey!.render(at);
    expect(outgoing.replyTo).toMatch(new RegExp(`^reponse\\+v${SURVEY_REPLY_VERSION}-`));
    expect(outgoing.text).toContain("une note de 1 à 5");
  });
});
