/**
 * The reverse immersion's words for what its organizer reads from the seminar's machinery: its
 * tutors are hosts (« hôtes »), its structures are hosts too, its parameters tab is `Immersion`.
 * Pure.
 */

/** The seminar's word → the reverse immersion's, most specific first (articles agree). */
const REPLACEMENTS: readonly (readonly [RegExp, string])[] = [
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
  [/\bonglet Séminaire\b/g, "onglet Immersion"],
];

/** A text with the reverse immersion's words. */
export function inReverseWords(text: string): string {
  return REPLACEMENTS.reduce((out, [pattern, words]) => out.replace(pattern, words), text);
}

/**
 * The matching levels that tell a reverse immersion nothing: every host is one structure of one
 * type offering one situation to one public (`view.ts`), so these counts only repeat the number
 * of visits. `passerelle match` leaves them out of its printout.
 */
export const SILENT_LEVELS: ReadonlySet<string> = new Set(["sameType", "sameSituation", "publicSpread"]);
