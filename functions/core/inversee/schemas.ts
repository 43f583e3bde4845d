/**
 * The reverse immersion's workbook (issue 18, part 5): decision-makers host front-line agents and,
 * with their consent, service users, who follow them through their day (« des dirigeants acceptent
 * à leur tour que certains usagers ou agents publics "vivent leur vie" en les suivant dans leur
 * quotidien »). One schema per tab, the type beside it; the template
 * `sheets-templates/immersion-inversee.xlsx` is generated from them. `Programme`, `Affectations` and
 * `Journal` are the seminar's own tabs.
 */
import { z } from "zod";
import {
  choice,
  choiceList,
  date,
  email,
  integer,
  list,
  mailbox,
  must,
  output,
  requiredText,
  text,
  timeZone,
  url,
  yesNo,
} from "../sheet/fields.js";
import {
  CONFIRMATIONS,
  emailAliases,
  personEmail,
  personName,
  SEMINAR_ACTIONS,
  SEMINAR_REGISTRATION_STATES,
  statusColumn,
  TABS,
  type TabSpec,
} from "../sheet/schemas.js";

/** The one situation every host offers: the seminar's matching needs one, the visitor sees `À voir`. */
export const HOST_SITUATION = "Accueil physique";

/** What a visitor shares of a host's day (`À voir`). */
export const HOST_ACTIVITIES = ["Réunions", "Instance de décision", "Visite de terrain"] as const;

/** `Profil` of a participant: a front-line public agent, or a service user (who may have no email). */
export const PROFILES = ["Agent public", "Usager"] as const;

/** Tab `Immersion` (`Paramètre`, `Valeur`): the event. */
export const reverseSettings = z.object({
  title: requiredText({ header: "Titre", io: "in", help: "Par exemple : Vivez ma vie de décideur — Lyon" }),
  city: text({ header: "Ville", io: "in" }),
  timeZone: timeZone({ header: "Fuseau horaire", io: "in", help: "Europe/Paris si vide" }),
  date: must(date({ header: "Date", io: "in", required: true, help: "Le jour de l'immersion" })),
  venue: must(
    text(
      {
        header: "Lieu d'accueil",
        io: "in",
        required: true,
        help: "Où se tiennent l'accueil et le retour d'expérience",
      },
      { max: 300 },
    ),
  ),
  organizerEmail: must(email({ header: "Email organisateur", io: "in", required: true })),
  sender: must(mailbox({ header: "Expéditeur", io: "in", required: true })),
  organizerName: text({ header: "Organisateur", io: "in", help: "Signataire des attestations" }),
  registrationDeadline: date({ header: "Date limite d'inscription", io: "in" }),
  reminderDays: must(integer({ header: "Rappel avant (jours)", io: "in" }, { min: 0, max: 60, default: 2 })),
  surveyLink: url({ header: "Lien questionnaire", io: "in" }),
  action: choice({ header: "Action", io: "in" }, SEMINAR_ACTIONS),
  status: statusColumn,
});

/** Tab `Hôtes`: the decision-makers who open their day, each their own "structure" and "tutor". */
export const hostRow = z.object({
  ...personName,
  email: personEmail,
  position: requiredText({
    header: "Fonction",
    io: "in",
    help: "Par exemple : directrice générale des services",
  }),
  employer: requiredText({ header: "Organisme", io: "in", help: "L'institution que l'hôte dirige ou sert" }),
  institution: text({
    header: "Type d'institution",
    io: "in",
    help: "Par exemple : Préfecture, Département, Mairie, CAF, Hôpital",
  }),
  address: requiredText(
    { header: "Adresse", io: "in", help: "Adresse du bureau, où le visiteur arrive" },
    { max: 300 },
  ),
  phone: text({ header: "Téléphone", personal: true, aliases: ["Tel", "Tél"], io: "in" }, { max: 40 }),
  slots: list({ header: "Créneaux", io: "in", help: "Noms des créneaux (Matin, Après-midi) ou Tous" }),
  capacity: must(
    integer(
      { header: "Capacité", io: "in", help: "1 ou 2 visiteurs par créneau" },
      { min: 1, max: 2, default: 1 },
    ),
  ),
  activities: choiceList(
    { header: "À voir", aliases: ["A voir"], io: "in", required: true },
    HOST_ACTIVITIES,
  ),
  stepFree: must(yesNo({ header: "Accessible PMR", aliases: ["PMR"], io: "in" }, "Non")),
  confirmation: output({ header: "Confirmation" }, CONFIRMATIONS),
  repliedAt: output({ header: "Répondu le" }),
  status: statusColumn,
});
export type HostRow = z.infer<typeof hostRow>;

/** Tab `Participants`: front-line agents and service users, registered by themselves or by someone else. */
export const visitorRow = z.object({
  ...personName,
  profile: must(
    choice({ header: "Profil", io: "in" }, PROFILES, {
      default: "Agent public",
      aliases: { Agent: "Agent public" },
    }),
  ),
  email: email({
    header: "Email",
    personal: true,
    aliases: emailAliases,
    io: "in",
    help: "Facultatif pour un usager : la convocation va alors à qui l'a inscrit",
  }),
  phone: text({ header: "Téléphone", personal: true, aliases: ["Tel", "Tél"], io: "in" }, { max: 40 }),
  employer: text({ header: "Organisme", io: "in", help: "L'employeur d'un agent (vide pour un usager)" }),
  position: text({ header: "Fonction", personal: true, io: "in" }),
  registrar: text({
    header: "Inscrit par",
    personal: true,
    io: "in",
    help: "L'agent ou l'association qui a inscrit un usager",
  }),
  registrarEmail: email({
    header: "Email de l'inscripteur",
    personal: true,
    aliases: ["Email inscripteur"],
    io: "in",
    help: "Reçoit la convocation d'un usager sans adresse",
  }),
  wish1: text({
    header: "Vœu 1",
    aliases: ["Voeu 1", "Choix 1"],
    io: "in",
    help: "Un hôte, un organisme ou un type d'institution",
  }),
  wish2: text({ header: "Vœu 2", aliases: ["Voeu 2", "Choix 2"], io: "in" }),
  wish3: text({ header: "Vœu 3", aliases: ["Voeu 3", "Choix 3"], io: "in" }),
  needs: text(
    { header: "Besoins", personal: true, io: "in", help: "PMR : accès de plain-pied nécessaire" },
    { max: 2000 },
  ),
  consent: yesNo({ header: "Consentement", io: "in", help: "Oui exigé : accord explicite de la personne" }),
  registration: must(
    choice({ header: "Inscription", io: "in" }, SEMINAR_REGISTRATION_STATES, {
      default: "Confirmée",
      aliases: { Confirmé: "Confirmée", Annulé: "Annulée" },
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
    help: "Écrit par Passerelle : le programme que la convocation a annoncé ; ne le modifiez pas.",
  }),
});
export type VisitorRow = z.infer<typeof visitorRow>;

/** The reverse immersion's tabs, by role. */
export const REVERSE_TABS = {
  settings: { kind: "settings", name: "Immersion", schema: reverseSettings },
  hosts: { kind: "table", name: "Hôtes", aliases: ["Hotes"], schema: hostRow },
  visitors: { kind: "table", name: "Participants", schema: visitorRow },
} as const satisfies Record<string, TabSpec>;

/** Every tab of the template, in order. */
export const REVERSE_WORKBOOK: readonly TabSpec[] = [
  REVERSE_TABS.settings,
  TABS.programme,
  REVERSE_TABS.hosts,
  REVERSE_TABS.visitors,
  TABS.placements,
  TABS.journal,
  TABS.feedback,
];

/** Headers of `Affectations` as the reverse immersion names them (the seminar's word → this one's). */
export const PLACEMENT_HEADERS: Readonly<Record<string, string>> = {
  Structure: "Hôte",
  Situation: "À voir",
  "Email tuteur": "Email hôte",
  Tuteur: "Nom de l'hôte",
};
