/**
 * The example reverse immersion from « Affecter » to the feedback survey, played by the seminar's
 * script on the local runner and a simulated clock: hosts answer by email through the same reply
 * path as tutors (signed reply address, MIME, SNS, classifier, claimed by Message-ID).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { NO_ADDRESS_DOMAIN } from "../../functions/core/inversee/view.js";
import { pdfText } from "../documents/pdf-text.js";
import { seminarWords } from "../inversee/seminar-words.js";
import { type Played, play, readableKeys, rowsOf } from "./harness.js";

let played: Played;

beforeAll(async () => {
  played = await play("seminar", {
    interrupt: false,
    example: {
      template: "immersion-inversee.xlsx",
      event: "immersion-inversee-exemple",
      start: "2027-04-19T09:00",
      tabs: ["Immersion", "Hôtes", "Participants", "Affectations", "Journal"],
    },
  });
}, 300_000);

function records(tab: string): Record<string, string>[] {
  const [header = [], ...rows] = rowsOf(played.file.get(tab));
  return rows.map((row) => Object.fromEntries(header.map((name, index) => [name, row[index] ?? ""])));
}

describe("the example reverse immersion, end to end", () => {
  it("runs to the end and sends every message exactly once", () => {
    expect(played.end.state).toBe("SUCCEEDED");
    const counts = readableKeys(played);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(played.emails).toHaveLength(counts.size);
  });

  it("records each host's emailed answer on their own row of Hôtes", () => {
    const hosts = new Map(records("Hôtes").map((row) => [`${row.Prénom} ${row.Nom}`, row]));
    // In the script, the second host in address order declines, the fifth answers with an
    // out-of-office message and the seventh never answers.
    expect(hosts.get("Hélène Giraud")?.Confirmation).toBe("Décliné");
    expect(hosts.get("Sylvie Aubert")?.Confirmation).toBe("Confirmé");
    expect(hosts.get("Paul Ferrand")?.Confirmation).toBe("Sans réponse");
    expect(
      [...hosts.values()].every((row) => row["Répondu le"] !== "" || row.Confirmation !== "Confirmé"),
    ).toBe(true);
    expect(played.journal.filter((entry) => entry.data.kind === "reply").length).toBeGreaterThan(0);
  });

  it("re-places the visitors of a host who declined, and nobody with a host of their own organisme", () => {
    // A re-placement that needs fewer rows leaves the last ones blank.
    const placements = records("Affectations").filter((row) => row.Participant !== "");
    expect(placements.length).toBeGreaterThanOrEqual(18);
    expect(placements.some((row) => row.Hôte === "Hélène Giraud")).toBe(false);
    const employer = new Map(
      records("Participants").map((row) => [`${row.Prénom} ${row.Nom}`, row.Organisme]),
    );
    const hostEmployer = new Map(records("Hôtes").map((row) => [`${row.Prénom} ${row.Nom}`, row.Organisme]));
    for (const row of placements)
      expect(employer.get(row.Participant ?? "")).not.toBe(hostEmployer.get(row.Hôte ?? ""));
  });

  it("sends a service user's convocation to the association that registered them, never to their placeholder", () => {
    const recipients = played.emails.flatMap((email) => email.destination.to);
    expect(recipients.some((to) => to.includes(NO_ADDRESS_DOMAIN))).toBe(false);
    const toAssociation = played.emails.filter(
      (email) =>
        email.destination.to.some((to) => to.includes("accueil@entraide-lyon8.example.org")) &&
        email.subject.startsWith("Convocation"),
    );
    expect(toAssociation).toHaveLength(2);
    expect(played.emails.some((email) => /train/i.test(email.subject))).toBe(false);
  });
});

describe("what the people of the example reverse immersion read", () => {
  it("never meets a seminar word, in any message kind sent nor in any document attached", async () => {
    const kinds = new Set([...readableKeys(played).keys()].map((key) => key.split(":").at(-2) ?? ""));
    // Every kind the example sends on its way: a test that read nothing would pass.
    for (const kind of [
      "convocation",
      "changement",
      "demande-tuteur",
      "relance-tuteur",
      "rappel",
      "rappel-tuteur",
      "alerte",
      "fiche-structure",
      "documents-organisateur",
      "attestation",
    ])
      expect(kinds).toContain(kind);
    const found: string[] = [];
    let documents = 0;
    for (const email of played.emails) {
      const texts = [email.subject, email.body.text ?? "", email.body.html ?? ""];
      for (const attachment of email.attachments) {
        const bytes = Buffer.from(attachment.content, "base64");
        if (attachment.contentType.includes("pdf")) {
          documents++;
          texts.push((await pdfText(bytes)).text);
        } else texts.push(bytes.toString("utf8"));
      }
      for (const word of seminarWords(texts.join("\n")))
        found.push(`${email.destination.to.join(",")} « ${email.subject} » : ${word}`);
    }
    expect(documents).toBeGreaterThan(10);
    expect(found).toEqual([]);
  });

  it("keeps a Journal whose lines speak of hosts, the organizer's record of what was sent and answered", () => {
    const lines = records("Journal");
    const read = lines.map((line) => `${line.Événement} · ${line.Détail}`);
    expect(read.filter((line) => line.includes("Demande à l'hôte")).length).toBeGreaterThanOrEqual(8);
    expect(read.some((line) => line.includes("Réponse de l'hôte"))).toBe(true);
    expect(read.flatMap((line) => seminarWords(line))).toEqual([]);
  });
});
