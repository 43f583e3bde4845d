/** One message of every kind, rendered from the small seminar and the example lunch talk. */

import {
  renderCertificateMessage,
  renderPapersMessage,
  renderRosterMessage,
} from "../../functions/core/messages/document-messages.js";
import type { MessageContent } from "../../functions/core/messages/index.js";
import {
  eventModel,
  type LunchModel,
  renderConvocation,
  renderFeedbackRequest,
  renderLunchMessage,
  renderOrganizerAlert,
  renderReminder,
  renderTrainReminder,
  renderTutorReminder,
  renderTutorRequest,
  type SeminarModel,
} from "../../functions/core/messages/index.js";
import { renderTutorNudge } from "../../functions/core/messages/seminar.js";
import { EVENT, seminar } from "../messages/fixtures.js";
import { testKeys } from "../support/ledger.js";
import { lunchSnapshot } from "../support/workbooks.js";

const NOW = new Date("2027-03-01T10:00:00Z");

export interface GalleryEntry {
  /** A file name without extension: `convocation`, `rencontre-attente`... */
  readonly name: string;
  readonly content: MessageContent;
}

/** Every message kind the product sends, each rendered once. */
export function messageGallery(): GalleryEntry[] {
  const model = eventModel(seminar(), testKeys(EVENT), NOW) as SeminarModel;
  const { info } = model;
  const agenda = model.agendas.find((item) => item.returnTrain) ?? model.agendas[0]!;
  const tutor = model.tutors[0]!;
  const replyTo = "reponse+jeton@reponses.seminaire.example.org";
  const lunch = eventModel(lunchSnapshot(), testKeys("rencontre-test"), NOW) as LunchModel;
  const seated = lunch.registrations.find((item) => item.seat.kind !== "waiting")!;
  const waiting = lunch.registrations.find((item) => item.seat.kind === "waiting")!;
  const lunchMessage = (kind: "registered" | "waiting" | "promoted" | "reminder") =>
    renderLunchMessage({
      info: lunch.info,
      registration: kind === "waiting" ? waiting : seated,
      kind,
      stamp: NOW,
    });
  return [
    {
      name: "convocation",
      content: renderConvocation({ info, agenda, version: 1, change: false, stamp: NOW }),
    },
    {
      name: "changement",
      content: renderConvocation({ info, agenda, version: 2, change: true, stamp: NOW }),
    },
    { name: "rappel", content: renderReminder({ info, agenda }) },
    { name: "rappel-train", content: renderTrainReminder({ info, agenda }) },
    {
      name: "questionnaire",
      content: renderFeedbackRequest({
        info: { title: info.title, organizerEmail: info.organizerEmail, organizer: "Séminaire" },
        recipient: "Claire Martin",
        link: "https://questionnaire.example.org/seminaire",
      }),
    },
    {
      name: "attestation",
      content: renderCertificateMessage({
        info: { title: info.title, organizerEmail: info.organizerEmail, organizer: "Séminaire" },
        recipient: "Claire Martin",
        link: "https://questionnaire.example.org/seminaire",
        replyTo,
      }),
    },
    {
      name: "fiche-structure",
      content: renderRosterMessage({
        info: {
          title: info.title,
          organizerEmail: info.organizerEmail,
          organizer: "Séminaire",
          dates: "les 17 et 18 mars 2027",
        },
        structure: "CAF — Accueil de Rennes",
        hosted: 4,
        update: true,
      }),
    },
    {
      name: "documents-organisateur",
      content: renderPapersMessage({
        info: { title: info.title, organizer: "Séminaire" },
        files: ["emargement-j1-accueil-sequence-1.pdf", "emargement-j2-sequence-4.pdf", "effectifs.pdf"],
        headcountLine: "Effectifs : dîner du 17/03 : 18 ; repas du 18/03 : 32 (dont 9 tuteurs).",
      }),
    },
    { name: "demande-tuteur", content: renderTutorRequest({ info, tutor, replyTo, version: 1 }) },
    { name: "relance-tuteur", content: renderTutorNudge({ info, tutor, replyTo }) },
    { name: "rappel-tuteur", content: renderTutorReminder({ info, tutor }) },
    {
      name: "alerte",
      content: renderOrganizerAlert({
        eventTitle: info.title,
        summary: "une tutrice décline",
        paragraphs: ["Sophie Le Gall ne pourra pas accueillir les participants du créneau Matin."],
        items: ["Claire Martin", "Hugo Bernard"],
        link: "https://docs.google.com/spreadsheets/d/exemple",
      }),
    },
    { name: "rencontre-inscription", content: lunchMessage("registered") },
    { name: "rencontre-attente", content: lunchMessage("waiting") },
    { name: "rencontre-place-liberee", content: lunchMessage("promoted") },
    { name: "rencontre-rappel", content: lunchMessage("reminder") },
  ];
}

/** The HTML without its `<style>` element, as a client that strips it shows it. */
export function withoutStyle(page: string): string {
  return page.replace(/<style[\s\S]*?<\/style>/gi, "");
}
