/**
 * The example reverse immersion from « Affecter » to the feedback survey, played by the seminar's
 * script on the local runner and a simulated clock: hosts answer by email through the same reply
 * path as tutors (signed reply address, MIME, SNS, classifier, claimed by Message-ID).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { NO_ADDRESS_DOMAIN } from "../../functions/core/inversee/view.js";
import { type Played, play, readableKeys, rowsOf } from "./harness.js";

let played: Played;

beforeAll(async () => {
  played = await play("seminar", {
    interrupt: false,
    example: {
      template: "immersion-inversee.xlsx",
      event: "immersion-inversee-exemple",
      start: "2027-04-19T09:00",
      tabs: ["Immersion", "Hôtes", "Participants", "Affectations"],
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
