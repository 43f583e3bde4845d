/**
 * The example reverse immersion filled into `immersion-inversee.xlsx`: in Lyon, decision-makers
 * open their day to front-line agents and to service users. Names are invented; addresses use
 * reserved example domains. The deliberate mistakes are listed in `REVERSE_MISTAKES`.
 */
import type { Row } from "./example-data.js";

export const reverseSettings: Row = {
  Titre: "Vivez ma vie de décideur — Lyon",
  Ville: "Lyon",
  "Fuseau horaire": "Europe/Paris",
  Date: "2027-05-20",
  "Lieu d'accueil": "Hôtel de la Métropole, 20 rue du Lac, 69003 Lyon",
  "Email organisateur": "organisation@immersion.example.org",
  Expéditeur: "Immersion inversée <immersion@immersion.example.org>",
  Organisateur: "Nadia Benali, cheffe de projet",
  "Date limite d'inscription": "2027-04-30",
  "Rappel avant (jours)": 2,
  "Lien questionnaire": "https://questionnaire.example.org/immersion-inversee-lyon",
  Action: "Vérifier",
  Statut: null,
};

const venue = "Hôtel de la Métropole, 20 rue du Lac, Lyon";

export const reverseProgramme: Row[] = [
  {
    Jour: 1,
    Début: "08:30",
    Fin: "09:00",
    Séquence: "Accueil",
    Intitulé: "Accueil des visiteurs",
    Lieu: venue,
    Pour: "Participants",
  },
  {
    Jour: 1,
    Début: "09:30",
    Fin: "12:30",
    Séquence: "Immersion",
    Intitulé: "Matin",
    Lieu: "Bureau de l'hôte",
    Pour: "Participants",
  },
  {
    Jour: 1,
    Début: "14:00",
    Fin: "17:00",
    Séquence: "Immersion",
    Intitulé: "Après-midi",
    Lieu: "Bureau de l'hôte",
    Pour: "Participants",
  },
  {
    Jour: 1,
    Début: "17:30",
    Fin: "18:30",
    Séquence: "Partage d'expérience",
    Intitulé: "Ce que nous avons vu du côté des décideurs",
    Lieu: venue,
    Pour: "Tous",
  },
];

function host(
  lastName: string,
  firstName: string,
  position: string,
  employer: string,
  institution: string,
  address: string,
  slots: string,
  capacity: number,
  activities: string,
): Row {
  const local = `${firstName}.${lastName}`
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z.]/g, "");
  return {
    Nom: lastName,
    Prénom: firstName,
    Email: `${local}@${institution
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z]/g, "")}.example.org`,
    Fonction: position,
    Organisme: employer,
    "Type d'institution": institution,
    Adresse: address,
    Téléphone: "04 72 00 00 00",
    Créneaux: slots,
    Capacité: capacity,
    "À voir": activities,
    "Accessible PMR": "Oui",
  };
}

export const hosts: Row[] = [
  host(
    "Aubert",
    "Sylvie",
    "Préfète déléguée pour l'égalité des chances",
    "Préfecture du Rhône",
    "Préfecture",
    "18 rue de Bonnel, 69003 Lyon",
    "Tous",
    2,
    "Réunions, Instance de décision",
  ),
  host(
    "Rochette",
    "Marc",
    "Secrétaire général",
    "Préfecture du Rhône",
    "Préfecture",
    "18 rue de Bonnel, 69003 Lyon",
    "Matin",
    1,
    "Réunions",
  ),
  host(
    "Delorme",
    "Anne",
    "Directrice générale des services",
    "Département du Rhône",
    "Département",
    "29-31 cours de la Liberté, 69003 Lyon",
    "Tous",
    2,
    "Réunions, Visite de terrain",
  ),
  host(
    "Ferrand",
    "Paul",
    "Directeur",
    "CAF du Rhône",
    "CAF",
    "67 boulevard Vivier-Merle, 69003 Lyon",
    "Tous",
    2,
    "Instance de décision, Visite de terrain",
  ),
  host(
    "Nguyen",
    "Linh",
    "Directrice",
    "CPAM du Rhône",
    "CPAM",
    "276 cours Émile-Zola, 69100 Villeurbanne",
    "Après-midi",
    2,
    "Réunions",
  ),
  host(
    "Chabert",
    "Louis",
    "Directeur général adjoint",
    "Hospices civils de Lyon",
    "Hôpital",
    "3 quai des Célestins, 69002 Lyon",
    "Tous",
    1,
    "Instance de décision, Visite de terrain",
  ),
  host(
    "Giraud",
    "Hélène",
    "Directrice générale des services",
    "Ville de Villeurbanne",
    "Mairie",
    "Place Lazare-Goujon, 69100 Villeurbanne",
    "Tous",
    2,
    "Réunions, Visite de terrain",
  ),
  host(
    "Masson",
    "Karim",
    "Directeur territorial",
    "France Travail Rhône",
    "France Travail",
    "13 rue Grôlée, 69002 Lyon",
    "Matin",
    1,
    "Réunions, Instance de décision",
  ),
];

function visitor(
  lastName: string,
  firstName: string,
  employer: string,
  position: string,
  wishes: readonly string[],
  extra: Row = {},
): Row {
  const local = `${firstName}.${lastName}`
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z.]/g, "");
  return {
    Nom: lastName,
    Prénom: firstName,
    Profil: "Agent public",
    Email: `${local}@agents.example.org`,
    Organisme: employer,
    Fonction: position,
    "Vœu 1": wishes[0] ?? null,
    "Vœu 2": wishes[1] ?? null,
    "Vœu 3": wishes[2] ?? null,
    Consentement: "Oui",
    Inscription: "Confirmée",
    ...extra,
  };
}

const association = "Association Entraide Lyon 8e";
const associationEmail = "accueil@entraide-lyon8.example.org";

function user(lastName: string, firstName: string, wishes: readonly string[], extra: Row = {}): Row {
  return visitor(lastName, firstName, "", "", wishes, {
    Profil: "Usager",
    Email: null,
    Organisme: null,
    "Inscrit par": association,
    "Email de l'inscripteur": associationEmail,
    ...extra,
  });
}

export const visitors: Row[] = [
  visitor("Lambert", "Julie", "CAF du Rhône", "Conseillère d'accueil", ["Préfecture", "Anne Delorme"]),
  visitor("Moreau", "Yann", "CPAM du Rhône", "Agent d'accueil", ["CAF du Rhône", "Hôpital"]),
  visitor("Petit", "Sonia", "Ville de Villeurbanne", "Agente d'accueil à l'état civil", [
    "Préfecture du Rhône",
    "Département",
  ]),
  visitor("Girard", "Thomas", "France Travail Rhône", "Conseiller emploi", ["CAF", "Mairie"]),
  visitor("Roux", "Amina", "Hospices civils de Lyon", "Infirmière aux urgences", [
    "Louis Chabert",
    "Préfecture",
  ]),
  visitor("Fontaine", "Marc", "Département du Rhône", "Travailleur social", ["Préfecture", "CPAM"]),
  visitor("Blanc", "Léa", "Préfecture du Rhône", "Agente au guichet des titres de séjour", [
    "Département",
    "CAF",
  ]),
  user("Benyamina", "Farid", ["CAF", "Préfecture"]),
  user("Collin", "Maryse", ["Mairie", "Département"], { Besoins: "PMR" }),
  user("Dupuis", "Gérard", ["France Travail"], {
    Email: "gerard.dupuis@usagers.example.org",
    "Inscrit par": null,
    "Email de l'inscripteur": null,
  }),
  user("Haddad", "Nora", ["CPAM"], { Consentement: null }),
  user("Leroy", "Patrick", ["Hôpital"], { "Email de l'inscripteur": null }),
];

/** What `passerelle check` must report on the example: tab, row, and a word of the message. */
export const REVERSE_MISTAKES: readonly { tab: string; row: number; about: string }[] = [
  { tab: "Participants", row: 12, about: "Consentement" },
  { tab: "Participants", row: 13, about: "Email" },
];
