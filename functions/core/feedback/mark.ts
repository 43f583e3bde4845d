/**
 * Reading a reply to the feedback survey (issue 17): a whole mark from 1 to 5 and a comment.
 * Pure. The survey email asks "répondez avec une note de 1 à 5 et, si vous le souhaitez, un
 * commentaire"; people answer `4`, `4/5`, `Note : 4`, `quatre`, `4 - très bien`, or only words.
 *
 * - a mark that leaves no doubt is read: `4`, `4/5`, `4 sur 5`, `Note : 4`, `quatre` at the start;
 * - a mark that could be read two ways is left empty and flagged: `4,5` (four and a half, or "4, 5"),
 *   two different marks, a mark out of another scale (`8/10`) or out of 1-5 (`6`, `0`);
 * - no mark at all leaves it empty, unflagged: the comment is kept in every case.
 */

export interface FeedbackReading {
  /** A whole mark from 1 to 5, or `undefined`. */
  readonly mark?: number;
  /** The reply without the mark when it stood at the start; the whole text otherwise. */
  readonly comment: string;
  /** Why the mark was left empty although the reply seems to give one, in French (for the organizer). */
  readonly flag?: string;
}

const WORDS: Readonly<Record<string, number>> = { un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5 };
const WORD = "(?:une?|deux|trois|quatre|cinq)";
const NUMBER = `(?:\\d{1,3}(?:[.,]\\d{1,2})?|${WORD})`;

/** A mark at the very start of the reply: `4`, `4/5`, `Note : 4,5`, `quatre.` */
const LEADING = new RegExp(
  `^\\s*(?:(?:ma\\s+)?note\\s*:?\\s*)?(${NUMBER})(?:\\s*(?:/|sur)\\s*(\\d{1,3}))?(?=$|[\\s.,;:!)\\-–—])`,
  "i",
);
/** An explicit mark anywhere: `… je mets 4/5 …`, `… note : 4 …`. */
const EXPLICIT = new RegExp(
  `(?:\\bnote\\s*:?\\s*(${NUMBER})(?:\\s*(?:/|sur)\\s*(\\d{1,3}))?\\b)|(?:(?<![\\d.,])(\\d{1,3}(?:[.,]\\d{1,2})?)\\s*(?:/|sur)\\s*(\\d{1,3})\\b)`,
  "gi",
);

interface Candidate {
  readonly value: number;
  readonly raw: string;
  /** The scale when one was written (`/5`, `sur 10`). */
  readonly scale?: number;
}

function toNumber(raw: string): number {
  const word = WORDS[raw.toLowerCase()];
  return word ?? Number(raw.replace(",", "."));
}

function candidate(raw: string, scale: string | undefined): Candidate {
  return { value: toNumber(raw), raw, ...(scale ? { scale: Number(scale) } : {}) };
}

/** Why a candidate cannot be the mark, or `null` when it can. */
function doubt(found: Candidate): string | null {
  if (found.scale !== undefined && found.scale !== 5)
    return `note « ${found.raw}/${found.scale} » sur une autre échelle que 1 à 5`;
  if (!Number.isInteger(found.value)) return `note « ${found.raw} » ambiguë (demi-point ou deux notes ?)`;
  if (found.value < 1 || found.value > 5) return `note « ${found.raw} » hors de l'échelle 1 à 5`;
  return null;
}

/** Reads the mark and the comment of a survey reply (the quoted message already stripped). */
export function readFeedback(answer: string): FeedbackReading {
  const text = answer.replace(/\r\n?/g, "\n").trim();
  if (text === "") return { comment: "" };
  const leading = LEADING.exec(text);
  const found: Candidate[] = [];
  let comment = text;
  if (leading) {
    found.push(candidate(leading[1]!, leading[2]));
    comment = text
      .slice(leading[0].length)
      .replace(/^[\s.,;:!)\-–—]+/, "")
      .trim();
  }
  // Explicit marks further on (`… je mets 4/5`), read in what is left.
  for (const match of comment.matchAll(EXPLICIT)) {
    const raw = match[1] ?? match[3];
    if (raw) found.push(candidate(raw, match[2] ?? match[4]));
  }
  if (!leading && found.length > 0) comment = text;
  if (found.length === 0) return { comment };
  const distinct = [...new Map(found.map((f) => [`${f.value}/${f.scale ?? 5}`, f])).values()];
  if (distinct.length > 1)
    return {
      comment: text,
      flag: `plusieurs notes dans la réponse (${distinct.map((f) => `« ${f.raw}${f.scale ? `/${f.scale}` : ""} »`).join(", ")})`,
    };
  const only = distinct[0]!;
  const problem = doubt(only);
  if (problem) return { comment: leading ? text : comment, flag: problem };
  return { mark: only.value, comment };
}
