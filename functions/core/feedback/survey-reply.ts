/**
 * Which participant a reply to the survey comes from. The survey goes out with the same kind of
 * signed `Reply-To` as a tutor request (core/security/reply-token.ts), keyed by the participant's address,
 * with the request version `SURVEY_REPLY_VERSION`, a version no tutor request reaches (they count
 * from 1, one more each time what a tutor hosts changes), so a token of that version is a survey
 * reply. Pure.
 */
import type { WorkbookSnapshot } from "../../ports.js";
import { type ReplyClaims, tutorTag } from "../security/reply-token.js";
import { TABS } from "../sheet/schemas.js";
import { parseTable } from "../sheet/table.js";

/** The request version of the survey's signed reply address. */
export const SURVEY_REPLY_VERSION = 999_999;

/** Whether a signed reply address is the survey's. */
export function isSurveyReply(claims: ReplyClaims): boolean {
  return claims.version === SURVEY_REPLY_VERSION;
}

/**
 * The address of the participant (or lunch-talk registration) whose keyed tag the claims carry,
 * trying each secret (the current one first, then those being rotated out); `null` when no row has it.
 */
export function surveyParticipant(
  snapshot: WorkbookSnapshot,
  claims: ReplyClaims,
  secrets: string | readonly string[],
): string | null {
  const keys = typeof secrets === "string" ? [secrets] : secrets;
  for (const spec of [TABS.participants, TABS.registrations]) {
    const table = parseTable<{ email?: string }>(spec, snapshot.get(spec.name));
    for (const row of table.rows) {
      const email = row.partial.email;
      if (
        email &&
        keys.some((secret) => secret !== "" && tutorTag(claims.event, email, secret) === claims.tutor)
      )
        return email;
    }
  }
  return null;
}
