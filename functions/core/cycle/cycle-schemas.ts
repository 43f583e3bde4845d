/**
 * The workbook of a cycle of lunch talks (issue 18) as zod schemas, beside the single talk's in
 * `schemas.ts`: `Cycle` (the cycle's parameters), `Rencontres` (one row per talk), `Inscriptions`
 * (the single talk's columns plus `Rencontre`, naming the talk), `Intervenants` (the speakers) and
 * `Journal`. A talk of the cycle is checked and seated exactly as a single talk whose `Rencontre`
 * parameters are the cycle's, overridden by the talk's row.
 */
import { z } from "zod";
import {
  choice,
  date,
  dateTime,
  email,
  integer,
  mailbox,
  must,
  output,
  requiredText,
  text,
  time,
  timeZone,
  url,
} from "../sheet/fields.js";
import {
  CONFIRMATIONS,
  LUNCH_ACTIONS,
  personEmail,
  personName,
  registrationRow,
  statusColumn,
  TABS,
  type TabSpec,
} from "../sheet/schemas.js";

/** Tab `Cycle`: one parameter per row (`Paramètre`, `Valeur`); the talks' defaults. */
export const cycleSettings = z.object({
  title: requiredText({ header: "Titre", io: "in", help: "Par exemple : Rencontres méridiennes 2027" }),
  organizerName: text({
    header: "Organisateur",
    io: "in",
    help: "Nom et qualité du signataire des messages (le nom de l'expéditeur si vide)",
  }),
  organizerEmail: must(email({ header: "Email organisateur", io: "in", required: true })),
  sender: must(mailbox({ header: "Expéditeur", io: "in", required: true })),
  replyAddress: text({
    header: "Adresse de réponse",
    io: "in",
    help: "Domaine ou adresse où arrivent les réponses des intervenants",
  }),
  capacity: must(
    integer(
      { header: "Capacité par défaut", aliases: ["Capacité"], io: "in" },
      { min: 1, max: 1000, default: 30 },
    ),
  ),
  quotaPerService: integer({ header: "Quota par service", io: "in" }, { min: 1, max: 1000 }),
  closingDays: must(
    integer(
      {
        header: "Clôture (jours avant)",
        io: "in",
        help: "Les inscriptions d'une rencontre sont closes N jours avant, à l'heure de début (2 si vide)",
      },
      { min: 0, max: 60, default: 2 },
    ),
  ),
  timeZone: timeZone({ header: "Fuseau horaire", io: "in" }),
  reminderHours: must(
    integer({ header: "Rappel avant (heures)", io: "in" }, { min: 0, max: 720, default: 24 }),
  ),
  surveyLink: url({ header: "Lien questionnaire", io: "in" }),
  action: choice({ header: "Action", io: "in" }, LUNCH_ACTIONS),
  status: statusColumn,
});
export type CycleSettings = z.infer<typeof cycleSettings>;

/** Tab `Rencontres`: one row per talk of the cycle. */
export const talkRow = z.object({
  name: requiredText({
    header: "Rencontre",
    io: "in",
    help: "Nom court et unique de la rencontre, repris dans Inscriptions et Intervenants",
  }),
  date: must(date({ header: "Date", io: "in", required: true })),
  start: must(time({ header: "Début", io: "in" }, "12:15")),
  end: must(time({ header: "Fin", io: "in" }, "13:45")),
  venue: must(text({ header: "Lieu", io: "in", required: true }, { max: 300 })),
  theme: text({ header: "Thème", io: "in" }, { max: 500 }),
  capacity: integer(
    { header: "Capacité", io: "in", help: "Capacité par défaut du Cycle si vide" },
    { min: 1, max: 1000 },
  ),
  closingAt: dateTime({
    header: "Clôture des inscriptions",
    io: "in",
    help: "Selon la règle du Cycle si vide",
  }),
  action: choice({ header: "Action", io: "in" }, LUNCH_ACTIONS),
  status: statusColumn,
});
export type TalkRow = z.infer<typeof talkRow>;

/** Tab `Inscriptions` of a cycle: a single talk's registration, and the talk it is for. */
export const cycleRegistrationRow = z.object({
  talk: requiredText({ header: "Rencontre", io: "in", help: "Le nom de la rencontre, tel qu'en Rencontres" }),
  ...registrationRow.shape,
});
export type CycleRegistrationRow = z.infer<typeof cycleRegistrationRow>;

/** Tab `Intervenants`: the speakers, one row per speaker and talk. */
export const speakerRow = z.object({
  ...personName,
  email: personEmail,
  organisation: text({ header: "Organisation", aliases: ["Organisme"], io: "in" }),
  talk: requiredText({ header: "Rencontre", io: "in", help: "Le nom de la rencontre, tel qu'en Rencontres" }),
  confirmation: output({ header: "Confirmation" }, CONFIRMATIONS),
  repliedAt: output({ header: "Répondu le" }),
  status: statusColumn,
});
export type SpeakerRow = z.infer<typeof speakerRow>;

export const CYCLE_TABS_SPEC = {
  cycle: { kind: "settings", name: "Cycle", schema: cycleSettings },
  talks: { kind: "table", name: "Rencontres", schema: talkRow },
  registrations: { kind: "table", name: "Inscriptions", schema: cycleRegistrationRow },
  speakers: { kind: "table", name: "Intervenants", schema: speakerRow },
} as const satisfies Record<string, TabSpec>;

/** The tabs of a cycle workbook, in the template's order. */
export const CYCLE_WORKBOOK: readonly TabSpec[] = [
  CYCLE_TABS_SPEC.cycle,
  CYCLE_TABS_SPEC.talks,
  CYCLE_TABS_SPEC.registrations,
  CYCLE_TABS_SPEC.speakers,
  TABS.journal,
  TABS.feedback,
];

/** What a check of a cycle reads. */
export const CYCLE_TABS = [
  CYCLE_TABS_SPEC.cycle.name,
  CYCLE_TABS_SPEC.talks.name,
  CYCLE_TABS_SPEC.registrations.name,
  CYCLE_TABS_SPEC.speakers.name,
] as const;
