/**
 * The reverse immersion's words for what its organizer reads from the seminar's machinery: its
 * tutors are hosts (« hôtes »), its structures are hosts too, its parameters tab is `Immersion`.
 * Pure.
 */
import { HOST_SITUATION } from "./schemas.js";

/** The seminar's word → the reverse immersion's, most specific first (articles agree). */
const REPLACEMENTS: readonly (readonly [RegExp, string])[] = [
  // A deleted `Hôtes` leaves both tabs of the view missing: one problem, said once (`mergeStatus`).
  [/Onglet « (Structures|Tuteurs) » introuvable/g, "Onglet « Hôtes » introuvable"],
  [/\bonglets (Structures|Tuteurs)\b/g, "onglets Hôtes"],
  [/\bonglet (Structures|Tuteurs)\b/g, "onglet Hôtes"],
  // Every host offers the one situation of the view (`view.ts`): naming it tells nothing.
  [new RegExp(` \\(${HOST_SITUATION}\\)`, "g"), ""],
  [/\bles tuteurs des structures possibles\b/g, "les hôtes possibles"],
  [/\bLes seules structures possibles\b/g, "Les seuls hôtes possibles"],
  [/\bRéponse tuteur\b/g, "Réponse de l'hôte"],
  [/\bCe tuteur\b/g, "Cet hôte"],
  [/\bce tuteur\b/g, "cet hôte"],
  [/\bLe tuteur\b/g, "L'hôte"],
  [/\ble tuteur\b/g, "l'hôte"],
  [/\bau tuteur\b/g, "à l'hôte"],
  [/\bdu tuteur\b/g, "de l'hôte"],
  [/\bd'un tuteur\b/g, "d'un hôte"],
  [/\bun tuteur\b/g, "un hôte"],
  [/\bTuteurs\b/g, "Hôtes"],
  [/\btuteurs\b/g, "hôtes"],
  [/\bTuteur\b/g, "Hôte"],
  [/\btuteur\b/g, "hôte"],
  [/\(structure et créneau\)/g, "(hôte et créneau)"],
  [/\bfiches des structures d'accueil\b/g, "fiches des hôtes"],
  [/\bfiches? d'accueil aux structures\b/g, "fiches d'accueil aux hôtes"],
  [/(?<=^|\s)à la structure\b/g, "à l'hôte"],
  [/\bchaque structure\b/g, "chaque hôte"],
  [/\bpas de lieu d'immersion\b/g, "pas d'hôte"],
  // A problem of a `Structures` row of the view, as a `Statut` line writes it.
  [/(^|\n|bloquant : |à vérifier : )Structure : /g, "$1Hôte : "],
  [/\bstructures d'accueil\b/g, "hôtes"],
  [/\bStructure d'accueil\b/g, "Hôte"],
  [/\bLe séminaire est terminé(?!e)/g, "L'immersion est terminée"],
  [/\ble séminaire terminé(?!e)/g, "l'immersion terminée"],
  [/\bLe séminaire\b/g, "L'immersion"],
  [/\ble séminaire\b/g, "l'immersion"],
  [/\bdu séminaire\b/g, "de l'immersion"],
  [/\bau séminaire\b/g, "à l'immersion"],
  [/\bun séminaire\b/g, "une immersion"],
  [/\bonglet Séminaire\b/g, "onglet Immersion"],
];

/**
 * A text the organizer reads (an alert, a `Statut`, a label) with the reverse immersion's words.
 * The messages to visitors, hosts and registrars are written for the reverse immersion where they
 * are rendered (`messages/seminar.ts`), not rewritten here.
 */
export function inReverseWords(text: string): string {
  return REPLACEMENTS.reduce((out, [pattern, words]) => out.replace(pattern, words), text);
}

/**
 * A `Statut` or a list of problems with the reverse immersion's words, each line once: the view's two
 * tabs made of `Hôtes` often say the same thing twice (a missing `Hôtes`, as both `Structures` and
 * `Tuteurs`).
 */
export function inReverseLines(text: string): string {
  return [...new Set(inReverseWords(text).split("\n"))].join("\n");
}

/**
 * The matching levels that tell a reverse immersion nothing: every host is one structure of one
 * type offering one situation to one public (`view.ts`), so these counts only repeat the number
 * of visits. `passerelle match` leaves them out of its printout.
 */
export const SILENT_LEVELS: ReadonlySet<string> = new Set(["sameType", "sameSituation", "publicSpread"]);
