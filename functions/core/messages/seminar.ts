/** The messages of an immersion seminar, in French, each as HTML and plain text. Pure. */
import { DateTime } from "luxon";
import { buildCalendar, type CalendarItem } from "../calendar.js";
import { frenchDay, frenchSpan, frenchTime } from "./format.js";
import { AUTOMATIC_FOOTER, type MessageContent, page, textOf } from "./layout.js";
import type { AgendaItem, ParticipantAgenda, SeminarInfo, TutorView } from "./model.js";
import { fullName } from "./model.js";
import { html, name, oneLine, plain, type SafeHtml, safeUrl, webLink } from "./text.js";

/** Headers that ask auto-responders (out-of-office replies) to stay quiet. */
export const AUTOMATIC_HEADERS: Readonly<Record<string, string>> = {
  "Auto-Submitted": "auto-generated",
  "X-Auto-Response-Suppress": "All",
};

export const ANSWER_INSTRUCTION = "Répondez simplement OUI ou NON à ce message.";

function datesOf(info: SeminarInfo): string {
  const [day1, day2] = info.days;
  const first = DateTime.fromISO(day1, { zone: info.zone }).setLocale("fr");
  const second = DateTime.fromISO(day2, { zone: info.zone }).setLocale("fr");
  if (first.month === second.month && first.year === second.year)
    return `les ${first.toFormat("d")} et ${second.toFormat("d LLLL yyyy")}`;
  return `les ${first.toFormat("d LLLL")} et ${second.toFormat("d LLLL yyyy")}`;
}

function where(info: SeminarInfo): string {
  return info.city ? ` à ${info.city}` : "";
}

function contactText(info: SeminarInfo): string {
  return `Pour toute question, écrivez à l'équipe d'organisation : ${info.organizerEmail}`;
}

function contactHtml(info: SeminarInfo): SafeHtml {
  const mail = safeUrl(`mailto:${info.organizerEmail}`);
  return html`<p>Pour toute question, écrivez à l'équipe d'organisation : ${
    mail ? html`<a href="${mail}">${info.organizerEmail}</a>` : info.organizerEmail
  }.</p>`;
}

const SIGNATURE = "L'équipe d'organisation";

function itemDetail(item: AgendaItem): string[] {
  const placement = item.placement;
  if (!placement) return item.place ? [item.place] : [];
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

function agendaHtml(items: readonly AgendaItem[], zone: string): SafeHtml {
  return html`${byDay(items, zone).map(
    ([day, list]) => html`<h3>${capitalize(day)}</h3>
<table class="agenda" role="presentation">${list.map(
      (item) =>
        html`<tr${item.placement ? html` class="own"` : ""}><td class="time">${timeLabel(item, zone)}</td><td><strong>${name(itemTitle(item))}</strong>${itemDetail(
          item,
        ).map((line) => html`<span class="detail">${name(line)}</span>`)}</td></tr>`,
    )}</table>`,
  )}`;
}

function timeLabel(item: AgendaItem, zone: string): string {
  if (item.start.getTime() === item.end.getTime()) return frenchTime(item.start, zone);
  const sameDay = frenchDay(item.start, zone) === frenchDay(item.end, zone);
  return `${frenchTime(item.start, zone)} – ${frenchTime(item.end, zone)}${sameDay ? "" : " (lendemain)"}`;
}

function agendaText(items: readonly AgendaItem[], zone: string): string[] {
  return byDay(items, zone).flatMap(([day, list]) => [
    "",
    capitalize(day),
    ...list.flatMap((item) => [
      `- ${timeLabel(item, zone)} : ${plain(itemTitle(item))}`,
      ...itemDetail(item).map((line) => `    ${plain(line)}`),
    ]),
  ]);
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
    "Pendant les immersions, vous observez le travail des agents auprès des usagers : les échanges entendus sont confidentiels, et le tuteur ou la tutrice qui vous accueille reste votre interlocuteur sur place.",
    "Le fichier joint (programme.ics) ajoute ces rendez-vous à votre agenda (Outlook, Apple Calendar, Google Agenda).",
  ].filter((line): line is string => line !== null);
}

export function calendarItems(agenda: ParticipantAgenda): CalendarItem[] {
  return agenda.items.map((item) => ({
    id: item.id,
    start: item.start,
    end: item.end,
    title: itemTitle(item),
    ...(item.place ? { place: item.place } : {}),
    ...(itemDetail(item).length > 0 && item.placement ? { description: itemDetail(item).join("\n") } : {}),
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
  const intro = view.change
    ? `Votre programme pour le séminaire « ${info.title} » a changé. Voici votre programme à jour ; le calendrier joint remplace le précédent dans votre agenda.`
    : `Nous avons le plaisir de vous confirmer votre participation au séminaire « ${info.title} », qui se tiendra${where(info)} ${datesOf(info)}. Vous trouverez ci-dessous votre programme personnel, avec vos lieux d'immersion.`;
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
    items: calendarItems(agenda),
    stamp: view.stamp,
  });
  const text = textOf([
    `Bonjour ${plain(person)},`,
    "",
    plain(intro),
    missing,
    "",
    "VOTRE PROGRAMME",
    ...agendaText(agenda.items, info.zone),
    "",
    travel.length > 0 ? "VOS TRAJETS" : null,
    ...travel.map(plain),
    "",
    "INFORMATIONS PRATIQUES",
    ...practical.map((line) => `- ${plain(line)}`),
    "",
    contactText(info),
    "",
    "Nous vous remercions de votre engagement et vous prions d'agréer nos salutations distinguées.",
    SIGNATURE,
  ]);
  const body = html`<p>Bonjour ${name(person)},</p>
<p>${intro}</p>
${missing ? html`<p class="note">${missing}</p>` : ""}
<h2>Votre programme</h2>
${agendaHtml(agenda.items, info.zone)}
${travel.length > 0 ? html`<h2>Vos trajets</h2>${travel.map((line) => (line.startsWith("Pour le prendre") ? html`<p class="note">${line}</p>` : html`<p>${line}</p>`))}` : ""}
<h2>Informations pratiques</h2>
<ul>${practical.map((line) => html`<li>${line}</li>`)}</ul>
${contactHtml(info)}
<p>Nous vous remercions de votre engagement et vous prions d'agréer nos salutations distinguées.</p>
<p>${SIGNATURE}</p>`;
  return {
    subject,
    text,
    html: page({
      title: subject,
      heading: view.change ? "Votre programme a changé" : info.title,
      body,
      footer: AUTOMATIC_FOOTER,
    }),
    attachments: [
      {
        filename: "programme.ics",
        contentType: "text/calendar; charset=utf-8; method=PUBLISH",
        content: calendar,
      },
    ],
    headers: AUTOMATIC_HEADERS,
  };
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
      `Lieu : ${slot.structure}${slot.address ? `, ${slot.address}` : ""}`,
      `Situation : ${slot.situation}`,
      ...slot.participants.map(
        (participant) =>
          `Participant(e) : ${participant.name} — ${participant.position ? `${participant.position}, ` : ""}${participant.employer}`,
      ),
    ],
  }));
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
  const text = textOf([
    `Bonjour ${plain(tutor.name)},`,
    "",
    plain(words.intro),
    ...hosting.flatMap((block) => [
      "",
      plain(block.heading),
      ...block.lines.map((line) => `- ${plain(line)}`),
    ]),
    "",
    invited.length > 0 ? "Vous êtes également convié(e) :" : null,
    ...invited.map((line) => `- ${plain(line)}`),
    invited.length > 0 ? "" : null,
    words.ask,
    ANSWER_INSTRUCTION,
    DECLINE_INSTRUCTION,
    "",
    contactText(info),
    "",
    words.thanks,
    SIGNATURE,
  ]);
  const body = html`<p>Bonjour ${name(tutor.name)},</p>
<p>${words.intro}</p>
${hosting.map(
  (block) =>
    html`<h3>${block.heading}</h3><ul>${block.lines.map((line) => html`<li>${name(line)}</li>`)}</ul>`,
)}
${invited.length > 0 ? html`<p>Vous êtes également convié(e) :</p><ul>${invited.map((line) => html`<li>${line}</li>`)}</ul>` : ""}
<p>${words.ask}</p>
<p class="answer">${ANSWER_INSTRUCTION}</p>
<p>${DECLINE_INSTRUCTION}</p>
${contactHtml(info)}
<p>${words.thanks}<br>${SIGNATURE}</p>`;
  return {
    subject,
    text,
    html: page({
      title: subject,
      heading: words.heading,
      body,
      footer: "Votre réponse est lue automatiquement : écrivez OUI ou NON en début de message.",
    }),
    headers: AUTOMATIC_HEADERS,
  };
}

const hostedCount = (tutor: TutorView) =>
  tutor.hosts.reduce((sum, slot) => sum + slot.participants.length, 0);

export function renderTutorRequest(view: TutorRequestView): MessageContent {
  const { info, tutor } = view;
  const count = hostedCount(tutor);
  return tutorMessage(info, tutor, {
    subject: `${view.version > 1 ? "Mise à jour : " : ""}Accueil de ${count} participant${count > 1 ? "s" : ""} en immersion — ${info.title}`,
    heading: "Accueil de participants en immersion",
    intro:
      view.version > 1
        ? `Les personnes que vous accueillerez pendant le séminaire « ${info.title} » ont changé. Voici ce qui est prévu désormais.`
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
    subject: `Relance : accueil de ${count} participant${count > 1 ? "s" : ""} en immersion — ${info.title}`,
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
  const text = textOf([
    `Bonjour ${plain(person)},`,
    "",
    plain(intro),
    "",
    "VOTRE PROGRAMME",
    ...agendaText(agenda.items, info.zone),
    "",
    ...travel.map(plain),
    "",
    contactText(info),
    "",
    SIGNATURE,
  ]);
  const body = html`<p>Bonjour ${name(person)},</p><p>${intro}</p><h2>Votre programme</h2>${agendaHtml(agenda.items, info.zone)}${travel.map((line) => html`<p>${line}</p>`)}${contactHtml(info)}<p>${SIGNATURE}</p>`;
  return {
    subject,
    text,
    html: page({ title: subject, heading: "Rappel", body, footer: AUTOMATIC_FOOTER }),
    headers: AUTOMATIC_HEADERS,
  };
}

export function renderTutorReminder(view: { info: SeminarInfo; tutor: TutorView }): MessageContent {
  const { info, tutor } = view;
  const subject = oneLine(`Rappel : accueil de participants en immersion — ${info.title}`);
  const hosting = hostingLines(info, tutor);
  const intro = `Nous vous remercions d'avoir confirmé l'accueil de participants du séminaire « ${info.title} ». Pour rappel :`;
  const text = textOf([
    `Bonjour ${plain(tutor.name)},`,
    "",
    plain(intro),
    ...hosting.flatMap((block) => [
      "",
      plain(block.heading),
      ...block.lines.map((line) => `- ${plain(line)}`),
    ]),
    "",
    contactText(info),
    "",
    SIGNATURE,
  ]);
  const body = html`<p>Bonjour ${name(tutor.name)},</p><p>${intro}</p>${hosting.map(
    (block) =>
      html`<h3>${block.heading}</h3><ul>${block.lines.map((line) => html`<li>${name(line)}</li>`)}</ul>`,
  )}${contactHtml(info)}<p>${SIGNATURE}</p>`;
  return {
    subject,
    text,
    html: page({ title: subject, heading: "Rappel", body, footer: AUTOMATIC_FOOTER }),
    headers: AUTOMATIC_HEADERS,
  };
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
  const text = textOf([
    `Bonjour ${plain(person)},`,
    "",
    ...lines.map(plain),
    "",
    contactText(info),
    "",
    SIGNATURE,
  ]);
  const body = html`<p>Bonjour ${name(person)},</p>${lines.map((line) => html`<p>${line}</p>`)}${contactHtml(info)}<p>${SIGNATURE}</p>`;
  return {
    subject,
    text,
    html: page({ title: subject, heading: "Votre train de retour", body, footer: AUTOMATIC_FOOTER }),
    headers: AUTOMATIC_HEADERS,
  };
}

export function renderFeedbackRequest(view: {
  info: { title: string; organizerEmail: string };
  recipient: string;
  link: string;
}): MessageContent {
  const link = webLink(view.link);
  if (!link) throw new Error("A feedback request needs an http(s) survey link.");
  const subject = oneLine(`Votre avis sur « ${view.info.title} »`);
  const lines = [
    `Merci d'avoir participé à « ${view.info.title} ». Votre retour nous aide à améliorer les prochaines éditions.`,
    "Le questionnaire prend environ cinq minutes ; vos réponses restent anonymes.",
  ];
  const text = textOf([
    `Bonjour ${plain(view.recipient)},`,
    "",
    ...lines.map(plain),
    "",
    `Questionnaire : ${link}`,
    "",
    `Pour toute question : ${view.info.organizerEmail}`,
    "",
    SIGNATURE,
  ]);
  const body = html`<p>Bonjour ${name(view.recipient)},</p>${lines.map((line) => html`<p>${line}</p>`)}<p class="answer"><a href="${link}">Répondre au questionnaire</a></p><p class="muted">Si le lien ne s'ouvre pas, copiez cette adresse dans votre navigateur : ${link}</p><p>${SIGNATURE}</p>`;
  return {
    subject,
    text,
    html: page({ title: subject, heading: "Votre avis compte", body, footer: AUTOMATIC_FOOTER }),
    headers: AUTOMATIC_HEADERS,
  };
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
  const text = textOf([
    "Bonjour,",
    "",
    ...view.paragraphs.map(plain),
    "",
    ...(view.items ?? []).map((item) => `- ${plain(item)}`),
    "",
    link ? `Classeur : ${link}` : null,
    "",
    "Passerelle",
  ]);
  const body = html`<p>Bonjour,</p>${view.paragraphs.map((line) => html`<p>${line}</p>`)}${
    view.items && view.items.length > 0
      ? html`<ul>${view.items.map((item) => html`<li>${name(item)}</li>`)}</ul>`
      : ""
  }${link ? html`<p><a href="${link}">Ouvrir le classeur</a></p>` : ""}<p>Passerelle</p>`;
  return {
    subject,
    text,
    html: page({ title: subject, heading: view.summary, body, footer: AUTOMATIC_FOOTER }),
    headers: AUTOMATIC_HEADERS,
  };
}
