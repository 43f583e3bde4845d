/** A small seminar with placements, a lunch talk, and fakes that record what they are asked. */
import { TABS } from "../../functions/core/sheet/schemas.js";
import type { Clock, Mailer, OutgoingMessage, TabValues } from "../../functions/ports.js";
import * as example from "../../sheets-templates/example-data.js";
import { type Row, seminarSnapshot, tableTab } from "../support/workbooks.js";

export const EVENT = "seminaire-test";
export const ORGANIZER = "organisation@seminaire.example.org";

export const people = {
  claire: {
    Nom: "Martin",
    Prénom: "Claire",
    Email: "claire.martin@prefecture.example.org",
    Arrivée: "13:05",
    Visite: "Oui",
    Dîner: "Oui",
  },
  hugo: {
    Nom: "Bernard",
    Prénom: "Hugo",
    Email: "hugo.bernard@departement.example.org",
    Dîner: "Non",
    Départ: "17:50",
  },
  elodie: { Nom: "Dubois", Prénom: "Élodie", Email: "elodie.dubois@cpam.example.org" },
} as const;

export function participant(overrides: Row): Row {
  return {
    Nom: "Durand",
    Prénom: "Léa",
    Email: "lea.durand@example.org",
    Téléphone: null,
    Organisme: "Préfecture d'Ille-et-Vilaine",
    Fonction: "Sous-préfète",
    Public: "Fonctionnaire d'État",
    "Vœu 1": "CAF",
    "Vœu 2": "CPAM",
    "Vœu 3": "CCAS",
    Besoins: null,
    Arrivée: "15:20",
    Départ: null,
    Dîner: "Non",
    Visite: "Non",
    Consentement: "Oui",
    "Inscrit le": "2026-10-20",
    Inscription: "Confirmée",
    Statut: null,
    Convocation: null,
    ...overrides,
  };
}

export function placement(email: string, slot: "Matin" | "Après-midi", overrides: Row = {}): Row {
  const morning = slot === "Matin";
  return {
    "Email participant": email,
    Participant: null,
    Créneau: slot,
    Structure: morning ? "CAF — Accueil de Rennes" : "CCAS de Rennes",
    Situation: "Accueil physique",
    "Email tuteur": morning ? "sophie.le-gall@caf.example.org" : "gwenaelle.riou@ccas.example.org",
    Tuteur: morning ? "Sophie Le Gall" : "Gwenaëlle Riou",
    Adresse: morning ? "Cours des Alliés, 35000 Rennes" : "Place de la Mairie, 35000 Rennes",
    Début: morning ? "08:30" : "13:00",
    Fin: morning ? "11:30" : "15:30",
    Verrouillé: "Non",
    Motif: "Vœu 1",
    ...overrides,
  };
}

const tutor = (
  Nom: string,
  Prénom: string,
  Email: string,
  Structure: string,
  Confirmation: string | null = null,
): Row => ({
  Nom,
  Prénom,
  Email,
  Structure,
  Situation: "Accueil physique",
  Créneaux: "Tous",
  Capacité: 3,
  Confirmation,
  "Répondu le": null,
});

export const tutors: Row[] = [
  tutor("Le Gall", "Sophie", "sophie.le-gall@caf.example.org", "CAF — Accueil de Rennes"),
  tutor("Riou", "Gwenaëlle", "gwenaelle.riou@ccas.example.org", "CCAS de Rennes", "Confirmé"),
];

export interface SeminarFixture {
  settings?: Row;
  participants?: Row[];
  placements?: Row[];
  programme?: Row[];
  tutors?: Row[];
  journal?: Row[];
}

/** Three participants, each placed in both slots, two tutors. */
export function seminar(fixture: SeminarFixture = {}): Map<string, TabValues> {
  const participants = fixture.participants ?? [
    participant(people.claire),
    participant(people.hugo),
    participant(people.elodie),
  ];
  const placements =
    fixture.placements ??
    participants.flatMap((row) => [
      placement(String(row.Email), "Matin"),
      placement(String(row.Email), "Après-midi"),
    ]);
  const snapshot = seminarSnapshot({
    settings: { ...example.seminarSettings, ...(fixture.settings ?? {}) },
    participants,
    placements,
    tutors: fixture.tutors ?? tutors,
    ...(fixture.programme ? { programme: fixture.programme } : {}),
  });
  snapshot.set(TABS.journal.name, tableTab(TABS.journal, fixture.journal ?? []));
  return snapshot;
}

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date): void {
    this.current = date;
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** A Mailer that records each message; `behaviour` may throw to play a failure. */
export class RecordingMailer implements Mailer {
  readonly sent: OutgoingMessage[] = [];
  private count = 0;
  constructor(private readonly behaviour: (message: OutgoingMessage, call: number) => void = () => {}) {}
  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    this.count++;
    this.behaviour(message, this.count);
    this.sent.push(message);
    return { messageId: `ses-${this.count}` };
  }
  recipients(): string[] {
    return this.sent.map((message) => (typeof message.to === "string" ? message.to : message.to.address));
  }
}
