/** The messages of a lunch talk: registered, waiting list (with the rank), promoted, reminder, feedback. Pure. */

import type { LunchInfo, LunchRegistration } from "../event/model.js";
import { fullName } from "../event/model.js";
import { buildCalendar } from "../schedule/calendar.js";
import { frenchDay, frenchSpan, ordinal } from "../text/french.js";
import { oneLine } from "../text/safe-text.js";
import {
  AUTOMATIC_FOOTER,
  block,
  type MessageContent,
  type MessageDocument,
  renderDocument,
  SIGNATURE,
} from "./layout.js";
import { AUTOMATIC_HEADERS } from "./seminar.js";

export type LunchMessageKind = "registered" | "waiting" | "promoted" | "reminder";

export interface LunchView {
  readonly info: LunchInfo;
  readonly registration: LunchRegistration;
  readonly kind: LunchMessageKind;
  /** The calendar's stamp (when the message is built). */
  readonly stamp: Date;
}

/** The heading of each lunch-talk message, under the talk's name and its organizer. */
const LUNCH_HEADINGS: Record<LunchMessageKind, string> = {
  registered: "Votre inscription est confirmée",
  waiting: "Vous êtes sur la liste d'attente",
  promoted: "Une place s'est libérée pour vous",
  reminder: "Rappel",
};

function when(info: LunchInfo): string {
  return `le ${frenchDay(info.start, info.zone)}, ${frenchSpan(info.start, info.end, info.zone)}`;
}

export function renderLunchMessage(view: LunchView): MessageContent {
  const { info, registration } = view;
  const person = fullName(registration.firstName, registration.lastName);
  const rank = registration.seat.kind === "waiting" ? registration.seat.rank : 0;
  const subject = oneLine(
    {
      registered: `Inscription confirmée — ${info.title}`,
      waiting: `Liste d'attente (${ordinal(rank)} position) — ${info.title}`,
      promoted: `Une place s'est libérée — ${info.title}`,
      reminder: `Rappel : ${info.title}, ${frenchDay(info.start, info.zone)}`,
    }[view.kind],
  );
  const details = [
    `Date : ${when(info)}`,
    `Lieu : ${info.venue}`,
    info.theme ? `Thème : ${info.theme}` : null,
    info.speakers ? `Intervenants : ${info.speakers}` : null,
  ].filter((line): line is string => line !== null);
  const paragraphs = {
    registered: [
      `Votre inscription à la rencontre méridienne « ${info.title} » est confirmée.`,
      "Le déjeuner est servi sur place. Si vous ne pouvez plus venir, prévenez-nous : votre place ira à une personne de la liste d'attente.",
    ],
    waiting: [
      `La rencontre méridienne « ${info.title} » est complète pour le moment : vous êtes inscrit(e) sur la liste d'attente, en ${ordinal(rank)} position.`,
      "Pour que ces rencontres réunissent des services différents, les places sont réparties entre les services jusqu'à la clôture des inscriptions. Nous vous écrirons dès qu'une place se libère pour vous.",
    ],
    promoted: [
      `Une place s'est libérée : votre inscription à la rencontre méridienne « ${info.title} » est désormais confirmée.`,
      "Si vous ne pouvez plus venir, prévenez-nous : la place ira à la personne suivante.",
    ],
    reminder: [
      `Nous vous attendons à la rencontre méridienne « ${info.title} » ${when(info)}.`,
      "Si vous ne pouvez plus venir, prévenez-nous : une personne de la liste d'attente pourra prendre votre place.",
    ],
  }[view.kind];
  const document: MessageDocument = {
    title: subject,
    event: info.title,
    organizer: info.sender.name ?? info.organizerEmail,
    heading: LUNCH_HEADINGS[view.kind],
    blocks: [
      block.paragraph(`Bonjour ${person},`),
      ...paragraphs.map((line) => block.paragraph(line)),
      block.list(details),
      block.paragraph([
        "Pour nous écrire : ",
        { text: info.organizerEmail, href: `mailto:${info.organizerEmail}` },
      ]),
      block.paragraph(SIGNATURE),
    ],
    footer: AUTOMATIC_FOOTER,
  };
  const seated = view.kind !== "waiting";
  return renderDocument(document, {
    headers: AUTOMATIC_HEADERS,
    ...(seated
      ? {
          attachments: [
            {
              filename: "rencontre.ics",
              contentType: "text/calendar; charset=utf-8; method=PUBLISH",
              content: buildCalendar({
                event: info.event,
                owner: registration.email,
                title: info.title,
                zone: info.zone,
                sequence: 0,
                stamp: view.stamp,
                organizer: info.sender,
                items: [
                  {
                    id: info.calendarItem ?? "rencontre",
                    start: info.start,
                    end: info.end,
                    title: info.title,
                    place: info.venue,
                  },
                ],
              }),
            },
          ],
        }
      : {}),
  });
}
