import { describe, expect, it } from "vitest";
import { checkCycle } from "../../functions/core/cycle/check-cycle.js";
import { CYCLE_TABS_SPEC } from "../../functions/core/cycle/cycle-schemas.js";
import { talkNumber } from "../../functions/core/cycle/talk-identity.js";
import { planSpeakerMessages } from "../../functions/core/messages/speakers.js";
import { classifyAnswer } from "../../functions/core/replies/classify.js";
import { readReplyAddress, replyAddress, tutorTag } from "../../functions/core/security/reply-token.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import type { TabValues } from "../../functions/ports.js";
import * as cycleExample from "../../sheets-templates/example-cycle.js";
import type { Row } from "../../sheets-templates/example-data.js";
import { testKeys } from "../support/ledger.js";
import { settingsTab, tableTab } from "../support/workbooks.js";

const NOW = new Date("2027-03-20T10:00:00Z");
const SECRET = "secret-de-test-des-reponses";
const keys = testKeys("cycle-exemple");

function cycleWith(speakers: readonly Row[], now = NOW) {
  const spec = CYCLE_TABS_SPEC;
  const snapshot = new Map<string, TabValues>([
    [spec.cycle.name, settingsTab(spec.cycle, cycleExample.cycleSettings)],
    [spec.talks.name, tableTab(spec.talks, cycleExample.talks)],
    [spec.registrations.name, tableTab(spec.registrations, cycleExample.registrations)],
    [spec.speakers.name, tableTab(spec.speakers, speakers)],
    [TABS.journal.name, tableTab(TABS.journal, [])],
  ]);
  return checkCycle(snapshot, now);
}

const plan = (speakers: readonly Row[], now = NOW) =>
  planSpeakerMessages(cycleWith(speakers, now), keys, now, {
    replyAddress: (input) => replyAddress(input, SECRET, "reponses.example.org"),
  });

const [ines, yves] = cycleExample.speakers as [Row, Row];

describe("the messages of a cycle's speakers", () => {
  it("invites each speaker at once, with a signed reply address read like a tutor's", () => {
    const messages = plan(cycleExample.speakers);
    const invitations = messages.filter((message) => message.kind === "invitation-intervenant");
    expect(invitations.map((message) => message.to.address)).toEqual([ines.Email, yves.Email]);
    expect(invitations.every((message) => message.sendAt.getTime() === NOW.getTime())).toBe(true);
    const rendered = invitations[0]!.render(NOW);
    expect(rendered.subject).toBe("Invitation à intervenir — Participation des usagers, jeudi 8 avril 2027");
    expect(rendered.text).toContain("Salle du conseil, 5 boulevard Diderot, Paris");
    expect(rendered.text).toContain("répondez simplement à ce message");
    const token = readReplyAddress(String(rendered.replyTo), SECRET);
    expect(token.ok && token.claims.tutor).toBe(tutorTag("cycle-exemple", String(ines.Email), SECRET));
    expect(classifyAnswer("Oui, je confirme ma venue.").decision).toBe("confirm");
    expect(invitations[0]!.key).toBe(
      `message:cycle-exemple:${keys.recipientId(String(ines.Email))}:invitation-intervenant:${talkNumber(cycleExample.TALK_NAMES[0])}`,
    );
    expect(invitations[0]!.key).not.toContain("ines");
  });

  it("reminds a confirmed speaker a week before and sends the list of the registered the day before", () => {
    const messages = plan([{ ...ines, Confirmation: "Confirmé" }]);
    const reminder = messages.find((message) => message.kind === "rappel-intervenant")!;
    expect(reminder.sendAt.toISOString()).toBe("2027-04-01T10:15:00.000Z");
    const list = messages.find((message) => message.kind === "liste-inscrits")!;
    expect(list.sendAt.toISOString()).toBe("2027-04-07T07:00:00.000Z");
    const text = list.render(NOW).text;
    expect(text).toContain("Voici les 20 personnes inscrites");
    const first = cycleExample.managers[0]!;
    expect(text).toContain(
      `${first.Prénom} ${first.Nom} — ${first.Direction} — ${first.Service} — ${first.Fonction}`,
    );
    expect(messages.some((message) => message.kind === "invitation-intervenant")).toBe(false);
  });

  it("alerts the organizer at once of a decline, and a week before a talk no speaker confirmed", () => {
    const messages = plan([{ ...ines, Confirmation: "Décliné" }, yves]);
    const alerts = messages.filter((message) => message.kind === "alerte-intervenant");
    expect(alerts.every((alert) => alert.to.address === "meridiennes@action-sociale.example.org")).toBe(true);
    const decline = alerts.find((alert) => alert.sendAt.getTime() === NOW.getTime())!;
    expect(decline.render(NOW).text).toContain("Inès Lemaire a décliné l'invitation");
    // None confirmed for any of the three talks yet: one alert each, seven days before.
    expect(alerts.filter((alert) => alert.version.startsWith("sans-intervenant-"))).toHaveLength(3);
    expect(messages.some((m) => m.kind === "liste-inscrits" && m.to.address === ines.Email)).toBe(false);
  });

  it("plans nothing for a talk that has started, and no alert once a speaker confirmed", () => {
    const afterFirst = new Date("2027-04-09T10:00:00Z");
    const messages = plan([{ ...ines }, { ...yves, Confirmation: "Confirmé" }], afterFirst);
    expect(messages.some((message) => message.to.address === ines.Email)).toBe(false);
    const alerts = messages.filter((message) => message.kind === "alerte-intervenant");
    // The second talk has its confirmed speaker; the third has none.
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.render(afterFirst).subject).toBe("Aucun intervenant confirmé — Données et territoires");
  });
});
