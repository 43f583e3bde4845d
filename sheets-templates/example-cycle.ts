/**
 * The example cycle of lunch talks filled into `cycle-rencontres.xlsx`: three talks, two speakers,
 * sixty managers from five directions. Names are invented; addresses use reserved example domains.
 *
 * The registrations show fair access: most of the managers seated at the first talk register for
 * the second early, and the newcomers who register later still rank before them on the waiting list.
 */
import type { Row } from "./example-data.js";
import { slug } from "./example-data.js";

export const TALK_NAMES = [
  "Participation des usagers",
  "Accueil inconditionnel",
  "Données et territoires",
] as const;

export const cycleSettings: Row = {
  Titre: "Rencontres méridiennes 2027",
  Organisateur: "Claire Bonnet, mission innovation",
  "Email organisateur": "meridiennes@action-sociale.example.org",
  Expéditeur: "Rencontres méridiennes <meridiennes@action-sociale.example.org>",
  "Adresse de réponse": "reponses.action-sociale.example.org",
  "Capacité par défaut": 20,
  "Quota par service": 4,
  "Clôture (jours avant)": 2,
  "Fuseau horaire": "Europe/Paris",
  "Rappel avant (heures)": 24,
  "Lien questionnaire": "https://questionnaire.example.org/meridiennes-2027",
  Action: "Vérifier",
  Statut: null,
};

const ROOM = "Salle du conseil, 5 boulevard Diderot, Paris";

export const talks: Row[] = [
  {
    Rencontre: TALK_NAMES[0],
    Date: "2027-04-08",
    Début: "12:15",
    Fin: "13:45",
    Lieu: ROOM,
    Thème: "Ce qu'une étude qualitative apprend sur la relation aux usagers, et comment les associer",
    Capacité: null,
    "Clôture des inscriptions": null,
    Action: null,
    Statut: null,
  },
  {
    Rencontre: TALK_NAMES[1],
    Date: "2027-05-06",
    Début: "12:15",
    Fin: "13:45",
    Lieu: ROOM,
    Thème: "Un accueil sans condition dans chaque service : ce que cela change pour les équipes",
    Capacité: null,
    "Clôture des inscriptions": null,
    Action: null,
    Statut: null,
  },
  {
    Rencontre: TALK_NAMES[2],
    Date: "2027-06-03",
    Début: "12:15",
    Fin: "13:45",
    Lieu: "Auditorium, 12 rue de la Roquette, Paris",
    Thème: "Croiser les données des directions pour mieux connaître les territoires",
    Capacité: 25,
    "Clôture des inscriptions": null,
    Action: null,
    Statut: null,
  },
];

export const speakers: Row[] = [
  {
    Nom: "Lemaire",
    Prénom: "Inès",
    Email: "ines.lemaire@etudes-sociales.example.org",
    Organisation: "Cabinet d'études sociologiques",
    Rencontre: TALK_NAMES[0],
    Confirmation: null,
    "Répondu le": null,
    Statut: null,
  },
  {
    Nom: "Ferrand",
    Prénom: "Yves",
    Email: "yves.ferrand@ccas-exemple.example.org",
    Organisation: "CCAS de la ville",
    Rencontre: TALK_NAMES[1],
    Confirmation: null,
    "Répondu le": null,
    Statut: null,
  },
];

/** Five directions, each with its services. */
export const DIRECTIONS: readonly (readonly [string, readonly string[]])[] = [
  ["Direction des solidarités", ["Insertion", "Service social de proximité", "Protection de l'enfance"]],
  ["Direction des ressources", ["Contrôle de gestion", "Ressources humaines"]],
  ["Direction de l'action gérontologique", ["Résidences services", "Aide à domicile"]],
  ["Direction du numérique", ["Données", "Applications métier"]],
  ["Secrétariat général", ["Communication", "Affaires juridiques"]],
];

const FIRST = [
  "Paul",
  "Mélanie",
  "Sarah",
  "Karim",
  "Julie",
  "Thomas",
  "Nora",
  "Bruno",
  "Agnès",
  "Rémi",
  "Léa",
  "Samir",
];
const LAST = [
  "Henry",
  "Daubanes",
  "Lambert",
  "Benali",
  "Fontaine",
  "Chevalier",
  "Haddad",
  "Rousseau",
  "Colin",
  "Marchand",
  "Perrin",
];

/** The sixty managers: twelve per direction, spread over its services. */
export const managers = Array.from({ length: 60 }, (_, index) => {
  const [direction, services] = DIRECTIONS[index % DIRECTIONS.length]!;
  const first = FIRST[index % FIRST.length]!;
  const last = LAST[(index * 7) % LAST.length]!;
  return {
    Nom: last,
    Prénom: first,
    Email: `${slug(first)}.${slug(last)}.${index + 1}@action-sociale.example.org`,
    Direction: direction,
    Service: services[Math.floor(index / DIRECTIONS.length) % services.length]!,
    Fonction: index % 3 === 0 ? "Chef de service" : "Cadre",
  };
});

function registration(manager: number, talk: number, order: number): Row {
  const person = managers[manager]!;
  const day = 2 + Math.floor(order / 8);
  const minute = (order * 7) % 60;
  return {
    Rencontre: TALK_NAMES[talk]!,
    ...person,
    "Inscrit le": `2026-11-${String(day).padStart(2, "0")} ${String(9 + (order % 8)).padStart(2, "0")}:${String(minute).padStart(2, "0")}`,
    Inscription: "Confirmée",
    Statut: null,
    Convocation: null,
    Présent: null,
  };
}

/**
 * Talk 1: managers 1-28 register (20 seats). Talk 2: managers 1-16 first, then 17 newcomers
 * (41-57). Talk 3: twenty of every background, some for the third time.
 */
export const registrations: Row[] = [
  ...Array.from({ length: 28 }, (_, index) => registration(index, 0, index)),
  ...Array.from({ length: 16 }, (_, index) => registration(index, 1, index)),
  ...Array.from({ length: 17 }, (_, index) => registration(40 + index, 1, 40 + index)),
  ...Array.from({ length: 22 }, (_, index) => registration(index * 2, 2, 60 + index)),
];
