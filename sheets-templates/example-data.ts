/**
 * The example events filled into the templates: the seminar of the source document held in Rennes,
 * and a lunch talk. Names are invented; addresses use reserved example domains.
 *
 * Deliberate mistakes (what `passerelle check` must report, and nothing else) are listed in
 * `EXAMPLE_MISTAKES` below, each with the row the organizer sees.
 */
import type { Cell } from "../functions/ports.js";

export type Row = Readonly<Record<string, Cell>>;

export const seminarSettings: Row = {
  Titre: "Vivez ma vie d'usager — Rennes",
  Ville: "Rennes",
  "Fuseau horaire": "Europe/Paris",
  "Jour 1": "2027-03-17",
  "Jour 2": "2027-03-18",
  "Lieu d'accueil": "Maison des associations, 6 cours des Alliés, 35000 Rennes",
  Gare: "Gare de Rennes",
  "Train retour": "18:35",
  "Email organisateur": "organisation@seminaire.example.org",
  Expéditeur: "Séminaire Vivez ma vie d'usager <seminaire@seminaire.example.org>",
  Organisateur: "Hélène Kerbrat, cheffe de projet du séminaire",
  "Date limite d'inscription": "2026-11-10",
  "Rappel avant (jours)": 2,
  "Rappel train (minutes)": 120,
  "Lien questionnaire": "https://questionnaire.example.org/vivez-ma-vie-d-usager-rennes",
  Action: "Vérifier",
  Statut: null,
};

const place = "Maison des associations, 6 cours des Alliés, Rennes";

export const programme: Row[] = [
  {
    Jour: 1,
    Début: "14:00",
    Fin: "15:45",
    Séquence: "Visite",
    Intitulé: "Découverte de la ville et du contexte de l'immersion",
    Lieu: "Parvis de la gare de Rennes",
    Pour: "Sur inscription",
  },
  {
    Jour: 1,
    Début: "16:00",
    Fin: "16:30",
    Séquence: "Accueil",
    Intitulé: "Accueil des participants",
    Lieu: place,
    Pour: "Participants",
  },
  {
    Jour: 1,
    Début: "16:30",
    Fin: "18:00",
    Séquence: "Séquence 1",
    Intitulé:
      "Premières clés d'analyse : les usagers des services publics, perspectives internationale et historique ; présentation des structures d'immersion",
    Lieu: place,
    Pour: "Participants",
  },
  {
    Jour: 1,
    Début: "19:30",
    Fin: "22:00",
    Séquence: "Dîner",
    Intitulé: "Dîner avec des élus locaux",
    Lieu: "Restaurant Le Piano blanc, Rennes",
    Pour: "Sur inscription",
  },
  {
    Jour: 2,
    Début: "08:30",
    Fin: "11:30",
    Séquence: "Immersion",
    Intitulé: "Matin",
    Lieu: "Structure d'accueil",
    Pour: "Participants",
  },
  {
    Jour: 2,
    Début: "12:00",
    Fin: "13:00",
    Séquence: "Repas",
    Intitulé: "Repas commun avec les tuteurs",
    Lieu: place,
    Pour: "Tous",
  },
  {
    Jour: 2,
    Début: "13:00",
    Fin: "15:30",
    Séquence: "Immersion",
    Intitulé: "Après-midi",
    Lieu: "Structure d'accueil",
    Pour: "Participants",
  },
  {
    Jour: 2,
    Début: "16:00",
    Fin: "18:00",
    Séquence: "Séquence 4",
    Intitulé: "Analyse partagée des expériences",
    Lieu: place,
    Pour: "Participants",
  },
  {
    Jour: 2,
    Début: "18:35",
    Fin: "18:35",
    Séquence: "Train retour",
    Intitulé: "Retour en train",
    Lieu: "Gare de Rennes",
    Pour: "Participants",
  },
];

export const structures: Row[] = [
  {
    Structure: "CAF — Accueil de Rennes",
    Type: "CAF",
    Organisme: "CAF d'Ille-et-Vilaine",
    Adresse: "Cours des Alliés, 35000 Rennes",
    Situations: "Accueil physique, Accueil téléphonique, Contrôle sur place",
    "Accessible PMR": "Oui",
    Contact: "Direction de la relation usagers <relation-usagers@caf35.example.org>",
  },
  {
    Structure: "CPAM — Agence de Rennes Centre",
    Type: "CPAM",
    Organisme: "CPAM d'Ille-et-Vilaine",
    Adresse: "Cours des Alliés, 35000 Rennes",
    Situations: "Accueil physique, Accueil téléphonique, Contrôle sur place",
    "Accessible PMR": "Oui",
    Contact: "Service accueil <accueil@cpam35.example.org>",
  },
  {
    Structure: "CCAS de Rennes",
    Type: "CCAS",
    Organisme: "Ville de Rennes",
    Adresse: "Place de la Mairie, 35000 Rennes",
    Situations: "Accueil physique, Accueil téléphonique",
    "Accessible PMR": "Oui",
    Contact: "Pôle accueil <accueil@ccas-rennes.example.org>",
  },
  {
    Structure: "Urgences du CHU — Pontchaillou",
    Type: "Urgences",
    Organisme: "CHU de Rennes",
    Adresse: "Rue Henri Le Guilloux, 35000 Rennes",
    Situations: "Accueil physique",
    "Accessible PMR": "Oui",
    Contact: "Cadre de santé des urgences <cadre.urgences@chu-rennes.example.org>",
  },
  {
    Structure: "CHRS Le Relais",
    Type: "CHRS",
    Organisme: "Association Le Relais",
    Adresse: "Rue de Saint-Malo, 35000 Rennes",
    Situations: "Accueil physique",
    "Accessible PMR": "Non",
    Contact: "Chef de service",
  },
  {
    Structure: "France Travail — Rennes Est",
    Type: "France Travail",
    Organisme: "France Travail",
    Adresse: "Boulevard de Vitré, 35000 Rennes",
    Situations: "Accueil physique, Accueil téléphonique",
    "Accessible PMR": "Oui",
    Contact: "Direction d'agence <rennes-est@francetravail.example.org>",
  },
];

const tutor = (
  Nom: string,
  Prénom: string,
  Structure: string,
  Situation: string,
  Créneaux: string,
  Capacité: number,
): Row => ({
  Nom,
  Prénom,
  Email: `${slug(Prénom)}.${slug(Nom)}@${domainOf(Structure)}`,
  Structure,
  Situation,
  Créneaux,
  Capacité,
  Confirmation: null,
  "Répondu le": null,
});

export const tutors: Row[] = [
  tutor("Le Gall", "Sophie", "CAF — Accueil de Rennes", "Accueil physique", "Tous", 3),
  tutor("Perrot", "Yannick", "CAF — Accueil de Rennes", "Accueil téléphonique", "Tous", 3),
  tutor("Morvan", "Isabelle", "CAF — Accueil de Rennes", "Contrôle sur place", "Matin", 2),
  tutor("Guillou", "Thierry", "CPAM — Agence de Rennes Centre", "Accueil physique", "Tous", 3),
  tutor("Le Bihan", "Nathalie", "CPAM — Agence de Rennes Centre", "Accueil téléphonique", "Tous", 3),
  tutor("Riou", "Gwenaëlle", "CCAS de Rennes", "Accueil physique", "Tous", 3),
  tutor("Hamon", "Olivier", "CCAS de Rennes", "Accueil téléphonique", "Après-midi", 2),
  tutor("Cadiou", "Anne-Laure", "Urgences du CHU — Pontchaillou", "Accueil physique", "Tous", 3),
  tutor("Bouvier", "Karim", "CHRS Le Relais", "Accueil physique", "Tous", 3),
  tutor("N'Diaye", "Fatou", "France Travail — Rennes Est", "Accueil physique", "Tous", 3),
  tutor("Lemoine", "Pierre", "France Travail — Rennes Est", "Accueil téléphonique", "Tous", 3),
  // Deliberate mistake: a structure that is not in the Structures tab.
  tutor("Tanguy", "Erwan", "CAF de Brest", "Accueil physique", "Tous", 2),
];

const person = (
  Nom: string,
  Prénom: string,
  Organisme: string,
  Fonction: string,
  Public: string,
  wishes: [string, string, string],
  extra: Partial<Record<string, Cell>> = {},
): Row => ({
  Nom,
  Prénom,
  Email: `${slug(Prénom)}.${slug(Nom)}@${domainOf(Organisme)}`,
  Téléphone: null,
  Organisme,
  Fonction,
  Public,
  "Vœu 1": wishes[0],
  "Vœu 2": wishes[1],
  "Vœu 3": wishes[2],
  Besoins: null,
  Arrivée: "15:20",
  Départ: null,
  Dîner: "Oui",
  Visite: "Non",
  Consentement: "Oui",
  "Inscrit le": "2026-10-20",
  Inscription: "Confirmée",
  Statut: null,
  Convocation: null,
  ...extra,
});

export const participants: Row[] = [
  person(
    "Martin",
    "Claire",
    "Préfecture d'Ille-et-Vilaine",
    "Sous-préfète",
    "Fonctionnaire d'État",
    ["CAF", "Urgences", "CHRS"],
    { Visite: "Oui", Arrivée: "13:05" },
  ),
  person(
    "Bernard",
    "Hugo",
    "Conseil départemental du Morbihan",
    "Directeur de l'action sociale",
    "Fonctionnaire territorial",
    ["CCAS", "France Travail", "CAF"],
  ),
  person("Dubois", "Élodie", "CPAM du Finistère", "Directrice adjointe", "Sécurité sociale", [
    "Urgences",
    "CHRS",
    "CCAS",
  ]),
  person("Thomas", "Julien", "CHU de Nantes", "Directeur des soins", "Hôpital", [
    "CAF",
    "CPAM",
    "France Travail",
  ]),
  // Deliberate mistake: an address without @.
  person("Robert", "Camille", "Ouest-France", "Journaliste", "Journaliste", ["CHRS", "Urgences", "CAF"], {
    Email: "camille.robert.ouest-france.example.org",
  }),
  person("Richard", "Antoine", "Groupe Armor Services", "Président-directeur général", "Entreprise", [
    "France Travail",
    "CAF",
    "CPAM",
  ]),
  person(
    "Petit",
    "Sandrine",
    "Mairie de Vitré",
    "Maire adjointe aux solidarités",
    "Élu",
    ["CCAS", "CHRS", "Urgences"],
    { Visite: "Oui", Arrivée: "13:05" },
  ),
  person("Durand", "Mathieu", "Lycée Chateaubriand", "Proviseur", "Enseignant", [
    "Urgences",
    "CAF",
    "France Travail",
  ]),
  person("Leroy", "Nadia", "DDETS d'Ille-et-Vilaine", "Directrice adjointe", "Fonctionnaire d'État", [
    "CHRS",
    "CCAS",
    "CAF",
  ]),
  person(
    "Moreau",
    "François",
    "Région Bretagne",
    "Directeur général adjoint",
    "Fonctionnaire territorial",
    ["CPAM", "CAF", "CCAS"],
    { Besoins: "PMR" },
  ),
  // Deliberate mistake: no consent recorded.
  person(
    "Simon",
    "Laure",
    "URSSAF Bretagne",
    "Directrice de la relation client",
    "Sécurité sociale",
    ["CAF", "France Travail", "CCAS"],
    { Consentement: "Non" },
  ),
  person("Laurent", "Bastien", "CH de Saint-Brieuc", "Directeur adjoint", "Hôpital", [
    "CCAS",
    "CHRS",
    "CPAM",
  ]),
  person("Lefebvre", "Manon", "France 3 Bretagne", "Rédactrice en chef adjointe", "Journaliste", [
    "Urgences",
    "France Travail",
    "CCAS",
  ]),
  person(
    "Michel",
    "Grégoire",
    "Société Breizh Logistique",
    "Directeur des ressources humaines",
    "Entreprise",
    ["CAF", "CHRS", "Urgences"],
  ),
  person("Garcia", "Inès", "Conseil départemental d'Ille-et-Vilaine", "Conseillère départementale", "Élu", [
    "France Travail",
    "CPAM",
    "CAF",
  ]),
  // Deliberate mistake: a return train that leaves before the end of sequence 4 plus the margin.
  person(
    "David",
    "Olivier",
    "Rectorat de Rennes",
    "Inspecteur d'académie",
    "Enseignant",
    ["CHRS", "CAF", "CCAS"],
    { Départ: "17:10" },
  ),
  person(
    "Bertrand",
    "Aurélie",
    "Préfecture des Côtes-d'Armor",
    "Secrétaire générale",
    "Fonctionnaire d'État",
    ["CCAS", "Urgences", "France Travail"],
  ),
  person(
    "Roux",
    "Sébastien",
    "Rennes Métropole",
    "Directeur de la cohésion sociale",
    "Fonctionnaire territorial",
    ["Urgences", "CPAM", "CHRS"],
  ),
  person(
    "Vincent",
    "Marie-Hélène",
    "MSA Portes de Bretagne",
    "Directrice de l'action sanitaire et sociale",
    "Sécurité sociale",
    ["France Travail", "CCAS", "Urgences"],
  ),
  // Deliberate mistake: a train that arrives after the start of sequence 1.
  person("Fournier", "Loïc", "CHU de Brest", "Directeur des finances", "Hôpital", ["CPAM", "CAF", "CHRS"], {
    Arrivée: "17:05",
  }),
  person("Morel", "Charlotte", "Le Télégramme", "Journaliste", "Journaliste", ["CCAS", "CPAM", "Urgences"]),
  person("Girard", "Nicolas", "Coopérative Triskell", "Directeur général", "Entreprise", [
    "CHRS",
    "France Travail",
    "CAF",
  ]),
  // Deliberate mistake: a second wish that names neither a structure nor a type.
  person("André", "Lucie", "Mairie de Fougères", "Maire", "Élu", ["CAF", "Mairie annexe", "CCAS"]),
  person("Lefèvre", "Thibault", "Université Rennes 2", "Maître de conférences", "Enseignant", [
    "Urgences",
    "CCAS",
    "CPAM",
  ]),
  person("Mercier", "Hélène", "Cour des comptes", "Conseillère référendaire", "Fonctionnaire d'État", [
    "CPAM",
    "CHRS",
    "France Travail",
  ]),
  person("Blanc", "Yann", "Ville de Saint-Malo", "Directeur du CCAS", "Fonctionnaire territorial", [
    "CAF",
    "Urgences",
    "CPAM",
  ]),
  // Deliberate mistake: registered after the deadline.
  person(
    "Guérin",
    "Soizic",
    "CAF des Côtes-d'Armor",
    "Directrice",
    "Sécurité sociale",
    ["CHRS", "CCAS", "Urgences"],
    { "Inscrit le": "2026-11-18" },
  ),
  person("Boyer", "Maxime", "Hôpital privé Sévigné", "Directeur", "Hôpital", [
    "France Travail",
    "Urgences",
    "CAF",
  ]),
  // Deliberate mistake: the same person registered twice (same address as row 2).
  person(
    "Bernard",
    "Hugo",
    "Conseil départemental du Morbihan",
    "Directeur de l'action sociale",
    "Fonctionnaire territorial",
    ["CCAS", "CAF", "France Travail"],
  ),
  person("O'Connor", "Siobhan", "Ambassade d'Irlande", "Attachée sociale", "Fonctionnaire d'État", [
    "Urgences",
    "CAF",
    "CCAS",
  ]),
];

/** What `passerelle check` must report on the example seminar: tab, row, and a word of the message. */
export const EXAMPLE_MISTAKES: readonly { tab: string; row: number; about: string }[] = [
  { tab: "Tuteurs", row: 13, about: "CAF de Brest" },
  { tab: "Participants", row: 6, about: "n'est pas une adresse valide" },
  { tab: "Participants", row: 12, about: "Consentement" },
  { tab: "Participants", row: 17, about: "Départ" },
  { tab: "Participants", row: 21, about: "Arrivée" },
  { tab: "Participants", row: 24, about: "Mairie annexe" },
  { tab: "Participants", row: 28, about: "date limite" },
  { tab: "Participants", row: 30, about: "déjà inscrit" },
];

export const lunchSettings: Row = {
  Titre: "Rencontre méridienne — La participation des usagers",
  Thème: "Ce qu'une étude qualitative apprend sur la relation aux usagers, et comment les associer",
  Date: "2027-04-08",
  Début: "12:15",
  Fin: "13:45",
  Lieu: "Salle du conseil, 5 boulevard Diderot, Paris",
  Intervenants: "Un cabinet d'études sociologiques ; la cheffe de projet participation des usagers",
  Capacité: 30,
  "Quota par service": 4,
  "Clôture des inscriptions": "2027-04-06 12:00",
  "Fuseau horaire": "Europe/Paris",
  "Email organisateur": "meridiennes@action-sociale.example.org",
  Expéditeur: "Rencontres méridiennes <meridiennes@action-sociale.example.org>",
  "Rappel avant (heures)": 24,
  "Lien questionnaire": "https://questionnaire.example.org/meridienne-participation",
  Action: "Vérifier",
  Statut: null,
};

const SERVICES = [
  ["Direction des solidarités", "Service de l'insertion"],
  ["Direction des solidarités", "Service social de proximité"],
  ["Direction des ressources", "Contrôle de gestion"],
  ["Direction des ressources", "Ressources humaines"],
  ["Direction de l'action gérontologique", "Résidences services"],
  ["Direction de l'action gérontologique", "Aide à domicile"],
  ["Secrétariat général", "Communication"],
  ["Direction de l'hébergement", "Centres d'hébergement"],
] as const;

const FIRST_NAMES = [
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
  "Odile",
  "Franck",
  "Chloé",
];
const LAST_NAMES = [
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
  "Masson",
  "Dupuis",
  "Brunet",
  "Gauthier",
];

/** 45 registrations for 30 seats, spread over eight services, in order of registration. */
export const registrations: Row[] = Array.from({ length: 45 }, (_, index) => {
  const [direction, service] = SERVICES[(index * 5) % SERVICES.length]!;
  const first = FIRST_NAMES[index % FIRST_NAMES.length]!;
  const last = LAST_NAMES[(index * 7) % LAST_NAMES.length]!;
  const day = 1 + Math.floor(index / 6);
  const hour = 9 + (index % 6);
  return {
    Nom: last,
    Prénom: first,
    Email: `${slug(first)}.${slug(last)}${index}@action-sociale.example.org`,
    Direction: direction,
    Service: service,
    Fonction: "Cadre",
    "Inscrit le": `2026-11-${String(day).padStart(2, "0")} ${String(hour).padStart(2, "0")}:${String((index * 7) % 60).padStart(2, "0")}`,
    Inscription: "Confirmée",
    Statut: null,
    Convocation: null,
  };
});

export function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function domainOf(organisation: string): string {
  return `${slug(organisation)
    .split("-")
    .filter((part) => part.length > 2)
    .slice(0, 3)
    .join("-")}.example.org`;
}
