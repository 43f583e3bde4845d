import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decideReply } from "../../functions/adapters/mime-reader.js";
import { classifyAnswer } from "../../functions/core/replies/classify.js";
import {
  PARTIAL_ANSWERS,
  PARTIAL_ANSWERS_EN,
  PLAIN_ANSWERS,
} from "../fixtures/replies/kinds/partial-answers.js";

const WHAT = {
  créneau: "réponse partielle (créneau)",
  jour: "réponse partielle (jour)",
  "nombre de participants": "réponse partielle (nombre de participants)",
  remplaçant: "réponse partielle (remplaçant)",
  condition: "réponse sous condition",
  incertitude: "réponse incertaine",
  "autre date": "réponse partielle (autre date)",
} as const;

describe("partial and conditional answers", () => {
  it("holds at least 40 French phrasings, at least five of each kind", () => {
    expect(PARTIAL_ANSWERS.length).toBeGreaterThanOrEqual(40);
    for (const kind of ["créneau", "jour", "nombre de participants", "remplaçant", "condition"] as const)
      expect(PARTIAL_ANSWERS.filter(([, label]) => label === kind).length).toBeGreaterThanOrEqual(5);
  });

  it.each([...PARTIAL_ANSWERS, ...PARTIAL_ANSWERS_EN])("reads « %s » as unclear: %s", (answer, label) => {
    const result = classifyAnswer(answer);
    expect(result.decision).toBe("unclear");
    expect(result.reason.startsWith(`${WHAT[label]} : « `)).toBe(true);
  });

  it.each(PLAIN_ANSWERS)("still reads « %s » as %s", (answer, decision) => {
    expect(classifyAnswer(answer).decision).toBe(decision);
  });

  it("reads the field case of a morning agreed and an afternoon refused in soft words as unclear, with the slot", async () => {
    const result = await decideReply(
      readFileSync(new URL("../fixtures/replies/field-17a-slot-partial-soft.eml", import.meta.url)),
    );
    expect(result.decision).toBe("unclear");
    expect(result.reason).toBe("réponse partielle (créneau) : « pour le matin, par contre l'après-midi »");
    expect(result.text).toBe(
      "Bonjour,\n\nPas de souci pour le matin, par contre l'après-midi ce sera compliqué.\n\nMarc",
    );
  });
});
