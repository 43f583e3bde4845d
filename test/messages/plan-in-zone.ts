/**
 * Prints, as JSON, the message plans of the seminar fixture on the given days, planned in this
 * process's time zone (`TZ`, read once by V8 when the process starts): the child of
 * `plan-time-zone.test.ts`. Argument: a JSON array of `{day1, day2, survey}`.
 */
import { eventModel, planMessages } from "../../functions/core/messages/index.js";
import { testKeys } from "../support/ledger.js";
import { EVENT, seminar } from "./fixtures.js";

interface Case {
  readonly day1: string;
  readonly day2: string;
  readonly survey: boolean;
}

const cases = JSON.parse(process.argv[2] ?? "[]") as Case[];
const plans = cases.map(({ day1, day2, survey }) => {
  const now = new Date(`${day1.slice(0, 4)}-01-02T10:00:00Z`);
  const settings = {
    "Jour 1": day1,
    "Jour 2": day2,
    "Date limite d'inscription": null,
    ...(survey ? {} : { "Lien questionnaire": null }),
  };
  const model = eventModel(seminar({ settings }), testKeys(EVENT), now);
  if (!model) throw new Error(`no model for ${day1}`);
  const plan = planMessages(model, now);
  return {
    day1,
    survey,
    zone: plan.zone,
    messages: plan.messages.map((message) => ({
      key: message.key,
      kind: message.kind,
      to: message.to.address,
      sendAt: message.sendAt.toISOString(),
      expiresAt: message.expiresAt?.toISOString() ?? null,
    })),
  };
});
process.stdout.write(JSON.stringify({ tz: Intl.DateTimeFormat().resolvedOptions().timeZone, plans }));
