import { describe, expect, it } from "vitest";
import { applyReply, recordBounce } from "../../functions/app/apply-reply.js";
import { replyFollowUps } from "../../functions/app/reply-follow-ups.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { journalAppend } from "../../functions/core/ledger/journal.js";
import { messageKey } from "../../functions/core/messages/plan.js";
import type { OutgoingMessage } from "../../functions/ports.js";
import {
  addressOf,
  EVENT,
  NOW,
  ORGANIZER,
  placements,
  records,
  SECRET,
  type Seminar,
  seminarAsked,
  sendOptions,
  testSolver,
  tutorReply,
} from "./support.js";

const solver = testSolver();
const LONG = 120_000;

function followUps(seminar: Seminar) {
  return replyFollowUps({
    workbook: seminar.workbook,
    mailer: seminar.mailer,
    clock: seminar.clock,
    solver,
    sendOptions,
  });
}

const kindOf = (message: OutgoingMessage) => message.headers?.["X-Passerelle-Key"]?.split(":")[3];

function sequenceOf(message: OutgoingMessage): number {
  const calendar = message.attachments?.find((attachment) => attachment.filename === "programme.ics");
  const sequences = [...String(calendar?.content ?? "").matchAll(/^SEQUENCE:(\d+)/gm)].map((match) =>
    Number(match[1]),
  );
  expect(sequences.length).toBeGreaterThan(0);
  return Math.min(...sequences);
}

describe("a tutor who declines", () => {
  it(
    "has exactly their participants re-placed, each told with a newer calendar, the new tutors asked, the organizer alerted once",
    async () => {
      const seminar = await seminarAsked(solver);
      const before = placements(seminar.workbook);
      const load = new Map<string, number>();
      for (const tutor of before.values()) load.set(tutor, (load.get(tutor) ?? 0) + 1);
      // A tutor with a few participants, so that others have room for them.
      const [declining] = [...load].find(([, count]) => count >= 2 && count <= 4)!;
      const hosted = [...before].filter(([, tutor]) => tutor === declining).map(([key]) => key);
      const convocations = new Map(
        seminar.mailer.sent
          .filter((message) => kindOf(message) === "convocation")
          .map((message) => [addressOf(message), message]),
      );
      const sentBefore = seminar.mailer.sent.length;

      const outcome = await applyReply(
        seminar.workbook,
        tutorReply(declining, "Bonjour, malheureusement je ne serai pas disponible ces jours-là."),
        SECRET,
        followUps(seminar),
        NOW,
      );
      expect(outcome).toMatchObject({ kind: "recorded", decision: "decline", tutorEmail: declining });

      const after = placements(seminar.workbook);
      const moved = [...before.keys()].filter((key) => after.get(key) !== before.get(key));
      // Every placement with the tutor moved, and few others (a chain to make room, at most; the
      // fewest possible is the matching's second level, proven by the solver).
      expect(moved).toEqual(expect.arrayContaining(hosted));
      expect(moved.length).toBeLessThanOrEqual(2 * hosted.length + 2);
      expect([...after.values()]).not.toContain(declining);
      expect(after.size).toBe(before.size);

      const sent = seminar.mailer.sent.slice(sentBefore);
      const movedPeople = [...new Set(moved.map((key) => key.split("|")[0]!))].sort();
      const changes = sent.filter((message) => kindOf(message) === "changement");
      expect(changes.map(addressOf).sort()).toEqual(movedPeople);
      for (const change of changes) {
        expect(change.subject).toBe("Modification de votre programme — Vivez ma vie d'usager — Rennes");
        expect(sequenceOf(change)).toBeGreaterThan(sequenceOf(convocations.get(addressOf(change))!));
      }
      // Each tutor whose participants changed, and who still hosts someone, gets the updated request.
      const hostsOf = (map: Map<string, string>, tutor: string) =>
        [...map]
          .filter(([, host]) => host === tutor)
          .map(([key]) => key)
          .sort()
          .join();
      const changedHosts = [
        ...new Set([...moved.map((key) => after.get(key)!), ...moved.map((key) => before.get(key)!)]),
      ]
        .filter(
          (tutor) =>
            tutor !== declining &&
            hostsOf(after, tutor) !== "" &&
            hostsOf(after, tutor) !== hostsOf(before, tutor),
        )
        .sort();
      const requests = sent.filter((message) => kindOf(message) === "demande-tuteur");
      expect(requests.map(addressOf).sort()).toEqual(changedHosts);
      const askedBefore = new Set(before.values());
      for (const request of requests)
        if (askedBefore.has(addressOf(request))) expect(request.subject).toMatch(/^Mise à jour : /);
      expect(sent.map(addressOf)).not.toContain(declining);

      const alerts = sent.filter((message) => addressOf(message) === ORGANIZER);
      expect(alerts).toHaveLength(1);
      const tutorRow = records(seminar.workbook, "Tuteurs").findIndex((row) => row.Email === declining) + 2;
      const tutor = records(seminar.workbook, "Tuteurs")[tutorRow - 2]!;
      const alert = alerts[0]!;
      expect(alert.subject).toMatch(
        new RegExp(
          `^\\[Passerelle\\] Vivez ma vie d'usager — Rennes : désistement (de |d')${tutor.Prénom} ${tutor.Nom}$`,
        ),
      );
      expect(alert.text).toContain(`(onglet Tuteurs, ligne ${tutorRow})`);
      expect(alert.text).toContain("malheureusement je ne serai pas disponible");
      const participants = records(seminar.workbook, "Affectations");
      const others = moved.length - hosted.length;
      if (others > 0) expect(alert.text).toContain(`dont ${others} concernant d'autres participants`);
      for (const key of hosted) {
        const [email, slot] = key.split("|") as [string, string];
        const row = participants.find(
          (candidate) => candidate["Email participant"] === email && candidate.Créneau === slot,
        )!;
        expect(alert.text).toContain(
          `- ${row.Participant} — ${slot} : désormais ${row.Structure} (${row.Situation}), avec ${row.Tuteur}`,
        );
      }
      // Every moved participant, the tutor's and any other, is named with old → new and the reason.
      for (const key of moved) {
        const [email, slot] = key.split("|") as [string, string];
        const row = participants.find(
          (candidate) => candidate["Email participant"] === email && candidate.Créneau === slot,
        )!;
        const line = alert.text
          .split("\n")
          .find((text) => text.startsWith(`- ${row.Participant}, ${slot} : `));
        expect(line).toContain(` → ${row.Structure} (${row.Situation})`);
      }
      expect(tutor.Confirmation).toBe("Décliné");

      // The follow-up again (SNS sends the reply again after a failure): nothing moves, nothing is sent.
      const writes = seminar.workbook.writes.length;
      await followUps(seminar).onDecline(EVENT, declining, seminar.workbook);
      expect(placements(seminar.workbook)).toEqual(after);
      expect(seminar.mailer.sent.length).toBe(sentBefore + sent.length);
      expect(seminar.workbook.writes.length).toBe(writes);
    },
    LONG,
  );

  it(
    "with nobody placed with them only tells the organizer",
    async () => {
      const seminar = await seminarAsked(solver);
      const idle = "erwan.tanguy@caf-brest.example.org";
      // Asked once, before the placements moved away from them.
      await seminar.workbook.write(
        journalAppend(
          { title: "Journal", rows: seminar.workbook.tabs.get("Journal") ?? [] },
          NOW,
          "Europe/Paris",
          [
            {
              event: "Message envoyé",
              key: messageKey(seminar.workbook.keys, idle, "demande-tuteur", 1),
              data: { kind: "sent", messageId: "ses-idle" },
            },
          ],
        ),
      );
      const sentBefore = seminar.mailer.sent.length;
      await applyReply(seminar.workbook, tutorReply(idle, "Non merci."), SECRET, followUps(seminar), NOW);
      const sent = seminar.mailer.sent.slice(sentBefore);
      expect(sent.map(addressOf)).toEqual([ORGANIZER]);
      expect(sent[0]!.text).toContain("Aucun participant ne lui était affecté");
    },
    LONG,
  );
});

describe("a decline whose re-placement never happened", () => {
  it(
    "is told to the organizer after a while anyway, naming who is still to place",
    async () => {
      const seminar = await seminarAsked(solver);
      const before = placements(seminar.workbook);
      const [tutorEmail, key] = [...before].map(([placed, tutor]) => [tutor, placed] as const)[0]!;
      const silentFollowUps = { ...followUps(seminar), onDecline: async () => {} };
      await applyReply(
        seminar.workbook,
        tutorReply(tutorEmail, "Non, impossible."),
        SECRET,
        silentFollowUps,
        NOW,
      );
      const alertsNow = await sendDueMessages(seminar.workbook, seminar.mailer, seminar.clock, {
        ...sendOptions,
        event: EVENT,
        kinds: ["alerte"],
      });
      expect(alertsNow.sent).toBe(0);

      seminar.clock.advance(16 * 60_000);
      const sentBefore = seminar.mailer.sent.length;
      await sendDueMessages(seminar.workbook, seminar.mailer, seminar.clock, {
        ...sendOptions,
        event: EVENT,
        kinds: ["alerte"],
      });
      const alerts = seminar.mailer.sent.slice(sentBefore);
      expect(alerts.map(addressOf)).toEqual([ORGANIZER]);
      const participant = records(seminar.workbook, "Affectations").find(
        (row) => `${row["Email participant"]}|${row.Créneau}` === key,
      )!;
      expect(alerts[0]!.text).toContain(
        `${participant.Participant} — ${participant.Créneau} : toujours avec`,
      );
    },
    LONG,
  );
});

describe("a reply that needs a person", () => {
  it(
    "sends the organizer one alert with the text, the reason and the row, and changes nothing",
    async () => {
      const seminar = await seminarAsked(solver);
      const tutor = records(seminar.workbook, "Tuteurs")[1]!;
      const text = "Le matin non mais l'après-midi oui, est-ce possible ?";
      const reply = tutorReply(String(tutor.Email), text);
      expect(reply.answer.decision).toBe("unclear");
      const sentBefore = seminar.mailer.sent.length;

      await applyReply(seminar.workbook, reply, SECRET, followUps(seminar), NOW);
      await applyReply(seminar.workbook, reply, SECRET, followUps(seminar), NOW);
      const sent = seminar.mailer.sent.slice(sentBefore);
      expect(sent.map(addressOf)).toEqual([ORGANIZER]);
      const alert = sent[0]!;
      expect(alert.subject).toBe(
        `[Passerelle] Vivez ma vie d'usager — Rennes : réponse à lire de ${tutor.Prénom} ${tutor.Nom}`,
      );
      expect(tutor.Prénom).toBe("Yannick");
      expect(alert.text).toContain(`« ${text} »`);
      expect(alert.text).toContain(reply.answer.reason);
      expect(alert.text).toContain("onglet Tuteurs, ligne 3");
      expect(records(seminar.workbook, "Tuteurs")[1]!.Confirmation).toBeNull();
      // An ordinary sending step later sends it no second time.
      const later = await sendDueMessages(seminar.workbook, seminar.mailer, seminar.clock, {
        ...sendOptions,
        event: EVENT,
        kinds: ["alerte"],
      });
      expect(later.sent).toBe(0);
    },
    LONG,
  );
});

describe("a reply from a tutor no longer in the sheet", () => {
  it(
    "changes nothing and sends the organizer one alert with the text",
    async () => {
      const seminar = await seminarAsked(solver);
      const tutorsBefore = records(seminar.workbook, "Tuteurs");
      const sentBefore = seminar.mailer.sent.length;
      const reply = tutorReply("ancien.tuteur@caf-accueil-rennes.example.org", "Oui, je serai là.");
      const outcome = await applyReply(seminar.workbook, reply, SECRET, followUps(seminar), NOW);
      await applyReply(seminar.workbook, reply, SECRET, followUps(seminar), NOW);

      expect(outcome).toEqual({ kind: "unknown-tutor" });
      expect(records(seminar.workbook, "Tuteurs")).toEqual(tutorsBefore);
      const sent = seminar.mailer.sent.slice(sentBefore);
      expect(sent.map(addressOf)).toEqual([ORGANIZER]);
      expect(sent[0]!.subject).toContain("réponse d'un tuteur inconnu");
      expect(sent[0]!.text).toContain("« Oui, je serai là. »");
    },
    LONG,
  );
});

describe("an address that bounces", () => {
  it(
    "is marked in the Journal, told to the organizer once, and never written to again",
    async () => {
      const seminar = await seminarAsked(solver);
      const participants = records(seminar.workbook, "Participants");
      const bounced = String(participants[0]!.Email);
      // Her tutor's address bounces too (a complaint): the request updated without her must not go.
      const tutor = [...placements(seminar.workbook)].find(([key]) => key.startsWith(`${bounced}|`))![1];
      const sentBefore = seminar.mailer.sent.length;

      const follow = followUps(seminar);
      const bounce = {
        event: EVENT,
        kind: "bounce" as const,
        addresses: [bounced.toUpperCase()],
        subType: "NoEmail",
        key: "rebond:sns-1",
      };
      expect(await recordBounce(seminar.workbook, bounce, follow, NOW)).toEqual([bounced]);
      expect(await recordBounce(seminar.workbook, bounce, follow, NOW)).toEqual([]);
      const lines = records(seminar.workbook, "Journal").filter(
        (line) => line.Événement === "Adresse en échec",
      );
      expect(lines).toEqual([expect.objectContaining({ Destinataire: bounced, Clé: "rebond:sns-1" })]);
      const alerts = seminar.mailer.sent.slice(sentBefore);
      expect(alerts.map(addressOf)).toEqual([ORGANIZER]);
      expect(alerts[0]!.subject).toContain("1 adresse en échec");
      expect(alerts[0]!.text).toContain(`${bounced} : onglet Participants, ligne 2`);

      await recordBounce(
        seminar.workbook,
        { event: EVENT, kind: "complaint", addresses: [tutor], key: "rebond:sns-2" },
        follow,
        NOW,
      );
      expect(seminar.mailer.sent.slice(sentBefore + 1).map(addressOf)).toEqual([ORGANIZER]);
      expect(seminar.mailer.sent.at(-1)!.text).toContain(`${tutor} : tuteur, onglet Tuteurs, ligne`);

      // Every later step: the reminder, the train reminder, the survey.
      for (const at of ["2027-03-15T08:30:00Z", "2027-03-18T15:40:00Z", "2027-03-19T08:30:00Z"]) {
        seminar.clock.set(new Date(at));
        await sendDueMessages(seminar.workbook, seminar.mailer, seminar.clock, {
          ...sendOptions,
          event: EVENT,
        });
      }
      const later = seminar.mailer.sent.slice(sentBefore + 2);
      expect(later.length).toBeGreaterThan(20);
      expect(later.map(addressOf)).not.toContain(bounced);
      expect(later.map(addressOf)).not.toContain(tutor);
    },
    LONG,
  );
});
