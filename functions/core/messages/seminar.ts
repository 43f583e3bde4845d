/** The messages of an immersion seminar, in French, each as HTML and plain text. Pure. */
import { DateTime } from "luxon";
import type {
  AgendaItem,
  AnnouncedItem,
  ItemChange,
  ParticipantAgenda,
  SeminarInfo,
  TutorView,
  WithdrawnParticipant,
} from "../event/model.js";
import { fullName } from "../event/model.js";
import { buildCalendar, type CalendarItem, calendarContentType } from "../schedule/calendar.js";
import { frenchDates, frenchDay, frenchSpan, frenchTime, pluralSuffix } from "../text/french.js";
import { oneLine, webLink } from "../text/safe-text.js";
import {
  AUTOMATIC_FOOTER,
  type Block,
  block,
  type MessageContent,
  type MessageDocument,
  renderDocument,
} from "./layout.js";

/** Headers that ask auto-responders (out-of-office replies) to stay quiet. */
export const AUTOMATIC_HEADERS: Readonly<Record<string, string>> = {
  "Auto-Submitted": "auto-generated",
  "X-Auto-Response-Suppress": "All",
};

export const ANSWER_INSTRUCTION = "Répondez simplement OUI ou NON à ce message.";

function datesOf(info: SeminarInfo): string {
  const [day1, day2] = info.days;
  return frenchDates(
    DateTime.fromISO(day1, { zone: info.zone }),
    DateTime.fromISO(day2, { zone: info.zone }),
  );
}

function where(info: SeminarInfo): string {
  return info.city ? ` à ${info.city}` : "";
}

/** The last paragraph of every message: whom to write to, as a mailto link. */
function contact(info: SeminarInfo): Block {
  return block.paragraph([
    "Pour toute question, écrivez à l'équipe d'organisation : ",
    { text: info.organizerEmail, href: `mailto:${info.organizerEmail}` },
  ]);
}

/** The event and who organizes it, above every heading. */
function brand(info: SeminarInfo): Pick<MessageDocument, "event" | "organizer"> {
  return { event: info.title, organizer: info.sender.name ?? info.organizerEmail };
}

const SIGNATURE = "L'équipe d'organisation";

/** « le séminaire » or, for a reverse immersion (issue 18), « l'immersion ». */
function theEvent(info: SeminarInfo): string {
  return info.reverse ? "l'immersion" : "le séminaire";
}

function itemDetail(item: AgendaItem, reverse = false): string[] {
  const placement = item.placement;
  if (!placement) return item.place ? [item.place] : [];
  if (reverse)
    return [
      placement.tutor ? `Votre hôte : ${placement.tutor}` : "Votre hôte : communiqué prochainement",
      placement.address ? `Rendez-vous : ${placement.address}` : null,
      placement.contact ? `Contact : ${placement.contact}` : null,
    ].filter((line): line is string => line !== null);
  return [
    `Situation observée : ${placement.situation}`,
    placement.address ? `Adresse : ${placement.address}` : null,
    placement.tutor
      ? `Votre tuteur ou tutrice : ${placement.tutor}`
      : "Tuteur ou tutrice : communiqué(e) prochainement",
  ].filter((line): line is string => line !== null);
}

function itemTitle(item: AgendaItem): string {
  if (item.placement) return `Immersion (${item.placement.slot}) : ${item.placement.structure}`;
  return item.title;
}

function byDay(agenda: readonly AgendaItem[], zone: string): [string, AgendaItem[]][] {
  const days = new Map<string, AgendaItem[]>();
  for (const item of agenda) {
    const day = frenchDay(item.start, zone);
    days.set(day, [...(days.get(day) ?? []), item]);
  }
  return [...days];
}

/** One agenda block per day, one row per item. */
function agendaBlocks(items: readonly AgendaItem[], zone: string, reverse = false): Block[] {
  return byDay(items, zone).map(([day, list]) =>
    block.agenda(
      capitalize(day),
      list.map((item) => ({
        time: timeLabel(item, zone),
        title: itemTitle(item),
        details: itemDetail(item, reverse),
        own: item.placement !== undefined,
      })),
    ),
  );
}

function timeLabel(item: AgendaItem, zone: string): string {
  if (item.start.getTime() === item.end.getTime()) return frenchTime(item.start, zone);
  const sameDay = frenchDay(item.start, zone) === frenchDay(item.end, zone);
  return `${frenchTime(item.start, zone)} – ${frenchTime(item.end, zone)}${sameDay ? "" : " (lendemain)"}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function travelLines(info: SeminarInfo, agenda: ParticipantAgenda): string[] {
  const lines: string[] = [];
  const station = info.station ? ` (${info.station})` : "";
  if (agenda.arrival)
    lines.push(
      `Arrivée : votre train arrive le ${frenchDay(agenda.arrival, info.zone)} à ${frenchTime(agenda.arrival, info.zone)}${station}.`,
    );
  const train = agenda.returnTrain;
  if (train) {
    lines.push(
      `Retour : votre train part le ${frenchDay(train.departure, info.zone)} à ${frenchTime(train.departure, info.zone)}${info.station ? ` (${info.station})` : ""}.`,
    );
    if (train.lastItem && train.leavesEarly)
      lines.push(
        `Pour le prendre, quittez « ${train.lastItem.title} » au plus tard à ${frenchTime(train.leaveBy, info.zone)} : prévenez-en l'équipe d'animation en arrivant.`,
      );
    else if (train.lastItem)
      lines.push(
        `« ${train.lastItem.title} » se termine à ${frenchTime(train.lastItem.end, info.zone)} : vous aurez le temps de rejoindre la gare.`,
      );
  }
  return lines;
}

function practicalLines(info: SeminarInfo, agenda: ParticipantAgenda): string[] {
  return [
    `Lieu d'accueil : ${info.venue}.`,
    agenda.participant.dinner ? "Vous êtes inscrit(e) au dîner du premier soir." : null,
    agenda.participant.visit ? "Vous êtes inscrit(e) à la visite de la ville." : null,
    info.reverse
      ? "Pendant l'immersion, vous suivez votre hôte dans sa journée (réunions, instances de décision, visites de terrain) : les échanges entendus sont confidentiels, et votre hôte reste votre interlocuteur sur place."
      : "Pendant les immersions, vous observez le travail des agents auprès des usagers : les échanges entendus sont confidentiels, et le tuteur ou la tutrice qui vous accueille reste votre interlocuteur sur place.",
    "Le fichier joint (programme.ics) ajoute ces rendez-vous à votre agenda (Outlook, Apple Calendar, Google Agenda).",
  ].filter((line): line is string => line !== null);
}

export function calendarItems(agenda: ParticipantAgenda, reverse = false): CalendarItem[] {
  return agenda.items.map((item) => ({
    id: item.id,
    start: item.start,
    end: item.end,
    title: itemTitle(item),
    ...(item.place ? { place: item.place } : {}),
    ...(item.placement && itemDetail(item, reverse).length > 0
      ? { description: itemDetail(item, reverse).join("\n") }
      : {}),
  }));
}

export interface ConvocationView {
  readonly info: SeminarInfo;
  readonly agenda: ParticipantAgenda;
  /** 1 for the convocation, then one more for each change notice. */
  readonly version: number;
  /** Whether this is a change notice (the programme changed after the convocation). */
  readonly change: boolean;
  /** When the message is built (the calendar's stamp). */
  readonly stamp: Date;
}

export function renderConvocation(view: ConvocationView): MessageContent {
  const { info, agenda } = view;
  const person = fullName(agenda.participant.firstName, agenda.participant.lastName);
  const subject = oneLine(
    view.change ? `Modification de votre programme — ${info.title}` : `Convocation — ${info.title}`,
  );
  const careOf = agenda.participant.careOf !== undefined;
  const intro = careOf
    ? `Vous avez inscrit ${person} à ${theEvent(info)} « ${info.title} »${where(info)} ${datesOf(info)}. ${view.change ? "Son programme a changé : voici son programme à jour" : "Voici sa convocation, avec son programme personnel"} ; merci de la lui transmettre (le calendrier joint peut être imprimé ou ajouté à un agenda).`
    : view.change
      ? `Votre programme pour ${theEvent(info)} « ${info.title} » a changé. Voici votre programme à jour ; le calendrier joint remplace le précédent dans votre agenda.`
      : `Nous avons le plaisir de vous confirmer votre participation ${info.reverse ? "à l'immersion" : "au séminaire"} « ${info.title} », qui se tiendra${where(info)} ${datesOf(info)}. Vous trouverez ci-dessous votre programme personnel, avec ${info.reverse ? "votre hôte et son adresse" : "vos lieux d'immersion"}.`;
  const missing =
    agenda.missingSlots.length > 0
      ? `Votre lieu d'immersion pour le créneau « ${agenda.missingSlots.join(" », « ")} » vous sera communiqué prochainement.`
      : null;
  const travel = travelLines(info, agenda);
  const practical = practicalLines(info, agenda);
  const calendar = buildCalendar({
    event: info.event,
    owner: agenda.participant.email,
    title: info.title,
    zone: info.zone,
    sequence: view.version - 1,
    items: calendarItems(agenda, info.reverse),
    stamp: view.stamp,
    organizer: info.sender,
    ...(view.change ? { cancelled: agenda.cancelled } : {}),
  });
  const changes = view.change ? changeLines(agenda.changes, info.zone) : [];
  const document: MessageDocument = {
    title: subject,
    ...brand(info),
    heading: view.change ? "Votre programme a changé" : "Votre convocation",
    blocks: [
      block.paragraph(careOf ? "Bonjour," : `Bonjour ${person},`),
      block.paragraph(intro),
      ...(missing ? [block.note(missing)] : []),
      ...(changes.length > 0 ? [block.section("Ce qui a changé"), block.list(changes)] : []),
      block.section("Votre programme"),
      ...agendaBlocks(agenda.items, info.zone, info.reverse),
      ...(travel.length > 0
        ? [
            block.section("Vos trajets"),
            ...travel.map((line) =>
              line.startsWith("Pour le prendre") ? block.note(line) : block.paragraph(line),
            ),
          ]
        : []),
      block.section("Informations pratiques"),
      block.list(practical),
      contact(info),
      block.paragraph(
        "Nous vous remercions de votre engagement et vous prions d'agréer nos salutations distinguées.",
      ),
      block.paragraph(SIGNATURE),
    ],
    footer: AUTOMATIC_FOOTER,
  };
  return renderDocument(document, {
    headers: AUTOMATIC_HEADERS,
    attachments: [
      {
        filename: "programme.ics",
        contentType: calendarContentType("PUBLISH"),
        content: calendar,
      },
    ],
  });
}

function describeItem(item: AnnouncedItem, zone: string): string {
  const when =
    item.start.getTime() === item.end.getTime()
      ? `${frenchDay(item.start, zone)} à ${frenchTime(item.start, zone)}`
      : `${frenchDay(item.start, zone)}, ${frenchTime(item.start, zone)} – ${frenchTime(item.end, zone)}`;
  return `« ${item.title} » (${when}${item.place ? `, ${item.place}` : ""})`;
}

/** One line per change since the convocation: `ancien → nouveau`, added, or removed. */
export function changeLines(changes: readonly ItemChange[], zone: string): string[] {
  return changes.map((change) => {
    if (change.before && change.after)
      return `Modifié : ${describeItem(change.before, zone)} → ${describeItem(change.after, zone)}`;
    if (change.after) return `Ajouté : ${describeItem(change.after, zone)}`;
    return `Supprimé : ${describeItem(change.before!, zone)} (retiré de votre agenda par le calendrier joint)`;
  });
}

export interface CancellationView {
  readonly info: SeminarInfo;
  readonly participant: WithdrawnParticipant;
  /** The calendar's SEQUENCE: higher than any file sent before. */
  readonly sequence: number;
  readonly stamp: Date;
}

/** The notice to a participant whose registration was cancelled after the convocation. */
export function renderCancellation(view: CancellationView): MessageContent {
  const { info, participant } = view;
  const person = fullName(participant.firstName, participant.lastName);
  const subject = oneLine(`Annulation de votre participation — ${info.title}`);
  const intro = `Votre participation au séminaire « ${info.title} »${where(info)} ${datesOf(info)} est annulée. Le calendrier joint retire de votre agenda tous les rendez-vous de votre convocation.`;
  const lines = participant.announced.map((item) => describeItem(item, info.zone));
  const calendar = buildCalendar({
    event: info.event,
    owner: participant.email,
    title: info.title,
    zone: info.zone,
    sequence: view.sequence,
    items: participant.announced.map((item) => ({
      id: item.id,
      start: item.start,
      end: item.end,
      title: item.title,
    })),
    stamp: view.stamp,
    organizer: info.sender,
    method: "CANCEL",
  });
  return renderDocument(
    {
      title: subject,
      ...brand(info),
      heading: "Participation annulée",
      blocks: [
        block.paragraph(`Bonjour ${person},`),
        block.paragraph(intro),
        block.section("Rendez-vous retirés"),
        block.list(lines),
        block.paragraph("S'il s'agit d'une erreur, écrivez-nous : nous rétablirons votre inscription."),
        contact(info),
        block.paragraph(SIGNATURE),
      ],
      footer: AUTOMATIC_FOOTER,
    },
    {
      headers: AUTOMATIC_HEADERS,
      attachments: [
        { filename: "annulation.ics", contentType: calendarContentType("CANCEL"), content: calendar },
      ],
    },
  );
}

export interface TutorRequestView {
  readonly info: SeminarInfo;
  readonly tutor: TutorView;
  /** The signed address replies go to. */
  readonly replyTo: string;
  /** 1 for the first request; more when the participants to host changed. */
  readonly version: number;
}

function hostingLines(info: SeminarInfo, tutor: TutorView): { heading: string; lines: string[] }[] {
  return tutor.hosts.map((slot) => ({
    heading: `${capitalize(frenchDay(slot.start, info.zone))}, ${frenchSpan(slot.start, slot.end, info.zone)} (créneau « ${slot.slot} »)`,
    lines: [
      info.reverse
        ? `Rendez-vous : ${slot.address ?? info.venue}`
        : `Lieu : ${slot.structure}${slot.address ? `, ${slot.address}` : ""}`,
      ...(info.reverse ? [] : [`Situation : ${slot.situation}`]),
      ...slot.participants.flatMap((participant) => [
        `${info.reverse ? "Vous suivra" : "Participant(e)"} : ${participant.name} — ${participant.position ? `${participant.position}, ` : ""}${participant.employer}`,
        ...(participant.needs ? [`Besoins pour l'accueil : ${hostingNeeds(participant.needs)}`] : []),
      ]),
    ],
  }));
}

/**
 * `Besoins` as a tutor needs to read it: `PMR` (the contract's word for step-free access, SHEETS.md)
 * spelled out, every other need kept as typed.
 */
export function hostingNeeds(needs: string): string {
  return needs
    .split(/[;\n]+/)
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) =>
      part.replace(
        /\b(PMR|fauteuil roulant|wheelchair|step-free access)\b/gi,
        "accès de plain-pied nécessaire (PMR)",
      ),
    )
    .join(" ; ");
}

const DECLINE_INSTRUCTION =
  "En cas d'empêchement, répondez NON : nous proposerons un autre lieu aux participants concernés.";

/** A message to a tutor about whom they host (a request, a nudge): the same body, its own words. */
function tutorMessage(
  info: SeminarInfo,
  tutor: TutorView,
  words: { subject: string; heading: string; intro: string; ask: string; thanks: string; invited: boolean },
): MessageContent {
  const subject = oneLine(words.subject);
  const hosting = hostingLines(info, tutor);
  const invited = words.invited
    ? tutor.alsoInvited.map(
        (item) =>
          `${item.title}, ${frenchDay(item.start, info.zone)} ${frenchSpan(item.start, item.end, info.zone)}${item.place ? `, ${item.place}` : ""}`,
      )
    : [];
  return renderDocument(
    {
      title: subject,
      ...brand(info),
      heading: words.heading,
      blocks: [
        block.paragraph(`Bonjour ${tutor.name},`),
        block.paragraph(words.intro),
        ...hostingBlocks(hosting),
        ...(invited.length > 0
          ? [block.paragraph("Vous êtes également convié(e) :"), block.list(invited)]
          : []),
        block.paragraph(words.ask),
        block.answer(ANSWER_INSTRUCTION),
        block.paragraph(
          info.reverse
            ? "En cas d'empêchement, répondez NON : nous proposerons un autre hôte aux personnes concernées."
            : DECLINE_INSTRUCTION,
        ),
        contact(info),
        block.paragraph(words.thanks, SIGNATURE),
      ],
      footer: "Votre réponse est lue automatiquement : écrivez OUI ou NON en début de message.",
    },
    { headers: AUTOMATIC_HEADERS },
  );
}

function hostingBlocks(hosting: readonly { heading: string; lines: string[] }[]): Block[] {
  return hosting.flatMap((slot) => [block.subsection(slot.heading), block.list(slot.lines)]);
}

const hostedCount = (tutor: TutorView) =>
  tutor.hosts.reduce((sum, slot) => sum + slot.participants.length, 0);

export function renderTutorRequest(view: TutorRequestView): MessageContent {
  const { info, tutor } = view;
  const count = hostedCount(tutor);
  return tutorMessage(info, tutor, {
    subject: `${view.version > 1 ? "Mise à jour : " : ""}Accueil de ${count} participant${pluralSuffix(count)} en immersion — ${info.title}`,
    heading: "Accueil de participants en immersion",
    intro:
      view.version > 1
        ? `Les personnes que vous accueillerez pendant le séminaire « ${info.title} » ont changé. Voici ce qui est prévu désormais.`
        : info.reverse
          ? `Dans le cadre de l'immersion « ${info.title} »${where(info)}, des agents publics et des usagers viennent partager une journée de décideur. Vous avez bien voulu ouvrir votre agenda : voici qui vous suivra, quand, et où nous leur avons donné rendez-vous.`
          : `Dans le cadre du séminaire « ${info.title} »${where(info)}, des décideurs publics viennent observer le travail des services auprès des usagers. Vous avez bien voulu accueillir des participants : voici qui vous accueillerez, quand et où.`,
    ask: "Pouvez-vous nous confirmer votre disponibilité ?",
    thanks: "Avec nos remerciements pour votre accueil,",
    invited: true,
  });
}

export interface TutorNudgeView {
  readonly info: SeminarInfo;
  readonly tutor: TutorView;
  /** The signed address of the request this nudge follows: a reply to either is read the same. */
  readonly replyTo: string;
}

/** A short, polite reminder to a tutor who has not answered the request yet. */
export function renderTutorNudge(view: TutorNudgeView): MessageContent {
  const { info, tutor } = view;
  const count = hostedCount(tutor);
  return tutorMessage(info, tutor, {
    subject: `Relance : accueil de ${count} participant${pluralSuffix(count)} en immersion — ${info.title}`,
    heading: "Votre réponse nous manque",
    intro: `Nous n'avons pas encore reçu votre réponse à notre demande d'accueil pour le séminaire « ${info.title} »${where(info)}. Pour mémoire, voici ce qui est prévu :`,
    ask: "Pouvez-vous nous dire, d'un mot, si vous serez disponible ?",
    thanks: "Avec nos remerciements,",
    invited: false,
  });
}

export function renderReminder(view: { info: SeminarInfo; agenda: ParticipantAgenda }): MessageContent {
  const { info, agenda } = view;
  const person = fullName(agenda.participant.firstName, agenda.participant.lastName);
  const first = agenda.items[0];
  const subject = oneLine(`Rappel : ${info.title}, ${datesOf(info)}`);
  const intro = `Le séminaire « ${info.title} » approche. ${first ? `Votre programme commence le ${frenchDay(first.start, info.zone)} à ${frenchTime(first.start, info.zone)}${first.place ? ` (${first.place})` : ""}.` : ""}`;
  const travel = travelLines(info, agenda);
  return renderDocument(
    {
      title: subject,
      ...brand(info),
      heading: "Rappel",
      blocks: [
        block.paragraph(`Bonjour ${person},`),
        block.paragraph(intro),
        block.section("Votre programme"),
        ...agendaBlocks(agenda.items, info.zone, info.reverse),
        ...travel.map((line) => block.paragraph(line)),
        contact(info),
        block.paragraph(SIGNATURE),
      ],
      footer: AUTOMATIC_FOOTER,
    },
    { headers: AUTOMATIC_HEADERS },
  );
}

export function renderTutorReminder(view: { info: SeminarInfo; tutor: TutorView }): MessageContent {
  const { info, tutor } = view;
  const subject = oneLine(`Rappel : accueil de participants en immersion — ${info.title}`);
  const hosting = hostingLines(info, tutor);
  const intro = `Nous vous remercions d'avoir confirmé l'accueil de participants du séminaire « ${info.title} ». Pour rappel :`;
  return renderDocument(
    {
      title: subject,
      ...brand(info),
      heading: "Rappel",
      blocks: [
        block.paragraph(`Bonjour ${tutor.name},`),
        block.paragraph(intro),
        ...hostingBlocks(hosting),
        contact(info),
        block.paragraph(SIGNATURE),
      ],
      footer: AUTOMATIC_FOOTER,
    },
    { headers: AUTOMATIC_HEADERS },
  );
}

export function renderTrainReminder(view: { info: SeminarInfo; agenda: ParticipantAgenda }): MessageContent {
  const { info, agenda } = view;
  const train = agenda.returnTrain;
  if (!train) throw new Error("A train reminder needs a return train.");
  const person = fullName(agenda.participant.firstName, agenda.participant.lastName);
  const subject = oneLine(`Votre train de retour part à ${frenchTime(train.departure, info.zone)}`);
  const lines = [
    `Votre train de retour part aujourd'hui à ${frenchTime(train.departure, info.zone)}${info.station ? ` (${info.station})` : ""}.`,
    train.lastItem && train.leavesEarly
      ? `Pour le prendre, quittez « ${train.lastItem.title} » au plus tard à ${frenchTime(train.leaveBy, info.zone)}.`
      : `Prévoyez de partir vers la gare à ${frenchTime(train.leaveBy, info.zone)}.`,
    "Nous vous souhaitons un bon retour et vous remercions de votre participation.",
  ];
  return renderDocument(
    {
      title: subject,
      ...brand(info),
      heading: "Votre train de retour",
      blocks: [
        block.paragraph(`Bonjour ${person},`),
        ...lines.map((line) => block.paragraph(line)),
        contact(info),
        block.paragraph(SIGNATURE),
      ],
      footer: AUTOMATIC_FOOTER,
    },
    { headers: AUTOMATIC_HEADERS },
  );
}

export function renderFeedbackRequest(view: {
  info: { title: string; organizerEmail: string; organizer?: string };
  recipient: string;
  link: string;
  /** The signed address a reply goes to: the email then invites a mark and a comment by reply (issue 17). */
  replyTo?: string;
}): MessageContent {
  const link = webLink(view.link);
  if (!link) throw new Error("A feedback request needs an http(s) survey link.");
  const subject = oneLine(`Votre avis sur « ${view.info.title} »`);
  const lines = [
    `Merci d'avoir participé à « ${view.info.title} ». Votre retour nous aide à améliorer les prochaines éditions.`,
    "Le questionnaire prend environ cinq minutes ; vos réponses restent anonymes.",
    ...(view.replyTo
      ? [
          "Vous pouvez aussi simplement répondre à ce message : une note de 1 à 5 (5 = excellent) sur la première ligne, puis, si vous le souhaitez, un commentaire.",
        ]
      : []),
  ];
  return renderDocument(
    {
      title: subject,
      event: view.info.title,
      ...(view.info.organizer ? { organizer: view.info.organizer } : {}),
      heading: "Votre avis compte",
      blocks: [
        block.paragraph(`Bonjour ${view.recipient},`),
        ...lines.map((line) => block.paragraph(line)),
        block.button("Répondre au questionnaire", link),
        block.small(`Si le lien ne s'ouvre pas, copiez cette adresse dans votre navigateur : ${link}`),
        block.paragraph([
          "Pour toute question : ",
          { text: view.info.organizerEmail, href: `mailto:${view.info.organizerEmail}` },
        ]),
        block.paragraph(SIGNATURE),
      ],
      footer: AUTOMATIC_FOOTER,
    },
    { headers: AUTOMATIC_HEADERS },
  );
}

export interface AlertView {
  readonly eventTitle: string;
  /** What happened, in a few words (it goes to the subject). */
  readonly summary: string;
  readonly paragraphs: readonly string[];
  /** Details, one per line (names, rows). */
  readonly items?: readonly string[];
  /** Where to look, e.g. the spreadsheet. */
  readonly link?: string;
}

/** An alert to the organizer: a decline, an unclear reply, a participant left without a placement, a send that failed. */
export function renderOrganizerAlert(view: AlertView): MessageContent {
  const subject = oneLine(`[Passerelle] ${view.eventTitle} : ${view.summary}`);
  const link = webLink(view.link);
  return renderDocument(
    {
      title: subject,
      event: view.eventTitle,
      heading: view.summary,
      blocks: [
        block.paragraph("Bonjour,"),
        ...view.paragraphs.map((line) => block.paragraph(line)),
        ...(view.items && view.items.length > 0 ? [block.list(view.items)] : []),
        ...(link ? [block.paragraph([{ text: "Ouvrir le classeur", href: link }])] : []),
        block.paragraph("Passerelle"),
      ],
      footer: AUTOMATIC_FOOTER,
    },
    { headers: AUTOMATIC_HEADERS },
  );
}
