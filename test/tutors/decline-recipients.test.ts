import { describe, expect, it } from "vitest";
import { applyReply } from "../../functions/app/apply-reply.js";
import { replaceDeclinedTutor, replyFollowUps } from "../../functions/app/reply-follow-ups.js";
import { sendDueMessages } from "../../functions/app/send-messages.js";
import {
  AFTER_DECLINE,
  addressOf,
  DECLINE,
  EVENT,
  NOW,
  ORGANIZER,
  owedAfterDecline,
  placements,
  SECRET,
  type Seminar,
  seminarAsked,
  sendOptions,
  testSolver,
  tutorReply,
} from "./support.js";

const solver = testSolver();
const LONG = 180_000;

/** Tutors who host someone, the busiest first. */
function hostsByLoad(seminar: Seminar): string[] {
  const load = new Map<string, number>();
  for (const tutor of placements(seminar.workbook).values()) load.set(tutor, (load.get(tutor) ?? 0) + 1);
  return [...load].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([tutor]) => tutor);
}

describe("the messages a decline sends", () => {
  it(
    "are, for the people the re-placement concerns, exactly those the full plan owes, decline after decline",
    async () => {
      const seminar = await seminarAsked(solver);
      const tutors = hostsByLoad(seminar);
      // The busiest, one in the middle, one of the least busy: moves of different sizes.
      const declining = [tutors[0]!, tutors[Math.floor(tutors.length / 2)]!, tutors.at(-1)!];
      const compared: { concerned: number; owed: number }[] = [];
      for (const tutorEmail of declining) {
        const follow = replyFollowUps({
          workbook: seminar.workbook,
          mailer: seminar.mailer,
          clock: seminar.clock,
          solver,
          sendOptions,
        });
        await applyReply(
          seminar.workbook,
          tutorReply(tutorEmail, DECLINE),
          SECRET,
          {
            ...follow,
            // The re-placement, then the plans compared on the workbook it leaves, then the sending.
            onDecline: async (event, email, workbook) => {
              const { concerned } = await replaceDeclinedTutor(workbook, email, solver, seminar.clock);
              expect(concerned).toBeDefined();
              expect(concerned!.has(email.toLowerCase())).toBe(true);
              const full = await owedAfterDecline(workbook);
              expect(await owedAfterDecline(workbook, concerned)).toEqual(full);
              expect(full.some((key) => key.includes(":changement:"))).toBe(true);
              compared.push({ concerned: concerned!.size, owed: full.length });
              await sendDueMessages(workbook, seminar.mailer, seminar.clock, {
                ...sendOptions,
                event,
                kinds: AFTER_DECLINE,
              });
            },
          },
          NOW,
        );
        expect(await owedAfterDecline(seminar.workbook)).toEqual([]);
      }
      expect(compared).toHaveLength(3);
      // The restriction is one: far fewer people than the seminar's.
      const people = new Set(placements(seminar.workbook).keys()).size;
      for (const { concerned } of compared) expect(concerned).toBeLessThan(people);
    },
    LONG,
  );

  it(
    "leave nothing for a later step that plans everyone's, and a replay sends nothing again",
    async () => {
      const seminar = await seminarAsked(solver);
      const [busiest] = hostsByLoad(seminar);
      const follow = () =>
        replyFollowUps({
          workbook: seminar.workbook,
          mailer: seminar.mailer,
          clock: seminar.clock,
          solver,
          sendOptions,
        });
      const sentBefore = seminar.mailer.sent.length;
      await applyReply(seminar.workbook, tutorReply(busiest!, DECLINE), SECRET, follow(), NOW);
      const sent = seminar.mailer.sent.slice(sentBefore);
      expect(sent.some((message) => addressOf(message) === ORGANIZER)).toBe(true);
      expect(sent.filter((message) => addressOf(message) !== ORGANIZER).length).toBeGreaterThan(0);

      const later = await sendDueMessages(seminar.workbook, seminar.mailer, seminar.clock, {
        ...sendOptions,
        event: EVENT,
        kinds: AFTER_DECLINE,
      });
      expect(later.sent).toBe(0);
      expect(later.done).toBe(true);
      // A replay of the follow-up moves nobody, so it plans everyone's messages: none is owed.
      const { concerned, moved } = await replaceDeclinedTutor(
        seminar.workbook,
        busiest!,
        solver,
        seminar.clock,
      );
      expect({ concerned, moved }).toEqual({ concerned: undefined, moved: 0 });
      await follow().onDecline(EVENT, busiest!, seminar.workbook);
      expect(seminar.mailer.sent.length).toBe(sentBefore + sent.length);
    },
    LONG,
  );
});
