/**
 * The example lunch talk (45 registrations for 30 seats, 4 per service before the closing), driven
 * by the local runner on a simulated clock: confirmations and waiting list, two cancellations and
 * the promotions they free, the reminder and the survey. Played straight, then with the host
 * killed and restarted at three points: both end the same.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { TABS } from "../../functions/core/sheet/schemas.js";
import { type Played, play, readableKeys, rowsOf } from "./harness.js";

let straight: Played;
let interrupted: Played;

beforeAll(async () => {
  straight = await play("lunch", { interrupt: false });
  interrupted = await play("lunch", { interrupt: true });
}, 300_000);

const recipients = (played: Played, kind: string) =>
  [...readableKeys(played).keys()]
    .filter((key) => key.split(":")[3] === kind)
    .map((key) => key.split(":")[2]);
const statuses = (played: Played) => {
  const rows = rowsOf(played.tabs.get(TABS.registrations.name));
  const index = (rows[0] ?? []).indexOf("Statut");
  return rows.slice(1).map((row) => row[index] ?? "");
};

describe("the example lunch talk, end to end", () => {
  it("runs to the end, straight and with three restarts", () => {
    expect(straight.end.state).toBe("SUCCEEDED");
    expect(interrupted.end.state).toBe("SUCCEEDED");
    expect(interrupted.restarts).toEqual(["registrations", "cancellations", "reminders"]);
  });

  it("seats 30, ranks the others, and promotes two when two cancel", () => {
    const final = statuses(straight);
    expect(final.filter((status) => status === "Inscrit")).toHaveLength(30);
    expect(final.filter((status) => status === "Annulé")).toHaveLength(2);
    const waiting = final.filter((status) => status.startsWith("Liste d'attente"));
    expect(waiting).toHaveLength(13);
    expect(waiting.map((status) => Number(/\((\d+)\)/.exec(status)?.[1])).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 13 }, (_, index) => index + 1),
    );
    expect(recipients(straight, "inscription")).toHaveLength(30);
    expect(recipients(straight, "liste-attente")).toHaveLength(15);
    expect(recipients(straight, "place-liberee")).toHaveLength(2);
    // Everyone promoted had been told they were waiting.
    for (const promoted of recipients(straight, "place-liberee"))
      expect(recipients(straight, "liste-attente")).toContain(promoted);
  });

  it("reminds exactly the 30 seated, and sends each their certificate with the survey", () => {
    const seatedAtTheEnd = recipients(straight, "rappel-rencontre");
    expect(seatedAtTheEnd).toHaveLength(30);
    expect(recipients(straight, "questionnaire-rencontre")).toEqual([]);
    expect(new Set(recipients(straight, "attestation"))).toEqual(new Set(seatedAtTheEnd));
    // The organizer gets the attendance sheet and the headcount the day before, once.
    expect(recipients(straight, "documents-organisateur")).toHaveLength(1);
    const cancelled = [...recipients(straight, "inscription")].filter(
      (email) => !seatedAtTheEnd.includes(email),
    );
    expect(cancelled).toHaveLength(2);
  });

  it("sends every message once, the same ones whether interrupted or not", () => {
    for (const played of [straight, interrupted]) {
      const counts = readableKeys(played);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
      expect(played.emails).toHaveLength(counts.size);
    }
    expect([...readableKeys(interrupted).keys()].sort()).toEqual([...readableKeys(straight).keys()].sort());
    expect(rowsOf(interrupted.tabs.get(TABS.registrations.name))).toEqual(
      rowsOf(straight.tabs.get(TABS.registrations.name)),
    );
  });
});
