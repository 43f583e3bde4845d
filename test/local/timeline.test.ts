import { describe, expect, test } from "vitest";
import { Timeline } from "../../functions/local/timeline.js";

function timeline(at = new Date("2027-03-16T17:09:00Z")) {
  const lines: string[] = [];
  return {
    lines,
    timeline: new Timeline(
      () => at,
      "Europe/Paris",
      (line) => lines.push(line),
    ),
  };
}

describe("the local timeline", () => {
  test("stamps lines `18 h 09` under the day written out once", () => {
    const { lines, timeline: log } = timeline();
    log.line("Premier.");
    log.line("Second.");
    expect(lines).toEqual(["— Mardi 16 mars 2027 —", "18 h 09  Premier.", "18 h 09  Second."]);
  });

  test("names the tutor whose reply was read, and agrees in number", () => {
    const { lines, timeline: log } = timeline();
    log.replyFrom("Isabelle Morvan");
    log.log("info", "inbound-mail.applied", { outcome: "recorded", decision: "confirm" });
    log.log("info", "workflow-step.done", { step: "tutor-replies", pending: 1 });
    log.log("info", "workflow-step.done", { step: "check", ok: true, problems: 1 });
    expect(lines.slice(1)).toEqual([
      "18 h 09  Réponse d'Isabelle Morvan : confirme l'accueil.",
      "18 h 09  1 tuteur sans réponse pour l'instant.",
      "18 h 09  Vérification : 1 ligne écartée tant qu'elle n'est pas corrigée.",
    ]);
  });

  test("tells the check of an organizer's save, never the one after Passerelle's own writes", async () => {
    const { lines, timeline: log } = timeline();
    log.log("info", "sheet-edit.checked", { rows: 30, rowsWithProblems: 0 });
    expect(lines).toEqual([]);
    await log.organizerEdit(async () =>
      log.log("info", "sheet-edit.checked", { rows: 30, rowsWithProblems: 2 }),
    );
    expect(lines.at(-1)).toBe(
      "18 h 09  Enregistrement relu : 30 lignes, 2 lignes à corriger (voir la colonne Statut).",
    );
  });

  test("writes waits with the French date and time, without internal words", () => {
    const { lines, timeline: log } = timeline();
    log.runner({ type: "await", deadline: new Date("2027-03-17T05:10:00Z") } as never);
    expect(lines.at(-1)).toBe(
      "18 h 09  En attente d'une décision ou d'une réponse, au plus tard jusqu'au mercredi 17 mars 2027 à 6 h 10.",
    );
    expect(lines.join("\n")).not.toMatch(/signal|HTTP|\d{2}h\d{2}/);
  });
});
