/**
 * Keeping only what the tutor typed: the quoted request, the client's attribution line, the phone
 * client's footer and the signature go. Markers are recognised by their structure, in the usual
 * languages of mail clients:
 * - an attribution: a line (or up to three wrapped lines) that opens with a date or names an
 *   address and ends with the client's verb (« a écrit : », « wrote: », « schrieb: », « escribió: »,
 *   « ha scritto: », « schreef: »...); words typed before it on the same line are kept;
 * - a header block: a `From`-like line followed by at least two more header lines (`De :`,
 *   `Envoyé :`, `À :`, `Objet :`; `From:`, `Sent:`, `To:`, `Subject:`; `Von:`, `Gesendet:`, `An:`,
 *   `Betreff:`; `De:`, `Enviado:`, `Para:`, `Asunto:`; `Da:`, `Inviato:`, `A:`, `Oggetto:`; `Van:`,
 *   `Verzonden:`, `Aan:`, `Onderwerp:`), or all of them on one line (HTML turned into text);
 * - a separator: a few words between runs of dashes (`-----Original Message-----`,
 *   `----- Mail original -----`, `---- On ... wrote ----`), or Outlook's line of underscores. A line
 *   of dashes alone is the tutor's own and cuts nothing.
 * A quote or a header block with nothing typed above it (only « Bonjour, ») leaves an empty answer:
 * the quoted request is never read as the answer. Only an attribution followed by `>` lines may
 * come first (bottom-posting): the answer is then read below the quote.
 *
 * A general reply parser (`email-reply-parser` 2.3.9, built on a large volume of real mail) was
 * tried on the tables of `test/fixtures/replies/kinds/`: it kept header blocks in bold or on one
 * line, Zimbra's and forwarding separators and the quote under a bare « Bonjour, », and dropped
 * words typed on an attribution's line (28 of 39 texts right, against 39 for these rules); it also
 * needs Node 22. These rules are kept alone.
 */

export interface StripRule {
  readonly name: "attribution" | "header-block" | "separator" | "signature" | "phone-footer" | "closing";
  /** Tested on a line, trimmed. */
  readonly pattern: RegExp;
}

const WRITE_VERBS = String.raw`(a\s+[ée]crit|wrote|escribi[óo]|ha\s+scritto|scrisse|heeft\s+geschreven|escreveu|napisa[łl]|kirjoitti)`;
/** Verbs placed before the name (« Am 1. März 2027 schrieb Séminaire <s@x.org>: »). */
const WRITE_VERBS_FIRST = String.raw`(schrieb|skrev|schreef)`;
/** Words that open an attribution: « Le », « On », « Am », « El », « Il », « Op », « Em », « Den ». */
const OPENERS = String.raw`(le|on|am|el|il|op|em|den|w dniu)`;
/** Header names of mail clients, by role. */
const FROM_NAMES = String.raw`de|from|von|da|van|exp[ée]diteur|remitente|afzender|absender`;
const OTHER_NAMES = String.raw`envoy[ée](\s+le)?|sent|date|datum|fecha|data|gesendet|enviado|inviato|verzonden|[àa]|to|an|para|aan|pour|destinataire|cc|cci|bcc|objet|subject|sujet|betreff|asunto|oggetto|onderwerp|r[ée]pondre\s+[àa]|reply-to|importance|priorit[ée]`;
const HEADER_LINE = new RegExp(String.raw`^\*{0,2}(${FROM_NAMES}|${OTHER_NAMES})\s*:\*{0,2}(\s|$)`, "i");
const FROM_LINE = new RegExp(
  String.raw`^\*{0,2}(${FROM_NAMES}|envoy[ée](\s+le)?|sent|date|datum|fecha|data|gesendet|enviado|inviato|verzonden)\s*:\*{0,2}\s*\S`,
  "i",
);
const HEADER_NAMES_INLINE = new RegExp(
  String.raw`(^|\s)\*{0,2}(${FROM_NAMES}|${OTHER_NAMES})\s*:\*{0,2}\s`,
  "gi",
);

/** An attribution, from its opening word (or an address, or a date) to the verb at the end of the line. */
const OPENED_ATTRIBUTION = new RegExp(
  String.raw`^(${OPENERS}\s.{0,300}?\d.{0,300}?${WRITE_VERBS}\s*:?|${OPENERS}\s.{4,300}?${WRITE_VERBS}\s*:|${OPENERS}\s.{0,300}?${WRITE_VERBS_FIRST}(\s.{0,160})?:)\s*$`,
  "i",
);
/** « Marie Dupont <m@x.fr> a écrit : », « 01/03/2027 10:12, Séminaire wrote: »: a whole line. */
const NAMED_ATTRIBUTION = new RegExp(
  String.raw`^\S.{0,150}?(@|\d).{0,150}?(${WRITE_VERBS}|${WRITE_VERBS_FIRST})\s*:\s*$`,
  "i",
);
/** Where an attribution may open: a capitalised opener (« AM » of a time is not German's « Am »). */
const OPENER_AT = /(^|\s)(Le|LE|On|Am|El|Il|Op|Em|Den|W dniu)\s/g;
const ENDS_TYPED = /[.!?,;:)]$|\p{Extended_Pictographic}$/u;

/** The words typed before an attribution filling the rest of this text; `null` when there is none. */
function typedBeforeAttribution(text: string): string | null {
  const starts = [...text.matchAll(OPENER_AT)].map((match) => match.index + match[1]!.length);
  const matching = starts.filter((start) => OPENED_ATTRIBUTION.test(text.slice(start)));
  // The first whose words before end a sentence; else the first (« Oui avec plaisir On Mon, … wrote: »).
  const start = matching.find((at) => at === 0 || ENDS_TYPED.test(text.slice(0, at).trim())) ?? matching[0];
  if (start !== undefined) return text.slice(0, start).trim();
  return NAMED_ATTRIBUTION.test(text) ? "" : null;
}

/** A few words between runs of dashes (or equals signs): a client's separator. */
const WORDS_BETWEEN_DASHES = /^[-=]{2,}\s*[^-=\s][^-=]{1,120}?\s*[-=]{2,}\s*$/;
/** Single-sided separators of known clients (`-----Original Message`, `Begin forwarded message:`). */
const OPEN_SEPARATOR =
  /^([-=]{3,}\s*(original message|message d'origine|message original|mail original|courriel original|forwarded message|message transf[ée]r[ée]|ursprüngliche nachricht|mensaje original|messaggio originale|oorspronkelijk bericht)|begin forwarded message:|d[ée]but du message r[ée]exp[ée]di[ée]\s*:)/i;

/** Markers after which nothing the tutor typed remains (besides the attribution and header block found by structure). */
export const CUT_RULES: readonly StripRule[] = [
  { name: "separator", pattern: WORDS_BETWEEN_DASHES },
  { name: "separator", pattern: OPEN_SEPARATOR },
  // Outlook's underscores (a line of dashes, typed by the tutor, is not one).
  { name: "separator", pattern: /^_{8,}$/ },
  { name: "signature", pattern: /^--\s?$/ },
  { name: "signature", pattern: /^__\s?$/ },
  {
    name: "phone-footer",
    pattern:
      /^(envoy[ée]|sent|get|obtenir|t[ée]l[ée]charger|gesendet|enviado|inviato|verzonden)\s+(de|depuis|from|[àa] partir d[e']|von|mit|desde|da|vanaf|met)?\s*(mon|my|mein(em)?|mi|il mio|mijn|l'application|outlook|yahoo|gmail)?\s*(iphone|ipad|android|samsung|galaxy|smartphone|mobile|appareil|device|outlook|bluemail|yahoo|t[ée]l[ée]phone|blackberry|handy)/i,
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

interface Cut {
  readonly name: StripRule["name"];
  /** What the tutor typed on the cut line before the marker. */
  readonly before: string;
}

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
    if (cut === null) {
      kept.push(line);
      continue;
    }
    if (cut.name === "closing") {
      // "Merci," before the answer is not a sign-off; after it, what follows is a signature.
      kept.push(line);
      if (kept.some((previous) => hasContent(previous) && !CLOSING.test(previous.trim()))) break;
      continue;
    }
    if (cut.before !== "") kept.push(cut.before);
    // Bottom-posting: an attribution and `>` lines first, the answer after the quote.
    if (cut.name === "attribution" && !kept.some(hasContent) && quoteFollows(lines, index)) continue;
    break;
  }
  // A greeting alone above the quote is not an answer: nothing was typed.
  if (!kept.some(hasContent)) return "";
  return kept
    .map((line) => line.replace(/\s+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const CLOSING = CUT_RULES.find((rule) => rule.name === "closing")!.pattern;

const GREETING_WORD =
  /^(bonjour|bonsoir|hello|hi|dear|madame|monsieur|ch[eè]re?s?|salut|coucou|guten tag|hola|buongiorno|goedendag)(?![\p{L}])/iu;
const GREETED =
  /^(\p{Lu}[\p{L}.'-]*|madame|monsieur|mme|mr|m\.|[àa]|tous|toutes|all|everyone|tout|le|monde)$/u;

/** « Bonjour, », « Bonjour Madame Roux, », « Hi all, »: a greeting and names only, never « Bonjour je confirme ». */
function isGreeting(line: string): boolean {
  const greeting = GREETING_WORD.exec(line);
  if (!greeting) return false;
  const rest = line
    .slice(greeting[0].length)
    .replace(/[,!.]\s*$/, "")
    .trim();
  const words = rest === "" ? [] : rest.split(/\s+/);
  return words.length <= 3 && words.every((word) => GREETED.test(word));
}

function hasContent(line: string): boolean {
  const trimmed = line.trim();
  return trimmed !== "" && !isGreeting(trimmed);
}

function quoteFollows(lines: readonly string[], index: number): boolean {
  for (let next = index + 1; next < Math.min(lines.length, index + 6); next++) {
    const line = lines[next]!.trim();
    if (line === "") continue;
    if (QUOTE_LINE.test(line)) return true;
    // A wrapped attribution's second line.
    if (next <= index + 2 && typedBeforeAttribution(`${lines[index]!.trim()} ${line}`) !== null) continue;
    return false;
  }
  return false;
}

/** What cuts the message at this line, if anything. */
function cutAt(lines: readonly string[], index: number): Cut | null {
  const raw = lines[index]!;
  const line = raw.trim();
  if (line === "") return null;
  const attribution = attributionAt(lines, index);
  if (attribution !== null) return { name: "attribution", before: attribution };
  if (headerBlockAt(lines, index)) return { name: "header-block", before: "" };
  for (const rule of CUT_RULES) {
    if (rule.name === "signature" ? rule.pattern.test(raw) : rule.pattern.test(line))
      return { name: rule.name, before: "" };
  }
  return null;
}

/**
 * Where an attribution starts on this line (alone, or wrapped over the next two lines): the words
 * typed before it, `""` when it fills the line, `null` when there is none.
 */
function attributionAt(lines: readonly string[], index: number): string | null {
  const first = lines[index]!.trim()
    .replace(/^[-=]{2,}\s*/, "")
    .replace(/\s*[-=]{2,}$/, "");
  const candidates = [first];
  // A client wraps a long attribution; an answer that ends a sentence is never joined to it.
  if (!/[.!?]$/.test(first)) {
    let joined = first;
    for (let next = index + 1; next < Math.min(lines.length, index + 3); next++) {
      const part = lines[next]!.trim()
        .replace(/^>\s?/, "")
        .replace(/\s*[-=]{2,}$/, "");
      if (part === "" || HEADER_LINE.test(part)) break;
      joined = `${joined} ${part}`;
      candidates.push(joined);
    }
  }
  for (const candidate of candidates) {
    const before = typedBeforeAttribution(candidate);
    // The attribution must start on this line, not on a line joined to it.
    if (before !== null && before.length < first.length) return before;
  }
  return null;
}

/** Whether a header block (From and at least two more header lines, or all on one line) starts here. */
function headerBlockAt(lines: readonly string[], index: number): boolean {
  const line = lines[index]!.trim();
  if (!FROM_LINE.test(line)) return false;
  if ((line.match(HEADER_NAMES_INLINE)?.length ?? 0) >= 3) return true;
  let headers = 1;
  let seen = 0;
  for (let next = index + 1; next < lines.length && seen < 6; next++) {
    const part = lines[next]!.trim();
    if (part === "") continue;
    seen++;
    if (HEADER_LINE.test(part)) headers++;
    if (headers >= 3) return true;
  }
  return false;
}
