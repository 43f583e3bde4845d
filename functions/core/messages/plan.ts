/**
 * The plan: every message an event still owes, now and later, each with the instant it is due (in
 * the event's zone, with luxon, so a reminder "two days before at 9:00" stays at 9:00 across a
 * daylight-saving change) and its idempotency key. Pure: the workflow's steps send the part of it
 * that is due; the preview writes all of it.
 *
 * Keys are `message:<event>:<recipient id>:<kind>:<version>`, the recipient named by a keyed hash
 * of the address (`LedgerKeys.recipientId`), so that no key holds personal data. A convocation is version 1; each change
 * notice after it one more, when the agenda's fingerprint differs from the last one sent (the
 * fingerprint is kept in the Journal's `Détail`). A tutor request likewise. Alerts to the organizer
 * carry a digest of what they report as their version, so the same news is told once.
 *
 * Some alerts are derived from Journal lines other parts write: a tutor's reply that needs a person
 * (`core/replies/plan.ts`), a decline once its participants are re-placed, tutors marked silent,
 * addresses that bounce. A nudge to the tutors who have not answered (`relance-tuteur`) is planned
 * only when asked (`PlanOptions.nudge`), so that no ordinary sending step sends it.
 *
 * Every message carries its key in an `X-Passerelle-Key` header: a bounce notification quotes the
 * headers of the message that bounced, and the key names the event it belongs to.
 */
import { DateTime } from "luxon";
import type { MailAddress, OutgoingMessage } from "../../ports.js";
import type { DocumentSet } from "../documents/index.js";
import {
  digest,
  type EventModel,
  fullName,
  type LunchModel,
  type ParticipantAgenda,
  personRecipient,
  type Recipient,
  type SeminarModel,
  type TutorView,
} from "../event/model.js";
import { SURVEY_REPLY_VERSION } from "../feedback/survey-reply.js";
import { inReverseWords } from "../inversee/words.js";
import type { LedgerEntry } from "../ledger/entry.js";
import type { LedgerKeys } from "../ledger/keys.js";
import { hasBounced, isTaken, type JournalState, keysStartingWith, sendIdOf } from "../ledger/state.js";
import { readReplyLine } from "../replies/plan.js";
import { rematchKey, SILENT, silentKey } from "../replies/tutor-lines.js";
import { lunchSchedule, seminarSchedule } from "../schedule/schedule.js";
import { TABS } from "../sheet/schemas.js";
import { frenchDate, frenchDates, frenchTime, ofName, plural, pluralSuffix } from "../text/french.js";
import { oneLine } from "../text/safe-text.js";
import {
  attachmentName,
  certificatesByEmail,
  type DocumentAttachment,
  organizerPapers,
  renderCertificateMessage,
  renderPapersMessage,
  renderRosterMessage,
  rosterPrefix,
  rostersOf,
  rosterVersion,
} from "./document-messages.js";
import type { MessageContent } from "./layout.js";
import { renderLunchMessage } from "./lunch.js";
import {
  renderCancellation,
  renderConvocation,
  renderFeedbackRequest,
  renderOrganizerAlert,
  renderReminder,
  renderTrainReminder,
  renderTutorNudge,
  renderTutorReminder,
  renderTutorRequest,
} from "./seminar.js";

export type MessageKind =
  | "convocation"
  | "changement"
  | "demande-tuteur"
  | "relance-tuteur"
  | "rappel"
  | "rappel-tuteur"
  | "rappel-train"
  | "questionnaire"
  | "annulation"
  | "alerte"
  | "inscription"
  | "liste-attente"
  | "place-liberee"
  | "rappel-rencontre"
  | "questionnaire-rencontre"
  | "attestation"
  | "fiche-structure"
  | "documents-organisateur"
  // A cycle of lunch talks: its speakers, and the organizer about them (`speakers.ts`).
  | "invitation-intervenant"
  | "rappel-intervenant"
  | "liste-inscrits"
  | "alerte-intervenant";

/** What each kind is called in the Journal. */
export const KIND_LABELS: Readonly<Record<MessageKind, string>> = {
  convocation: "Convocation",
  changement: "Modification du programme",
  "demande-tuteur": "Demande au tuteur",
  "relance-tuteur": "Relance au tuteur",
  rappel: "Rappel",
  "rappel-tuteur": "Rappel au tuteur",
  "rappel-train": "Rappel du train de retour",
  questionnaire: "Questionnaire de satisfaction",
  annulation: "Annulation de la participation",
  alerte: "Alerte à l'organisateur",
  inscription: "Inscription confirmée",
  "liste-attente": "Liste d'attente",
  "place-liberee": "Place libérée",
  "rappel-rencontre": "Rappel de la rencontre",
  "questionnaire-rencontre": "Questionnaire de satisfaction",
  "invitation-intervenant": "Invitation à l'intervenant",
  "rappel-intervenant": "Rappel à l'intervenant",
  "liste-inscrits": "Liste des inscrits à l'intervenant",
  "alerte-intervenant": "Alerte sur les intervenants",
  attestation: "Attestation de présence et questionnaire",
  "fiche-structure": "Fiche d'accueil à la structure",
  "documents-organisateur": "Feuilles d'émargement et effectifs",
};

export interface PlannedMessage {
  readonly key: string;
  readonly event: string;
  readonly kind: MessageKind;
  readonly version: string;
  readonly to: Recipient;
  readonly sendAt: Date;
  /** After this, the message is no longer worth sending (the train has left). */
  readonly expiresAt?: Date;
  /** Kept in the Journal with the key, to tell later whether the content changed. */
  readonly fingerprint?: string;
  /** The row whose `Convocation` cell receives the time it was sent. */
  readonly mark?: { readonly tab: string; readonly row: number };
  /**
   * Printed documents to attach: their content, drawn as PDF by the sending path just before
   * sending (drawing is asynchronous, `render` is not).
   */
  readonly documents?: readonly DocumentAttachment[];
  /** Builds the message; `stamp` is when it is built (its calendar's DTSTAMP). */
  render(stamp: Date): OutgoingMessage;
}

export interface Skipped {
  readonly recipient?: string;
  readonly key?: string;
  readonly reason: string;
}

export interface MessagePlan {
  readonly event: string;
  readonly zone: string;
  /** Messages not yet sent, by send time. */
  readonly messages: readonly PlannedMessage[];
  readonly skipped: readonly Skipped[];
  /** Things the organizer should know (a missing survey link...), in French. */
  readonly warnings: readonly string[];
}

export interface PlanOptions {
  /**
   * Uncertain sends the mail service's reports could not settle (its log unreachable) for longer
   * than this: the organizer is told (ms, default 15 minutes).
   */
  readonly undecidedAlertMs?: number;
  /** Uncertain keys whose evidence could not be read at all (the mail service's log unreachable). */
  readonly undecided?: ReadonlySet<string>;
  /** The signed address a tutor's reply goes to (see `core/security/reply-token.ts`). */
  readonly replyAddress?: (input: { event: string; tutorEmail: string; version: number }) => string;
  /** A link to the spreadsheet, in alerts. */
  readonly workbookLink?: string;
  /**
   * Plans a nudge (`relance-tuteur`) to each tutor whose request is sent and who has not answered,
   * once per request version. Only the step that nudges asks for it.
   */
  readonly nudge?: boolean;
  /**
   * How long after a decline the organizer's alert waits for the re-placement to be recorded
   * before it leaves anyway, saying who is still to place (default 15 minutes).
   */
  readonly declineGraceMs?: number;
  /**
   * The event's printed documents as they stand at an instant (`core/documents`), from the same
   * workbook. When given, the plan holds the messages that carry them (`document-messages.ts`):
   * the certificate with the survey replaces the survey alone, host rosters and the organizer's
   * papers are sent. Called once per plan, for the later of now and the event's end.
   */
  readonly documents?: (at: Date) => DocumentSet | null;
  /**
   * Only the messages about these people (their addresses, as in the workbook: a message to a
   * participant's registrar is about the participant, as its key says) are planned, besides the
   * organizer's, who is always among them: a request that concerns a few people (a tutor's decline
   * moves a handful of participants) plans only what it may owe them. The alerts and what they
   * list (who is without placement, tutors without address) are the full plan's. Everyone's
   * messages when absent.
   */
  readonly recipients?: ReadonlySet<string>;
}

/** The header that carries a message's key (`functions/adapters/mime.ts` lets it through). */
export const KEY_HEADER = "X-Passerelle-Key";

/** The message tag that carries a message's send id (`sendIdOf`), reported back in SES events. */
export const SEND_TAG = "passerelle-send";

/** The message tag that names the event (SES tag values allow `[A-Za-z0-9_-]` only). */
export const EVENT_TAG = "passerelle-event";

/** The event a message key belongs to (`message:<event>:<recipient id>:<kind>:<version>`), or `null`. */
export function eventOfKey(key: string): string | null {
  const parts = key.trim().split(":");
  if (parts[0] !== "message" || parts.length < 5) return null;
  const event = parts.slice(1, -3).join(":");
  return event === "" ? null : event;
}

/**
 * A tutor whose request is sent and who has not answered it: `Confirmation` empty or `En attente`,
 * and no reply in the Journal since the request (an answer the organizer must read is an answer).
 */
export interface AwaitingTutor {
  readonly tutor: TutorView;
  readonly email: string;
  /** The latest version of the request sent to them. */
  readonly version: number;
  /** Whether what they host changed since that version (a new request is due). */
  readonly changed: boolean;
}

const AWAITING = new Set(["", "en attente"]);

export function awaitingTutors(model: SeminarModel): AwaitingTutor[] {
  const { journal, keys } = model;
  const lastReply = new Map<string, number>();
  for (const entry of journal.entries) {
    const reply = readReplyLine(entry);
    // An out-of-office or a delivery failure is no answer: the tutor is still awaited (and nudged).
    if (reply && reply.tutorEmail !== "" && !reply.automatic)
      lastReply.set(reply.tutorEmail.toLowerCase(), entry.row);
  }
  return model.tutors.flatMap((tutor) => {
    const email = tutor.email;
    // Without a row in Tuteurs, an answer cannot be recorded: nobody waits for it.
    if (!email || tutor.row === undefined || hasBounced(journal, keys, email)) return [];
    if (!AWAITING.has((tutor.confirmation ?? "").trim().toLowerCase())) return [];
    const latest = sentVersions(journal, keys, email, ["demande-tuteur"])[0];
    if (!latest) return [];
    const requested = journal.sent.get(messageKey(keys, email, "demande-tuteur", latest.version));
    if ((lastReply.get(email.toLowerCase()) ?? 0) > (requested?.row ?? 0)) return [];
    return [
      {
        tutor,
        email,
        version: latest.version,
        changed: latest.fingerprint !== undefined && latest.fingerprint !== tutor.fingerprint,
      },
    ];
  });
}

/** The idempotency key of a message: no personal data (the address is a keyed hash). */
export function messageKey(
  keys: Pick<LedgerKeys, "event" | "recipientId">,
  recipient: string,
  kind: MessageKind,
  version: string | number,
): string {
  return `message:${keys.event}:${keys.recipientId(recipient)}:${kind}:${version}`;
}

/** Sent versions of a kind for a recipient, highest first, with their fingerprints. */
function sentVersions(
  journal: JournalState,
  keys: LedgerKeys,
  recipient: string,
  kinds: readonly MessageKind[],
): { version: number; fingerprint?: string }[] {
  const found: { version: number; fingerprint?: string }[] = [];
  for (const kind of kinds) {
    const prefix = messageKey(keys, recipient, kind, "");
    for (const key of keysStartingWith(journal, prefix)) {
      const record = journal.sent.get(key);
      if (!record) continue;
      const version = Number(key.slice(prefix.length));
      if (Number.isInteger(version))
        found.push({ version, ...(record.fingerprint ? { fingerprint: record.fingerprint } : {}) });
    }
  }
  return found.sort((a, b) => b.version - a.version);
}

function anyTaken(journal: JournalState, keys: LedgerKeys, recipient: string, kind: MessageKind): boolean {
  const prefix = messageKey(keys, recipient, kind, "");
  return keysStartingWith(journal, prefix).some((key) => isTaken(journal, key));
}

function address(recipient: Recipient): MailAddress {
  if (recipient.about !== undefined || !recipient.name) return recipient.address;
  return { name: oneLine(recipient.name), address: recipient.address };
}

function outgoing(
  from: { name?: string; address: string },
  to: Recipient,
  content: MessageContent,
  replyTo?: MailAddress,
): OutgoingMessage {
  return {
    from: from.name ? { name: oneLine(from.name), address: from.address } : from.address,
    to: address(to),
    ...(replyTo ? { replyTo } : {}),
    subject: subjectAbout(content.subject, to.about),
    text: content.text,
    html: content.html,
    ...(content.attachments ? { attachments: content.attachments } : {}),
    ...(content.headers ? { headers: content.headers } : {}),
  };
}

/** The subject of a message about someone else than its recipient: it names them, once. */
function subjectAbout(subject: string, about: string | undefined): string {
  if (about === undefined) return subject;
  const name = oneLine(about);
  return subject.includes(name) ? subject : `${subject} — ${name}`;
}

export function planMessages(model: EventModel, now: Date, options: PlanOptions = {}): MessagePlan {
  return model.kind === "seminar" ? planSeminar(model, now, options) : planLunch(model, now, options);
}

/**
 * Addresses in a top-level domain reserved by RFC 2606 (`.invalid`, `.test`, `.localhost`): they
 * stand for a person without an address (a service user of a reverse immersion is keyed by one)
 * and no message is ever sent to them, whatever kind plans it.
 */
const RESERVED_DOMAIN = /@[^@]*\.(invalid|test|localhost)$/i;

class Collector {
  readonly messages: PlannedMessage[] = [];
  readonly skipped: Skipped[] = [];
  private readonly keysSeen = new Set<string>();
  constructor(
    private readonly journal: JournalState,
    private readonly keys: LedgerKeys,
    private readonly now: Date,
    /** The recipient ids of `PlanOptions.recipients` and the organizer; everyone when absent. */
    private readonly only?: ReadonlySet<string>,
  ) {}

  /** Whether the messages about that person (by address) are planned (see `PlanOptions.recipients`). */
  concerns(address: string): boolean {
    return !this.only || this.only.has(this.keys.recipientId(address));
  }

  add(planned: PlannedMessage): void {
    if (this.only) {
      // The person a message is about is in its key (`messageKey`): a registrar's address is not.
      const prefix = `message:${this.keys.event}:`;
      const id = planned.key.startsWith(prefix) ? planned.key.slice(prefix.length).split(":")[0] : undefined;
      if (id === undefined || !this.only.has(id)) return;
    }
    // A key planned twice (two rows of one address) is one message.
    if (isTaken(this.journal, planned.key) || this.keysSeen.has(planned.key)) return;
    this.keysSeen.add(planned.key);
    if (RESERVED_DOMAIN.test(planned.to.address.trim())) {
      this.skipped.push({
        recipient: planned.to.address,
        key: planned.key,
        reason: `${KIND_LABELS[planned.kind]} : cette personne n'a pas d'adresse, et personne n'est nommé pour la recevoir à sa place.`,
      });
      return;
    }
    if (hasBounced(this.journal, this.keys, planned.to.address)) {
      this.skipped.push({
        recipient: planned.to.address,
        key: planned.key,
        reason: `${KIND_LABELS[planned.kind]} : adresse en échec, plus rien n'y est envoyé.`,
      });
      return;
    }
    const message: PlannedMessage = {
      ...planned,
      render: (stamp) => {
        const built = planned.render(stamp);
        return {
          ...built,
          headers: { ...built.headers, [KEY_HEADER]: planned.key },
          tags: { ...built.tags, [SEND_TAG]: sendIdOf(planned.key), [EVENT_TAG]: planned.event },
        };
      },
    };
    if (message.expiresAt && message.expiresAt.getTime() <= this.now.getTime()) {
      this.skipped.push({
        recipient: message.to.address,
        key: message.key,
        reason: `${KIND_LABELS[message.kind]} : l'heure d'envoi est passée.`,
      });
      return;
    }
    this.messages.push(message);
  }

  sorted(): PlannedMessage[] {
    return [...this.messages].sort(
      (a, b) => a.sendAt.getTime() - b.sendAt.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
  }
}

/**
 * Filters planned messages as every plan does: a key the ledger has taken or planned twice is
 * dropped, an address that bounces is skipped, an expired message is skipped; each message gets its
 * key header and send tags. Answers the messages by send time, and what was skipped.
 */
export function collectPlanned(
  journal: JournalState,
  keys: LedgerKeys,
  now: Date,
  planned: readonly PlannedMessage[],
): { messages: PlannedMessage[]; skipped: Skipped[] } {
  const collect = new Collector(journal, keys, now);
  for (const message of planned) collect.add(message);
  return { messages: collect.sorted(), skipped: collect.skipped };
}

/** Who a recipient id stands for, among the people the workbook names now. */
function directory(model: EventModel): Map<string, { name: string; address: string }> {
  const people = new Map<string, { name: string; address: string }>();
  const add = (address: string, name: string) => {
    if (address !== "") people.set(model.keys.recipientId(address), { name: name || address, address });
  };
  if (model.kind === "seminar") {
    for (const agenda of model.agendas)
      add(agenda.participant.email, fullName(agenda.participant.firstName, agenda.participant.lastName));
    for (const record of model.tutorRecords) add(record.email, record.name);
  } else {
    for (const registration of model.registrations)
      add(registration.email, fullName(registration.firstName, registration.lastName));
  }
  for (const excluded of model.excluded) if (excluded.email) add(excluded.email, "");
  add(model.info.organizerEmail, "l'organisateur");
  return people;
}

/** `Prénom Nom <adresse> — Convocation`, for a message key. */
function describeKey(key: string, people: ReadonlyMap<string, { name: string; address: string }>): string {
  const parts = key.split(":");
  const kind = parts[parts.length - 2] as MessageKind | undefined;
  const person = people.get(parts[parts.length - 3] ?? "");
  const label = kind && kind in KIND_LABELS ? KIND_LABELS[kind] : "message";
  return `${person ? `${person.name} <${person.address}>` : "une personne qui n'est plus dans le classeur"} — ${label}`;
}

const UNDECIDED_ALERT_MS = 15 * 60_000;

/**
 * Alerts about sends that failed for good, about sends whose outcome nobody can establish (the mail
 * service's log could not be read for a while), and about Journal rows changed by hand.
 */
function sendingAlerts(model: EventModel, now: Date, options: PlanOptions, title: string): DerivedAlert[] {
  const { journal } = model;
  const people = directory(model);
  const alerts: DerivedAlert[] = [];
  const failed = [...journal.failed].filter((key) => !key.includes(":alerte:")).sort();
  if (failed.length > 0)
    alerts.push({
      kind: "echec",
      version: digest(failed),
      summary: `${failed.length} message${pluralSuffix(failed.length)} non envoyé${pluralSuffix(failed.length)}`,
      paragraphs: [
        `Des messages de « ${title} » n'ont pas pu être envoyés : l'adresse ou le message a été refusé. Le Journal du classeur indique la raison pour chacun (lignes « Échec d'envoi »).`,
        "Corrigez l'adresse dans le classeur : le message repartira avec la prochaine étape d'envoi.",
      ],
      items: failed.map((key) => describeKey(key, people)),
    });
  const wait = options.undecidedAlertMs ?? UNDECIDED_ALERT_MS;
  const undecided = [...journal.uncertain]
    .filter(
      ([key, uncertain]) => options.undecided?.has(key) && now.getTime() - uncertain.at.getTime() > wait,
    )
    .map(([key]) => key)
    .sort();
  if (undecided.length > 0)
    alerts.push({
      kind: "incertain",
      version: digest(undecided),
      summary: `${undecided.length} envoi${pluralSuffix(undecided.length)} à vérifier`,
      paragraphs: [
        "Ces envois ont été interrompus sans que l'on sache s'ils sont partis, et le suivi du service d'envoi ne peut pas être consulté pour l'instant. Pour ne jamais envoyer deux fois le même message, Passerelle attend de pouvoir le vérifier avant de le renvoyer.",
        "Rien n'est à faire si le suivi redevient accessible : chaque message sera alors noté envoyé, ou renvoyé. Sinon, vérifiez auprès des personnes ci-dessous qu'elles l'ont reçu.",
      ],
      items: undecided.map((key) => describeKey(key, people)),
    });
  if (journal.rejectedRows.length > 0)
    alerts.push({
      kind: "journal-modifie",
      version: digest(journal.rejectedRows),
      summary: `${journal.rejectedRows.length} ligne${pluralSuffix(journal.rejectedRows.length)} du Journal modifiée${pluralSuffix(journal.rejectedRows.length)} à la main : ignorée${pluralSuffix(journal.rejectedRows.length)}`,
      paragraphs: [
        "Le Journal est le registre de ce que Passerelle a fait ; chaque ligne y est scellée. Ces lignes ont été écrites ou modifiées à la main : Passerelle ne les prend pas en compte.",
        "Pour corriger une situation (renvoyer un message, changer une réponse), modifiez les onglets concernés (Participants, Tuteurs, Affectations) plutôt que le Journal.",
      ],
      items: journal.rejectedRows.map((row) => `Journal, ligne ${row}`),
    });
  return alerts;
}

/** Alerts due now; one without a version of its own is versioned by a digest of its items. */
function raiseAlerts(
  alert: ReturnType<typeof organizerAlerts>,
  eventTitle: string,
  now: Date,
  alerts: readonly {
    kind: string;
    version?: string;
    summary: string;
    paragraphs: readonly string[];
    items?: readonly string[];
  }[],
): void {
  for (const item of alerts)
    alert(item.kind, item.version ?? digest(item.items ?? []), now, {
      eventTitle,
      summary: item.summary,
      paragraphs: [...item.paragraphs],
      ...(item.items ? { items: [...item.items] } : {}),
    });
}

/** Adds an alert to the organizer; its key is the alert's kind and a version (a digest of its content). */
function organizerAlerts(
  collect: Collector,
  keys: LedgerKeys,
  info: { organizerEmail: string; sender: { name?: string; address: string }; reverse?: boolean },
  options: PlanOptions,
) {
  const organizer: Recipient = { name: "", address: info.organizerEmail };
  // A reverse immersion's organizer reads of hosts and of the immersion (`inversee/words.ts`).
  const words = (text: string) => (info.reverse ? inReverseWords(text) : text);
  return (kind: string, version: string, sendAt: Date, view: Parameters<typeof renderOrganizerAlert>[0]) =>
    collect.add({
      key: messageKey(keys, info.organizerEmail, "alerte", `${kind}-${version}`),
      event: keys.event,
      kind: "alerte",
      version: `${kind}-${version}`,
      to: organizer,
      sendAt,
      render: () =>
        outgoing(
          info.sender,
          organizer,
          renderOrganizerAlert({
            ...view,
            summary: words(view.summary),
            paragraphs: view.paragraphs.map(words),
            ...(view.items ? { items: view.items.map(words) } : {}),
            ...(options.workbookLink ? { link: options.workbookLink } : {}),
          }),
        ),
    });
}

/** The recipient ids a plan is restricted to, with the organizer's; `undefined` (everyone) stays so. */
function onlyWith(
  keys: LedgerKeys,
  recipients: ReadonlySet<string> | undefined,
  organizer: string,
): ReadonlySet<string> | undefined {
  if (!recipients) return undefined;
  return new Set([...recipients, organizer].map((address) => keys.recipientId(address)));
}

function planSeminar(model: SeminarModel, now: Date, options: PlanOptions): MessagePlan {
  const { info, journal } = model;
  const event = info.event;
  const zone = info.zone;
  const warnings: string[] = [...model.problems];
  const collect = new Collector(
    journal,
    model.keys,
    now,
    onlyWith(model.keys, options.recipients, info.organizerEmail),
  );
  if (model.problems.length > 0) return { event, zone, messages: [], skipped: [], warnings };
  const schedule = seminarSchedule(model, now);
  const alert = organizerAlerts(collect, model.keys, info, options);
  const documents = options.documents?.(new Date(Math.max(now.getTime(), model.endsAt.getTime())));
  if (documents) planDocuments(model, documents, schedule, now, options, collect, alert);
  const planning: SeminarPlanning = { model, now, options, collect, schedule, surveys: !documents };
  const unplaced = planParticipantMessages(planning);
  planCancellations(model, now, collect);
  const noEmail = planTutorMessages(planning, warnings);
  raiseSeminarAlerts(planning, alert, { unplaced, noEmail, warnings });
  return {
    event,
    zone,
    messages: collect.sorted(),
    skipped: [...collect.skipped, ...excludedSkips(model)],
    warnings,
  };
}

/** What the parts of a seminar's plan share. */
interface SeminarPlanning {
  readonly model: SeminarModel;
  readonly now: Date;
  readonly options: PlanOptions;
  readonly collect: Collector;
  readonly schedule: ReturnType<typeof seminarSchedule>;
  /** Whether the survey goes by itself (not with the attendance certificates of the documents). */
  readonly surveys: boolean;
}

/**
 * Each participant's messages: the convocation (or, once it left, a change notice when their agenda
 * changed), the reminder, the return train's reminder, the survey. A participant still missing a
 * placement gets none yet: answers them, for the organizer's alert.
 */
function planParticipantMessages(planning: SeminarPlanning): string[] {
  const { model, options, collect } = planning;
  const { info, journal } = model;
  const { event, zone } = info;
  const { reminderAt, feedbackAt } = planning.schedule;
  const from = info.sender;
  const documents = !planning.surveys;
  // The same instant for every participant: luxon's zone arithmetic, once per plan.
  const surveyExpiresAt = DateTime.fromJSDate(feedbackAt, { zone }).plus({ days: 30 }).toJSDate();
  const unplaced: string[] = [];
  for (const agenda of model.agendas) {
    const person = agenda.participant;
    const to = personRecipient(person);
    const convocationKey = messageKey(model.keys, person.email, "convocation", 1);
    if (agenda.missingSlots.length > 0 && !isTaken(journal, convocationKey)) {
      unplaced.push(`${to.name} (ligne ${person.row}) : ${agenda.missingSlots.join(", ")}`);
      collect.skipped.push({
        recipient: person.email,
        reason: "Pas encore d'affectation pour chaque créneau.",
      });
      continue;
    }
    if (!collect.concerns(person.email)) continue;
    planConvocation(planning, agenda, to);
    collect.add({
      key: messageKey(model.keys, person.email, "rappel", 1),
      event,
      kind: "rappel",
      version: "1",
      to,
      sendAt: reminderAt,
      expiresAt: model.startsAt,
      render: () => outgoing(from, to, renderReminder({ info, agenda })),
    });
    const train = agenda.returnTrain;
    if (train) {
      collect.add({
        key: messageKey(model.keys, person.email, "rappel-train", 1),
        event,
        kind: "rappel-train",
        version: "1",
        to,
        // Minutes are elapsed time whatever the zone: the same instant as luxon's `minus({ minutes })`.
        sendAt: new Date(train.departure.getTime() - info.trainReminderMinutes * 60_000),
        expiresAt: train.departure,
        render: () => outgoing(from, to, renderTrainReminder({ info, agenda })),
      });
    }
    if (info.surveyLink && !documents) {
      const link = info.surveyLink;
      collect.add({
        key: messageKey(model.keys, person.email, "questionnaire", 1),
        event,
        kind: "questionnaire",
        version: "1",
        to,
        sendAt: feedbackAt,
        expiresAt: surveyExpiresAt,
        render: () => {
          // Signed when sent, not for every participant of every plan (a signature is costly).
          const surveyReplyTo = options.replyAddress?.({
            event,
            tutorEmail: person.email,
            version: SURVEY_REPLY_VERSION,
          });
          return outgoing(
            from,
            to,
            renderFeedbackRequest({
              info: {
                title: info.title,
                organizerEmail: info.organizerEmail,
                organizer: info.sender.name ?? info.organizerEmail,
              },
              recipient: to.name,
              link,
              ...(surveyReplyTo ? { replyTo: surveyReplyTo } : {}),
              ...(person.careOf !== undefined ? { careOf: true } : {}),
            }),
            surveyReplyTo,
          );
        },
      });
    }
  }

  return unplaced;
}

/**
 * A participant's convocation, once; after it, a change notice (a new version) each time their
 * agenda changed from the last one they were sent.
 */
function planConvocation(planning: SeminarPlanning, agenda: ParticipantAgenda, to: Recipient): void {
  const { model, now, collect } = planning;
  const { info, journal } = model;
  const { event } = info;
  const from = info.sender;
  const person = agenda.participant;
  const convocationKey = messageKey(model.keys, person.email, "convocation", 1);
  const sent = sentVersions(journal, model.keys, person.email, ["convocation", "changement"]);
  const latest = sent[0];
  if (!isTaken(journal, convocationKey)) {
    collect.add({
      key: convocationKey,
      event,
      kind: "convocation",
      version: "1",
      to,
      sendAt: now,
      expiresAt: model.startsAt,
      fingerprint: agenda.fingerprint,
      mark: { tab: TABS.participants.name, row: person.row },
      render: (stamp) =>
        outgoing(from, to, renderConvocation({ info, agenda, version: 1, change: false, stamp })),
    });
  } else if (latest?.fingerprint && latest.fingerprint !== agenda.fingerprint) {
    const version = latest.version + 1;
    collect.add({
      key: messageKey(model.keys, person.email, "changement", version),
      event,
      kind: "changement",
      version: String(version),
      to,
      sendAt: now,
      expiresAt: model.endsAt,
      fingerprint: agenda.fingerprint,
      render: (stamp) =>
        outgoing(from, to, renderConvocation({ info, agenda, version, change: true, stamp })),
    });
  }
}

/**
 * Each tutor's messages: the request (again, as a new version, when what they host changed), the
 * nudge of a tutor who has not answered, the reminder of a tutor who confirmed. Answers the tutors
 * with no address, for the organizer's alert.
 */
function planTutorMessages(planning: SeminarPlanning, warnings: string[]): string[] {
  const { model, now, options, collect } = planning;
  const { info, journal } = model;
  const { event } = info;
  const { reminderAt } = planning.schedule;
  const from = info.sender;
  const noEmail: string[] = [];
  const awaiting = new Map(
    options.nudge ? awaitingTutors(model).map((awaited) => [awaited.email, awaited] as const) : [],
  );
  for (const tutor of model.tutors) {
    if (!tutor.email) {
      noEmail.push(
        `${tutor.name} : ${tutor.hosts.map((slot) => `${slot.slot} (${slot.structure})`).join(", ")}`,
      );
      continue;
    }
    if (tutor.confirmation === "Décliné" || !collect.concerns(tutor.email)) continue;
    const to: Recipient = { name: tutor.name, address: tutor.email };
    const sent = sentVersions(journal, model.keys, tutor.email, ["demande-tuteur"]);
    const latest = sent[0];
    const version = !latest
      ? 1
      : latest.fingerprint && latest.fingerprint !== tutor.fingerprint
        ? latest.version + 1
        : 0;
    if (version > 0) {
      const replyTo = options.replyAddress?.({ event, tutorEmail: tutor.email, version });
      const unsigned =
        "Adresse de réponse signée non configurée : les réponses des tuteurs iront à l'organisateur.";
      if (!replyTo && !warnings.includes(unsigned)) warnings.push(unsigned);
      collect.add({
        key: messageKey(model.keys, tutor.email, "demande-tuteur", version),
        event,
        kind: "demande-tuteur",
        version: String(version),
        to,
        sendAt: now,
        expiresAt: model.startsAt,
        fingerprint: tutor.fingerprint,
        render: () =>
          outgoing(
            from,
            to,
            renderTutorRequest({ info, tutor, version, replyTo: replyTo ?? info.organizerEmail }),
            replyTo ?? info.organizerEmail,
          ),
      });
    }
    const awaited = awaiting.get(tutor.email);
    if (awaited && !awaited.changed && version === 0) {
      // The same signed address as the request: a reply to the nudge is read like one to the request.
      const nudgeReplyTo =
        options.replyAddress?.({ event, tutorEmail: tutor.email, version: awaited.version }) ??
        info.organizerEmail;
      collect.add({
        key: messageKey(model.keys, tutor.email, "relance-tuteur", awaited.version),
        event,
        kind: "relance-tuteur",
        version: String(awaited.version),
        to,
        sendAt: now,
        expiresAt: model.startsAt,
        render: () =>
          outgoing(from, to, renderTutorNudge({ info, tutor, replyTo: nudgeReplyTo }), nudgeReplyTo),
      });
    }
    if (tutor.confirmation === "Confirmé") {
      collect.add({
        key: messageKey(model.keys, tutor.email, "rappel-tuteur", 1),
        event,
        kind: "rappel-tuteur",
        version: "1",
        to,
        sendAt: reminderAt,
        expiresAt: model.startsAt,
        render: () => outgoing(from, to, renderTutorReminder({ info, tutor })),
      });
    }
  }

  return noEmail;
}

/** The organizer's alerts about a seminar: people left out, a missing survey link, sending, tutors, bounces. */
function raiseSeminarAlerts(
  planning: SeminarPlanning,
  alert: ReturnType<typeof organizerAlerts>,
  found: { readonly unplaced: readonly string[]; readonly noEmail: readonly string[]; warnings: string[] },
): void {
  const { model, now, options } = planning;
  const { info } = model;
  const { zone } = info;
  const { feedbackAt } = planning.schedule;
  const { unplaced, noEmail, warnings } = found;
  if (unplaced.length > 0)
    alert("sans-affectation", digest(unplaced), now, {
      eventTitle: info.title,
      summary: `${unplaced.length} participant${pluralSuffix(unplaced.length)} sans affectation`,
      paragraphs: [
        "Ces participants n'ont pas de lieu d'immersion pour chaque créneau : leur convocation attend. Complétez l'onglet Affectations (ou relancez « Affecter ») ; la convocation partira ensuite.",
      ],
      items: unplaced,
    });
  if (noEmail.length > 0)
    alert("tuteur-sans-email", digest(noEmail), now, {
      eventTitle: info.title,
      summary: `${noEmail.length} tuteur${pluralSuffix(noEmail.length)} sans adresse électronique`,
      paragraphs: [
        "Ces tuteurs accueillent des participants mais n'ont pas d'adresse valide : la demande de confirmation ne peut pas leur être envoyée. Renseignez leur Email (onglets Tuteurs et Affectations) ou contactez-les directement.",
      ],
      items: noEmail,
    });
  if (!info.surveyLink && model.agendas.length > 0) {
    warnings.push("Lien questionnaire manquant : le questionnaire de satisfaction ne sera pas envoyé.");
    const remindAt = DateTime.fromJSDate(feedbackAt, { zone }).minus({ days: 2 });
    alert("questionnaire-manquant", "1", new Date(Math.max(remindAt.toMillis(), now.getTime())), {
      eventTitle: info.title,
      summary: "lien du questionnaire manquant",
      paragraphs: [
        `Le questionnaire de satisfaction doit partir le ${frenchDate(DateTime.fromJSDate(feedbackAt, { zone }))} à ${frenchTime(feedbackAt, zone)}, mais le paramètre « Lien questionnaire » de l'onglet Séminaire est vide. Renseignez-le pour que les participants le reçoivent.`,
      ],
    });
  }
  raiseAlerts(alert, info.title, now, [
    ...sendingAlerts(model, now, options, info.title),
    ...tutorAlerts(model, now, options),
    ...bounceAlerts(model),
  ]);
}

/**
 * A cancellation notice, once, to each participant whose registration became `Annulée` after their
 * convocation left: its calendar (`METHOD:CANCEL`) removes every item the convocation announced.
 */
function planCancellations(model: SeminarModel, now: Date, collect: Collector): void {
  const { info, journal } = model;
  for (const person of model.withdrawn) {
    if (!collect.concerns(person.email)) continue;
    const sent = sentVersions(journal, model.keys, person.email, ["convocation", "changement"]);
    const latest = sent[0];
    if (!latest) continue;
    const to = personRecipient(person);
    collect.add({
      key: messageKey(model.keys, person.email, "annulation", 1),
      event: info.event,
      kind: "annulation",
      version: "1",
      to,
      sendAt: now,
      expiresAt: model.endsAt,
      render: (stamp) =>
        outgoing(
          info.sender,
          to,
          renderCancellation({ info, participant: person, sequence: latest.version, stamp }),
        ),
    });
  }
}

function excludedSkips(model: EventModel): Skipped[] {
  return model.excluded.map((excluded) => ({
    reason: `${excluded.tab} ligne ${excluded.row} : ${excluded.reason}.`,
  }));
}

function planLunch(model: LunchModel, now: Date, options: PlanOptions): MessagePlan {
  const { info, journal } = model;
  const event = info.event;
  const warnings: string[] = [...model.problems];
  const collect = new Collector(
    journal,
    model.keys,
    now,
    onlyWith(model.keys, options.recipients, info.organizerEmail),
  );
  if (model.problems.length > 0) return { event, zone: info.zone, messages: [], skipped: [], warnings };
  const from = info.sender;
  const schedule = lunchSchedule(model, null);
  const { reminderAt, feedbackAt } = schedule;
  const documents = options.documents?.(new Date(Math.max(now.getTime(), info.end.getTime())));
  for (const registration of model.registrations) {
    const to: Recipient = {
      name: fullName(registration.firstName, registration.lastName),
      address: registration.email,
    };
    const simple = (
      kind: MessageKind,
      sendAt: Date,
      expiresAt: Date,
      render: (stamp: Date) => OutgoingMessage,
      mark = false,
    ) =>
      collect.add({
        key: messageKey(model.keys, registration.email, kind, 1),
        event,
        kind,
        version: "1",
        to,
        sendAt,
        expiresAt,
        ...(mark ? { mark: { tab: TABS.registrations.name, row: registration.row } } : {}),
        render,
      });
    const lunch = (kind: "registered" | "waiting" | "promoted" | "reminder") => (stamp: Date) =>
      outgoing(from, to, renderLunchMessage({ info, registration, kind, stamp }));
    if (registration.seat.kind === "seated") {
      const confirmed =
        anyTaken(journal, model.keys, registration.email, "inscription") ||
        anyTaken(journal, model.keys, registration.email, "place-liberee");
      if (!confirmed) {
        const waited = anyTaken(journal, model.keys, registration.email, "liste-attente");
        simple(
          waited ? "place-liberee" : "inscription",
          now,
          info.start,
          lunch(waited ? "promoted" : "registered"),
          true,
        );
      }
      simple("rappel-rencontre", reminderAt, info.start, lunch("reminder"));
      // Only to the people who came: one recorded absent (`Présent: Non`) is not asked.
      if (info.surveyLink && !documents && !registration.absent) {
        const link = info.surveyLink;
        const surveyReplyTo = options.replyAddress?.({
          event,
          tutorEmail: registration.email,
          version: SURVEY_REPLY_VERSION,
        });
        simple(
          "questionnaire-rencontre",
          feedbackAt,
          DateTime.fromJSDate(feedbackAt, { zone: info.zone }).plus({ days: 30 }).toJSDate(),
          () =>
            outgoing(
              from,
              to,
              renderFeedbackRequest({
                info: { title: info.title, organizerEmail: info.organizerEmail },
                recipient: to.name,
                link,
                ...(surveyReplyTo ? { replyTo: surveyReplyTo } : {}),
              }),
              surveyReplyTo,
            ),
        );
      }
    } else if (registration.seat.kind === "waiting") {
      simple("liste-attente", now, info.start, lunch("waiting"));
    }
  }
  const alert = organizerAlerts(collect, model.keys, info, options);
  if (documents) planDocuments(model, documents, schedule, now, options, collect, alert);
  if (!info.surveyLink && model.registrations.length > 0) {
    warnings.push("Lien questionnaire manquant : le questionnaire de satisfaction ne sera pas envoyé.");
    const remindAt = DateTime.fromJSDate(info.start, { zone: info.zone }).minus({ days: 1 }).toJSDate();
    alert("questionnaire-manquant", "1", new Date(Math.max(remindAt.getTime(), now.getTime())), {
      eventTitle: info.title,
      summary: "lien du questionnaire manquant",
      paragraphs: [
        "Le paramètre « Lien questionnaire » de l'onglet Rencontre est vide : le questionnaire de satisfaction ne partira pas. Renseignez-le avant la fin de la rencontre.",
      ],
    });
  }
  raiseAlerts(alert, info.title, now, [
    ...sendingAlerts(model, now, options, info.title),
    ...bounceAlerts(model),
  ]);
  return {
    event,
    zone: info.zone,
    messages: collect.sorted(),
    skipped: [...collect.skipped, ...excludedSkips(model)],
    warnings,
  };
}

/**
 * The messages that carry documents (`document-messages.ts`): each participant's certificate with
 * the survey after the event; each host structure's roster to its `Contact` from a week before
 * (again, marked as an update, when it changes; a structure without an address in `Contact` is told
 * to the organizer instead); the attendance sheets and headcounts to the organizer the day before.
 */
function planDocuments(
  model: EventModel,
  set: DocumentSet,
  schedule: { feedbackAt: Date; rostersAt: Date | null; papersAt: Date },
  now: Date,
  options: PlanOptions,
  collect: Collector,
  alert: ReturnType<typeof organizerAlerts>,
): void {
  const { info, keys } = model;
  const event = info.event;
  const zone = info.zone;
  const endsAt = model.kind === "seminar" ? model.endsAt : model.info.end;
  const startsAt = model.kind === "seminar" ? model.startsAt : model.info.start;
  const createdAt = new Date(Math.max(now.getTime(), endsAt.getTime()));
  const attach = (document: DocumentSet["documents"][number]): DocumentAttachment => ({
    filename: attachmentName(document),
    document,
    createdAt,
  });
  const organizer = info.sender.name ?? info.organizerEmail;
  const certificates = certificatesByEmail(set);
  const people =
    model.kind === "seminar"
      ? model.agendas.map((agenda) => agenda.participant)
      : model.registrations.filter((registration) => registration.seat.kind === "seated");
  for (const person of people) {
    const certificate = certificates.get(person.email.toLowerCase());
    if (!certificate) continue;
    const to = personRecipient(person);
    const replyTo = options.replyAddress?.({
      event,
      tutorEmail: person.email,
      version: SURVEY_REPLY_VERSION,
    });
    collect.add({
      key: messageKey(keys, person.email, "attestation", 1),
      event,
      kind: "attestation",
      version: "1",
      to,
      sendAt: schedule.feedbackAt,
      expiresAt: DateTime.fromJSDate(schedule.feedbackAt, { zone }).plus({ days: 30 }).toJSDate(),
      documents: [attach(certificate)],
      render: () =>
        outgoing(
          info.sender,
          to,
          renderCertificateMessage({
            info: { title: info.title, organizerEmail: info.organizerEmail, organizer },
            recipient: to.name,
            ...(info.surveyLink ? { link: info.surveyLink } : {}),
            ...(replyTo ? { replyTo } : {}),
            ...("careOf" in person && person.careOf !== undefined ? { careOf: true } : {}),
          }),
          replyTo,
        ),
    });
  }
  const papers = organizerPapers(set);
  if (papers.length > 0 && info.organizerEmail !== "") {
    const to: Recipient = { name: "", address: info.organizerEmail };
    collect.add({
      key: messageKey(keys, info.organizerEmail, "documents-organisateur", 1),
      event,
      kind: "documents-organisateur",
      version: "1",
      to,
      sendAt: new Date(Math.max(schedule.papersAt.getTime(), now.getTime())),
      expiresAt: startsAt,
      documents: papers.map(attach),
      render: () =>
        outgoing(
          info.sender,
          to,
          renderPapersMessage({
            info: { title: info.title, organizer },
            files: papers.map(attachmentName),
            headcountLine: set.headcountLine,
          }),
        ),
    });
  }
  if (model.kind !== "seminar" || schedule.rostersAt === null) return;
  const rostersAt = new Date(Math.max(schedule.rostersAt.getTime(), now.getTime()));
  const dates = eventDatesOf(model);
  const withoutContact: string[] = [];
  for (const roster of rostersOf(set)) {
    const address = roster.contact;
    if (!address) {
      withoutContact.push(roster.structure);
      continue;
    }
    const update = anyTakenWith(
      model.journal,
      keys,
      address,
      "fiche-structure",
      rosterPrefix(roster.structure),
    );
    const version = rosterVersion(roster.document, roster.structure);
    const to: Recipient = { name: roster.structure, address };
    const hosted = roster.document.blocks.find((item) => item.kind === "table");
    collect.add({
      key: messageKey(keys, address, "fiche-structure", version),
      event,
      kind: "fiche-structure",
      version,
      to,
      sendAt: rostersAt,
      expiresAt: model.endsAt,
      documents: [attach(roster.document)],
      render: () =>
        outgoing(
          info.sender,
          to,
          renderRosterMessage({
            info: { title: info.title, organizerEmail: info.organizerEmail, organizer, dates },
            structure: roster.structure,
            // A visitor who follows a host in two slots is one person (`hostSheet`'s second column).
            hosted:
              hosted?.kind !== "table"
                ? 0
                : model.info.reverse
                  ? new Set(hosted.rows.map((row) => row[1])).size
                  : hosted.rows.length,
            update,
            ...(model.info.reverse ? { reverse: true } : {}),
          }),
        ),
    });
  }
  if (withoutContact.length > 0)
    alert("fiche-sans-contact", digest(withoutContact), rostersAt, {
      eventTitle: info.title,
      summary: `${plural(withoutContact.length, "fiche")} d'accueil à transmettre vous-même`,
      paragraphs: [
        "Ces structures d'accueil n'ont pas d'adresse électronique dans la colonne Contact de l'onglet Structures : leur fiche d'accueil est faite (commande « passerelle documents », dossier structures/) mais ne peut pas leur être envoyée. Transmettez-la vous-même, ou renseignez le Contact : la fiche partira avec la prochaine étape d'envoi.",
      ],
      items: withoutContact,
    });
}

/** `les 17 et 18 mars 2027`. */
function eventDatesOf(model: SeminarModel): string {
  const [first, second] = model.info.days.map((day) => DateTime.fromISO(day));
  if (!first) return "";
  return frenchDates(first, second ?? first);
}

/** Whether a key of that kind, whose version starts with `prefix`, is sent or being sent to that recipient. */
function anyTakenWith(
  journal: JournalState,
  keys: LedgerKeys,
  recipient: string,
  kind: MessageKind,
  prefix: string,
): boolean {
  const start = messageKey(keys, recipient, kind, prefix);
  return keysStartingWith(journal, start).some((key) => isTaken(journal, key));
}

interface DerivedAlert {
  readonly kind: string;
  readonly version: string;
  readonly summary: string;
  readonly paragraphs: readonly string[];
  readonly items?: readonly string[];
}

const DECLINE_GRACE_MS = 15 * 60_000;

/**
 * Alerts read from the Journal lines about tutors: a reply that needs a person, a decline once its
 * participants are re-placed, tutors marked silent. One alert per reply (its version is a digest
 * of the reply's key), one per set of silent tutors.
 */
function tutorAlerts(model: SeminarModel, now: Date, options: PlanOptions): DerivedAlert[] {
  const records = new Map(model.tutorRecords.map((record) => [record.email.toLowerCase(), record]));
  const who = (email: string) => {
    const record = records.get(email.toLowerCase());
    return record
      ? { name: record.name, where: `onglet Tuteurs, ligne ${record.row}` }
      : { name: email, where: "plus dans l'onglet Tuteurs" };
  };
  const agendas = new Map(model.agendas.map((agenda) => [agenda.participant.email.toLowerCase(), agenda]));
  const entries = model.journal.entries;
  const alerts: DerivedAlert[] = [];
  for (const entry of entries) {
    const reply = readReplyLine(entry);
    if (!reply || reply.decision === "confirm") continue;
    const version = digest(entry.key);
    const said = reply.excerpt ? `Sa réponse : « ${reply.excerpt} »` : "Sa réponse est vide.";
    if (reply.decision === "unknown-tutor") {
      alerts.push({
        kind: "reponse",
        version,
        summary: "réponse d'un tuteur inconnu",
        paragraphs: [
          `Une réponse à une demande d'accueil n'a pas été appliquée : ${reply.notes}`,
          said.replace("Sa réponse", "La réponse"),
          "Retrouvez le tuteur concerné (la réponse est aussi dans le Journal) et mettez à jour sa Confirmation dans l'onglet Tuteurs.",
        ],
      });
      continue;
    }
    const tutor = who(reply.tutorEmail);
    if (reply.decision === "unclear") {
      const reason = reply.notes.split(" ; ")[0] ?? reply.notes;
      alerts.push({
        kind: "reponse",
        version,
        summary: `réponse à lire ${ofName(tutor.name)}`,
        paragraphs: [
          `${tutor.name} (${tutor.where}) a répondu à la demande d'accueil, mais sa réponse n'a pas pu être lue comme un oui ou un non (${reason}). Rien n'a été modifié dans le classeur.`,
          said,
          `Lisez-la, puis écrivez « Confirmé » ou « Décliné » dans la colonne Confirmation de sa ligne (${tutor.where}), ou prenez contact avec lui ou elle.`,
        ],
      });
      continue;
    }
    // A decline: told once the re-placement is recorded after it (or, failing that, after a while).
    const rematchAt = rematchKey(model.keys, reply.tutorEmail);
    const rematch = entries.find(
      (line) => line.row > entry.row && line.key === rematchAt && line.data.kind === "rematch",
    );
    const grace = options.declineGraceMs ?? DECLINE_GRACE_MS;
    if (!rematch && now.getTime() - entry.at.getTime() < grace) continue;
    const items = reply.toReplace.map(({ email, slot }) => {
      const agenda = agendas.get(email.toLowerCase());
      if (!agenda) return `${email} — ${slot} : inscription annulée ou à corriger, rien à replacer`;
      const name = fullName(agenda.participant.firstName, agenda.participant.lastName);
      const placement = agenda.placements.find((candidate) => candidate.slot === slot);
      if (!placement)
        return `${name} — ${slot} : sans affectation pour l'instant (voir son Statut) ; complétez l'onglet Affectations`;
      if (placement.tutorEmail?.toLowerCase() === reply.tutorEmail.toLowerCase())
        return `${name} — ${slot} : toujours avec ${tutor.name} (ligne verrouillée ?) ; à replacer dans l'onglet Affectations`;
      return `${name} — ${slot} : désormais ${placement.structure} (${placement.situation})${placement.tutor ? `, avec ${placement.tutor}` : ""}`;
    });
    alerts.push({
      kind: "desistement",
      version,
      summary: `désistement ${ofName(tutor.name)}`,
      paragraphs: [
        `${tutor.name} (${tutor.where}) ne pourra pas accueillir de participants : sa Confirmation est passée à « Décliné ».`,
        said,
        items.length === 0
          ? "Aucun participant ne lui était affecté : il n'y a rien à replacer."
          : "Voici où vont les participants qu'il ou elle devait accueillir. Chaque participant déplacé reçoit son programme modifié (avec son calendrier à jour), et chaque tuteur qui accueille désormais l'un d'eux, une demande de confirmation.",
        ...(rematch?.data.kind === "rematch" && rematch.data.note ? [rematch.data.note] : []),
      ],
      ...(items.length > 0 ? { items } : {}),
    });
  }
  const silent = silentTutors(model, entries);
  if (silent.items.length > 0)
    alerts.push({
      kind: "sans-reponse",
      version: digest(silent.keys),
      summary: `${plural(silent.items.length, "tuteur")} sans réponse`,
      paragraphs: [
        `${silent.items.length > 1 ? "Ces tuteurs n'ont" : "Ce tuteur n'a"} pas répondu à la demande d'accueil dans le délai prévu : ${silent.items.length > 1 ? "leur" : "sa"} Confirmation est passée à « ${SILENT} ».`,
        "Prenez contact avec eux. Si l'un d'eux ne peut pas accueillir, écrivez « Décliné » dans sa Confirmation et relancez « Affecter » : ses participants seront replacés et prévenus.",
      ],
      items: silent.items,
    });
  return alerts;
}

function silentTutors(
  model: SeminarModel,
  entries: readonly LedgerEntry[],
): { keys: string[]; items: string[] } {
  const keys = [
    ...new Set(entries.filter((entry) => entry.data.kind === "silent").map((entry) => entry.key)),
  ].sort();
  const hosting = new Map(
    model.tutors.flatMap((tutor) => (tutor.email ? [[tutor.email, tutor] as const] : [])),
  );
  const items = model.tutorRecords
    .filter(
      (record) =>
        keys.includes(silentKey(model.keys, record.email)) && (record.confirmation ?? "").trim() === SILENT,
    )
    .map((record) => {
      const hosts = hosting.get(record.email)?.hosts ?? [];
      const whom = hosts.flatMap((slot) =>
        slot.participants.map((person) => `${person.name} (${slot.slot})`),
      );
      return `${record.name} (onglet Tuteurs, ligne ${record.row})${whom.length > 0 ? ` : accueille ${whom.join(", ")}` : ""}`;
    });
  return { keys, items };
}

/**
 * Addresses that bounce (a bounce notification, a complaint): nothing is sent to them any more, and
 * the organizer is told which rows they belong to. Addresses a send already failed on are told by
 * the alert about failed sends instead.
 */
function bounceAlerts(model: EventModel): DerivedAlert[] {
  const { journal, keys } = model;
  const failedTo = (id: string) =>
    [...journal.failed].some((key) => key.startsWith(`message:${keys.event}:${id}:`));
  const ids = [...journal.bounced].filter((id) => !failedTo(id));
  if (ids.length === 0) return [];
  const rows = new Map<string, { address: string; where: string[] }>();
  const add = (address: string, where: string) => {
    const id = keys.recipientId(address);
    const known = rows.get(id) ?? { address, where: [] };
    rows.set(id, { address: known.address, where: [...known.where, where] });
  };
  for (const excluded of model.excluded)
    if (excluded.email) add(excluded.email, `onglet ${excluded.tab}, ligne ${excluded.row}`);
  if (model.kind === "seminar")
    for (const record of model.tutorRecords) add(record.email, `tuteur, onglet Tuteurs, ligne ${record.row}`);
  const items = ids
    .map((id) => {
      const known = rows.get(id);
      return known
        ? `${known.address} : ${known.where.join(" ; ")}`
        : "une adresse qui n'est plus dans le classeur";
    })
    .sort();
  return [
    {
      kind: "adresse-en-echec",
      version: digest([...ids].sort()),
      summary: `${plural(ids.length, "adresse")} en échec`,
      paragraphs: [
        "Le service d'envoi signale que ces adresses ne reçoivent pas nos messages (adresse inexistante, boîte fermée), ou que leur titulaire a signalé un message comme indésirable. Plus rien ne leur sera envoyé.",
        "S'il s'agit d'une erreur de saisie, corrigez l'adresse dans le classeur : les messages repartiront vers la nouvelle adresse. Sinon, prévenez la personne par un autre moyen.",
      ],
      items,
    },
  ];
}

/** The messages of a plan due at `now` (send time reached, not expired). */
export function dueMessages(plan: MessagePlan, now: Date, kinds?: readonly MessageKind[]): PlannedMessage[] {
  return plan.messages.filter(
    (message) => message.sendAt.getTime() <= now.getTime() && (!kinds || kinds.includes(message.kind)),
  );
}
