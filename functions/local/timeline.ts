/**
 * The French timeline printed by the local run: what the functions did and what the workflow
 * waits for, each line stamped with the (real or simulated) time in the event's zone.
 */
import type { RunnerEvent } from "../../workflows/runner/runner.js";
import { frenchDateTime, frenchDayHeading, frenchTime, ofName, plural } from "../core/text/french.js";
import type { LogFields } from "../ports.js";

const num = (fields: LogFields, key: string) =>
  typeof fields[key] === "number" ? (fields[key] as number) : 0;

const SENDING_LABELS: Readonly<Record<string, [string, string]>> = {
  "send-convocations": ["convocation envoyée", "convocations envoyées"],
  "send-tutor-requests": ["demande envoyée aux tuteurs", "demandes envoyées aux tuteurs"],
  "send-reminders": ["rappel envoyé", "rappels envoyés"],
  "send-train-reminders": ["rappel du train de retour envoyé", "rappels du train de retour envoyés"],
  "send-feedback": [
    "attestation de présence et questionnaire envoyés",
    "attestations de présence et questionnaires envoyés",
  ],
  "allocate-seats": ["message d'inscription envoyé", "messages d'inscription envoyés"],
  "send-rosters": [
    "message envoyé (fiche d'accueil aux structures)",
    "messages envoyés (fiches d'accueil aux structures)",
  ],
  "send-papers": [
    "message envoyé (feuilles d'émargement et effectifs à l'organisateur)",
    "messages envoyés (feuilles d'émargement et effectifs à l'organisateur, fiches mises à jour)",
  ],
};

export class Timeline {
  private lastWait = "";
  private lastDay = "";
  /** Who sent the reply being read (local mode only: names never reach the functions' logs). */
  private replier: string | undefined;
  /** Whether the check being run follows an organizer's save (not one of Passerelle's own writes). */
  private organizerSave = false;

  constructor(
    private readonly now: () => Date,
    private readonly zone: string,
    private readonly write: (line: string) => void,
  ) {}

  private date(instant: Date): string {
    return frenchDateTime(instant, this.zone);
  }

  /** A line stamped `18 h 09`, under a heading naming the day whenever the day changes. */
  line(text: string): void {
    const now = this.now();
    const day = frenchDayHeading(now, this.zone);
    if (day !== this.lastDay) this.write(`— ${day} —`);
    this.lastDay = day;
    this.write(`${frenchTime(now, this.zone).padStart(7)}  ${text}`);
  }

  /** The next reply read comes from this person (their name, or their address). */
  replyFrom(name: string): void {
    this.replier = name;
  }

  /** Runs `edit` as the check of an organizer's save: its verdict is told, unlike Passerelle's own writes. */
  async organizerEdit<T>(edit: () => Promise<T>): Promise<T> {
    this.organizerSave = true;
    try {
      return await edit();
    } finally {
      this.organizerSave = false;
    }
  }

  /** A log line of the functions, told in French when it matters to an organizer. */
  log(level: "info" | "warn" | "error", event: string, fields: LogFields): void {
    const text = this.describe(event, fields);
    if (text) this.line(text);
    else if (level !== "info") this.line(`⚠ ${event} ${JSON.stringify(fields)}`);
  }

  private describe(event: string, fields: LogFields): string | undefined {
    if (event === "sheet-edit.checked") {
      if (!this.organizerSave) return undefined;
      const rows = num(fields, "rows");
      const problems = num(fields, "rowsWithProblems");
      return `Enregistrement relu : ${plural(rows, "ligne")}, ${problems === 0 ? "tout est en ordre" : `${plural(problems, "ligne")} à corriger (voir la colonne Statut)`}.`;
    }
    if (event === "ledger.restored") {
      const rows = num(fields, "rows");
      const cells = num(fields, "cells");
      const restored =
        rows > 0
          ? `${rows} ${rows >= 2 ? "lignes du Journal rétablies" : "ligne du Journal rétablie"}`
          : `${plural(cells, "date de convocation rétablie", "dates de convocation rétablies")}`;
      return `${restored} après un enregistrement d'une copie ancienne du classeur${rows > 0 && cells > 0 ? ` (et ${plural(cells, "date de convocation", "dates de convocation")})` : ""}.`;
    }
    if (event === "workbook.locked")
      return "Classeur ouvert dans un tableur : Passerelle attend qu'il soit fermé pour écrire.";
    if (event === "inbound-mail.applied") {
      const decision = fields.decision;
      const outcome = fields.outcome;
      const who = this.replier;
      this.replier = undefined;
      if (outcome === "duplicate") return `Réponse ${who ? `${ofName(who)} ` : ""}déjà lue : rien ne change.`;
      const said =
        decision === "confirm"
          ? "confirme l'accueil"
          : decision === "decline"
            ? "décline : les participants concernés sont replacés et prévenus"
            : "réponse ambiguë ou automatique : transmise à l'organisateur";
      return `Réponse ${who ? ofName(who) : "d'un tuteur"} : ${said}${fields.changedMind ? " (changement d'avis)" : ""}.`;
    }
    if (event !== "workflow-step.done") return undefined;
    const step = String(fields.step);
    const label = SENDING_LABELS[step];
    if (label) {
      if (fields.suspended) return "Envois suspendus (Action : Suspendre) : en attente de la reprise.";
      const sent = num(fields, "sent");
      if (sent === 0 && fields.done) return undefined;
      return `${sent} ${sent >= 2 ? label[1] : label[0]}${fields.done ? "." : " (la suite au prochain envoi)…"}`;
    }
    switch (step) {
      case "check":
        return fields.ok
          ? `Vérification : ${num(fields, "problems") === 0 ? "aucun problème" : `${plural(num(fields, "problems"), "ligne écartée", "lignes écartées")} tant qu'${num(fields, "problems") >= 2 ? "elles ne sont" : "elle n'est"} pas corrigée${num(fields, "problems") >= 2 ? "s" : ""}`}.`
          : "Vérification : le paramétrage de l'événement est incomplet ; déroulé arrêté (voir Statut de l'onglet Séminaire ou Rencontre).";
      case "match":
        return `Affectation : ${plural(num(fields, "placed"), "participant placé", "participants placés")}${num(fields, "unplaced") > 0 ? `, ${num(fields, "unplaced")} sans place (la raison est dans ${num(fields, "unplaced") >= 2 ? "leur" : "son"} Statut)` : ""}.`;
      case "status":
        return fields.suspended
          ? "Envois suspendus."
          : fields.go
            ? "Feu vert reçu : les convocations partent."
            : "En attente de votre feu vert : relisez l'onglet Affectations puis choisissez « Envoyer les convocations » (onglet Séminaire, Action).";
      case "tutor-replies":
        return num(fields, "pending") === 0
          ? "Tous les tuteurs ont répondu."
          : `${plural(num(fields, "pending"), "tuteur")} sans réponse pour l'instant.`;
      case "nudge-tutors":
        return `Relance : ${plural(num(fields, "sent"), "tuteur relancé", "tuteurs relancés")}.`;
      case "mark-silent-tutors":
        return `${plural(num(fields, "marked"), "tuteur marqué", "tuteurs marqués")} « Sans réponse » ; l'organisateur est prévenu.`;
      default:
        return undefined;
    }
  }

  /** What the workflow waits for. */
  runner(event: RunnerEvent): void {
    if (event.type === "sleep") {
      const text = `Prochaine étape le ${this.date(event.until)}.`;
      if (text !== this.lastWait) this.line(text);
      this.lastWait = text;
    } else if (event.type === "await") {
      const text = `En attente d'une décision ou d'une réponse, au plus tard jusqu'au ${this.date(event.deadline)}.`;
      if (text !== this.lastWait) this.line(text);
      this.lastWait = text;
    } else if (event.type === "end") {
      this.line(
        event.state === "SUCCEEDED"
          ? "Déroulé terminé."
          : "Déroulé arrêté sur une erreur : relancez avec PASSERELLE_DEBUG=1 pour le détail.",
      );
    }
  }
}
