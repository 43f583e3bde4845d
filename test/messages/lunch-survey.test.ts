/**
 * A lunch talk's survey (a single talk, as each talk of a cycle): it leaves the next working
 * morning, when the absences can have been reported, and only to the seated people not recorded
 * absent (`Présent: Non`).
 */
import { describe, expect, it } from "vitest";
import { lunchModel } from "../../functions/core/event/model.js";
import { planMessages } from "../../functions/core/messages/plan.js";
import * as example from "../../sheets-templates/example-data.js";
import { testKeys } from "../support/ledger.js";
import { lunchSnapshot } from "../support/workbooks.js";

const NOW = new Date("2027-03-01T10:00:00Z");

function surveys(date: string, absent: readonly number[] = []) {
  const rows = example.registrations.map((row, index) =>
    absent.includes(index) ? { ...row, Présent: "Non" } : row,
  );
  const snapshot = lunchSnapshot({ ...example.lunchSettings, Date: date }, rows);
  const model = lunchModel(snapshot, testKeys("rencontre"), NOW);
  const seated = model.registrations.filter((registration) => registration.seat.kind === "seated");
  const planned = planMessages(model, NOW).messages.filter(
    (message) => message.kind === "questionnaire-rencontre",
  );
  return { seated, planned };
}

describe("the survey of a lunch talk", () => {
  it("leaves at 9:00 the morning after a talk held on a Thursday, never the same afternoon", () => {
    const { seated, planned } = surveys("2027-04-08");
    expect(planned).toHaveLength(seated.length);
    expect(new Set(planned.map((message) => message.sendAt.toISOString()))).toEqual(
      new Set(["2027-04-09T07:00:00.000Z"]),
    );
  });

  it("waits for Monday after a talk held on a Friday, at 9:00 in the event's zone across the change to summer time", () => {
    // Friday 26 March 2027; clocks go forward on Sunday 28: Monday 9:00 is 07:00 UTC, not 08:00.
    const { planned } = surveys("2027-03-26");
    expect(new Set(planned.map((message) => message.sendAt.toISOString()))).toEqual(
      new Set(["2027-03-29T07:00:00.000Z"]),
    );
  });

  it("is not for a seated person recorded absent", () => {
    const { seated, planned } = surveys("2027-04-08", [0, 1]);
    const absent = new Set([example.registrations[0]!.Email, example.registrations[1]!.Email]);
    expect(seated.filter((registration) => absent.has(registration.email))).toHaveLength(2);
    const to = planned.map((message) => message.to.address);
    expect(to).toHaveLength(seated.length - 2);
    for (const address of absent) expect(to).not.toContain(address);
  });
});
