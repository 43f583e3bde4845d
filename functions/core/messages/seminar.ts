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
import {
  frenchDates,
  frenchDay,
  frenchSpan,
  frenchTime,
  greeting,
  pluralSuffix,
  registered,
} from "../text/french.js";
import { oneLine, webLink } from "../text/safe-text.js";
import {
  AUTOMATIC_FOOTER,
  type Block,
  block,
  type MessageContent,
  type MessageDocument,
  renderDocument,
  SIGNATURE,
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

/** « le séminaire » or, for a reverse immersion (issue 18), « l'immersion ». */
function theEvent(info: SeminarInfo): string {
  return info.reverse ? "l'immersion" : "le séminaire";
}

/** « au séminaire » or « à l'immersion ». */
function toTheEvent(info: SeminarInfo): string {
  return info.reverse ? "à l'immersion" : "au séminaire";
}

/** « du séminaire » or « de l'immersion ». */
function ofTheEvent(info: SeminarInfo): string {
  return info.reverse ? "de l'immersion" : "du séminaire";
}

/**
 * The lines under an item; `careOf`: in a message to whoever registered the person, who reads of
 * « son hôte », not « votre hôte ».
 */
function itemDetail(item: AgendaItem, reverse = false, careOf = false): string[] {
  const placement = item.placement;
  if (!placement) return item.place ? [item.place] : [];
  const host = careOf ? "Son hôte" : "Votre hôte";
  if (reverse)
    return [
      placement.tutor ? `${host} : ${placement.tutor}` : `${host} : communiqué prochainement`,
      placement.address ? `Rendez-vous : ${placement.address}` : null,
      placement.contact ? `Contact : ${placement.contact}` : null,
    ].filter((line): line is string => line !== null);
  return [
    `Situation observée : ${placement.situation}`,
    placement.address ? `Adresse : ${placement.address}` : null,
    placement.tutor
      ? `${careOf ? "Son" : "Votre"} tuteur ou tutrice : ${placement.tutor}`
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
function agendaBlocks(items: readonly AgendaItem[], zone: string, reverse = false, careOf = false): Block[] {
  return byDay(items, zone).map(([day, list]) =>
    block.agenda(
      capitalize(day),
      list.map((item) => ({
        time: timeLabel(item, zone),
        title: itemTitle(item),
        details: itemDetail(item, reverse, careOf),
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
  if (agenda.participant.careOf !== undefined) return practicalLinesCareOf(info, agenda);
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

/** The practical lines, told to whoever registered the person: of them, « il ou elle ». */
function practicalLinesCareOf(info: SeminarInfo, agenda: ParticipantAgenda): string[] {
  return [
    `Lieu d'accueil : ${info.venue}.`,
    agenda.participant.dinner ? "Il ou elle est inscrit(e) au dîner du premier soir." : null,
    agenda.participant.visit ? "Il ou elle est inscrit(e) à la visite de la ville." : null,
    info.reverse
      ? "Pendant l'immersion, il ou elle suit son hôte dans sa journée (réunions, instances de décision, visites de terrain) : les échanges entendus sont confidentiels, et son hôte reste son interlocuteur sur place."
      : "Pendant les immersions, il ou elle observe le travail des agents auprès des usagers : les échanges entendus sont confidentiels, et le tuteur ou la tutrice qui l'accueille reste son interlocuteur sur place.",
    "Le fichier joint (programme.ics) ajoute ces rendez-vous à un agenda (Outlook, Apple Calendar, Google Agenda) ; le programme ci-dessus peut aussi être imprimé.",
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

/**
 * What a participant left without a placement for some slots is told (after their tutor or host
 * declined and no other could take them): honestly that none was found yet and that the organizer
 * will write; the organizer, alerted, places them by hand in `Affectations`, and a change notice
 * with the new placement follows. `careOf`: said to the person's registrar.
 */
function missingNotice(info: SeminarInfo, slots: readonly string[], careOf: boolean): string | null {
  if (slots.length === 0) return null;
  const names = `« ${slots.join(" », « ")} »`;
  const which = `${slots.length > 1 ? "les créneaux" : "le créneau"} ${names}`;
  const other = info.reverse ? "un autre hôte" : "un autre lieu d'immersion";
  return careOf
    ? `Pour ${which}, nous n'avons pas encore pu lui proposer ${other}. L'équipe d'organisation vous écrira dès qu'une solution sera trouvée ; d'ici là, rien n'est prévu pour lui ou elle sur ce créneau.`
    : `Pour ${which}, nous n'avons pas encore pu vous proposer ${other}. L'équipe d'organisation vous écrira dès qu'une solution sera trouvée ; d'ici là, rien n'est prévu pour vous sur ce créneau.`;
}

export function renderConvocation(view: ConvocationView): MessageContent {
  const { info, agenda } = view;
  const person = fullName(agenda.participant.firstName, agenda.participant.lastName);
  const careOf = agenda.participant.careOf !== undefined;
  const subject = oneLine(
    view.change
      ? `Modification ${careOf ? `du programme de ${person}` : "de votre programme"} — ${info.title}`
      : `Convocation${careOf ? ` de ${person}` : ""} — ${info.title}`,
  );
  const intro = careOf
    ? `Vous avez inscrit ${person} à ${theEvent(info)} « ${info.title} »${where(info)} ${datesOf(info)}. ${view.change ? "Son programme a changé : voici son programme à jour" : "Voici sa convocation, avec son programme personnel"} ; merci de la lui transmettre (le calendrier joint peut être imprimé ou ajouté à un agenda).`
    : view.change
      ? `Votre programme pour ${theEvent(info)} « ${info.title} » a changé. Voici votre programme à jour ; le calendrier joint remplace le précédent dans votre agenda.`
      : `Nous avons le plaisir de vous confirmer votre participation ${info.reverse ? "à l'immersion" : "au séminaire"} « ${info.title} », qui se tiendra${where(info)} ${datesOf(info)}. Vous trouverez ci-dessous votre programme personnel, avec ${info.reverse ? "votre hôte et son adresse" : "vos lieux d'immersion"}.`;
  const missing = missingNotice(info, agenda.missingSlots, careOf);
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
  const changes = view.change ? changeLines(agenda.changes, info.zone, careOf) : [];
  const document: MessageDocument = {
    title: subject,
    ...brand(info),
    heading: careOf
      ? view.change
        ? "Son programme a changé"
        : "Sa convocation"
      : view.change
        ? "Votre programme a changé"
        : "Votre convocation",
    blocks: [
      block.paragraph(greeting(person, careOf)),
      block.paragraph(intro),
      ...(missing ? [block.note(missing)] : []),
      ...(changes.length > 0 ? [block.section("Ce qui a changé"), block.list(changes)] : []),
      block.section(careOf ? "Son programme" : "Votre programme"),
      ...agendaBlocks(agenda.items, info.zone, info.reverse, careOf),
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
        careOf
          ? "Nous vous remercions de l'accompagner dans cette démarche et vous prions d'agréer nos salutations distinguées."
          : "Nous vous remercions de votre engagement et vous prions d'agréer nos salutations distinguées.",
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
export function changeLines(changes: readonly ItemChange[], zone: string, careOf = false): string[] {
  return changes.map((change) => {
    if (change.before && change.after)
      return `Modifié : ${describeItem(change.before, zone)} → ${describeItem(change.after, zone)}`;
    if (change.after) return `Ajouté : ${describeItem(change.after, zone)}`;
    return `Supprimé : ${describeItem(change.before!, zone)} (retiré ${careOf ? "de son agenda" : "de votre agenda"} par le calendrier joint)`;
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
  const careOf = participant.careOf !== undefined;
  const intro = careOf
    ? `La participation de ${registered(person)} ${toTheEvent(info)} « ${info.title} »${where(info)} ${datesOf(info)} est annulée. Merci de le lui faire savoir ; le calendrier joint retire de son agenda tous les rendez-vous de sa convocation.`
    : `Votre participation ${toTheEvent(info)} « ${info.title} »${where(info)} ${datesOf(info)} est annulée. Le calendrier joint retire de votre agenda tous les rendez-vous de votre convocation.`;
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
        block.paragraph(greeting(person, careOf)),
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
        ? `Les personnes que vous accueillerez pendant ${theEvent(info)} « ${info.title} » ont changé. Voici ce qui est prévu désormais.`
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
    intro: `Nous n'avons pas encore reçu votre réponse à notre demande d'accueil pour ${theEvent(info)} « ${info.title} »${where(info)}. Pour mémoire, voici ce qui est prévu :`,
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
  const careOf = agenda.participant.careOf !== undefined;
  const starts = first
    ? `le ${frenchDay(first.start, info.zone)} à ${frenchTime(first.start, info.zone)}${first.place ? ` (${first.place})` : ""}`
    : null;
  const intro = careOf
    ? `${registered(person)} est attendu(e) ${toTheEvent(info)} « ${info.title} »${where(info)}.${starts ? ` Son programme commence ${starts}.` : ""} Merci de le lui rappeler et de lui transmettre le programme ci-dessous.`
    : `${capitalize(theEvent(info))} « ${info.title} » approche.${starts ? ` Votre programme commence ${starts}.` : ""}`;
  const travel = travelLines(info, agenda);
  return renderDocument(
    {
      title: subject,
      ...brand(info),
      heading: "Rappel",
      blocks: [
        block.paragraph(greeting(person, careOf)),
        block.paragraph(intro),
        block.section(careOf ? "Son programme" : "Votre programme"),
        ...agendaBlocks(agenda.items, info.zone, info.reverse, careOf),
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
  const intro = info.reverse
    ? `Nous vous remercions d'avoir confirmé que vous ouvrez votre journée aux visiteurs de l'immersion « ${info.title} ». Pour rappel :`
    : `Nous vous remercions d'avoir confirmé l'accueil de participants ${ofTheEvent(info)} « ${info.title} ». Pour rappel :`;
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
  const careOf = agenda.participant.careOf !== undefined;
  const lines = [
    ...(careOf ? [`Ce message concerne ${registered(person)} : merci de le lui transmettre.`] : []),
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
        block.paragraph(greeting(person, careOf)),
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
  /** Whom the survey is about: the person who took part. */
  recipient: string;
  link: string;
  /** The signed address a reply goes to: the email then invites a mark and a comment by reply (issue 17). */
  replyTo?: string;
  /** Whether it goes to whoever registered the person (a service user's registrar), not to them. */
  careOf?: boolean;
}): MessageContent {
  const link = webLink(view.link);
  if (!link) throw new Error("A feedback request needs an http(s) survey link.");
  const careOf = view.careOf === true;
  const subject = oneLine(
    careOf
      ? `L'avis de ${view.recipient} sur « ${view.info.title} »`
      : `Votre avis sur « ${view.info.title} »`,
  );
  const lines = careOf
    ? [
        `${registered(view.recipient)} a participé à « ${view.info.title} ». Son retour nous aide à améliorer les prochaines éditions : merci de lui transmettre ce questionnaire, ou de l'aider à le remplir.`,
        "Le questionnaire prend environ cinq minutes ; ses réponses restent anonymes.",
        ...(view.replyTo
          ? [
              "Vous pouvez aussi simplement répondre à ce message de sa part : une note de 1 à 5 (5 = excellent) sur la première ligne, puis, s'il ou elle le souhaite, un commentaire.",
            ]
          : []),
      ]
    : [
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
        block.paragraph(greeting(view.recipient, careOf)),
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
