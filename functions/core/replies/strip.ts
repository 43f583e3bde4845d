/**
 * Keeping only what the tutor typed: the quoted request, the client's attribution line, the phone
 * client's footer and the signature go. Each marker is a rule below; the first one found cuts the
 * rest of the message (`cut`), a `>` line is dropped where it stands (an answer may sit between
 * quotes).
 */

export interface StripRule {
  readonly name: string;
  /** Tested on a line, trimmed, and on up to `span` lines joined by a space (a wrapped attribution). */
  readonly pattern: RegExp;
  readonly span?: number;
}

const ATTRIBUTION_WRITE = String.raw`(a\s+[ée]crit|wrote|schrieb|escribi[óo])\s*:?\s*$`;

/** Markers after which nothing the tutor typed remains. Order does not matter: the earliest line wins. */
export const CUT_RULES: readonly StripRule[] = [
  // Gmail, Apple Mail, Thunderbird: "Le lun. 1 mars 2027 à 10:12, Marie <m@x.fr> a écrit :" (wrapped or not).
  {
    name: "attribution",
    pattern: new RegExp(String.raw`^(le|on)\s.{4,300}?${ATTRIBUTION_WRITE}`, "i"),
    span: 3,
  },
  // Older Thunderbird and some webmails: "Marie Dupont a écrit :", "marie@x.fr wrote:".
  { name: "attribution", pattern: new RegExp(String.raw`^.{0,120}(@|\d).{0,120}${ATTRIBUTION_WRITE}`, "i") },
  // Outlook and webmails: a header block "De : … / Envoyé : …" or "From: … / Sent: …".
  {
    name: "header-block",
    pattern:
      /^\*?(de|from|exp[ée]diteur)\s*:\*?\s.*\s\*?(envoy[ée]|sent|date|[àa]|to|objet|subject|pour)\s*:\*?\s/i,
    span: 4,
  },
  {
    name: "separator",
    pattern:
      /^-{2,}\s*(original message|message d'origine|message original|forwarded message|message transf[ée]r[ée]|courriel original)\s*-{2,}/i,
  },
  // Outlook's underscores, and the horizontal rule of a webmail's HTML once turned into text.
  { name: "separator", pattern: /^(_{8,}|-{20,})$/ },
  { name: "signature", pattern: /^--\s?$/ },
  { name: "signature", pattern: /^__\s?$/ },
  {
    name: "phone-footer",
    pattern:
      /^(envoy[ée]|sent|get|obtenir|t[ée]l[ée]charger)\s+(de|depuis|from|[àa] partir d[e'])?\s*(mon|my|l'application|outlook|yahoo|gmail)?\s*(iphone|ipad|android|samsung|galaxy|smartphone|mobile|appareil|device|outlook|bluemail|yahoo|t[ée]l[ée]phone|blackberry)/i,
  },
  {
    name: "phone-footer",
    pattern: /^(get|obtenir|t[ée]l[ée]charger)\s+outlook\s+(pour|for)\s+(ios|android)/i,
  },
  // A closing formula alone on its line: what follows is a signature.
  {
    name: "closing",
    pattern:
      /^(bien\s+)?(cordialement|sinc[eè]rement|amicalement|bien [àa] (vous|toi)|bien des choses|belle journ[ée]e|bonne journ[ée]e|bonne soir[ée]e|best( regards)?|kind regards|regards|cheers|thanks|thank you|merci( beaucoup| bien)?|bisous|bises|salutations distingu[ée]es|tr[eè]s cordialement|respectueusement)[\s,.!]*$/i,
  },
];

const QUOTE_LINE = /^\s*>/;

/** The answer alone: every quote, attribution, footer and signature removed, blank runs folded. */
export function stripReply(text: string): string {
  const lines = text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u00a0\u202f]/g, " ")
    .replace(/\u200b|\u200c|\u2060|\ufeff/g, "")
    .split("\n");
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (QUOTE_LINE.test(line)) continue;
    const cut = cutAt(lines, index);
    if (cut === "closing") {
      // "Merci," before the answer is not a sign-off; after it, what follows is a signature.
      kept.push(line);
      if (kept.some((previous) => hasContent(previous) && !CLOSING.test(previous.trim()))) break;
      continue;
    }
    if (cut !== null) {
      // Bottom-posting: the attribution comes first and the answer after the quote.
      if (!kept.some(hasContent)) continue;
      break;
    }
    kept.push(line);
  }
  return kept
    .map((line) => line.replace(/\s+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const CLOSING = CUT_RULES.find((rule) => rule.name === "closing")!.pattern;

const GREETING = /^(bonjour|bonsoir|hello|hi|dear|madame|monsieur|ch[eè]re?|salut|coucou)\b/i;

function hasContent(line: string): boolean {
  const trimmed = line.trim();
  return trimmed !== "" && !GREETING.test(trimmed);
}

/** The rule that cuts the message at this line, if any. */
function cutAt(lines: readonly string[], index: number): string | null {
  const line = lines[index]!.trim();
  if (line === "") return null;
  for (const rule of CUT_RULES) {
    const span = rule.span ?? 1;
    if (rule.name === "signature" ? rule.pattern.test(lines[index]!) : rule.pattern.test(line))
      return rule.name;
    if (span > 1) {
      const joined = wrappedLine(lines, index, span);
      if (joined !== null && rule.pattern.test(joined)) return rule.name;
    }
  }
  return null;
}

/**
 * A line and the next ones a client wrapped it onto, joined; `null` when the line ends a sentence.
 * Joining stops at a blank line and at a line that starts an attribution or a header of its own, so
 * an answer ("Le matin non.") is never read together with the attribution under it.
 */
function wrappedLine(lines: readonly string[], index: number, span: number): string | null {
  const first = lines[index]!.trim();
  if (/[.!?]$/.test(first)) return null;
  const parts = [first];
  for (let next = index + 1; next < Math.min(lines.length, index + span); next++) {
    const part = lines[next]!.trim().replace(/^>\s?/, "");
    if (part === "" || /^(le|on|de|from)\s/i.test(part)) break;
    parts.push(part);
  }
  return parts.length > 1 ? parts.join(" ") : null;
}
