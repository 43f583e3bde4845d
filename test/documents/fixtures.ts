/** A small seminar with placements written by hand, and the people the bad-input cases need. */
import { cellText } from "../../functions/core/sheet/cells.js";
import * as example from "../../sheets-templates/example-data.js";
import { type Row, seminarSnapshot } from "../support/workbooks.js";

const base = example.participants[0]!;

/** An 80-character last name, words separated by spaces so that it wraps. */
export const LONG_NAME = "de La Tour d'Auvergne-Lauraguais de Montmorency-Laval et de Saint-Œillet-Cœuvres";

export const PEOPLE: Row[] = [
  {
    ...base,
    Nom: "Zola",
    Prénom: "Émile",
    Email: "emile.zola@etat.example.org",
    Organisme: "Œuvres sociales de l'État",
    Fonction: "Chef de bureau",
    Besoins: "PMR ; végétarien",
    Dîner: "Oui",
    Visite: "Non",
    Arrivée: "17:00",
    Départ: "16:30",
  },
  {
    ...base,
    Nom: "Abel",
    Prénom: "Anne",
    Email: "anne.abel@mairie.example.org",
    Organisme: "Mairie de Vitré",
    Fonction: "Directrice",
    Dîner: "Non",
    Visite: "Oui",
    Arrivée: "13:00",
  },
  {
    ...base,
    Nom: LONG_NAME,
    Prénom: "Jean",
    Email: "jean.long@region.example.org",
    Organisme: "Région Bretagne",
    Fonction: "Directeur",
    Dîner: "Oui",
    Visite: "Non",
  },
  {
    ...base,
    Nom: "Durand",
    Prénom: "Paul",
    Email: "paul.durand@lycee.example.org",
    Organisme: "Lycée Chateaubriand",
    Visite: "Non",
    Présent: "Non",
  },
  { ...base, Nom: "Sansorga", Prénom: "Léa", Email: "lea.sansorga@example.org", Organisme: null },
];

const tutor = (index: number) => example.tutors[index]!;
const placement = (email: string, slot: string, tutorIndex: number, start: string, end: string): Row => {
  const t = tutor(tutorIndex);
  return {
    "Email participant": email,
    Participant: email,
    Créneau: slot,
    Structure: t.Structure ?? null,
    Situation: t.Situation ?? null,
    "Email tuteur": t.Email ?? null,
    Tuteur: `${cellText(t.Prénom ?? null)} ${cellText(t.Nom ?? null)}`,
    Adresse: null,
    Début: start,
    Fin: end,
    Verrouillé: "Non",
    Motif: "Vœu 1",
  };
};

/** Zola and Abel at the CAF in the morning, the long name at the CCAS; everyone somewhere in the afternoon. */
export const PLACEMENTS: Row[] = [
  placement("emile.zola@etat.example.org", "Matin", 0, "08:30", "11:30"),
  placement("anne.abel@mairie.example.org", "Matin", 0, "08:30", "11:30"),
  placement("jean.long@region.example.org", "Matin", 5, "08:30", "11:30"),
  placement("paul.durand@lycee.example.org", "Matin", 5, "08:30", "11:30"),
  placement("emile.zola@etat.example.org", "Après-midi", 5, "13:00", "15:30"),
  placement("anne.abel@mairie.example.org", "Après-midi", 5, "13:00", "15:30"),
  placement("jean.long@region.example.org", "Après-midi", 0, "13:00", "15:30"),
  placement("paul.durand@lycee.example.org", "Après-midi", 0, "13:00", "15:30"),
];

export function smallSeminar(parts: { structures?: readonly Row[] } = {}) {
  return seminarSnapshot({ participants: PEOPLE, placements: PLACEMENTS, ...parts });
}

/** The day after the seminar (it ends on 18 March 2027 at 18:35). */
export const AFTER = new Date("2027-03-19T08:00:00Z");
/** The day before. */
export const BEFORE = new Date("2027-03-16T08:00:00Z");
