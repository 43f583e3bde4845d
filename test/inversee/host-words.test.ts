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

  it("rewords what the organizer reads after a check, an alert or a preview, agreement included", () => {
    expect(
      inHostWords(
        "Ce tuteur n'a pas répondu : Hélène Giraud (Accueil physique), onglets Tuteurs et Affectations ; Fiche d'accueil à la structure.",
      ),
    ).toBe(
      "Cet hôte n'a pas répondu : Hélène Giraud, onglets Hôtes et Affectations ; Fiche d'accueil à l'hôte.",
    );
    expect(
      inHostWords("Le séminaire est terminé. Prochaine étape : le séminaire commence le 1er juin."),
    ).toBe("L'immersion est terminée. Prochaine étape : l'immersion commence le 1er juin.");
    expect(inHostWords("Réponse tuteur : Confirmé")).toBe("Réponse de l'hôte : Confirmé");
    expect(inHostWords("Ces participants n'ont pas de lieu d'immersion pour chaque créneau")).toBe(
      "Ces participants n'ont pas d'hôte pour chaque créneau",
    );
    expect(
      inHostWords(
        "bloquant : Structure : « Anne Delorme » figure déjà ligne 3 : donnez un nom unique à chaque structure.",
      ),
    ).toBe("bloquant : Hôte : « Anne Delorme » figure déjà ligne 3 : donnez un nom unique à chaque hôte.");
  });
});
