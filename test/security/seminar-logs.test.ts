/**
 * Every log line the three functions print while the example seminar plays from « Affecter » to the
 * survey (convocations, replies through signed SNS, a decline and its re-placement, reminders):
 * none holds an address or a name of the workbook.
 */
import { describe, expect, it } from "vitest";
import { jsonLogLine } from "../../functions/adapters/json-log.js";
import { cellText } from "../../functions/core/sheet/cells.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import { play } from "../e2e/harness.js";

describe("the logs of a whole seminar", () => {
  it("name no one and hold no address", async () => {
    const lines: string[] = [];
    const consoleMethods = ["log", "info", "warn", "error", "debug"] as const;
    const original = Object.fromEntries(consoleMethods.map((name) => [name, console[name]]));
    for (const name of consoleMethods)
      console[name] = (...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      };
    let played: Awaited<ReturnType<typeof play>>;
    try {
      played = await play("seminar", {
        interrupt: false,
        onLog: (level, name, fields) =>
          lines.push(
            jsonLogLine(level === "warn" ? "WARNING" : level === "error" ? "ERROR" : "INFO", name, fields),
          ),
      });
    } finally {
      for (const name of consoleMethods) console[name] = original[name]!;
    }

    expect(played.end.state).toBe("SUCCEEDED");
    expect(lines.length).toBeGreaterThan(20);
    const people: string[] = [];
    for (const tab of [TABS.participants.name, TABS.tutors.name]) {
      const [header = [], ...rows] = played.tabs.get(tab)?.rows ?? [];
      const at = (name: string) => header.findIndex((cell) => cellText(cell) === name);
      for (const row of rows) {
        const [last, first] = [cellText(row[at("Nom")] ?? null), cellText(row[at("Prénom")] ?? null)];
        if (last && first) people.push(`${first} ${last}`, `${last} ${first}`);
      }
    }
    expect(people.length).toBeGreaterThan(40);
    const everything = lines.join("\n");
    expect(everything).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.-]+/);
    for (const person of people) expect(everything).not.toContain(person);
  }, 300_000);
});
