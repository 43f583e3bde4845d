/**
 * The messages that carry printed documents (issue 17): the certificate of attendance with the
 * survey, to each participant who attended, once the event is over (`attestation`); each host
 * structure's roster, to its `Contact`, a week before the seminar and again, marked as an update,
 * when it changes (`fiche-structure`); the attendance sheets and headcounts, to the organizer, the
 * day before (`documents-organisateur`). Pure.
 *
 * A PDF is drawn asynchronously, a planned message is rendered synchronously: a message carries
 * its documents' *content* (`DocumentAttachment`, the core's `PrintedDocument`), and the sending
 * path draws them just before sending (`app/send-messages.ts`). Versions come from that content,
 * never from the PDF's bytes: a roster's version is a digest of its blocks, so the same roster is
 * sent once and a changed one once more.
 */
import type { DocumentSet, PrintedDocument } from "../documents/index.js";
import { digest } from "../event/model.js";
import { greeting, registered } from "../text/french.js";
import { oneLine, webLink } from "../text/safe-text.js";
import { block, type MessageContent, renderDocument, SIGNATURE } from "./layout.js";
import { AUTOMATIC_HEADERS } from "./seminar.js";

/** A document attached to a message, drawn as a PDF by the sending path. */
export interface DocumentAttachment {
  /** The attachment's file name (`attestation-….pdf`). */
  readonly filename: string;
  readonly document: PrintedDocument;
  /** The PDF's creation date: the instant the documents were made for, so the same content gives the same bytes. */
  readonly createdAt: Date;
}

/** The file name of an attachment: the document's path with its folder folded in (`attestations/x.pdf` → `attestation-x.pdf`). */
export function attachmentName(document: PrintedDocument): string {
  const [folder, ...rest] = document.file.split("/");
  if (rest.length === 0) return folder ?? document.file;
  const prefix = folder === "attestations" ? "attestation" : folder === "structures" ? "fiche" : folder;
  return `${prefix}-${rest.join("-")}`;
}

/** A roster's version: the structure (a short digest of its name) and a digest of the roster's content. */
export function rosterVersion(document: PrintedDocument, structure: string): string {
  return `${rosterPrefix(structure)}${digest([document.title, document.blocks], 10)}`;
}

/** What every version of one structure's roster starts with (no personal data: a digest). */
export function rosterPrefix(structure: string): string {
  return `${digest(structure.trim().toLowerCase(), 6)}-`;
}

/** The organizer's papers: the attendance sheets and the headcounts of a document set. */
export function organizerPapers(set: DocumentSet): PrintedDocument[] {
  return set.documents.filter((doc) => doc.about?.kind === "sheet" || doc.about?.kind === "headcounts");
}

/** The certificate of each participant who attended, by address (lowercase). */
export function certificatesByEmail(set: DocumentSet): Map<string, PrintedDocument> {
  return new Map(
    set.documents.flatMap((doc) =>
      doc.about?.kind === "certificate" ? [[doc.about.email.toLowerCase(), doc] as const] : [],
    ),
  );
}

/** The host rosters of a document set, each with the structure it is for and its contact's address. */
export function rostersOf(
  set: DocumentSet,
): { document: PrintedDocument; structure: string; contact?: string }[] {
  return set.documents.flatMap((doc) =>
    doc.about?.kind === "roster"
      ? [
          {
            document: doc,
            structure: doc.about.structure,
            ...(doc.about.contact ? { contact: doc.about.contact } : {}),
          },
        ]
      : [],
  );
}

/** The certificate of attendance, with the survey (its link, and a reply with a mark when `replyTo` is given). */
export function renderCertificateMessage(view: {
  info: { title: string; organizerEmail: string; organizer?: string };
  /** Whom the certificate is for: the person who took part, in whose name it stays. */
  recipient: string;
  link?: string;
  replyTo?: string;
  /** Whether it goes to whoever registered the person (a service user's registrar), not to them. */
  careOf?: boolean;
}): MessageContent {
  const link = webLink(view.link);
  const careOf = view.careOf === true;
  const subject = oneLine(
    careOf
      ? `Attestation de présence de ${view.recipient} — ${view.info.title}`
      : `Votre attestation de présence — ${view.info.title}`,
  );
  return renderDocument(
    {
      title: subject,
      event: view.info.title,
      ...(view.info.organizer ? { organizer: view.info.organizer } : {}),
      heading: "Merci de votre participation",
      blocks: [
        block.paragraph(greeting(view.recipient, careOf)),
        block.paragraph(
          careOf
            ? `${registered(view.recipient)} a participé à « ${view.info.title} ». Vous trouverez en pièce jointe son attestation de présence (PDF), à son nom, avec les séquences suivies et leurs horaires : merci de la lui remettre.`
            : `Merci d'avoir participé à « ${view.info.title} ». Vous trouverez en pièce jointe votre attestation de présence (PDF), avec les séquences suivies et leurs horaires.`,
        ),
        ...(link || view.replyTo
          ? [
              block.section(careOf ? "Son avis compte" : "Votre avis compte"),
              block.paragraph(
                careOf
                  ? "Son retour nous aide à améliorer les prochaines éditions : merci de lui transmettre le questionnaire, ou de l'aider à le remplir."
                  : "Votre retour nous aide à améliorer les prochaines éditions.",
              ),
            ]
          : []),
        ...(link
          ? [
              block.button("Répondre au questionnaire", link),
              block.small(`Si le lien ne s'ouvre pas, copiez cette adresse dans votre navigateur : ${link}`),
            ]
          : []),
        ...(view.replyTo
          ? [
              block.paragraph(
                careOf
                  ? `${link ? "Vous pouvez aussi simplement" : "Il vous suffit de"} répondre à ce message de sa part : une note de 1 à 5 (5 = excellent) sur la première ligne, puis, s'il ou elle le souhaite, un commentaire.`
                  : `${link ? "Vous pouvez aussi simplement" : "Il vous suffit de"} répondre à ce message : une note de 1 à 5 (5 = excellent) sur la première ligne, puis, si vous le souhaitez, un commentaire.`,
              ),
            ]
          : []),
        block.paragraph([
          "Pour toute question : ",
          { text: view.info.organizerEmail, href: `mailto:${view.info.organizerEmail}` },
        ]),
        block.paragraph(SIGNATURE),
      ],
      footer:
        "Ce message a été envoyé automatiquement par l'équipe d'organisation. L'attestation est aussi disponible auprès de l'organisateur.",
    },
    { headers: AUTOMATIC_HEADERS },
  );
}

/** A host structure's roster, to its contact; `update` when an earlier version was sent. */
export function renderRosterMessage(view: {
  info: { title: string; organizerEmail: string; organizer?: string; dates: string };
  structure: string;
  hosted: number;
  update: boolean;
  /** A reverse immersion's host sheet: the structure is the host, and the message speaks to them. */
  reverse?: boolean;
}): MessageContent {
  if (view.reverse) return renderHostSheetMessage(view);
  const subject = oneLine(
    `${view.update ? "Mise à jour — " : ""}Accueil en immersion — ${view.structure} — ${view.info.title}`,
  );
  return renderDocument(
    {
      title: subject,
      event: view.info.title,
      ...(view.info.organizer ? { organizer: view.info.organizer } : {}),
      heading: view.update ? "Fiche d'accueil mise à jour" : "Fiche d'accueil",
      blocks: [
        block.paragraph("Bonjour,"),
        block.paragraph(
          view.update
            ? `La liste des personnes que ${view.structure} accueille ${view.info.dates} a changé. Voici la fiche mise à jour (PDF) : elle remplace la précédente.`
            : `${view.structure} accueille ${view.hosted > 1 ? `${view.hosted} personnes` : "une personne"} en immersion ${view.info.dates}. Vous trouverez en pièce jointe la fiche d'accueil (PDF) : qui vient, à quelle heure, avec quel tuteur, et leurs besoins éventuels.`,
        ),
        block.paragraph([
          "Si l'accueil n'est plus possible, merci de prévenir au plus tôt : ",
          { text: view.info.organizerEmail, href: `mailto:${view.info.organizerEmail}` },
        ]),
        block.paragraph(SIGNATURE),
      ],
      footer: "Ce message a été envoyé automatiquement par l'équipe d'organisation.",
    },
    { headers: AUTOMATIC_HEADERS },
  );
}

/** A reverse immersion's host sheet, to the host: « vous accueillez », « votre fiche ». */
function renderHostSheetMessage(view: {
  info: { title: string; organizerEmail: string; organizer?: string; dates: string };
  structure: string;
  hosted: number;
  update: boolean;
}): MessageContent {
  const subject = oneLine(
    `${view.update ? "Mise à jour — " : ""}Les personnes qui vous suivront — ${view.info.title}`,
  );
  const who = view.hosted > 1 ? `${view.hosted} personnes` : "une personne";
  return renderDocument(
    {
      title: subject,
      event: view.info.title,
      ...(view.info.organizer ? { organizer: view.info.organizer } : {}),
      heading: view.update ? "Votre fiche d'accueil mise à jour" : "Votre fiche d'accueil",
      blocks: [
        block.paragraph(`Bonjour ${view.structure},`),
        block.paragraph(
          view.update
            ? `La liste des personnes qui vous suivront ${view.info.dates} a changé. Voici votre fiche mise à jour (PDF) : elle remplace la précédente.`
            : `Vous ouvrez votre journée à ${who} ${view.info.dates}. Vous trouverez en pièce jointe votre fiche d'accueil (PDF) : qui vous suivra, à quelle heure, où nous leur avons donné rendez-vous, et leurs besoins éventuels.`,
        ),
        block.paragraph([
          "Si vous ne pouvez plus les accueillir, merci de nous prévenir au plus tôt : ",
          { text: view.info.organizerEmail, href: `mailto:${view.info.organizerEmail}` },
        ]),
        block.paragraph(SIGNATURE),
      ],
      footer: "Ce message a été envoyé automatiquement par l'équipe d'organisation.",
    },
    { headers: AUTOMATIC_HEADERS },
  );
}

/** The attendance sheets and headcounts, to the organizer, the day before. */
export function renderPapersMessage(view: {
  info: { title: string; organizer?: string };
  files: readonly string[];
  headcountLine: string;
}): MessageContent {
  const subject = oneLine(`${view.info.title} : feuilles d'émargement et effectifs`);
  return renderDocument(
    {
      title: subject,
      event: view.info.title,
      ...(view.info.organizer ? { organizer: view.info.organizer } : {}),
      heading: "Feuilles d'émargement et effectifs",
      blocks: [
        block.paragraph("Bonjour,"),
        block.paragraph(
          "Voici, en pièces jointes, les feuilles d'émargement à imprimer et les effectifs (repas, visite, besoins signalés) tels qu'ils sont aujourd'hui dans le classeur.",
        ),
        block.paragraph(view.headcountLine),
        block.list(view.files),
        block.paragraph(
          "Après l'événement, notez les absents dans la colonne Présent (Non) : ils ne recevront pas d'attestation. Ces documents peuvent être refaits à tout moment à partir du classeur.",
        ),
        block.paragraph(SIGNATURE),
      ],
      footer: "Ce message a été envoyé automatiquement.",
    },
    { headers: AUTOMATIC_HEADERS },
  );
}
