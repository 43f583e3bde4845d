import { describe, expect, it } from "vitest";
import { decideReply } from "../../functions/adapters/mime-reader.js";
import { replyText } from "../../functions/cli/reply.js";
import { KINDS, type KindName } from "../fixtures/replies/kinds/index.js";

describe.each(Object.keys(KINDS) as KindName[])("replies of the kind %s", (kind) => {
  const cases = KINDS[kind];

  it("has at least five cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });

  it.each(cases)("reads $name", async (entry) => {
    const result = await decideReply(entry.raw);
    expect(result.decision).toBe(entry.decision);
    if (entry.text !== undefined) expect(result.text).toBe(entry.text);
    if (entry.automatic !== undefined) expect(result.automatic).toBe(entry.automatic ?? undefined);
  });
});

describe("what the organizer is told about a machine's message", () => {
  const machines = (Object.keys(KINDS) as KindName[]).flatMap((kind) =>
    KINDS[kind].filter((entry) => entry.automatic !== undefined && entry.automatic !== null),
  );

  // The message plan keeps a tutor awaited (and nudged) after a reply whose reason starts so.
  it.each(machines)(
    "starts the reason of $name with « réponse automatique » or « avis de non-remise »",
    async (entry) => {
      const { reason, automatic } = await decideReply(entry.raw);
      expect(reason).toMatch(automatic === "bounce" ? /^avis de non-remise/ : /^réponse automatique/);
    },
  );

  it("names a read receipt, a delay and a delivery for what they are, never a non-delivery", async () => {
    const reasons = await Promise.all(
      KINDS.reports
        .filter((entry) => entry.automatic !== "bounce")
        .map(async (entry) => (await decideReply(entry.raw)).reason),
    );
    for (const reason of reasons) expect(reason).not.toMatch(/^avis de non-remise/);
    expect(reasons.join("\n")).toMatch(/accusé de lecture/);
    expect(reasons.join("\n")).toMatch(/avis de retard de distribution/);
    expect(reasons.join("\n")).toMatch(/accusé de remise/);
    expect(reasons.join("\n")).toMatch(/avis de relais/);
  });
});

describe("passerelle reply on a machine's message", () => {
  it("says the tutor is still awaited", async () => {
    const decision = await decideReply(KINDS.reports[0]!.raw);
    expect(replyText(decision)).toMatch(
      /^Décision : à lire, message automatique : ce n'est pas une réponse, le tuteur reste attendu/,
    );
    expect(replyText(decision)).toContain("Raison : réponse automatique : accusé de lecture");
  });
});
