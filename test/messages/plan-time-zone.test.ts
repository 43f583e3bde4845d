import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL("./plan-in-zone.ts", import.meta.url));

/**
 * Seminars on the Sunday of each clock change of 2027 in Paris (28 March, 31 October) and in
 * Auckland (4 April, 26 September), with and without a survey link (without one, the organizer is
 * warned two days before the survey is due).
 */
const CASES = [
  { day1: "2027-03-27", day2: "2027-03-28" },
  { day1: "2027-03-28", day2: "2027-03-29" },
  { day1: "2027-10-30", day2: "2027-10-31" },
  { day1: "2027-10-31", day2: "2027-11-01" },
  { day1: "2027-04-04", day2: "2027-04-05" },
  { day1: "2027-09-26", day2: "2027-09-27" },
].flatMap((days) => [
  { ...days, survey: true },
  { ...days, survey: false },
]);

interface Printed {
  tz: string;
  plans: { day1: string; messages: { key: string; sendAt: string }[] }[];
}

/** The plans printed by a process started with `TZ=zone` (V8 reads `TZ` once, at start). */
async function plansIn(zone: string): Promise<Printed> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(CASES)], {
    env: { ...process.env, TZ: zone },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Printed;
}

describe("the message plan and the process's time zone", () => {
  test("is the same in Paris, in UTC and in Auckland, across both clock changes of the year", async () => {
    const [paris, utc, auckland] = await Promise.all(
      ["Europe/Paris", "UTC", "Pacific/Auckland"].map((zone) => plansIn(zone)),
    );
    expect([paris!.tz, utc!.tz, auckland!.tz]).toEqual(["Europe/Paris", "UTC", "Pacific/Auckland"]);
    expect(paris!.plans).toHaveLength(CASES.length);
    for (const plan of paris!.plans) expect(plan.messages.length).toBeGreaterThan(0);
    expect(utc!.plans).toEqual(paris!.plans);
    expect(auckland!.plans).toEqual(paris!.plans);
  }, 60_000);
});
