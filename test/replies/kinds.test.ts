import { describe, expect, it } from "vitest";
import { decideReply } from "../../functions/adapters/mime-reader.js";
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
