import { describe, expect, it } from "vitest";
import { applyReply } from "../../functions/app/apply-reply.js";
import { replyFollowUps } from "../../functions/app/reply-follow-ups.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import { markSilentTutors, nudgeTutors, pendingTutors } from "../../functions/app/tutor-lifecycle.js";
import { readReplyAddress } from "../../functions/core/security/reply-token.js";
import {
  addressOf,
  EVENT,
  NOW,
  ORGANIZER,
  records,
  requestsSent,
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

describe("tutors who have not answered", () => {
  it(
    "are the tutors who host someone, were asked, and have not answered, read in one workbook read",
    async () => {
      const placedOnly = await seminarAsked(solver, []);
      expect(await pendingTutors(placedOnly.workbook, NOW)).toEqual({ pending: 0, tutors: [] });

      const seminar = await seminarAsked(solver);
      const asked = requestsSent(seminar.mailer).map(addressOf).sort();
      expect(asked.length).toBeGreaterThan(5);
      const reads = seminar.workbook.reads.length;
      const before = await pendingTutors(seminar.workbook, seminar.clock.now());
      expect(seminar.workbook.reads.length).toBe(reads + 1);
      expect(before.tutors.sort()).toEqual(asked);
      expect(before.pending).toBe(asked.length);
      // Erwan Tanguy's structure is unknown: he hosts nobody, was not asked, is not waited for.
      expect(before.tutors).not.toContain("erwan.tanguy@caf-brest.example.org");

      const [yes, no] = asked as [string, string];
      await applyReply(
        seminar.workbook,
        tutorReply(yes, "Oui, avec plaisir."),
        SECRET,
        followUps(seminar),
        NOW,
      );
      await applyReply(
        seminar.workbook,
        tutorReply(no, "Non, je serai en congé."),
        SECRET,
        followUps(seminar),
        NOW,
      );
      const after = await pendingTutors(seminar.workbook, seminar.clock.now());
      expect(after.tutors).not.toContain(yes);
      expect(after.tutors).not.toContain(no);
      // The decline's participants went to tutors already asked: their updated request is sent, still unanswered.
      expect(after.pending).toBe(asked.length - 2);
    },
    LONG,
  );

  it(
    "get one polite nudge per request, from the request's signed address, and never from an ordinary step",
    async () => {
      const seminar = await seminarAsked(solver);
      const asked = requestsSent(seminar.mailer).map(addressOf);
      const [confirmed, unclear] = asked as [string, string];
      await applyReply(
        seminar.workbook,
        tutorReply(confirmed, "Je confirme."),
        SECRET,
        followUps(seminar),
        NOW,
      );
      // An answer the organizer must read is an answer: no "we have not heard from you".
      await applyReply(
        seminar.workbook,
        tutorReply(unclear, "Peut-être, je vous redis."),
        SECRET,
        followUps(seminar),
        NOW,
      );
      expect((await pendingTutors(seminar.workbook, seminar.clock.now())).tutors).not.toContain(unclear);

      // A step that sends whatever is due sends no nudge.
      const ordinary = await sendDueMessages(seminar.workbook, seminar.mailer, seminar.clock, {
        ...sendOptions,
        event: EVENT,
      });
      expect(seminar.mailer.sent.filter((message) => message.subject.startsWith("Relance"))).toEqual([]);
      expect(ordinary.sent).toBe(0);

      seminar.clock.advance(3 * 24 * 3600_000);
      const sentBefore = seminar.mailer.sent.length;
      const report = await nudgeTutors(seminar.workbook, seminar.mailer, seminar.clock, {
        ...sendOptions,
        event: EVENT,
      });
      const nudges = seminar.mailer.sent.slice(sentBefore);
      expect(report).toMatchObject({ sent: asked.length - 2, done: true });
      expect(nudges.map(addressOf).sort()).toEqual(
        asked.filter((email) => email !== confirmed && email !== unclear).sort(),
      );
      for (const nudge of nudges) {
        const to = addressOf(nudge);
        expect(nudge.subject).toMatch(
          /^Relance : accueil de \d+ participants? en immersion — Vivez ma vie d'usager — Rennes$/,
        );
        expect(nudge.text).toContain("Nous n'avons pas encore reçu votre réponse");
        expect(nudge.text).toContain("Répondez simplement OUI ou NON");
        expect(nudge.text).toMatch(/Participant\(e\) : /);
        expect(nudge.headers).toMatchObject({
          "Auto-Submitted": "auto-generated",
          "X-Auto-Response-Suppress": "All",
          "X-Passerelle-Key": `message:${EVENT}:${seminar.workbook.keys.recipientId(to)}:relance-tuteur:1`,
        });
        const request = requestsSent(seminar.mailer).find((message) => addressOf(message) === to)!;
        expect(nudge.replyTo).toBe(request.replyTo);
        const token = readReplyAddress(String(nudge.replyTo), SECRET);
        expect(token).toMatchObject({ ok: true, claims: { event: EVENT, version: 1 } });
      }

      const again = await nudgeTutors(seminar.workbook, seminar.mailer, seminar.clock, {
        ...sendOptions,
        event: EVENT,
      });
      expect(again.sent).toBe(0);
    },
    LONG,
  );

  it(
    "are marked Sans réponse once, each with a Journal line, and the organizer is told once with their rows",
    async () => {
      const seminar = await seminarAsked(solver);
      const { tutors: pending } = await pendingTutors(seminar.workbook, seminar.clock.now());
      seminar.clock.advance(7 * 24 * 3600_000);

      const writes = seminar.workbook.writes.length;
      const { marked } = await markSilentTutors(seminar.workbook, seminar.clock);
      expect(marked).toBe(pending.length);
      expect(seminar.workbook.writes.length).toBe(writes + 1);
      const tutors = records(seminar.workbook, "Tuteurs");
      for (const row of tutors)
        expect(row.Confirmation).toBe(pending.includes(String(row.Email)) ? "Sans réponse" : null);
      const lines = records(seminar.workbook, "Journal").filter((line) =>
        String(line.Clé).startsWith("tutor:silent:"),
      );
      expect(lines.map((line) => line.Clé).sort()).toEqual(
        pending.map((email) => `tutor:silent:${EVENT}:${seminar.workbook.keys.recipientId(email)}`).sort(),
      );
      expect(lines.every((line) => line.Événement === "Tuteur sans réponse")).toBe(true);

      const sentBefore = seminar.mailer.sent.length;
      await sendDueMessages(seminar.workbook, seminar.mailer, seminar.clock, {
        ...sendOptions,
        event: EVENT,
        kinds: ["alerte"],
      });
      const alerts = seminar.mailer.sent.slice(sentBefore);
      expect(alerts.map(addressOf)).toEqual([ORGANIZER]);
      const alert = alerts[0]!;
      expect(alert.subject).toBe(
        `[Passerelle] Vivez ma vie d'usager — Rennes : ${pending.length} tuteurs sans réponse`,
      );
      for (const email of pending) {
        const row = tutors.findIndex((candidate) => candidate.Email === email) + 2;
        const name = `${tutors[row - 2]!.Prénom} ${tutors[row - 2]!.Nom}`;
        expect(alert.text).toContain(`${name} (onglet Tuteurs, ligne ${row}) : accueille `);
      }

      expect(await markSilentTutors(seminar.workbook, seminar.clock)).toEqual({ marked: 0 });
      expect(await pendingTutors(seminar.workbook, seminar.clock.now())).toEqual({ pending: 0, tutors: [] });
      const again = await sendDueMessages(seminar.workbook, seminar.mailer, seminar.clock, {
        ...sendOptions,
        event: EVENT,
        kinds: ["alerte"],
      });
      expect(again.sent).toBe(0);
      // Nobody silent is nudged.
      expect(
        (await nudgeTutors(seminar.workbook, seminar.mailer, seminar.clock, { ...sendOptions, event: EVENT }))
          .sent,
      ).toBe(0);
    },
    LONG,
  );
});
