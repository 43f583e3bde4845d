import { describe, expect, it } from "vitest";
import { inHostWords } from "../../functions/local/host-words.js";

describe("the local timeline of a reverse immersion", () => {
  it("speaks of hosts and of the Immersion tab where the seminar speaks of tutors and of Séminaire", () => {
    expect(inHostWords("8 demandes envoyées aux tuteurs.")).toBe("8 demandes envoyées aux hôtes.");
    expect(inHostWords("Le tuteur sollicité après le désistement répond.")).toBe(
      "L'hôte sollicité après le désistement répond.",
    );
    expect(inHostWords("Réponse d'un tuteur : confirme l'accueil.")).toBe(
      "Réponse d'un hôte : confirme l'accueil.",
    );
    expect(inHostWords("choisissez « Envoyer les convocations » (onglet Séminaire, Action).")).toBe(
      "choisissez « Envoyer les convocations » (onglet Immersion, Action).",
    );
    expect(inHostWords("Réponse de Paul Ferrand : confirme l'accueil.")).toBe(
      "Réponse de Paul Ferrand : confirme l'accueil.",
    );
  });
});
