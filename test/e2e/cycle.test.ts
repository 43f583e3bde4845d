/**
 * The example cycle of lunch talks played by `npm start -- --simulate --cycle`'s script on the local
 * host with a simulated clock: every save goes through `sheetEdit` as a Google Sheets edit does.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { type CycleEnd, inCycleWords, playCycle } from "../../functions/local/cycle-scenario.js";
import { LocalHost } from "../../functions/local/host.js";
import { type StoredEmail, startLocalSes } from "../../functions/local/ses.js";
import { SimulatedClock } from "../../workflows/runner/clock.js";
import { ZONE } from "./harness.js";

const TEMPLATE = join(import.meta.dirname, "../../sheets-templates/cycle-rencontres.xlsx");

async function playExample(): Promise<{ end: CycleEnd; lines: string[]; emails: StoredEmail[] }> {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-cycle-"));
  const event = "cycle-exemple";
  copyFileSync(TEMPLATE, join(dir, `${event}.xlsx`));
  const start = DateTime.fromISO("2027-03-20T09:00", { zone: ZONE }).toJSDate();
  const clock = new SimulatedClock(start);
  const ses = await startLocalSes();
  await ses.clear();
  const host = await LocalHost.start({ dir, clock, sesEndpoint: ses.endpoint, deliveries: ses.deliveries });
  const lines: string[] = [];
  try {
    const end = await playCycle(
      { host: () => host, clock, ses, event, zone: ZONE, say: (line) => lines.push(line) },
      start,
    );
    return { end, lines, emails: await ses.emails() };
  } finally {
    await host.stop();
    await ses.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

let example: ReturnType<typeof playExample> | undefined;
/** The example is played once for the tests of this file. */
const played = () => {
  example ??= playExample();
  return example;
};

describe("the example cycle of lunch talks, simulated", () => {
  it("checks the three talks, records the absences and ends with the managers who came, per direction", async () => {
    const { end, lines } = await played();
    expect(end.talks.map((talk) => talk.name)).toEqual([
      "Participation des usagers",
      "Accueil inconditionnel",
      "Données et territoires",
    ]);
    expect(end.talks[0]!.status).toMatch(/^Rencontre tenue : 20 inscrits, 18 présents, 2 absents\./);
    expect(end.talks[1]!.status).toMatch(/^Rencontre tenue : 20 inscrits, 18 présents, 2 absents\./);
    for (const talk of end.talks) expect(talk.status).toContain("Décloisonnement : ");
    const reach = /Sur le cycle : (\d+) cadres venus au moins une fois \((.+)\)\.$/.exec(end.cycleStatus);
    expect(reach).not.toBeNull();
    const perDirection = reach![2]!.split(", ").map((part) => Number(/(\d+)$/.exec(part)![1]));
    expect(perDirection).toHaveLength(5);
    expect(perDirection.reduce((sum, count) => sum + count, 0)).toBe(Number(reach![1]));
    // Before the first talk, the second one's newcomers sit and 13 of those seated before wait.
    expect(lines).toContain("    20 inscrits sur 20 places, 13 en liste d'attente.");
    expect(lines.at(-1)).toBe(end.cycleStatus.split("\n").at(-1));
  }, 240_000);

  it("invites each speaker once, applies a confirmation and a decline by reply, and alerts the organizer of the decline at once", async () => {
    const { end, lines, emails } = await played();
    const to = (email: StoredEmail) => email.destination.to[0] ?? "";
    const invitations = emails.filter((email) => email.subject.startsWith("Invitation à intervenir"));
    // The sending step ran twice at once, and again before each talk: one invitation each.
    expect(invitations.map(to).sort()).toEqual([
      expect.stringContaining("ines.lemaire@"),
      expect.stringContaining("yves.ferrand@"),
    ]);
    expect(lines).toContain(
      "Envoyé : 2 invitations aux intervenants, 61 confirmations d'inscription, 22 avis de liste d'attente.",
    );
    expect(lines).toContain("Étape d'envoi rejouée : 0 message de plus.");
    expect(end.speakers).toEqual([
      { email: "ines.lemaire@etudes-sociales.example.org", confirmation: "Confirmé" },
      { email: "yves.ferrand@ccas-exemple.example.org", confirmation: "Décliné" },
    ]);
    const declines = emails.filter((email) => email.subject.startsWith("Un intervenant décline"));
    expect(declines).toHaveLength(1);
    expect(to(declines[0]!)).toContain("meridiennes@action-sociale.example.org");
    expect(declines[0]!.body.text).toContain("Yves Ferrand a décliné l'invitation");
    // Told at once: right after what the first sending step sent, before anything a later one sends.
    const subjects = emails.map((email) => email.subject);
    const at = subjects.indexOf(declines[0]!.subject);
    expect(at).toBe(2 + 61 + 22);
    expect(
      subjects
        .slice(0, at)
        .every((subject) => /^(Invitation|Inscription confirmée|Liste d'attente)/.test(subject)),
    ).toBe(true);
    // The confirmed speaker is reminded and gets the list the day before; the one who declined, nothing more.
    const toInes = emails
      .filter((email) => to(email).includes("ines.lemaire@"))
      .map((email) => email.subject);
    expect(toInes).toEqual([
      expect.stringMatching(/^Invitation à intervenir/),
      expect.stringMatching(/^Rappel : Participation des usagers/),
      "Les inscrits de demain — Participation des usagers",
    ]);
    expect(emails.filter((email) => to(email).includes("yves.ferrand@"))).toHaveLength(1);
  }, 240_000);

  it("sends each seated manager one seat confirmation per talk, then the reminder and the survey of that talk, once each", async () => {
    const { lines, emails } = await played();
    const to = (email: StoredEmail) => email.destination.to[0] ?? "";
    const pairs = emails.map((email) => `${to(email)} ${email.subject}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const manager = "paul.henry.1@action-sociale.example.org";
    const hers = emails.filter((email) => to(email).includes(manager)).map((email) => email.subject);
    // Recorded absent at the first two talks (`Présent: Non`, the next morning): no survey for those.
    for (const [talk, surveys] of [
      ["Participation des usagers", 0],
      ["Accueil inconditionnel", 0],
      ["Données et territoires", 1],
    ] as const) {
      const title = `Rencontres méridiennes 2027 — ${talk}`;
      expect(hers.filter((subject) => subject === `Inscription confirmée — ${title}`)).toHaveLength(1);
      expect(hers.filter((subject) => subject.startsWith(`Rappel : ${title}`))).toHaveLength(1);
      expect(hers.filter((subject) => subject === `Votre avis sur « ${title} »`)).toHaveLength(surveys);
    }
    // The waiting person of the third talk gets the seat freed when its registrations close.
    expect(lines).toContain("Envoyé : 1 avis de place libérée.");
    // The survey leaves the next working morning, to the seated not recorded absent: 20 - 2, 20 - 2, 22.
    expect(lines.filter((line) => line === "Envoyé : 18 questionnaires de satisfaction.")).toHaveLength(2);
    expect(lines).toContain("Envoyé : 22 questionnaires de satisfaction.");
    expect(lines.some((line) => /\(s\)/.test(line))).toBe(false);
  }, 240_000);
});

describe("the timeline of a simulated cycle", () => {
  it("speaks of speakers and of every message sent, not of tutors and reminders", () => {
    expect(inCycleWords('Réponse de "Inès Lemaire" <ines@example.org> : confirme l\'accueil.')).toBe(
      'Réponse de "Inès Lemaire" <ines@example.org> : confirme sa venue.',
    );
    expect(
      inCycleWords("Réponse d'un tuteur : décline : les participants concernés sont replacés et prévenus."),
    ).toBe("Réponse d'un intervenant : décline : l'organisateur est prévenu.");
    expect(inCycleWords("85 rappels envoyés.")).toBe("85 messages envoyés.");
    expect(inCycleWords("1 rappel envoyé.")).toBe("1 message envoyé.");
    expect(inCycleWords("20 attestations de présence et questionnaires envoyés.")).toBe(
      "20 questionnaires de satisfaction envoyés.",
    );
  });
});
