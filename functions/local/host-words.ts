/**
 * The local timeline's lines for a reverse immersion: its tutors are hosts (« hôtes ») and its
 * parameters tab is `Immersion` (`core/inversee/words.ts`). The timeline speaks the seminar's
 * words; this rewords a line.
 */
import { inReverseWords } from "../core/inversee/words.js";

/** A timeline line with the reverse immersion's words. */
export function inHostWords(line: string): string {
  return inReverseWords(line);
}
