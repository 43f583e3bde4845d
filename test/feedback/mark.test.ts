import { describe, expect, it } from "vitest";
import { readFeedback } from "../../functions/core/feedback/mark.js";

describe("reading a mark and a comment from a survey reply", () => {
  it.each([
    ["4", 4, ""],
    ["4/5", 4, ""],
    ["4 / 5 — très riche, merci", 4, "très riche, merci"],
    ["5 sur 5. Une immersion qui change le regard.", 5, "Une immersion qui change le regard."],
    ["Note : 3\nLe dîner était trop long.", 3, "Le dîner était trop long."],
    ["quatre", 4, ""],
    ["Cinq ! Bravo à l'équipe.", 5, "Bravo à l'équipe."],
    [
      "Très bon séminaire, je mets 4/5 pour l'ensemble.",
      4,
      "Très bon séminaire, je mets 4/5 pour l'ensemble.",
    ],
  ])("reads « %s » as %i", (reply, mark, comment) => {
    expect(readFeedback(reply)).toEqual({ mark, comment });
  });

  it("keeps a reply without a mark as a comment, the mark empty and nothing flagged", () => {
    expect(readFeedback("Merci pour cette belle journée, les tuteurs étaient formidables.")).toEqual({
      comment: "Merci pour cette belle journée, les tuteurs étaient formidables.",
    });
  });

  it("leaves « 4,5 » empty and flags it: half a point, or two marks?", () => {
    const reading = readFeedback("4,5 très bien");
    expect(reading.mark).toBeUndefined();
    expect(reading.comment).toBe("4,5 très bien");
    expect(reading.flag).toBe("note « 4,5 » ambiguë (demi-point ou deux notes ?)");
  });

  it.each([
    ["8/10", "note « 8/10 » sur une autre échelle que 1 à 5"],
    ["6", "note « 6 » hors de l'échelle 1 à 5"],
    ["0 — décevant", "note « 0 » hors de l'échelle 1 à 5"],
    ["3, enfin plutôt 4/5", "plusieurs notes dans la réponse (« 3 », « 4/5 »)"],
  ])("flags « %s » and keeps the text", (reply, flag) => {
    const reading = readFeedback(reply);
    expect(reading).toEqual({ comment: reply, flag });
  });

  it("reads nothing from an empty reply", () => {
    expect(readFeedback("  \n ")).toEqual({ comment: "" });
  });

  it("does not take a number inside a sentence for a mark", () => {
    expect(readFeedback("Les 2 journées étaient denses.")).toEqual({
      comment: "Les 2 journées étaient denses.",
    });
  });
});
