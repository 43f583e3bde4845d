/**
 * Signs, in the words of a message, that no person typed it: an out-of-office made by a mailbox
 * rule (no `Auto-Submitted`, a plain `RE:` subject, only its text says the person is away), a
 * mail server's report pasted into the body (SMTP replies and RFC 3463 status codes, RFC 3464
 * fields), a read receipt written as text, a mailing list's loop alert.
 * Pure; the patterns run on the text folded by `foldForRules` (lowercase, no accents, one character
 * for one), so the words quoted back are the sender's.
 */
import { foldForRules } from "./classify.js";

export interface TextSign {
  readonly kind: "out-of-office" | "smtp-failure" | "smtp-delay" | "read-receipt" | "list-loop";
  /** The words found, as written. */
  readonly words: string;
}

const OUT_OF_OFFICE: readonly RegExp[] = [
  // French: « absente du bureau », « n'aurai pas accès à ma messagerie », « pendant mon absence »...
  /absente?s? (du|de mon|de notre) (bureau|service|poste)|(hors|en dehors) du bureau/,
  // « Je suis en arrêt jusqu'à fin mars. Désolée ! » is a person's no: a rule's message says « actuellement », or that mail waits.
  /(je suis|nous sommes) (actuellement|en ce moment|aujourd'hui) (absente?s?|en (conges?|vacances|deplacement|formation|mission|arret))/,
  /(je suis|nous sommes) (absente?s?|en (conges?|vacances|deplacement|formation|mission|arret( maladie)?))[^.!?]{0,60},? et (ne (pourrai|pourrons|serai|serons) (donc )?(pas|plus) (en mesure de )?(vous )?(repondre|lire|consulter|traiter|prendre connaissance|relever)|n'aurai pas acces|ne (lirai|consulterai|traiterai|repondrai)|je (lirai|traiterai|repondrai))/,
  /(n'aurai|n'ai|je n'aurai|je n'ai|sans|avec un) (pas |que peu |aucun |qu'un )?(d'|un )?acces( limite| restreint| reduit| ponctuel| intermittent)? a (ma|mes|la|mon|vos) (messagerie|boite|mails?|e-?mails?|courriels?|ordinateur|poste)/,
  /acces (limite|restreint|reduit|ponctuel|intermittent) a (ma|mes|la) (messagerie|mails?|e-?mails?|courriels?)/,
  /(pendant|durant|lors de|en) (la duree de )?(mon|ma) (absence|conge|periode de conges)/,
  /(a|des|lors de) mon retour|je serai de retour (le|au|a partir|lundi|mardi|mercredi|jeudi|vendredi)|de retour (au bureau )?le \d/,
  /pour toute (urgence|demande urgente|question urgente|affaire urgente)|en cas d'urgence/,
  /je prendrai connaissance de (votre|vos|ce|ces) (message|mail|courriel|demande)s?/,
  /(votre|vos) (message|mail|courriel)s? (ne sera|ne seront|n'est|ne sont) pas (lus?|transferes?|traites?)/,
  /(ce|le present) (message|courriel|mail) (est|a ete) (genere|envoye|emis) automatiquement|(message|reponse) automatique/,
  // English: « out of the office », « limited access to email », « upon my return »...
  /out of (the )?office|away from (the |my )?(office|desk)/,
  /(i am|i'm|we are|we're) (currently |now )?(out|away|off|on (annual |parental |maternity |paternity |sick )?leave|on vacation|on holiday|travell?ing)( of the office| from the office)?,? (until|till|through|returning|and will (be|return|respond|reply|get)|with (limited|no) access)/,
  /(i am|i'm|we are|we're) currently (out|away|off|on (annual |parental |maternity |paternity |sick )?leave|on vacation|on holiday)/,
  /(limited|no|without|intermittent) access to (my )?(e-?mails?|mail|inbox|messages)/,
  /(during|in) my absence/,
  /(upon|on|after) my return|when i (return|get back|am back)|i will (be back|return) (on|in|to the office)|i'?ll (be back|return) (on|in|to the office)/,
  /for (anything |any )?urgent( (matters?|issues?|requests?|enquiries|inquiries|queries))?|in case of (an )?(urgency|emergency)|if (this|your (request|matter)) is urgent/,
  /this is an (automated|automatic|auto-generated) (reply|response|message)|automatic reply/,
];

const FAILURE: readonly RegExp[] = [
  /(?<!\d)5\d\d[ -]#?5\.\d{1,3}\.\d{1,3}(?!\d)/,
  /(?<!\d)(550|551|552|553|554)(?!\d)[^\n]{0,100}(user|mailbox|recipient|address|unknown|not found|no such|rejected|denied|unavailable|inexistant|introuvable|inconnu)/,
  /^\s*(diagnostic-code|final-recipient|remote-mta|reporting-mta)\s*:/m,
  /(said|replied|answered)\s*:\s*5\d\d|smtp;\s*5\d\d|smtp error/,
  /this is the mail system at host|qmail-send program|i'?m afraid i wasn'?t able to deliver|delivery to the following recipients? (has )?failed|(message|mail) (could not|couldn'?t|wasn'?t|was not) (be )?delivered|permanent (error|failure|fatal)|undeliverable|user unknown|no such user|unknown user|mailbox (unavailable|full|not found|does not exist|is full)|address not found|recipient address rejected|failure notice/,
  /n'a pas pu etre (remis|distribue|delivre|achemine)|(la )?(remise|distribution) (a echoue|impossible|en echec)|destinataire (inconnu|introuvable|inexistant)|adresse (introuvable|inexistante|inconnue)|boite (aux lettres )?(pleine|inexistante|introuvable)/,
];
const DELAY: readonly RegExp[] = [
  /(?<!\d)4\d\d[ -]#?4\.\d{1,3}\.\d{1,3}(?!\d)/,
  /(delivery|remise|distribution) (has been |a ete |est )?(delayed|differee|retardee|en attente)|will (continue|keep) (trying|to try|retrying)|(still|continues?) (trying|retrying)|has not (yet )?been delivered|n'a pas encore (ete|pu etre) (remis|distribue|delivre)|nouvelles? tentatives?|will (be )?retr(y|ied)|warning only|warning: (message|could not send)|(ceci|ce message) (n')?est (seulement |uniquement |qu')?un avertissement/,
];
// « Votre message … a été lu le mardi 2 mars 2027 10:20 »: a date follows, a person's « votre message a été lu » has none.
const READ_RECEIPT =
  /(votre message|your message)[\s\S]{0,400}?(a ete lu|was read|a ete affiche|was displayed) (le|on) [^\n]{0,40}\d/;
const NOT_READ =
  /(votre message|your message)[\s\S]{0,400}?(a ete supprime sans avoir ete lu|was deleted without being read)/;
const LIST_LOOP =
  /(mail|message|e-?mail)s? loop|loop (detected|alert)|boucle (de messagerie|detectee|de distribution)|(mailing[- ]list|liste de diffusion)[^\n]{0,40}boucle|too many hops|hop count exceeded|nombre de sauts/;

function found(folded: string, original: string, pattern: RegExp): string | null {
  const match = pattern.exec(folded);
  if (!match) return null;
  return original
    .slice(match.index, match.index + match[0].length)
    .replace(/\s+/g, " ")
    .trim();
}

/** The first sign, in a person-looking answer, that it is an out-of-office; `null` when none. */
export function outOfOfficeSign(answer: string): TextSign | null {
  const folded = foldForRules(answer);
  for (const pattern of OUT_OF_OFFICE) {
    const words = found(folded, answer, pattern);
    if (words !== null) return { kind: "out-of-office", words };
  }
  return null;
}

/**
 * A mail server's report, a read receipt or a loop alert written in the text of a message (read on
 * its first 8,000 characters); `null` when the text has none of them. A failure wins over a delay.
 */
export function serverTextSign(text: string): TextSign | null {
  const original = text.slice(0, 8_000);
  // Keep line breaks: the RFC 3464 fields are recognised at the start of a line.
  const folded = foldForRules(original.replace(/\r\n?/g, "\n").replace(/\n/g, "\u0001")).replace(
    /\u0001/g,
    "\n",
  );
  const loop = found(folded, original, LIST_LOOP);
  if (loop !== null) return { kind: "list-loop", words: loop };
  for (const pattern of FAILURE) {
    const words = found(folded, original, pattern);
    if (words !== null) {
      const delayed = DELAY.map((delay) => found(folded, original, delay)).find((hit) => hit !== null);
      // A warning that quotes the failure it may end in is still a delay.
      if (delayed && !/permanent|fatal|gave up|abandon|(?<!\d)5\.\d{1,3}\.\d{1,3}(?!\d)/.test(folded))
        return { kind: "smtp-delay", words: delayed };
      return { kind: "smtp-failure", words };
    }
  }
  for (const pattern of DELAY) {
    const words = found(folded, original, pattern);
    if (
      words !== null &&
      /(?<!\d)4\d\d(?!\d)|4\.\d{1,3}\.\d{1,3}|smtp|mta|serveur|server|host|hote/.test(folded)
    )
      return { kind: "smtp-delay", words };
  }
  const unread = found(folded, original, NOT_READ);
  if (unread !== null) return { kind: "read-receipt", words: unread };
  const read = found(folded, original, READ_RECEIPT);
  if (read !== null) return { kind: "read-receipt", words: read };
  return null;
}
