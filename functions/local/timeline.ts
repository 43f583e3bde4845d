/**
 * The French timeline printed by the local run: what the functions did and what the workflow
 * waits for, each line stamped with the (real or simulated) time in the event's zone.
 */
import { DateTime } from "luxon";
import type { RunnerEvent } from "../../workflows/runner/runner.js";
import type { LogFields } from "../sheet-edit.js";

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count > 1 ? many : one}`;
const num = (fields: LogFields, key: string) =>
  typeof fields[key] === "number" ? (fields[key] as number) : 0;

const SENDING_LABELS: Readonly<Record<string, [string, string]>> = {
  "send-convocations": ["convocation envoyée", "convocations envoyées"],
  "send-tutor-requests": ["demande envoyée aux tuteurs", "demandes envoyées aux tuteurs"],
  "send-reminders": ["rappel envoyé", "rappels envoyés"],
  "send-train-reminders": ["rappel du train de retour envoyé", "rappels du train de retour envoyés"],
  "send-feedback": ["questionnaire de satisfaction envoyé", "questionnaires de satisfaction envoyés"],
  "allocate-seats": ["message d'inscription envoyé", "messages d'inscription envoyés"],
};

export class Timeline {
  private lastWait = "";

  constructor(
    private readonly now: () => Date,
    private readonly zone: string,
    private readonly write: (line: string) => void,
  ) {}

  private stamp(): string {
    return DateTime.fromJSDate(this.now(), { zone: this.zone })
      .setLocale("fr")
      .toFormat("ccc dd/MM/yyyy HH:mm");
  }

  private date(instant: Date): string {
    return DateTime.fromJSDate(instant, { zone: this.zone })
      .setLocale("fr")
      .toFormat("cccc d LLLL yyyy 'à' HH'h'mm");
  }

  line(text: string): void {
    this.write(`[${this.stamp()}] ${text}`);
  }

  /** A log line of the functions, told in French when it matters to an organizer. */
  log(level: "info" | "warn" | "error", event: string, fields: LogFields): void {
    const text = this.describe(event, fields);
    if (text) this.line(text);
    else if (level !== "info") this.line(`⚠ ${event} ${JSON.stringify(fields)}`);
  }

  private describe(event: string, fields: LogFields): string | undefined {
    if (event === "sheet-edit.checked") {
      const rows = num(fields, "rows");
      const problems = num(fields, "rowsWithProblems");
      return `Classeur vérifié : ${plural(rows, "ligne")}, ${problems === 0 ? "tout est en ordre" : `${plural(problems, "ligne")} à corriger (voir la colonne Statut)`}.`;
    }
    if (event === "inbound-mail.applied") {
      const decision = fields.decision;
      const outcome = fields.outcome;
      if (outcome === "duplicate") return "Réponse déjà traitée : ignorée.";
      const said =
        decision === "confirm"
          ? "confirme l'accueil"
          : decision === "decline"
            ? "décline : les participants concernés sont replacés et prévenus"
            : "réponse ambiguë ou automatique : transmise à l'organisateur";
      return `Réponse d'un tuteur : ${said}${fields.changedMind ? " (changement d'avis)" : ""}.`;
    }
    if (event !== "workflow-step.done") return undefined;
    const step = String(fields.step);
    const label = SENDING_LABELS[step];
    if (label) {
      if (fields.suspended) return "Envois suspendus (Action : Suspendre) : en attente de la reprise.";
      const sent = num(fields, "sent");
      if (sent === 0 && fields.done) return undefined;
      return `${sent} ${sent > 1 ? label[1] : label[0]}${fields.done ? "." : " (suite au prochain lot)…"}`;
    }
    switch (step) {
      case "check":
        return fields.ok
          ? `Vérification : ${num(fields, "problems") === 0 ? "aucun problème" : `${plural(num(fields, "problems"), "ligne")} écartée(s) tant qu'elles ne sont pas corrigées`}.`
          : "Vérification : le paramétrage de l'événement est incomplet ; déroulé arrêté (voir Statut de l'onglet Séminaire ou Rencontre).";
      case "match":
        return `Affectation : ${plural(num(fields, "placed"), "participant placé", "participants placés")}${num(fields, "unplaced") > 0 ? `, ${num(fields, "unplaced")} sans place (raison dans leur Statut)` : ""}.`;
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
      const text = `En attente d'un signal (au plus tard le ${this.date(event.deadline)}).`;
      if (text !== this.lastWait) this.line(text);
      this.lastWait = text;
    } else if (event.type === "end") {
      this.line(
        event.state === "SUCCEEDED"
          ? "Déroulé terminé."
          : "Déroulé arrêté sur une erreur (voir les journaux).",
      );
    }
  }
}
