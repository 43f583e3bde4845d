import * as functions from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import request from "supertest";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SnsMessage, SnsVerifier } from "../../functions/adapters/sns-verifier.js";
import { replyFollowUps } from "../../functions/app/reply-follow-ups.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { CYCLE_TABS_SPEC } from "../../functions/core/cycle/cycle-schemas.js";
import { KEY_HEADER } from "../../functions/core/messages/plan.js";
import { replyAddress } from "../../functions/core/security/reply-token.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import { inboundMailHandler } from "../../functions/inbound-mail.js";
import type { Cell, Mailer, OutgoingMessage } from "../../functions/ports.js";
import * as cycleExample from "../../sheets-templates/example-cycle.js";
import type { Row } from "../../sheets-templates/example-data.js";
import { sentRow } from "../support/ledger.js";
import { settingsTab, tableTab } from "../support/workbooks.js";
import { MemoryWorkbook } from "./memory-workbook.js";
import { createTestSigner, type TestSigner } from "./sns-signer.js";

const TOPIC = "arn:aws:sns:eu-west-3:123456789012:passerelle-reponses";
const SECRET = "secret-des-reponses-0123456789";
const EVENT = "cycle-test";
const DOMAIN = "reponses.example.org";
const ORGANIZER = "meridiennes@action-sociale.example.org";
const INES = String(cycleExample.speakers[0]!.Email);
const YVES = String(cycleExample.speakers[1]!.Email);
let now = new Date("2027-03-20T10:00:00Z");

let signer: TestSigner;

function cycleWorkbook(
  journal: readonly Record<string, string>[] = [],
  overrides: { settings?: Row; speakers?: readonly Row[] } = {},
): MemoryWorkbook {
  const spec = CYCLE_TABS_SPEC;
  const tabs = [
    settingsTab(spec.cycle, overrides.settings ?? cycleExample.cycleSettings),
    tableTab(spec.talks, cycleExample.talks),
    tableTab(spec.registrations, cycleExample.registrations),
    tableTab(spec.speakers, overrides.speakers ?? cycleExample.speakers),
    tableTab(TABS.journal, journal),
  ];
  return new MemoryWorkbook(
    Object.fromEntries(tabs.map((tab) => [tab.title, tab.rows as (readonly Cell[])[]])),
    EVENT,
  );
}

const state = { workbook: cycleWorkbook(), sent: [] as OutgoingMessage[] };

const mailer: Mailer = {
  send: async (message) => {
    state.sent.push(message);
    return { messageId: `ses-${state.sent.length}` };
  },
};
const clock = { now: () => now };
const sendOptions = {
  ratePerSecond: 1000,
  plan: { replyAddress: (input: Parameters<typeof replyAddress>[0]) => replyAddress(input, SECRET, DOMAIN) },
};

functions.http(
  "inboundMailSpeakers",
  inboundMailHandler({
    verifier: new SnsVerifier({ fetchCertificate: async () => signer.certificatePem, now: () => now }),
    config: { topicArn: TOPIC, replySecret: SECRET },
    workbookFor: () => state.workbook,
    clock,
    fetch: async () => ({ ok: true, status: 200 }),
    followUps: replyFollowUps({
      workbookFor: () => state.workbook,
      mailer,
      clock,
      solver: async () => {
        throw new Error("a cycle places nobody");
      },
      sendOptions,
    }),
    log: { info: () => {}, warn: () => {}, error: () => {} },
  }),
);

const sendStep = () =>
  sendDueMessages(state.workbook, mailer, clock, {
    ...sendOptions,
    event: EVENT,
    kinds: ["invitation-intervenant", "rappel-intervenant", "liste-inscrits", "alerte-intervenant"],
  });

function reply(to: string, from: string, body: string, id: string): SnsMessage {
  const raw = [
    `From: <${from}>`,
    `Message-ID: <${id}@mail.example.org>`,
    `To: ${to}`,
    "Subject: Re: Invitation à intervenir",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
    "",
  ].join("\r\n");
  return signer.sign({
    Type: "Notification",
    MessageId: `sns-${id}`,
    TopicArn: TOPIC,
    Subject: "Amazon SES Email Receipt Notification",
    Timestamp: now.toISOString(),
    Message: JSON.stringify({
      notificationType: "Received",
      mail: { messageId: `ses-${id}`, destination: [to], commonHeaders: { subject: "Re: Invitation" } },
      receipt: { recipients: [to], action: { type: "SNS", encoding: "BASE64", topicArn: TOPIC } },
      content: Buffer.from(raw, "utf8").toString("base64"),
    }),
  });
}

function post(message: SnsMessage) {
  return request(getTestServer("inboundMailSpeakers"))
    .post("/")
    .set("content-type", "text/plain; charset=UTF-8")
    .set("x-amz-sns-message-type", "Notification")
    .send(JSON.stringify(message));
}

const speakerRecord = (email: string) =>
  state.workbook.records(CYCLE_TABS_SPEC.speakers.name).find((row) => row.Email === email)!;
const addressOf = (message: OutgoingMessage) =>
  typeof message.to === "string" ? message.to : message.to.address;
const invitationTo = (email: string) =>
  state.sent.find(
    (message) => addressOf(message) === email && message.subject.startsWith("Invitation à intervenir"),
  )!;
const keyOf = (message: OutgoingMessage) => String(message.headers?.[KEY_HEADER] ?? "");

beforeAll(() => {
  signer = createTestSigner();
});

beforeEach(() => {
  now = new Date("2027-03-20T10:00:00Z");
  state.workbook = cycleWorkbook();
  state.sent = [];
});

describe("a cycle's speakers: invitations sent once, replies applied through the inbound path", () => {
  it("sends each speaker's invitation once, with a signed reply address, and nothing again on the next step", async () => {
    const first = await sendStep();
    expect(first.sent).toBe(2);
    expect(state.sent.map(addressOf).sort()).toEqual([INES, YVES].sort());
    expect(String(state.sent[0]!.replyTo)).toMatch(/^reponse\+.+@reponses\.example\.org$/);
    expect(keyOf(state.sent[0]!)).toMatch(/^message:cycle-test:[^:]+:invitation-intervenant:\d+$/);

    const again = await sendStep();
    expect(again.sent).toBe(0);
    expect(state.sent).toHaveLength(2);
    const sentLines = state.workbook
      .records(TABS.journal.name)
      .filter((line) => line.Événement === "Message envoyé");
    expect(sentLines).toHaveLength(2);
  });

  it("records a speaker's yes in Intervenants (Confirmation, Répondu le) and alerts nobody", async () => {
    await sendStep();
    const response = await post(
      reply(String(invitationTo(INES).replyTo), INES, "Oui, je confirme ma venue.", "ines-1"),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ outcome: "recorded", decision: "confirm" });
    expect(speakerRecord(INES)).toMatchObject({ Confirmation: "Confirmé", "Répondu le": "2027-03-20 11:00" });
    expect(speakerRecord(YVES).Confirmation).not.toBe("Confirmé");
    expect(state.sent).toHaveLength(2);
  });

  it("records a decline and alerts the organizer at once; the same reply delivered twice is applied and told once", async () => {
    await sendStep();
    const decline = reply(
      String(invitationTo(YVES).replyTo),
      YVES,
      "Non, je ne pourrai malheureusement pas venir, désolé.",
      "yves-1",
    );
    const first = await post(decline);
    expect(first.body).toMatchObject({ outcome: "recorded", decision: "decline" });
    expect(speakerRecord(YVES)).toMatchObject({ Confirmation: "Décliné", "Répondu le": "2027-03-20 11:00" });
    const alerts = state.sent.filter((message) => keyOf(message).includes(":alerte-intervenant:"));
    expect(alerts).toHaveLength(1);
    expect(addressOf(alerts[0]!)).toBe(ORGANIZER);
    expect(alerts[0]!.text).toContain("Yves Ferrand a décliné l'invitation");

    now = new Date("2027-03-20T10:05:00Z");
    const second = await post(decline);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ outcome: "duplicate" });
    const replies = state.workbook
      .records(TABS.journal.name)
      .filter((line) => String(line.Événement).startsWith("Réponse intervenant"));
    expect(replies).toHaveLength(1);
    expect(speakerRecord(YVES)["Répondu le"]).toBe("2027-03-20 11:00");
    expect(state.sent.filter((message) => keyOf(message).includes(":alerte-intervenant:"))).toHaveLength(1);
  });

  it("tells the organizer about an answer that is neither yes nor no, and changes nothing on the row", async () => {
    await sendStep();
    const response = await post(
      reply(String(invitationTo(INES).replyTo), INES, "Pouvez-vous me rappeler demain ?", "ines-2"),
    );
    expect(response.body).toMatchObject({ outcome: "recorded", decision: "unclear" });
    expect(speakerRecord(INES).Confirmation ?? "").not.toMatch(/Confirmé|Décliné/);
    const alerts = state.sent.filter((message) => keyOf(message).includes(":alerte-intervenant:"));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.text).toContain("Pouvez-vous me rappeler demain ?");
  });

  it("sends nothing for a cycle whose Journal was sealed for another workbook (a copy)", async () => {
    state.workbook = cycleWorkbook([
      sentRow("autre-classeur", "message:autre-classeur:x:invitation-intervenant:1"),
    ]);
    const report = await sendStep();
    expect(report.sent).toBe(0);
    expect(state.sent).toEqual([]);
  });

  it("applies nothing for a token of an invitation never sent", async () => {
    const token = replyAddress({ event: EVENT, tutorEmail: INES, version: 1 }, SECRET, DOMAIN);
    const response = await post(reply(token, INES, "Oui, je confirme.", "ines-3"));
    expect(response.body).toMatchObject({ outcome: "never-sent" });
    expect(speakerRecord(INES).Confirmation ?? "").not.toBe("Confirmé");
  });

  it("applies a reply only to the talk its invitation was for, when the speaker speaks at two talks", async () => {
    const [first, second] = cycleExample.TALK_NAMES;
    const ines = cycleExample.speakers[0]!;
    state.workbook = cycleWorkbook([], {
      speakers: [
        { ...ines, Rencontre: first },
        { ...ines, Rencontre: second },
      ],
    });
    await sendStep();
    const invitations = state.sent.filter((message) => message.subject.startsWith("Invitation à intervenir"));
    expect(invitations.map((message) => message.subject).sort()).toEqual([
      "Invitation à intervenir — Accueil inconditionnel, jeudi 6 mai 2027",
      "Invitation à intervenir — Participation des usagers, jeudi 8 avril 2027",
    ]);
    const forSecond = invitations.find((message) => message.subject.includes(second))!;
    const response = await post(reply(String(forSecond.replyTo), INES, "Oui, je confirme.", "ines-4"));
    expect(response.body).toMatchObject({ outcome: "recorded", decision: "confirm" });
    const rows = state.workbook.records(CYCLE_TABS_SPEC.speakers.name);
    expect(rows.find((row) => row.Rencontre === second)?.Confirmation).toBe("Confirmé");
    expect(rows.find((row) => row.Rencontre === first)?.Confirmation ?? "").not.toBe("Confirmé");
  });

  it("dates the reply's claim and lines in the cycle's own zone", async () => {
    state.workbook = cycleWorkbook([], {
      settings: { ...cycleExample.cycleSettings, "Fuseau horaire": "America/Martinique" },
    });
    await sendStep();
    await post(reply(String(invitationTo(INES).replyTo), INES, "Oui, je confirme ma venue.", "ines-5"));
    const lines = state.workbook
      .records(TABS.journal.name)
      .filter((line) => String(line.Événement).startsWith("Réponse"));
    expect(lines.map((line) => line.Événement)).toEqual([
      "Réponse reçue",
      "Réponse intervenant : Confirmé",
      "Réponse traitée",
    ]);
    // 10:00 UTC is 06:00 in Martinique (UTC-4), and 11:00 in Paris.
    expect(lines.every((line) => String(line.Horodatage).startsWith("2027-03-20 06:00"))).toBe(true);
    expect(speakerRecord(INES)["Répondu le"]).toBe("2027-03-20 06:00");
  });

  it("dates SES's word that it accepted a message in the cycle's own zone too", async () => {
    state.workbook = cycleWorkbook([], {
      settings: { ...cycleExample.cycleSettings, "Fuseau horaire": "America/Martinique" },
    });
    const accepted = signer.sign({
      Type: "Notification",
      MessageId: "send-cycle-1",
      TopicArn: TOPIC,
      Timestamp: now.toISOString(),
      Message: JSON.stringify({
        eventType: "Send",
        mail: {
          messageId: "0102-ses-id",
          tags: { "passerelle-event": [EVENT], "passerelle-send": ["Cy_1"] },
        },
        send: {},
      }),
    });
    expect((await post(accepted)).body).toMatchObject({ outcome: "send-event-recorded" });
    const line = state.workbook.records(TABS.journal.name).find((row) => row.Clé === "ses:Cy_1");
    expect(String(line?.Horodatage)).toMatch(/^2027-03-20 06:00/);
  });
});
