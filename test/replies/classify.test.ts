import { describe, expect, it } from "vitest";
import { automaticMessage } from "../../functions/core/replies/automatic.js";
import { classifyAnswer } from "../../functions/core/replies/classify.js";
import type { InboundMessage } from "../../functions/core/replies/message.js";
import { stripReply } from "../../functions/core/replies/strip.js";

describe("stripping a reply down to the answer", () => {
  it.each([
    [
      "Gmail's attribution",
      "Oui\n\nLe lun. 1 mars 2027 à 10:12, Séminaire <s@example.org> a écrit :\n> Répondez oui ou non",
    ],
    [
      "a wrapped attribution",
      "Oui\n\nLe lun. 1 mars 2027 à 10:12, Séminaire <\ns@example.org> a écrit :\n\n> non",
    ],
    [
      "an English attribution",
      "Oui\n\nOn Mon, Mar 1, 2027 at 10:12 AM Seminaire <s@example.org> wrote:\n> no",
    ],
    [
      "Outlook's French header block",
      "Oui\n\nDe : Séminaire <s@example.org>\nEnvoyé : lundi 1 mars 2027 10:12\nÀ : Sophie\nObjet : Accueil\n\nnon",
    ],
    [
      "Outlook's English header block",
      "Oui\n\nFrom: Seminaire\nSent: Monday, March 1, 2027\nTo: Sophie\nSubject: Hosting\n\nno",
    ],
    ["an original-message separator", "Oui\n-----Original Message-----\nno"],
    ["Outlook's underscores", "Oui\n________________________________\nnon"],
    ["an iPhone footer", "Oui\n\nEnvoyé de mon iPhone\n\nnon"],
    ["an English iPhone footer", "Oui\n\nSent from my iPhone\nno"],
    ["Outlook for Android's footer", "Oui\n\nEnvoyé depuis Outlook pour Android\nnon"],
    ["a signature after dash dash space", "Oui\n-- \nJean Non-Dupuis"],
  ])("removes %s", (_name, text) => {
    expect(stripReply(text)).toBe("Oui");
  });

  it("never reads an answer that starts with « Le » as the attribution below it", () => {
    expect(
      stripReply("Le matin non mais l'après-midi oui.\nLe lun. 1 mars 2027 à 10:12, S <s@x.fr> a écrit :"),
    ).toBe("Le matin non mais l'après-midi oui.");
    expect(stripReply("Le matin oui\n\nLe lun. 1 mars 2027 à 10:12, S <s@x.fr> a écrit :\n> non")).toBe(
      "Le matin oui",
    );
  });

  it("drops quoted lines but keeps an answer written below them", () => {
    expect(
      stripReply("Le 01/03/2027 à 10:12, Séminaire a écrit :\n> Répondez oui ou non\n\nC'est noté."),
    ).toBe("C'est noté.");
  });

  it("keeps a greeting and a thank-you that open the answer, and cuts after the sign-off", () => {
    expect(stripReply("Bonjour,\nMerci,\nje ne pourrai pas venir.\nCordialement,\nMarie Non")).toBe(
      "Bonjour,\nMerci,\nje ne pourrai pas venir.\nCordialement,",
    );
  });
});

describe("classifying an answer", () => {
  it.each([
    ["oui", "confirm"],
    ["Pas de problème !", "confirm"],
    ["Aucun souci pour moi", "confirm"],
    ["Je ne vois pas d'inconvénient", "confirm"],
    ["c'est OK", "confirm"],
    ["Je serai là", "confirm"],
    ["I confirm", "confirm"],
    ["No worries, see you then", "confirm"],
    ["non", "decline"],
    ["Ce n'est pas possible", "decline"],
    ["Pas possible pour moi", "decline"],
    ["Je serai en congé", "decline"],
    ["Je suis en arrêt maladie", "decline"],
    ["Je ne pourrai pas être présent", "decline"],
    ["Je vous confirme que je ne pourrai pas venir", "decline"],
    ["I won't be able to make it", "decline"],
    ["Le matin non mais l'après-midi oui", "unclear"],
    ["Oui pour le matin, pas l'après-midi", "unclear"],
    ["oui... enfin non", "unclear"],
    ["Seulement l'après-midi", "unclear"],
    ["Peut-être", "unclear"],
    ["Désolé", "unclear"],
    ["Merci", "unclear"],
    ["", "unclear"],
    ["Nonobstant la date, je vous remercie", "unclear"],
  ])("reads « %s » as %s", (answer, decision) => {
    expect(classifyAnswer(answer).decision).toBe(decision);
  });

  it("quotes the words it decided on, as the tutor typed them", () => {
    expect(classifyAnswer("Bonjour, PAS DE PROBLÈME, à mardi").reason).toBe(
      "confirmation : « PAS DE PROBLÈME »",
    );
    expect(classifyAnswer("Oui et non").reason).toBe("réponse contradictoire : « Oui » et « non »");
  });
});

function message(headers: Record<string, string>, extra: Partial<InboundMessage> = {}): InboundMessage {
  return {
    headers: new Map(Object.entries(headers)),
    subject: "Re: Accueil",
    from: "sophie@example.fr",
    recipients: [],
    contentType: "text/plain",
    text: "Oui",
    truncated: false,
    ...extra,
  };
}

describe("recognizing machines", () => {
  it.each([
    ["Auto-Submitted: auto-replied", message({ "auto-submitted": "auto-replied" })],
    ["Auto-Submitted: auto-generated", message({ "auto-submitted": "auto-generated" })],
    ["X-Autoreply", message({ "x-autoreply": "yes" })],
    ["X-Autorespond", message({ "x-autorespond": "Vacances" })],
    ["Precedence: auto_reply", message({ precedence: "auto_reply" })],
    ["Precedence: bulk", message({ precedence: "bulk" })],
    ["Precedence: junk", message({ precedence: "junk" })],
    ["the subject Absence", message({}, { subject: "Absence" })],
    ["the subject Réponse automatique", message({}, { subject: "Réponse automatique : Accueil" })],
    ["the subject Out of Office", message({}, { subject: "Out of Office: Hosting" })],
    ["the subject Automatic reply", message({}, { subject: "Automatic reply: Hosting" })],
  ])("sees an auto-reply from %s", (_name, input) => {
    expect(automaticMessage(input)?.kind).toBe("auto-reply");
  });

  it.each([
    [
      "a delivery-status report whose action is failed",
      message(
        { "content-type": "multipart/report; report-type=delivery-status" },
        {
          contentType: "multipart/report",
          reports: [
            {
              type: "delivery-status",
              fields: "Final-Recipient: rfc822; a@b.fr\nAction: failed\nStatus: 5.1.1",
            },
          ],
        },
      ),
    ],
    ["MAILER-DAEMON", message({}, { from: "mailer-daemon@example.net" })],
    ["Undelivered Mail", message({}, { subject: "Undelivered Mail Returned to Sender" })],
    ["Delivery Status Notification", message({}, { subject: "Delivery Status Notification (Failure)" })],
  ])("sees a delivery failure from %s", (_name, input) => {
    expect(automaticMessage(input)?.kind).toBe("bounce");
  });

  it("takes a person's reply for one, even with Auto-Submitted: no", () => {
    expect(automaticMessage(message({ "auto-submitted": "no" }))).toBeNull();
  });
});
