import { describe, expect, it } from "vitest";
import { applyReply } from "../../functions/app/apply-reply.js";
import { replyFollowUps } from "../../functions/app/reply-follow-ups.js";
import { WorkbookSession } from "../../functions/app/workbook-session.js";
import { MESSAGE_TABS } from "../../functions/core/event/model.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import {
  DECLINE,
  NOW,
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
const EVERY_TAB = [...new Set([...Object.values(TABS).map((tab) => tab.name), ...MESSAGE_TABS])];

/** A request of its own: a session over the shared workbook, and the follow-ups wired to it. */
function request(seminar: Seminar) {
  const session = new WorkbookSession(seminar.workbook);
  const followUps = replyFollowUps({
    workbook: session,
    mailer: seminar.mailer,
    clock: seminar.clock,
    solver,
    sendOptions,
  });
  return { session, followUps };
}

describe("two tutors' declines handled at the same time", () => {
  it("leave nobody with a tutor who declined and nothing owed, though each re-placed from a snapshot without the other's decline", async () => {
    const hosts = [...new Set(placements((await seminarAsked(solver)).workbook).values())];
    // Pairs of tutors in the order of Affectations; each pair on a fresh seminar.
    for (let pair = 0; pair + 1 < Math.min(hosts.length, 6); pair += 2) {
      const [first, second] = [hosts[pair]!, hosts[pair + 1]!];
      const seminar = await seminarAsked(solver);
      const a = request(seminar);
      const b = request(seminar);
      // Both requests read the workbook before either writes.
      await a.session.read(EVERY_TAB);
      await b.session.read(EVERY_TAB);
      // Then both run at once: their reads, claims and writes interleave.
      await Promise.all(
        [
          { request: a, tutor: first },
          { request: b, tutor: second },
        ].map(async ({ request, tutor }) => {
          await applyReply(request.session, tutorReply(tutor, DECLINE), SECRET, request.followUps, NOW);
          await request.session.flush();
        }),
      );

      const stranded = [...placements(seminar.workbook)].filter(
        ([, tutor]) => tutor === first || tutor === second,
      );
      expect({ first, second, stranded }).toEqual({ first, second, stranded: [] });
      const owed = await owedAfterDecline(seminar.workbook);
      expect({ first, second, owed }).toEqual({ first, second, owed: [] });
    }
  }, 240_000);
});
