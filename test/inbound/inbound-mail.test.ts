import * as functions from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import request from "supertest";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SnsMessage, SnsVerifier } from "../../functions/adapters/sns-verifier.js";
import type { OrganizerAlert } from "../../functions/app/apply-reply.js";
import { replyKeyOf } from "../../functions/app/inbound.js";
import { messageKey } from "../../functions/core/messages/plan.js";
import { replyAddress } from "../../functions/core/security/reply-token.js";
import { type InboundMailDeps, inboundMailHandler } from "../../functions/inbound-mail.js";
import type { Cell } from "../../functions/ports.js";
import { sentRow, testKeys } from "../support/ledger.js";
import { MemoryWorkbook } from "./memory-workbook.js";
import { createTestSigner, type TestSigner } from "./sns-signer.js";

const TOPIC = "arn:aws:sns:eu-west-3:123456789012:passerelle-reponses";
const SECRET = "secret-des-reponses-0123456789";
const SHEET = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms";
const TUTOR = "sophie.martin@caf35.example.fr";
const NOW = new Date("2027-03-02T09:41:00Z");
const REPLY_TO = replyAddress(
  { event: SHEET, tutorEmail: TUTOR, version: 1 },
  SECRET,
  "reponses.example.org",
);

let signer: TestSigner;

function seminarWorkbook(
  tutors: readonly (readonly Cell[])[] = [
    [TUTOR, "Martin", "Sophie", "CAF 35", "Accueil physique", "Tous", 2, "à rappeler", "En attente", ""],
  ],
) {
  return new MemoryWorkbook({
    Séminaire: [
      ["Paramètre", "Valeur"],
      ["Titre", "Vivez ma vie d'usager — Rennes"],
      ["Fuseau horaire", "Europe/Paris"],
    ],
    // Columns in the organizer's order, with one of their own ("Notes").
    Tuteurs: [
      [
        "Email",
        "Nom",
        "Prénom",
        "Structure",
        "Situation",
        "Créneaux",
        "Capacité",
        "Notes",
        "Confirmation",
        "Répondu le",
      ],
      ...tutors,
    ],
    Affectations: [
      [
        "Email participant",
        "Participant",
        "Créneau",
        "Structure",
        "Situation",
        "Email tuteur",
        "Tuteur",
        "Verrouillé",
      ],
      [
        "claire.petit@example.gouv.fr",
        "Claire Petit",
        "Matin",
        "CAF 35",
        "Accueil physique",
        TUTOR,
        "Sophie Martin",
        "Non",
      ],
    ],
    // The request each tutor answers was sent (version 1): a reply to a version never sent is refused.
    Journal: [
      JOURNAL_HEADER,
      ...tutors.map((tutor) => {
        const row = sentRow(
          "seminaire-test",
          messageKey(testKeys("seminaire-test"), String(tutor[0]), "demande-tuteur", 1),
        );
        return JOURNAL_HEADER.map((title) => row[title] ?? null);
      }),
    ],
  });
}

const JOURNAL_HEADER = ["Horodatage", "Événement", "Destinataire", "Détail", "Clé", "Données", "Sceau"];

const scenario = {
  workbooks: new Map<string, MemoryWorkbook>(),
  declines: [] as { event: string; tutorEmail: string; rowAtThatTime: Cell[] | undefined }[],
  failDeclines: 0,
  bounces: [] as { event: string; addresses: readonly string[] }[],
  alerts: [] as OrganizerAlert[],
  fetched: [] as string[],
  logs: [] as string[],
};

const deps: InboundMailDeps = {
  verifier: new SnsVerifier({ fetchCertificate: async () => signer.certificatePem, now: () => NOW }),
  config: { topicArn: TOPIC, replySecret: SECRET },
  workbookFor: (event) => {
    const workbook = scenario.workbooks.get(event);
    if (!workbook) throw new Error("unknown spreadsheet");
    return workbook;
  },
  clock: { now: () => NOW },
  fetch: async (url) => {
    scenario.fetched.push(url);
    return { ok: true, status: 200 };
  },
  followUps: {
    onDecline: async (event, tutorEmail) => {
      const row = scenario.workbooks.get(event)?.rows("Tuteurs")[1];
      scenario.declines.push({ event, tutorEmail, rowAtThatTime: row ? [...row] : undefined });
      if (scenario.failDeclines > 0) {
        scenario.failDeclines--;
        throw new Error("solver down");
      }
    },
    onBounce: async (event, addresses) => {
      scenario.bounces.push({ event, addresses });
    },
    alertOrganizer: async (alert) => {
      scenario.alerts.push(alert);
    },
  },
  log: {
    info: (event) => scenario.logs.push(event),
    warn: (event) => scenario.logs.push(event),
    error: (event) => scenario.logs.push(event),
  },
};

functions.http("inboundMail", inboundMailHandler(deps));

function mime(
  body: string,
  options: { to?: string; subject?: string; headers?: string; messageId?: string } = {},
): string {
  return [
    `From: Sophie Martin <${TUTOR}>`,
    `Message-ID: <${options.messageId ?? "msg-1"}@mail.example.org>`,
    `To: ${options.to ?? REPLY_TO}`,
    `Subject: ${options.subject ?? "Re: Accueil de participants le mardi 16 mars 2027"}`,
    ...(options.headers ? [options.headers] : []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
    "",
    "Le lun. 1 mars 2027 à 10:12, Séminaire <seminaire@example.org> a écrit :",
    "> Pouvez-vous confirmer (oui ou non) ?",
    "",
  ].join("\r\n");
}

function notification(
  raw: string,
  options: { messageId?: string; to?: string; topic?: string } = {},
): SnsMessage {
  const to = options.to ?? REPLY_TO;
  return signer.sign({
    Type: "Notification",
    MessageId: options.messageId ?? "msg-1",
    TopicArn: options.topic ?? TOPIC,
    Subject: "Amazon SES Email Receipt Notification",
    Timestamp: NOW.toISOString(),
    Message: JSON.stringify({
      notificationType: "Received",
      mail: { messageId: "ses-1", destination: [to], commonHeaders: { subject: "Re: Accueil" } },
      receipt: { recipients: [to], action: { type: "SNS", encoding: "BASE64", topicArn: TOPIC } },
      content: Buffer.from(raw, "utf8").toString("base64"),
    }),
  });
}

function post(message: unknown) {
  return request(getTestServer("inboundMail"))
    .post("/")
    .set("content-type", "text/plain; charset=UTF-8")
    .set("x-amz-sns-message-type", String((message as { Type?: string }).Type ?? ""))
    .send(JSON.stringify(message));
}

beforeAll(() => {
  signer = createTestSigner();
});

beforeEach(() => {
  scenario.workbooks = new Map([[SHEET, seminarWorkbook()]]);
  scenario.declines = [];
  scenario.failDeclines = 0;
  scenario.bounces = [];
  scenario.alerts = [];
  scenario.fetched = [];
  scenario.logs = [];
});

const workbook = () => scenario.workbooks.get(SHEET)!;
const tutorRecord = () => workbook().records("Tuteurs")[0]!;
/** The Journal's rows, without the claims a delivery writes before applying a reply. */
const journal = () =>
  workbook()
    .records("Journal")
    .filter((line) => line.Événement !== "Réponse reçue" && line.Événement !== "Message envoyé");
/** The ledger key of the reply whose Message-ID is `<id@mail.example.org>`. */
const KEY = (id: string) =>
  replyKeyOf({ headers: new Map([["message-id", `<${id}@mail.example.org>`]]) }, Buffer.alloc(0));

describe("inboundMail: applying a tutor's reply", () => {
  it("records a yes on the tutor's row, found by header, and writes a Journal line with the message's key", async () => {
    const response = await post(notification(mime("Oui, pas de problème !")));

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ outcome: "recorded", decision: "confirm" });
    expect(tutorRecord()).toMatchObject({
      Confirmation: "Confirmé",
      "Répondu le": "2027-03-02 10:41",
      Notes: "à rappeler",
    });
    expect(journal()).toEqual([
      {
        Horodatage: "2027-03-02 10:41:00",
        Événement: "Réponse tuteur : Confirmé",
        Destinataire: TUTOR,
        Détail: expect.stringContaining("« Oui, pas de problème ! »"),
        Clé: KEY("msg-1"),
        Données: expect.stringContaining('"kind":"reply"'),
        Sceau: expect.any(String),
      },
      {
        Horodatage: "2027-03-02 10:41:00",
        Événement: "Réponse traitée",
        Destinataire: TUTOR,
        Détail: "Réponse enregistrée.",
        Clé: `${KEY("msg-1")}:traitee`,
        Données: expect.stringContaining('"kind":"reply-done"'),
        Sceau: expect.any(String),
      },
    ]);
    expect(scenario.declines).toEqual([]);
    expect(scenario.alerts).toEqual([]);
  });

  it("records a no, then asks for the re-placement once the row says Décliné", async () => {
    const response = await post(notification(mime("Bonjour, je serai en congé ce jour-là, désolée.")));

    expect(response.status).toBe(200);
    expect(tutorRecord()).toMatchObject({ Confirmation: "Décliné" });
    expect(scenario.declines).toEqual([
      { event: SHEET, tutorEmail: TUTOR, rowAtThatTime: expect.arrayContaining(["Décliné"]) },
    ]);
    expect(journal()[0]).toMatchObject({ Événement: "Réponse tuteur : Décliné", Clé: KEY("msg-1") });
  });

  it("changes nothing on the row for an unclear answer and sends its text to the organizer with the row", async () => {
    await post(notification(mime("Le matin non mais l'après-midi oui.")));

    expect(tutorRecord()).toMatchObject({ Confirmation: "En attente", "Répondu le": "" });
    expect(scenario.alerts).toEqual([
      {
        event: SHEET,
        reason: expect.stringContaining("réponse partielle"),
        text: "Le matin non mais l'après-midi oui.",
        tutorEmail: TUTOR,
        tab: "Tuteurs",
        row: 2,
      },
    ]);
    expect(journal()[0]).toMatchObject({ Événement: "Réponse tuteur : À lire", Clé: KEY("msg-1") });
  });

  it("never takes an out-of-office reply for an answer, even one that says oui", async () => {
    await post(
      notification(
        mime("Oui, je lirai votre message à mon retour.", { headers: "Auto-Submitted: auto-replied" }),
      ),
    );

    expect(tutorRecord()).toMatchObject({ Confirmation: "En attente" });
    expect(scenario.alerts[0]?.reason).toContain("réponse automatique");
  });

  it("applies a replayed SNS message once", async () => {
    const message = notification(mime("Non, désolée."));
    await post(message);
    const replay = await post(message);

    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ outcome: "duplicate" });
    expect(journal().map((line) => line.Clé)).toEqual([KEY("msg-1"), `${KEY("msg-1")}:traitee`]);
    expect(scenario.declines).toHaveLength(1);
  });

  it("applies one SNS notification delivered twice at the same moment once: the second delivery is told to come back", async () => {
    const message = notification(mime("Non, désolée."));
    const [a, b] = await Promise.all([post(message), post(message)]);

    // One applies it; the other finds it done (200) or in progress (500: SNS tries again later).
    const outcomes = [a, b].map((response) =>
      response.status === 200 ? response.body.outcome : response.status,
    );
    expect(outcomes).toContain("recorded");
    expect(outcomes.filter((outcome) => outcome === "recorded")).toHaveLength(1);
    expect(scenario.declines).toHaveLength(1);
    expect(journal().filter((line) => line.Événement === "Réponse tuteur : Décliné")).toHaveLength(1);
    // SNS delivers the refused one again: it finds the reply done.
    expect((await post(message)).body).toMatchObject({ outcome: "duplicate" });
    expect(scenario.declines).toHaveLength(1);
  });

  it("applies the same email published under two SNS ids once, one after the other or at once", async () => {
    const first = notification(mime("Non, désolée."), { messageId: "sns-a" });
    const second = notification(mime("Non, désolée."), { messageId: "sns-b" });
    await post(first);
    expect((await post(second)).body).toMatchObject({ outcome: "duplicate" });

    scenario.workbooks = new Map([[SHEET, seminarWorkbook()]]);
    scenario.declines = [];
    await Promise.all([post(first), post(second)]);
    expect(scenario.declines).toHaveLength(1);
    expect(journal().filter((line) => line.Événement === "Réponse tuteur : Décliné")).toHaveLength(1);
  });

  it("applies a second reply of the same tutor too, and notes which answer it replaces", async () => {
    await post(notification(mime("Oui"), { messageId: "msg-1" }));
    await post(
      notification(mime("Finalement non, je ne pourrai pas venir.", { messageId: "msg-2" }), {
        messageId: "msg-2",
      }),
    );

    expect(tutorRecord()).toMatchObject({ Confirmation: "Décliné" });
    const replies = journal().filter((line) => line.Événement !== "Réponse traitée");
    expect(replies.map((line) => line.Clé)).toEqual([KEY("msg-1"), KEY("msg-2")]);
    expect(replies[1]?.Détail).toContain("remplace « Confirmé »");
  });

  it("runs the follow-ups again when they failed, without applying the row twice", async () => {
    scenario.failDeclines = 1;
    const message = notification(mime("Non, je serai en formation."));

    expect((await post(message)).status).toBe(500);
    expect(tutorRecord()).toMatchObject({ Confirmation: "Décliné" });
    expect(journal().map((line) => line.Clé)).toEqual([KEY("msg-1")]);

    const tuteursWrites = () =>
      workbook().writes.filter((change) => change.cells?.some((cell) => cell.tab === "Tuteurs")).length;
    expect(tuteursWrites()).toBe(1);
    const replay = await post(message);

    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ outcome: "recorded", decision: "decline" });
    expect(scenario.declines).toHaveLength(2);
    expect(tuteursWrites()).toBe(1);
    expect(journal().map((line) => line.Clé)).toEqual([KEY("msg-1"), `${KEY("msg-1")}:traitee`]);
    expect((await post(message)).body).toMatchObject({ outcome: "duplicate" });
    expect(scenario.declines).toHaveLength(2);
  });

  it("names, in a decline's Journal line, the participants who were with the tutor", async () => {
    await post(notification(mime("Non, désolée.")));
    expect(journal()[0]?.Détail).toContain("participants à replacer : claire.petit@example.gouv.fr (Matin)");
  });

  it("writes what the tutor typed as raw text, a formula included", async () => {
    await post(notification(mime('=HYPERLINK("http://x") oui')));
    expect(journal()[0]?.Détail).toContain('« =HYPERLINK("http://x") oui »');
  });

  it("keeps a reply to an old request whose tutor is no longer in the sheet, and applies nothing", async () => {
    scenario.workbooks.set(
      SHEET,
      seminarWorkbook([
        ["autre@example.fr", "Autre", "Tuteur", "CCAS", "Accueil physique", "Tous", 2, "", "En attente", ""],
      ]),
    );

    const response = await post(notification(mime("Oui")));

    expect(response.body).toMatchObject({ outcome: "unknown-tutor" });
    expect(tutorRecord()).toMatchObject({ Confirmation: "En attente" });
    expect(journal()[0]).toMatchObject({ Événement: "Réponse d'un tuteur inconnu", Clé: KEY("msg-1") });
    expect(scenario.alerts).toHaveLength(1);
  });
});

describe("inboundMail: who answered", () => {
  it("does not trust the From header: a reply without a token writes nothing and is only counted", async () => {
    const to = "reponse@reponses.example.org";
    const response = await post(notification(mime("Oui", { to }), { to }));

    expect(response.body).toMatchObject({ outcome: "unmatched-missing" });
    expect(workbook().reads).toEqual([]);
    expect(workbook().writes).toEqual([]);
    expect(scenario.logs).toEqual(["inbound-mail.unmatched"]);
  });

  it("writes nothing for a reply with a forged token, not even in the event it names", async () => {
    const forged = replyAddress(
      { event: SHEET, tutorEmail: TUTOR, version: 1 },
      "secret-de-quelqu-un-d-autre",
      "reponses.example.org",
    );
    const response = await post(notification(mime("Oui", { to: forged }), { to: forged }));

    expect(response.body).toMatchObject({ outcome: "unmatched-forged" });
    expect(tutorRecord()).toMatchObject({ Confirmation: "En attente" });
    expect(journal()).toEqual([]);
    expect(workbook().reads).toEqual([]);
    expect(workbook().writes).toEqual([]);
  });
});

describe("inboundMail: a token of a request never sent", () => {
  it("writes nothing for a reply to a version never sent to that tutor, however well signed", async () => {
    const to = replyAddress({ event: SHEET, tutorEmail: TUTOR, version: 2 }, SECRET, "reponses.example.org");
    const response = await post(notification(mime("Oui", { to }), { to }));

    expect(response.body).toMatchObject({ outcome: "never-sent" });
    expect(tutorRecord()).toMatchObject({ Confirmation: "En attente" });
    expect(workbook().writes).toEqual([]);
  });
});

describe("inboundMail: SES's word that it accepted a message", () => {
  const sendEvent = (sendId: string, event = SHEET) =>
    signer.sign({
      Type: "Notification",
      MessageId: `send-${sendId}`,
      TopicArn: TOPIC,
      Timestamp: NOW.toISOString(),
      Message: JSON.stringify({
        eventType: "Send",
        mail: {
          messageId: "0102-ses-id",
          tags: { "passerelle-event": [event], "passerelle-send": [sendId] },
        },
        send: {},
      }),
    });

  it("records a Send event once in the event its tags name, as the evidence that settles an uncertain send", async () => {
    const first = await post(sendEvent("Ab_c-123"));
    const again = await post(sendEvent("Ab_c-123"));

    expect(first.body).toMatchObject({ outcome: "send-event-recorded" });
    expect(again.status).toBe(200);
    const accepted = journal().filter((line) => line.Clé === "ses:Ab_c-123");
    expect(accepted).toHaveLength(1);
    expect(JSON.parse(String(accepted[0]!.Données))).toMatchObject({
      kind: "accepted",
      messageId: "0102-ses-id",
    });
  });

  it("ignores a Send event whose tags name no event or carry a malformed send id", async () => {
    expect((await post(sendEvent("pas valide !"))).body).toMatchObject({ outcome: "send-event-ignored" });
    expect(journal()).toEqual([]);
  });
});

describe("inboundMail: what SNS sends", () => {
  it("refuses an unsigned message with 401 and a mis-signed one too, without reading any workbook", async () => {
    const { Signature: _signature, ...unsigned } = notification(mime("Oui"));
    const signed = notification(mime("Oui"));
    const tampered = { ...signed, Message: signed.Message.replace("ses-1", "ses-2") };

    expect((await post(unsigned)).status).toBe(401);
    expect((await post(tampered)).status).toBe(401);
    expect(workbook().reads).toEqual([]);
  });

  it("answers 403 to a well-signed message of another topic, without processing it", async () => {
    const response = await post(
      notification(mime("Oui"), { topic: "arn:aws:sns:eu-west-3:123456789012:autre" }),
    );

    expect(response.status).toBe(403);
    expect(workbook().reads).toEqual([]);
  });

  it("answers 400 to a body that is not an SNS message", async () => {
    expect((await post({ hello: "world" })).status).toBe(400);
  });

  it("confirms the subscription of the configured topic by fetching its SubscribeURL", async () => {
    const url = `https://sns.eu-west-3.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=abc`;
    const message = signer.sign({
      Type: "SubscriptionConfirmation",
      MessageId: "sub-1",
      Token: "abc",
      TopicArn: TOPIC,
      Message: "You have chosen to subscribe to the topic.",
      SubscribeURL: url,
      Timestamp: NOW.toISOString(),
    });

    expect((await post(message)).status).toBe(200);
    expect(scenario.fetched).toEqual([url]);
  });

  it("does not confirm a subscription to another topic", async () => {
    const other = "arn:aws:sns:eu-west-3:123456789012:autre";
    const message = signer.sign({
      Type: "SubscriptionConfirmation",
      MessageId: "sub-2",
      Token: "abc",
      TopicArn: other,
      Message: "You have chosen to subscribe to the topic.",
      SubscribeURL: `https://sns.eu-west-3.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${other}&Token=abc`,
      Timestamp: NOW.toISOString(),
    });

    expect((await post(message)).status).toBe(403);
    expect(scenario.fetched).toEqual([]);
  });

  it("answers 500 when the workbook cannot be written, so that SNS sends the reply again", async () => {
    scenario.workbooks.delete(SHEET);
    const response = await post(notification(mime("Oui")));
    expect(response.status).toBe(500);
    expect(JSON.stringify(scenario.logs)).not.toContain(TUTOR);
  });
});

describe("inboundMail: bounces and complaints SES publishes", () => {
  const ADDRESS = "claire.petit@example.gouv.fr";
  const KEY = `message:${SHEET}:${ADDRESS}:convocation:1`;

  function feedback(body: Record<string, unknown>, messageId = "bounce-1"): SnsMessage {
    return signer.sign({
      Type: "Notification",
      MessageId: messageId,
      TopicArn: TOPIC,
      Timestamp: NOW.toISOString(),
      Message: JSON.stringify(body),
    });
  }

  const mail = (headers: { name: string; value: string }[] = [{ name: "X-Passerelle-Key", value: KEY }]) => ({
    timestamp: NOW.toISOString(),
    messageId: "0100018e-ses",
    destination: [ADDRESS],
    headersTruncated: false,
    headers: [{ name: "From", value: "seminaire@example.org" }, ...headers],
  });

  const bounce = (bounceType: string, headers?: { name: string; value: string }[]) => ({
    notificationType: "Bounce",
    bounce: {
      bounceType,
      bounceSubType: bounceType === "Permanent" ? "NoEmail" : "MailboxFull",
      bouncedRecipients: [{ emailAddress: ADDRESS, action: "failed", status: "5.1.1" }],
      timestamp: NOW.toISOString(),
      feedbackId: "feedback-1",
    },
    mail: mail(headers),
  });

  it("marks a permanently bounced address in the Journal of the event its message belonged to, once", async () => {
    const response = await post(feedback(bounce("Permanent")));

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ outcome: "bounce-recorded", recorded: 1 });
    expect(journal()).toEqual([
      expect.objectContaining({
        Événement: "Adresse en échec",
        Destinataire: ADDRESS,
        Détail: expect.stringContaining("NoEmail"),
        Clé: "rebond:bounce-1",
      }),
    ]);
    expect(scenario.bounces).toEqual([{ event: SHEET, addresses: [ADDRESS] }]);

    const replay = await post(feedback(bounce("Permanent")));
    expect(replay.body).toMatchObject({ recorded: 0 });
    expect(journal()).toHaveLength(1);
    expect(JSON.stringify(scenario.logs)).not.toContain(ADDRESS);
  });

  it("ignores a transient bounce, writing nothing", async () => {
    const response = await post(feedback(bounce("Transient")));

    expect(response.body).toMatchObject({ outcome: "bounce-ignored" });
    expect(workbook().reads).toEqual([]);
    expect(scenario.logs).toContain("inbound-mail.bounce-transient");
  });

  it("marks the address of a complaint, published through a configuration set", async () => {
    const response = await post(
      feedback({
        eventType: "Complaint",
        complaint: {
          complainedRecipients: [{ emailAddress: ADDRESS }],
          complaintFeedbackType: "abuse",
          timestamp: NOW.toISOString(),
        },
        mail: { ...mail([]), tags: { "passerelle-event": [SHEET] } },
      }),
    );

    expect(response.body).toMatchObject({ outcome: "complaint-recorded", recorded: 1 });
    expect(journal()[0]).toMatchObject({ Événement: "Adresse en échec", Destinataire: ADDRESS });
  });

  it("finds the event of a bounced tutor request from its signed Reply-To", async () => {
    const response = await post(feedback(bounce("Permanent", [{ name: "Reply-To", value: REPLY_TO }])));

    expect(response.body).toMatchObject({ outcome: "bounce-recorded" });
    expect(journal()).toHaveLength(1);
  });

  it("keeps a bounce that names no event out of every workbook", async () => {
    const response = await post(feedback(bounce("Permanent", [])));

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ outcome: "bounce-unattributed" });
    expect(workbook().reads).toEqual([]);
  });
});
