/**
 * The local timeline's lines for a reverse immersion: its tutors are hosts (« hôtes ») and its
 * parameters tab is `Immersion`. The timeline speaks the seminar's words; this rewords a line.
 */
const REPLACEMENTS: readonly (readonly [RegExp, string])[] = [
  [/\bLe tuteur\b/g, "L'hôte"],
  [/\bd'un tuteur\b/g, "d'un hôte"],
  [/\btuteurs\b/g, "hôtes"],
  [/\btuteur\b/g, "hôte"],
  [/\bonglet Séminaire\b/g, "onglet Immersion"],
];

/** A timeline line with the reverse immersion's words. */
export function inHostWords(line: string): string {
  return REPLACEMENTS.reduce((text, [pattern, words]) => text.replace(pattern, words), line);
}
