import { describe, expect, it } from "vitest";
import { seminarWords } from "./seminar-words.js";

describe("the seminar words a reverse immersion must not show", () => {
  it("finds the tutor, the seminar, the structure and the view's one situation, in any case", () => {
    const said =
      "Votre tuteur ou tutrice, le Séminaire, la structure d'accueil, 2 TUTEURS, Situation : Accueil physique";
    expect(seminarWords(said)).toHaveLength(6);
  });

  it("leaves the reverse immersion's own words alone", () => {
    expect(seminarWords("Votre hôte : Sylvie Aubert, Préfecture du Rhône. L'immersion inversée.")).toEqual(
      [],
    );
  });
});
