import * as functions from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import request from "supertest";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SnsMessage, SnsVerifier } from "../../functions/adapters/sns-verifier.js";
import { SURVEY_REPLY_VERSION } from "../../functions/core/feedback/survey-reply.js";
import { replyAddress } from "../../functions/core/security/reply-token.js";
import { type InboundMailDeps, inboundMailHandler } from "../../functions/inbound-mail.js";
import { MemoryWorkbook } from "../inbound/memory-workbook.js";
import { createTestSigner, type TestSigner } from "../inbound/sns-signer.js";

const TOPIC = "arn:aws:sns:eu-west-3:123456789012:passerelle-reponses";
const SECRET = "secret-des-reponses-0123456789";
const SHEET = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms";
const PARTICIPANT = "claire.petit@example.gouv.fr";
const NOW = new Date("2027-03-19T09:41:00Z");
const SURVEY_REPLY_TO = replyAddress(
  { event: SHEET, tutorEmail: PARTICIPANT, version: SURVEY_REPLY_VERSION },
  SECRET,
  "reponses.example.org",
);

let signer: TestSigner;
let workbook: MemoryWorkbook;

const deps: InboundMailDeps = {
  verifier: new SnsVerifier({ fetchCertificate: async () => signer.certificatePem, now: () => NOW }),
  config: { topicArn: TOPIC, replySecret: SECRET },
  workbookFor: (event) => {
    if (event !== SHEET) throw new Error("unknown spreadsheet");
    return workbook;
  },
  clock: { now: () => NOW },
  fetch: async () => ({ ok: true, status: 200 }),
  followUps: {
    onDecline: async () => {},
    onBounce: async () => {},
    alertOrganizer: async () => {},
  },
  log: { info: () => {}, warn: () => {}, error: () => {} },
};

functions.http("inboundMailSurvey", inboundMailHandler(deps));

function mime(
  body: string,
  options: { messageId?: string; headers?: string; subject?: string } = {},
): string {
  return [
    "From: Claire Petit <c.petit@autre-boite.example.org>",
    `To: ${SURVEY_REPLY_TO}`,
    `Subject: ${options.subject ?? "Re: Votre avis sur « Vivez ma vie d'usager — Rennes »"}`,
    `Message-ID: ${options.messageId ?? "<reponse-1@mail.example.org>"}`,
    ...(options.headers ? [options.headers] : []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
    "",
    "Le ven. 19 mars 2027 à 09:00, Séminaire <seminaire@example.org> a écrit :",
    "> Répondez avec une note de 1 à 5.",
    "",
  ].join("\r\n");
}

function notification(raw: string, snsId: string): SnsMessage {
  return signer.sign({
    Type: "Notification",
    MessageId: snsId,
    TopicArn: TOPIC,
    Subject: "Amazon SES Email Receipt Notification",
    Timestamp: NOW.toISOString(),
    Message: JSON.stringify({
      notificationType: "Received",
      mail: {
        messageId: "ses-1",
        destination: [SURVEY_REPLY_TO],
        commonHeaders: { subject: "Re: Votre avis" },
      },
      receipt: {
        recipients: [SURVEY_REPLY_TO],
        action: { type: "SNS", encoding: "BASE64", topicArn: TOPIC },
      },
      content: Buffer.from(raw, "utf8").toString("base64"),
    }),
  });
}

function post(message: SnsMessage) {
  return request(getTestServer("inboundMailSurvey"))
    .post("/")
    .set("content-type", "text/plain; charset=UTF-8")
    .set("x-amz-sns-message-type", "Notification")
    .send(JSON.stringify(message));
}

beforeAll(() => {
  signer = createTestSigner();
});

beforeEach(() => {
  workbook = new MemoryWorkbook({
    Séminaire: [
      ["Paramètre", "Valeur"],
      ["Titre", "Vivez ma vie d'usager — Rennes"],
      ["Fuseau horaire", "Europe/Paris"],
      ["Statut", "Vérifié le 10/03/2027 à 09:00."],
    ],
    Participants: [
      ["Nom", "Prénom", "Email", "Organisme"],
      ["Petit", "Claire", PARTICIPANT, "Préfecture"],
    ],
    Journal: [["Horodatage", "Événement", "Destinataire", "Détail", "Clé"]],
  });
});

describe("inboundMail: a reply to the survey", () => {
  it("lands in Retours under the participant the signed address names, not the From", async () => {
    const response = await post(notification(mime("4/5\nTrès instructif, merci."), "sns-1"));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ outcome: "feedback-recorded" });
    expect(workbook.records("Retours")).toEqual([
      expect.objectContaining({
        Participant: "Claire Petit",
        Email: PARTICIPANT,
        Note: 4,
        Commentaire: "Très instructif, merci.",
        Date: "2027-03-19 10:41",
      }),
    ]);
    expect(workbook.rows("Séminaire")[3]?.[1]).toBe(
      "Vérifié le 10/03/2027 à 09:00.\nRetours : 1 réponse, note moyenne 4,0 sur 5 (1 note).",
    );
  });

  it("applies the same email delivered twice once", async () => {
    await post(notification(mime("5"), "sns-1"));
    const again = await post(notification(mime("5"), "sns-2"));
    expect(again.body).toMatchObject({ outcome: "feedback-duplicate" });
    expect(workbook.records("Retours")).toHaveLength(1);
    // Claimed in the ledger by the digest of its Message-ID, then marked done with the Retours line.
    const keys = workbook.records("Journal").map((row) => String(row.Clé));
    expect(keys.filter((key) => /^reponse:[\w-]+$/.test(key))).toHaveLength(1);
    expect(keys.filter((key) => /^reponse:[\w-]+:traitee$/.test(key))).toHaveLength(1);
  });

  it("writes a reply delivered twice at the same moment once: the second delivery is asked again later", async () => {
    const [one, two] = await Promise.all([
      post(notification(mime("3\nBien."), "sns-1")),
      post(notification(mime("3\nBien."), "sns-2")),
    ]);
    const outcomes = [one, two].map((response) =>
      response.status === 200 ? response.body.outcome : "retry",
    );
    expect(outcomes).toContain("feedback-recorded");
    expect(outcomes.filter((outcome) => outcome === "feedback-recorded")).toHaveLength(1);
    expect(workbook.records("Retours")).toHaveLength(1);
    const retried = await post(notification(mime("3\nBien."), "sns-3"));
    expect(retried.body).toMatchObject({ outcome: "feedback-duplicate" });
    expect(workbook.records("Retours")).toHaveLength(1);
  });

  it("ignores an out-of-office answer to the survey", async () => {
    const response = await post(
      notification(
        mime("Je suis absente jusqu'au 25 mars.", {
          headers: "Auto-Submitted: auto-replied",
          subject: "Réponse automatique : Votre avis",
        }),
        "sns-3",
      ),
    );
    expect(response.body).toMatchObject({ outcome: "feedback-ignored" });
    expect(workbook.rows("Retours")).toEqual([]);
  });
});
