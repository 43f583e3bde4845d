/**
 * Reading a tutor's answer (already stripped of the quote) with the rules of `rules.ts`:
 * a partial or conditional answer, a yes and a no together, or nothing clear is `unclear`; the
 * organizer reads those. A yes or a no needs one phrase that says it on its own.
 */
import type { Decision } from "./message.js";
import { type PartialLabel, REPLY_RULES, type ReplyRule, type Signal } from "./rules.js";

export interface RuleHit {
  readonly rule: string;
  readonly signal: Signal;
  readonly label?: PartialLabel;
  readonly weight: number;
  /** The words as the tutor typed them. */
  readonly words: string;
}

export interface Classification {
  readonly decision: Decision;
  readonly reason: string;
  readonly hits: readonly RuleHit[];
}

/** Lowercase, accents and typographic apostrophes removed, one character for one: indices still point into the original. */
export function foldForRules(text: string): string {
  let folded = "";
  for (const char of text) {
    const plain = char
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[’‘`´]/g, "'")
      .replace(/[\u00a0\u202f\t\r\n]/g, " ");
    // Keep the length of the original (an astral character is two code units, a ligature one).
    folded += plain.length === char.length ? plain : char.length === 1 ? "_" : "__";
  }
  return folded;
}

export function classifyAnswer(answer: string, rules: readonly ReplyRule[] = REPLY_RULES): Classification {
  if (answer.trim() === "") return { decision: "unclear", reason: "réponse vide", hits: [] };
  let working = foldForRules(answer);
  const hits: RuleHit[] = [];
  for (const rule of rules) {
    for (const match of working.matchAll(rule.pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      hits.push({
        rule: rule.id,
        signal: rule.signal,
        ...(rule.label ? { label: rule.label } : {}),
        weight: rule.weight,
        words: answer.slice(start, end).replace(/\s+/g, " ").trim(),
      });
    }
    // Take the words out so a later, plainer rule cannot read them again.
    working = working.replace(rule.pattern, (found) => " ".repeat(found.length));
  }
  return { ...decide(hits), hits };
}

function decide(hits: readonly RuleHit[]): Omit<Classification, "hits"> {
  const partial = hits.find((hit) => hit.signal === "partial");
  if (partial) {
    const what =
      partial.label === "condition"
        ? "réponse sous condition"
        : partial.label === "incertitude"
          ? "réponse incertaine"
          : `réponse partielle (${partial.label ?? "en partie"})`;
    return { decision: "unclear", reason: `${what} : ${quoted(partial)}` };
  }
  const strongest = (signal: Signal) => hits.find((hit) => hit.signal === signal && hit.weight >= 2);
  const yes = strongest("confirm");
  const no = strongest("decline");
  if (yes && no)
    return { decision: "unclear", reason: `réponse contradictoire : ${quoted(yes)} et ${quoted(no)}` };
  if (yes) return { decision: "confirm", reason: `confirmation : ${quoted(yes)}` };
  if (no) return { decision: "decline", reason: `refus : ${quoted(no)}` };
  const leaning = hits[0];
  return {
    decision: "unclear",
    reason: leaning ? `aucune réponse nette (seulement ${quoted(leaning)})` : "aucune réponse reconnue",
  };
}

function quoted(hit: RuleHit): string {
  const words = hit.words.length > 60 ? `${hit.words.slice(0, 59)}…` : hit.words;
  return `« ${words} »`;
}
