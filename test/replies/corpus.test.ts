import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decideReply } from "../../functions/adapters/mime-reader.js";

interface CorpusCase {
  readonly file: string;
  readonly decision: "confirm" | "decline" | "unclear";
  readonly note: string;
}

const FIXTURES = new URL("../fixtures/replies/", import.meta.url);
const corpus: CorpusCase[] = JSON.parse(readFileSync(new URL("corpus.json", FIXTURES), "utf8"));

describe("the corpus of tutors' replies", () => {
  it("holds at least 40 messages, with yeses, noes, unclear answers and machines among them", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    for (const decision of ["confirm", "decline", "unclear"] as const)
      expect(corpus.filter((entry) => entry.decision === decision).length).toBeGreaterThanOrEqual(8);
    expect(corpus.filter((entry) => /^(auto|bounce)-/.test(entry.file)).length).toBeGreaterThanOrEqual(8);
  });

  it.each(corpus)("reads $file as $decision ($note)", async ({ file, decision }) => {
    const result = await decideReply(readFileSync(new URL(file, FIXTURES)));
    expect({ file, decision: result.decision, reason: result.reason }).toMatchObject({ file, decision });
    // The quoted request says « oui » or « non »: the text kept for the organizer never holds it.
    expect(result.text).not.toMatch(/Pouvez-vous nous confirmer|Could you confirm you are available/);
  });
});
