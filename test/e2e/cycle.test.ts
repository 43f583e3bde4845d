/**
 * The example cycle of lunch talks played by `npm start -- --simulate --cycle`'s script on the local
 * host with a simulated clock: every save goes through `sheetEdit` as a Google Sheets edit does.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { type CycleEnd, playCycle } from "../../functions/local/cycle-scenario.js";
import { LocalHost } from "../../functions/local/host.js";
import { startLocalSes } from "../../functions/local/ses.js";
import { SimulatedClock } from "../../workflows/runner/clock.js";
import { ZONE } from "./harness.js";

const TEMPLATE = join(import.meta.dirname, "../../sheets-templates/cycle-rencontres.xlsx");

async function playExample(): Promise<{ end: CycleEnd; lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-cycle-"));
  const event = "cycle-exemple";
  copyFileSync(TEMPLATE, join(dir, `${event}.xlsx`));
  const start = DateTime.fromISO("2027-03-20T09:00", { zone: ZONE }).toJSDate();
  const clock = new SimulatedClock(start);
  const ses = await startLocalSes();
  const host = await LocalHost.start({ dir, clock, sesEndpoint: ses.endpoint, deliveries: ses.deliveries });
  const lines: string[] = [];
  try {
    const end = await playCycle(
      { host: () => host, clock, ses, event, zone: ZONE, say: (line) => lines.push(line) },
      start,
    );
    return { end, lines };
  } finally {
    await host.stop();
    await ses.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the example cycle of lunch talks, simulated", () => {
  it("checks the three talks, records the absences and ends with the managers who came, per direction", async () => {
    const { end, lines } = await playExample();
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
  }, 120_000);
});
