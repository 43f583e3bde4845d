/**
 * The spreadsheet contract (SHEETS.md) as zod schemas: one schema per tab, its type beside it.
 * Keys are English; each field carries the public French header it is read from and written to.
 * The templates in `sheets-templates/` are generated from these schemas.
 */
import { z } from "zod";
import { LUNCH_ACTIONS, SEMINAR_ACTIONS } from "../settings/event-settings.js";
import {
  choice,
  choiceList,
  date,
  dateTime,
  email,
  integer,
  list,
  mailbox,
  must,
  output,
  requiredText,
  text,
  time,
  timeZone,
  url,
  yesNo,
} from "./fields.js";

export const STRUCTURE_TYPES = [
  "CAF",
  "CPAM",
  "CCAS",
  "Urgences",
  "CHRS",
  "France Travail",
  "Autre",
] as const;
export type StructureType = (typeof STRUCTURE_TYPES)[number];

export const SITUATIONS = ["Accueil physique", "Accueil téléphonique", "Contrôle sur place"] as const;
export type Situation = (typeof SITUATIONS)[number];

export const PUBLICS = [
  "Fonctionnaire d'État",
  "Fonctionnaire territorial",
  "Sécurité sociale",
  "Hôpital",
  "Journaliste",
  "Entreprise",
  "Élu",
  "Enseignant",
] as const;
export type Public = (typeof PUBLICS)[number];

export const AUDIENCES = ["Tous", "Participants", "Tuteurs", "Sur inscription"] as const;
export type Audience = (typeof AUDIENCES)[number];

export const REGISTRATION_STATES = ["Confirmée", "Annulée"] as const;
/** A seminar registration received after the deadline and accepted by the organizer. */
export const LATE_ACCEPTED = "Acceptée hors délai";
export const SEMINAR_REGISTRATION_STATES = [...REGISTRATION_STATES, LATE_ACCEPTED] as const;
export const CONFIRMATIONS = ["En attente", "Confirmé", "Décliné", "Sans réponse"] as const;
export type Confirmation = (typeof CONFIRMATIONS)[number];

export { LUNCH_ACTIONS, SEMINAR_ACTIONS } from "../settings/event-settings.js";

/** Other names an `Email` column goes by. */
export const emailAliases = ["E-mail", "Courriel", "Mail", "Adresse électronique", "Adresse mail"];
/** The `Statut` column of every tab: written by Passerelle. */
export const statusColumn = output({
  header: "Statut",
  help: "Écrit par Passerelle : OK, ou ce qu'il faut corriger.",
});

/** Who signs the certificates of attendance (issue 17); the sender's name when empty. */
const organizerName = text({
  header: "Organisateur",
  io: "in",
  help: "Nom et qualité du signataire des attestations (le nom de l'expéditeur si vide)",
});
/**
 * `Présent`: filled by the organizer from the signed attendance sheets; `Non` means absent and
 * withholds the certificate of attendance (issue 17). Empty counts as present.
 */
const presentColumn = yesNo({
  header: "Présent",
  aliases: ["Présente", "Presente", "Present", "Présence"],
  io: "in",
  help: "Non : absent d'après les feuilles d'émargement (pas d'attestation)",
});

// ---------------------------------------------------------------- immersion seminar

/** Tab `Séminaire`: one parameter per row (`Paramètre`, `Valeur`). */
export const seminarSettings = z.object({
  title: requiredText({ header: "Titre", io: "in", help: "Par exemple : Vivez ma vie d'usager — Rennes" }),
  city: text({ header: "Ville", io: "in" }),
  timeZone: timeZone({ header: "Fuseau horaire", io: "in", help: "Europe/Paris si vide" }),
  day1: must(date({ header: "Jour 1", io: "in", required: true })),
  day2: date({ header: "Jour 2", io: "in", help: "Le lendemain du jour 1 si vide" }),
  venue: must(text({ header: "Lieu d'accueil", io: "in", required: true }, { max: 300 })),
  station: text({ header: "Gare", io: "in" }),
  returnTrain: time({
    header: "Train retour",
    io: "in",
    help: "Départ du train de retour du groupe, jour 2",
  }),
  organizerEmail: must(
    email({ header: "Email organisateur", aliases: ["Courriel organisateur"], io: "in", required: true }),
  ),
  sender: must(mailbox({ header: "Expéditeur", io: "in", required: true })),
  organizerName: organizerName,
  registrationDeadline: date({ header: "Date limite d'inscription", io: "in" }),
  reminderDays: must(integer({ header: "Rappel avant (jours)", io: "in" }, { min: 0, max: 60, default: 2 })),
  trainReminderMinutes: must(
    integer({ header: "Rappel train (minutes)", io: "in" }, { min: 0, max: 1440, default: 120 }),
  ),
  surveyLink: url({ header: "Lien questionnaire", io: "in" }),
  action: choice({ header: "Action", io: "in" }, SEMINAR_ACTIONS),
  status: statusColumn,
});
export type SeminarSettings = z.infer<typeof seminarSettings>;

/** Tab `Programme`: the timetable, one row per item. */
export const programmeRow = z.object({
  day: must(integer({ header: "Jour", io: "in", required: true }, { min: 1, max: 2 })),
  start: must(time({ header: "Début", io: "in", required: true })),
  end: must(time({ header: "Fin", io: "in", required: true })),
  sequence: requiredText({ header: "Séquence", io: "in", help: "Immersion pour un créneau d'immersion" }),
  label: text({
    header: "Intitulé",
    io: "in",
    help: "Nom du créneau (Matin, Après-midi) pour une immersion",
  }),
  place: text({ header: "Lieu", io: "in" }, { max: 300 }),
  audience: must(choice({ header: "Pour", io: "in" }, AUDIENCES, { default: "Tous" })),
  status: statusColumn,
  id: output({
    header: "Identifiant",
    help: "Écrit une fois par Passerelle : ne le modifiez pas (il relie cette ligne aux calendriers déjà envoyés).",
  }),
});
export type ProgrammeRow = z.infer<typeof programmeRow>;

/** Tab `Structures`: the host services. */
export const structureRow = z.object({
  name: requiredText({ header: "Structure", io: "in" }),
  type: must(
    choice({ header: "Type", io: "in", required: true }, STRUCTURE_TYPES, {
      aliases: { "Pôle emploi": "France Travail", Hopital: "Urgences", "Urgences hôpital": "Urgences" },
    }),
  ),
  employer: requiredText({ header: "Organisme", io: "in", help: "L'employeur dont dépend la structure" }),
  address: requiredText({ header: "Adresse", io: "in" }, { max: 300 }),
  situations: choiceList({ header: "Situations", io: "in", required: true }, SITUATIONS),
  stepFree: must(yesNo({ header: "Accessible PMR", aliases: ["PMR"], io: "in" }, "Non")),
  contact: text({ header: "Contact", io: "in" }, { max: 300 }),
  status: statusColumn,
});
export type StructureRow = z.infer<typeof structureRow>;

/** Tab `Tuteurs`. */
/**
 * `Nom` and `Prénom` of a person (participant, tutor, registration, speaker, visitor): required,
 * personal (erased by a purge), read as names.
 */
export const personName = {
  lastName: requiredText({ header: "Nom", personal: true, io: "in" }, { name: true }),
  firstName: requiredText(
    { header: "Prénom", personal: true, aliases: ["Prenom"], io: "in" },
    { name: true },
  ),
};

/**
 * What separates the structures of one wish that any of them meets (`CAF Nord | CAF Sud`): the
 * wish counts once, whichever meets it (a reverse immersion writes a type of institution so).
 */
export const WISH_ALTERNATIVES = " | ";

/** `Email` of a person: required, personal, read under its usual other names (`Courriel`...). */
export const personEmail = must(
  email({ header: "Email", personal: true, aliases: emailAliases, io: "in", required: true }),
);

export const tutorRow = z.object({
  ...personName,
  email: personEmail,
  structure: requiredText({ header: "Structure", io: "in" }),
  situation: must(choice({ header: "Situation", io: "in", required: true }, SITUATIONS)),
  slots: list({ header: "Créneaux", io: "in", help: "Noms des créneaux (Matin, Après-midi) ou Tous" }),
  capacity: must(integer({ header: "Capacité", io: "in" }, { min: 1, max: 20, default: 2 })),
  confirmation: output({ header: "Confirmation" }, CONFIRMATIONS),
  repliedAt: output({ header: "Répondu le" }),
  status: statusColumn,
});
export type TutorRow = z.infer<typeof tutorRow>;

/** Tab `Participants`: the registrations. */
export const participantRow = z.object({
  ...personName,
  email: personEmail,
  phone: text(
    { header: "Téléphone", personal: true, aliases: ["Tel", "Tél", "Portable"], io: "in" },
    { max: 40 },
  ),
  employer: requiredText({ header: "Organisme", aliases: ["Employeur"], io: "in" }),
  position: text({ header: "Fonction", personal: true, io: "in" }),
  public: must(
    choice({ header: "Public", io: "in", required: true }, PUBLICS, {
      aliases: {
        "Fonctionnaire d'Etat": "Fonctionnaire d'État",
        Etat: "Fonctionnaire d'État",
        Territorial: "Fonctionnaire territorial",
        Elu: "Élu",
        Élue: "Élu",
        Elue: "Élu",
        Enseignante: "Enseignant",
        Journalistes: "Journaliste",
      },
    }),
  ),
  wish1: text({ header: "Vœu 1", aliases: ["Voeu 1", "Choix 1"], io: "in" }),
  wish2: text({ header: "Vœu 2", aliases: ["Voeu 2", "Choix 2"], io: "in" }),
  wish3: text({ header: "Vœu 3", aliases: ["Voeu 3", "Choix 3"], io: "in" }),
  needs: text(
    { header: "Besoins", personal: true, io: "in", help: "PMR : accès de plain-pied nécessaire" },
    { max: 2000 },
  ),
  arrival: time({ header: "Arrivée", personal: true, io: "in", help: "Heure d'arrivée du train, jour 1" }),
  departure: time({
    header: "Départ",
    personal: true,
    io: "in",
    help: "Heure du train de retour, jour 2 (Train retour si vide)",
  }),
  departureDay: integer(
    {
      header: "Jour de départ",
      personal: true,
      io: "in",
      help: "1 si la personne repart dès le jour 1 ; le dernier jour si vide",
    },
    { min: 1, max: 2 },
  ),
  dinner: must(yesNo({ header: "Dîner", aliases: ["Diner"], io: "in" }, "Non")),
  visit: must(yesNo({ header: "Visite", io: "in" }, "Non")),
  consent: yesNo({ header: "Consentement", io: "in" }),
  registeredAt: dateTime({ header: "Inscrit le", io: "in", help: "Facultatif : date d'inscription" }),
  registration: must(
    choice({ header: "Inscription", io: "in" }, SEMINAR_REGISTRATION_STATES, {
      default: "Confirmée",
      aliases: {
        Confirmé: "Confirmée",
        Confirme: "Confirmée",
        Annulé: "Annulée",
        Annule: "Annulée",
        "Accepté hors délai": LATE_ACCEPTED,
        "Hors délai accepté": LATE_ACCEPTED,
      },
    }),
  ),
  status: statusColumn,
  convocation: output({
    header: "Convocation",
    help: "Écrit par Passerelle : date d'envoi de la convocation",
  }),
  announced: output({
    header: "Agenda annoncé",
    personal: true,
    help: "Écrit par Passerelle : le programme que la convocation a annoncé (sert aux avis de modification et d'annulation) ; ne le modifiez pas.",
  }),
  present: presentColumn,
});
export type ParticipantRow = z.infer<typeof participantRow>;

/** Tab `Affectations`: written by `Affecter`, edited and locked by organizers. */
export const placementRow = z.object({
  participantEmail: must(email({ header: "Email participant", personal: true, io: "out", required: true })),
  participant: output({ header: "Participant", personal: true }),
  slot: requiredText({ header: "Créneau", io: "out" }),
  structure: requiredText({ header: "Structure", io: "out" }),
  situation: must(choice({ header: "Situation", io: "out", required: true }, SITUATIONS)),
  tutorEmail: email({ header: "Email tuteur", personal: true, io: "out" }),
  tutor: output({ header: "Tuteur", personal: true }),
  address: output({ header: "Adresse" }),
  start: output({ header: "Début" }),
  end: output({ header: "Fin" }),
  locked: must(yesNo({ header: "Verrouillé", aliases: ["Verrou"], io: "in" }, "Non")),
  reason: output({ header: "Motif" }),
});
export type PlacementRow = z.infer<typeof placementRow>;

/**
 * Tab `Journal`: append-only record of what the system did. The human columns are for organizers;
 * `Clé` (the idempotency key), `Données` (the typed payload, `core/ledger/entry.ts`) and `Sceau`
 * (its HMAC) are what the system reads back.
 */
export const journalRow = z.object({
  at: output({ header: "Horodatage" }),
  event: output({ header: "Événement" }),
  recipient: output({ header: "Destinataire", personal: true }),
  detail: output({ header: "Détail", personal: true }),
  key: output({ header: "Clé" }),
  data: output({ header: "Données", personal: true }),
  seal: output({ header: "Sceau" }),
});
export type JournalRow = z.infer<typeof journalRow>;

// ---------------------------------------------------------------- lunch talk

/** Tab `Rencontre`: one parameter per row (`Paramètre`, `Valeur`). */
export const lunchSettings = z.object({
  title: requiredText({ header: "Titre", io: "in" }),
  theme: text({ header: "Thème", io: "in" }, { max: 500 }),
  date: must(date({ header: "Date", io: "in", required: true })),
  start: must(time({ header: "Début", io: "in" }, "12:15")),
  end: must(time({ header: "Fin", io: "in" }, "13:45")),
  venue: must(text({ header: "Lieu", io: "in", required: true }, { max: 300 })),
  speakers: text({ header: "Intervenants", io: "in" }, { max: 500 }),
  capacity: must(integer({ header: "Capacité", io: "in" }, { min: 1, max: 1000, default: 30 })),
  quotaPerService: integer({ header: "Quota par service", io: "in" }, { min: 1, max: 1000 }),
  closingAt: dateTime({ header: "Clôture des inscriptions", io: "in", help: "Deux jours avant si vide" }),
  timeZone: timeZone({ header: "Fuseau horaire", io: "in" }),
  organizerEmail: must(email({ header: "Email organisateur", io: "in", required: true })),
  sender: must(mailbox({ header: "Expéditeur", io: "in", required: true })),
  organizerName: organizerName,
  reminderHours: must(
    integer({ header: "Rappel avant (heures)", io: "in" }, { min: 0, max: 720, default: 24 }),
  ),
  surveyLink: url({ header: "Lien questionnaire", io: "in" }),
  action: choice({ header: "Action", io: "in" }, LUNCH_ACTIONS),
  status: statusColumn,
});
export type LunchSettings = z.infer<typeof lunchSettings>;

/** Tab `Inscriptions`. */
export const registrationRow = z.object({
  ...personName,
  email: personEmail,
  direction: text({ header: "Direction", io: "in" }),
  service: requiredText({ header: "Service", io: "in" }),
  position: text({ header: "Fonction", personal: true, io: "in" }),
  registeredAt: must(dateTime({ header: "Inscrit le", io: "in", required: true })),
  registration: must(
    choice({ header: "Inscription", io: "in" }, REGISTRATION_STATES, {
      default: "Confirmée",
      aliases: { Confirmé: "Confirmée", Annulé: "Annulée" },
    }),
  ),
  status: statusColumn,
  convocation: output({ header: "Convocation" }),
  present: presentColumn,
});
export type RegistrationRow = z.infer<typeof registrationRow>;

// ---------------------------------------------------------------- both

/**
 * Tab `Retours`: one line per reply to the feedback survey (issue 17), written by Passerelle.
 * `Note` is a whole mark from 1 to 5, empty when the reply gives none or an unclear one
 * (`À vérifier` then says why); `Clé` is a hash of the reply's `Message-ID`, so a reply delivered
 * twice is written once.
 */
export const feedbackRow = z.object({
  participant: output({ header: "Participant", personal: true }),
  email: output({ header: "Email", personal: true }),
  mark: output({ header: "Note", help: "De 1 à 5 ; vide si la réponse n'en donne pas de claire" }),
  comment: output({ header: "Commentaire", personal: true }),
  receivedAt: output({ header: "Date", help: "Réception de la réponse" }),
  flag: output({ header: "À vérifier", help: "Pourquoi la note est restée vide, quand c'est ambigu" }),
  key: output({ header: "Clé" }),
});
export type FeedbackRow = z.infer<typeof feedbackRow>;

// ---------------------------------------------------------------- the tabs

export type RowSchema = z.ZodObject<Record<string, z.ZodType>>;

/** A tab of rows (a header row, then one record per row). */
export interface TableTab {
  readonly kind: "table";
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly schema: RowSchema;
}

/** A tab of parameters (`Paramètre`, `Valeur`). */
export interface SettingsTab {
  readonly kind: "settings";
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly schema: RowSchema;
}

export type TabSpec = TableTab | SettingsTab;

export const SETTINGS_HEADERS = { name: "Paramètre", value: "Valeur" } as const;

export const TABS = {
  seminar: { kind: "settings", name: "Séminaire", aliases: ["Seminaire"], schema: seminarSettings },
  programme: { kind: "table", name: "Programme", schema: programmeRow },
  structures: { kind: "table", name: "Structures", schema: structureRow },
  tutors: { kind: "table", name: "Tuteurs", schema: tutorRow },
  participants: { kind: "table", name: "Participants", schema: participantRow },
  placements: { kind: "table", name: "Affectations", schema: placementRow },
  journal: { kind: "table", name: "Journal", schema: journalRow },
  lunch: { kind: "settings", name: "Rencontre", schema: lunchSettings },
  registrations: { kind: "table", name: "Inscriptions", schema: registrationRow },
  feedback: { kind: "table", name: "Retours", schema: feedbackRow },
} as const satisfies Record<string, TabSpec>;

export const SEMINAR_WORKBOOK: readonly TabSpec[] = [
  TABS.seminar,
  TABS.programme,
  TABS.structures,
  TABS.tutors,
  TABS.participants,
  TABS.placements,
  TABS.journal,
  TABS.feedback,
];

export const LUNCH_WORKBOOK: readonly TabSpec[] = [
  TABS.lunch,
  TABS.registrations,
  TABS.journal,
  TABS.feedback,
];
