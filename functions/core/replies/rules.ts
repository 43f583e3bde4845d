/**
 * The phrases a tutor's answer is read by, French and English. Rules are tried in the order of this
 * table, on the answer lowercased and without accents (`é` is `e`, `’` is `'`); the words a rule
 * matches are taken out before the next rules run, so an idiom is read before its parts
 * ("pas de problème" is a yes before "pas" or "problème" can mean anything).
 *
 * `signal` is what the phrase says:
 * - `confirm` / `decline`, with a `weight`: 2 is an answer on its own ("je confirme", "impossible"),
 *   1 only leans ("merci", "désolé") and never decides alone;
 * - `partial`: the tutor answers for part of it or on a condition; the organizer has to read it.
 *
 * To extend: add a row where it belongs (idioms and negations before plain words), then a message to
 * the corpus in `test/fixtures/replies/` that needs it.
 */

export type Signal = "confirm" | "decline" | "partial";

export interface ReplyRule {
  readonly id: string;
  readonly signal: Signal;
  readonly weight: 1 | 2;
  readonly pattern: RegExp;
  /** For a `partial` rule: what the answer is limited to, in French (« créneau », « condition »...). */
  readonly label?: PartialLabel;
}

/** What a partial answer bears on; the organizer reads it in the reason. */
export type PartialLabel =
  | "créneau"
  | "jour"
  | "nombre de participants"
  | "remplaçant"
  | "condition"
  | "incertitude"
  | "autre date";

/** Word boundaries that work on accent-free text with apostrophes. */
const B = String.raw`(?<![a-z0-9])`;
const E = String.raw`(?![a-z0-9])`;
const SLOT = String.raw`(le |la |l'|en |dans l'|pour le |pour la |pour l'|the |in the )?(matin(ee)?|apres[- ]?midi|demi[- ]journee|morning|afternoon|midi)`;
const DAY = String.raw`(le |la |pour le |pour la |on )?(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|(premier|second|deuxieme|premiere|seconde)( jour(nee)?)?|jour (1|2|un|deux)|day (1|2|one|two)|(first|second) day|monday|tuesday|wednesday|thursday|friday|\d{1,2}(er)?(?! ?(h|heures?|:|\d|personnes?|participants?)))`;
const WHEN = String.raw`(${SLOT}|${DAY})`;
const NUMBER = String.raw`(un|une|deux|trois|quatre|cinq|six|[1-6]|one|two|three|four)`;
const PEOPLE = String.raw`(personnes?|participante?s?|stagiaires?|immerge(e)?s?|visiteurs?|decideurs?|people|participants?|persons?)`;
const CONTRAST = String.raw`(mais|par contre|en revanche|cependant|toutefois|et pas|et non|but|however|whereas|[,;:])`;
const HOUR = String.raw`\d{1,2}\s?(h|heures?|:)\s?\d{0,2}|midi|noon|\d{1,2}\s?(am|pm)`;
const STAND_IN = String.raw`(ma|mon|une|un|notre|my|a) (collegue|adjointe?|binome|remplacante?|responsable|cheffe?|directrice|directeur|superieure?|suppleante?|cadre|colleague|deputy|manager)`;

function rule(id: string, signal: Signal, weight: 1 | 2, source: string, label?: PartialLabel): ReplyRule {
  return {
    id,
    signal,
    weight,
    pattern: new RegExp(`${B}(?:${source})${E}`, "g"),
    ...(label ? { label } : {}),
  };
}

export const REPLY_RULES: readonly ReplyRule[] = [
  // --- Part of it, or on a condition: the organizer reads it.
  rule(
    "slot-yes-no",
    "partial",
    2,
    String.raw`${SLOT}\s*[,:]?\s*(oui|non|ok|yes|no|ca marche|c'est bon|impossible|pas possible)\s*[,;.]?\s*(mais|par contre|en revanche|but|et)\s*(pour\s+)?${SLOT}`,
    "créneau",
  ),
  // Two moments set against each other: « pas de souci pour le matin, par contre l'après-midi… ».
  rule(
    "slot-contrast",
    "partial",
    2,
    String.raw`${SLOT}[^.!?]{0,80}?${CONTRAST}[^.!?]{0,60}?${SLOT}`,
    "créneau",
  ),
  rule("day-contrast", "partial", 2, String.raw`${DAY}[^.!?]{0,80}?${CONTRAST}[^.!?]{0,60}?${DAY}`, "jour"),
  rule(
    "slot-only",
    "partial",
    2,
    String.raw`(seulement|uniquement|juste|only|just)\s+([a-z']+\s+){0,2}${SLOT}`,
    "créneau",
  ),
  rule("day-only", "partial", 2, String.raw`(seulement|uniquement|only)\s+([a-z']+\s+){0,2}${DAY}`, "jour"),
  rule("slot-only-after", "partial", 2, String.raw`${WHEN}\s+(seulement|uniquement|only)`, "créneau"),
  rule(
    "slot-except",
    "partial",
    2,
    String.raw`(sauf|excepte|hormis|except|but not|mais pas)\s+${WHEN}`,
    "créneau",
  ),
  rule("slot-not", "partial", 2, String.raw`(pas|non|not)\s+(pour\s+)?${SLOT}`, "créneau"),
  rule("slot-ne-que", "partial", 2, String.raw`n('|e )[a-z' ]{0,40}\s+que\s+${WHEN}`, "créneau"),
  rule("half-day", "partial", 2, String.raw`demi[- ]journee|half[- ]day`, "créneau"),
  rule(
    "hours",
    "partial",
    2,
    String.raw`(jusqu'a|a partir de|pas avant|pas apres|until|from|not before|not after)\s+(${HOUR})|(partir|quitter|m'absenter|leave|repartir)[^.!?]{0,25}\s(a|vers|des|at|by|around)\s+(${HOUR})`,
    "créneau",
  ),
  rule(
    "head-count",
    "partial",
    2,
    String.raw`${NUMBER}(\s${PEOPLE})?\s*[,;]?\s*(pas|mais pas|non pas|plutot que|au lieu de|et non|not|rather than|instead of)\s+(pour\s+)?(les\s+|the\s+)?${NUMBER}|(pas plus de|au plus|au maximum|maximum|max\.?|no more than|at most|up to)\s+${NUMBER}|${NUMBER}(\s${PEOPLE})?\s+(maximum|max|au plus|at most|tops)|${NUMBER}(\s${PEOPLE})?\s+sur\s+(les\s+)?${NUMBER}|(accueillir|recevoir|prendre|pour|que|host|take)\s+(un|une|one)\s+seule?|(un|une)\s+seule?\s+${PEOPLE}|only one\s+${PEOPLE}|${PEOPLE}\s*,?\s*pas (davantage|plus)|(pas|sauf|but not)\s+(les|the)\s+(${NUMBER}\s+)?(autres?|others?)`,
    "nombre de participants",
  ),
  rule(
    "stand-in",
    "partial",
    2,
    String.raw`${STAND_IN}[^.!?]{0,40}?\s(accueillera|recevra|prendra le relais|me remplacera|sera (la|presente?)|s'en chargera|s'en occupera|assurera|pourra|les accueillera|les recevra|s'occupera|will (host|welcome|meet|take|be there|cover|stand in))|remplacee? par|me remplacer(a|ont)?|a ma place|en remplacement|prendra le relais|prendre le relais|je delegue|une autre personne|quelqu'un d'autre|un autre agent|someone else|in my place|stand in for me|cover for me`,
    "remplaçant",
  ),
  rule(
    "condition",
    "partial",
    2,
    String.raw`a condition (que?|de|d)|sous reserve|si (c'est|cela est|ca reste) possible de|pourvu que?|tant que?|dans la mesure ou|a moins que?|sauf si|seulement si|uniquement si|provided( that)?|on condition|as long as|only if|unless|(yes|ok|okay|sure|fine),? if`,
    "condition",
  ),
  // A clause opened by « si » is a condition, unless it is an offer (« si besoin », « si vous avez des questions »).
  rule(
    "condition-si",
    "partial",
    2,
    String.raw`(?<!si )(si|s'ils?)\s+(?!(vous avez (besoin|des questions|une question|la moindre|d'autres)|besoin|necessaire|vous le (souhaitez|voulez|desirez)|vous voulez|vous souhaitez|jamais vous|vous plait|te plait|si\b))(le|la|les|je|on|nous|vous|il|elle|ils|elles|c'est|c'etait|ca|cela|ma|mon|mes|notre|nos|votre|vos|leur|leurs|un|une|des|tout|personne|aucun|d'ici|ne|y|[ljn](?='))|(^|[.!?]\s*)if\s+(the|they|we|you can|you could|it|my)`,
    "condition",
  ),
  rule(
    "maybe",
    "partial",
    2,
    String.raw`peut[- ]etre|probablement|je ne sais pas( encore)?|je ne suis pas (encore )?(sur|certain)e?|pas (encore )?certaine?|je vous (le )?(redis|confirme plus tard|tiens au courant)|je reviens vers vous|a confirmer|maybe|perhaps|not sure|i'?ll let you know|get back to you|tbc|to be confirmed`,
    "incertitude",
  ),
  rule(
    "reschedule",
    "partial",
    2,
    String.raw`(un )?autre (date|jour|creneau)|(changer|decaler|deplacer|modifier) (le |la |de )?(creneau|date|horaire|jour)|another (date|day|slot)|reschedule`,
    "autre date",
  ),

  // --- Negated negatives and idioms that mean yes.
  rule(
    "no-problem",
    "confirm",
    2,
    String.raw`(pas|aucun|sans)\s+(de\s+|d')?(souci|soucis|probleme|problemes|difficulte|objection|inconvenient)|ne vois (pas|aucun) (d'inconvenient|de probleme|d'objection|de souci)|no (problem|problemo|worries|objection)|not a problem|no issue`,
  ),
  rule(
    "will-not-miss",
    "confirm",
    2,
    String.raw`je ne manquerai pas|(je n'y manquerai|n'y manquerai) pas|wouldn'?t miss`,
  ),
  rule("why-not", "confirm", 2, String.raw`pourquoi pas|why not`),
  rule("cannot-wait", "confirm", 2, String.raw`can'?t wait|j'ai hate`),
  rule(
    "nothing-prevents",
    "confirm",
    2,
    String.raw`rien ne (m'en |m'|nous )?empeche|je ne suis pas contre|pas contre|not against`,
  ),
  rule(
    "neutral-negation",
    "confirm",
    1,
    String.raw`n'hesitez pas|ne pas hesiter|don'?t hesitate|n'oubliez pas|sans hesiter`,
  ),

  // --- Negated positives and ways of saying no.
  rule(
    "confirm-absence",
    "decline",
    2,
    String.raw`(je (vous )?(le )?confirme|confirmation de)( bien)? (mon absence|mon indisponibilite|que (je|nous) (ne|n'))`,
  ),
  rule(
    "would-have",
    "decline",
    1,
    String.raw`j'aurais (bien |tellement |vraiment )?(aime|voulu|accepte|adore|ete ravie?|ete heureux|ete heureuse)( le faire| venir| vous recevoir| les accueillir)?( avec plaisir| volontiers)?|i would have (loved|liked)( to)?|i'?d have loved to`,
  ),
  rule(
    "mishap",
    "decline",
    2,
    String.raw`j'ai (eu )?(un|une) (contretemps|imprevu|empechement|souci de sante|probleme de sante)`,
  ),
  rule(
    "not-possible",
    "decline",
    2,
    String.raw`(pas|plus|non)\s+(possible|disponible|dispo|libre|present|presente|la)|impossible|indisponible|empeche(e)?`,
  ),
  rule("mishap-word", "decline", 1, String.raw`contretemps|imprevu|empechement`),
  rule(
    "cannot",
    "decline",
    2,
    String.raw`(ne|n')\s*(pourrai|pourrais|peux|pourra|pourrons|serai|serais|suis|sera|serons|vais)\s+(malheureusement\s+|finalement\s+|hélas\s+|helas\s+)?(pas|plus)(\s+(etre|venir|assurer|accueillir|participer|recevoir|honorer|me liberer|y aller|etre present|etre disponible|disponible|present|presente|la|dispo|libre))?`,
  ),
  rule(
    "not-confirm",
    "decline",
    2,
    String.raw`(ne|n')\s*(confirme|peux confirmer|pourrai confirmer)\s+pas|(ne suis )?pas d'accord`,
  ),
  rule(
    "withdraw",
    "decline",
    2,
    String.raw`(je\s+)?(dois|vais devoir|suis oblige(e)? de|me vois (contraint|oblige)e? de)\s+(malheureusement\s+|finalement\s+|helas\s+)?(decliner|annuler|me desister|renoncer|refuser)|je (me desiste|decline|renonce|refuse|annule)|desistement|declin(e|er) (l'invitation|votre (demande|proposition))`,
  ),
  rule(
    "away",
    "decline",
    2,
    String.raw`(je serai|je suis|serai|suis|je vais etre|je pars)\s+(en\s+)?(conge|conges|vacances|arret( maladie| de travail)?|formation|deplacement|mission|absent|absente|a l'etranger|en teletravail ce jour)|en arret (maladie|de travail)|arret maladie|conge (maladie|maternite|paternite)|(pose|posé) (un |mes |des )?conges?`,
  ),
  rule(
    "english-cannot",
    "decline",
    2,
    String.raw`(i|we)\s*(can'?t|cannot|can not|won'?t|will not|am not|'m not|are not|'re not)\s+(be\s+)?(able|available|make it|attend|host|come|do it|there|join|participate)|unable to|not (be )?available|unavailable|have to (decline|cancel|withdraw|pull out)|must decline|(i'?m|i am) (on leave|on holiday|on vacation|off sick|away)|on sick leave|out of (the )?office (that|on that) day|can'?t make it|not able to`,
  ),
  rule(
    "sadly",
    "decline",
    1,
    String.raw`malheureusement|helas|je regrette|a regret|desole|desolee|navre|navree|unfortunately|sadly|i'?m afraid|regret|sorry`,
  ),
  // « Non » said as the answer, not a word of a sentence (« no such user », « non-remise »).
  rule(
    "no",
    "decline",
    2,
    String.raw`(?<=(^|[.!?,;:(]|\s-|bonjour|hello|hi|malheureusement|helas|desolee?|sorry|alors|donc|bon|eh bien|et bien|ah|oh|pour moi|c'est|ce sera|ce serait|la reponse est|ma reponse est|i'?m afraid|unfortunately|sadly|je crains que|et|ou|mais|enfin|finalement|plutot)\s*)(non|no|nope|niet)(?=\s*($|[.!?,;:)]|merci|thanks|thank|desolee?|sorry|je |j'|i |we |nous |pas |malheureusement|helas|unfortunately|pour (moi|cette|ce|le|la|les|l')|ce ne sera pas|ce n'est pas))`,
  ),

  // --- Ways of saying yes.
  rule(
    "i-confirm",
    "confirm",
    2,
    String.raw`je (vous )?(le )?confirme|(c'est\s+)?confirme(e)?|je valide|i confirm|confirmed|confirming|i can confirm`,
  ),
  rule(
    "agree",
    "confirm",
    2,
    String.raw`d'accord|d'acc|dac|ok|okay|okey|entendu|c'est entendu|c'est note|bien note|note pour moi|ca marche|ca me va|ca roule|c'est bon( pour moi)?|tres bien|parfait|parfaitement|bien sur|volontiers|avec plaisir|avec joie|ravie?|enchantee?|partante?|compte(z)? sur moi|vous pouvez compter sur moi|je serai (bien )?(la|present|presente|disponible|dispo)|je suis (disponible|dispo|partant|partante|d'accord)|j'accepte|je serai ravie? de|avec grand plaisir|sounds good|sure|of course|absolutely|certainly|happy to|glad to|delighted|count me in|i'?ll be there|will be there|i accept|works for me|fine( with me| by me)?|great|perfect|looking forward|see you`,
  ),
  rule("yes", "confirm", 2, String.raw`oui|ouais|yes|yep|yeah|si si`),
  rule("thanks", "confirm", 1, String.raw`merci|thanks|thank you`),
];
