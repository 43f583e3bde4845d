/**
 * The seminar's words that must not reach the people of a reverse immersion: its hosts are not
 * tutors, its visitors are not in a structure, the event is not a seminar, and the one situation
 * every host is given for the matching (`Accueil physique`) means nothing to them.
 */
const SEMINAR_WORDS =
  /\b(tuteurs?|tutrices?|séminaires?|structures?(?: d'accueil)?|accueil physique)(?![\wàâäéèêëîïôöùûüç])/gi;

/** Each seminar word in `text`, with a little of its context, in order. */
export function seminarWords(text: string): string[] {
  return [...text.matchAll(SEMINAR_WORDS)].map((match) =>
    text.slice(Math.max(0, match.index - 40), match.index + match[0].length + 20).replace(/\s+/g, " "),
  );
}
