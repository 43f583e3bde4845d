import { describe, expect, it } from "vitest";
import { checkSeminar } from "../../functions/core/checks/check-seminar.js";
import * as example from "../../sheets-templates/example-data.js";
import { seminarSnapshot } from "../support/workbooks.js";

const NOW = new Date("2026-11-23T10:00:00Z");
const clean = example.participants.filter((_, index) => ![4, 10, 15, 19, 22, 26, 28].includes(index));
const cleanTutors = example.tutors.slice(0, 11);

function problemsOf(result: ReturnType<typeof checkSeminar>, tab: string, row: number): readonly string[] {
  return result.rows.find((verdict) => verdict.tab === tab && verdict.row === row)?.problems ?? [];
}

describe("checking an immersion seminar", () => {
  it("finds exactly the deliberate mistakes of the example seminar", () => {
    const result = checkSeminar(seminarSnapshot(), NOW);
    const wrong = result.rows.filter((row) => row.problems.length > 0).map((row) => `${row.tab}:${row.row}`);
    expect(wrong).toEqual(example.EXAMPLE_MISTAKES.map((mistake) => `${mistake.tab}:${mistake.row}`));
    for (const mistake of example.EXAMPLE_MISTAKES) {
      expect(problemsOf(result, mistake.tab, mistake.row).join(" ")).toContain(mistake.about);
    }
    expect(result.seminarProblems).toEqual([]);
  });

  it("says OK on every row of a clean seminar", () => {
    const result = checkSeminar(seminarSnapshot({ participants: clean, tutors: cleanTutors }), NOW);
    expect(result.rows.every((row) => row.status === "OK")).toBe(true);
    expect(result.slots.map((slot) => slot.name)).toEqual(["Matin", "Après-midi"]);
    expect(result.days).toEqual(["2027-03-17", "2027-03-18"]);
  });

  it("accepts a wish naming the organisme of a host structure, or several structures, and names the kinds a wish may be", () => {
    const participants = clean.map((row, index) =>
      index === 0
        ? {
            ...row,
            "Vœu 1": "Ville de Rennes",
            "Vœu 2": "Mairie de Lune",
            "Vœu 3": "CCAS de Rennes | Urgences du CHU — Pontchaillou",
          }
        : row,
    );
    const result = checkSeminar(seminarSnapshot({ participants, tutors: cleanTutors }), NOW);
    const problems = problemsOf(result, "Participants", 2);
    expect(problems.join(" ")).not.toContain("Ville de Rennes");
    expect(problems).toEqual([
      expect.stringContaining(
        "Vœu 2 : « Mairie de Lune » n'est ni une structure de l'onglet Structures, ni un type (CAF, CPAM, CCAS, Urgences, CHRS, France Travail, Autre), ni l'organisme d'une structure",
      ),
    ]);
  });

  it("charges a duplicated email to the later row only: the first row keeps its registration", () => {
    const result = checkSeminar(seminarSnapshot(), NOW);
    expect(problemsOf(result, "Participants", 3)).toEqual([]);
    expect(problemsOf(result, "Participants", 30)[0]).toContain("déjà inscrit ligne 3");
  });

  it("does not check a cancelled registration and does not count it as a duplicate", () => {
    const participants = example.participants.map((row, index) =>
      index === 28 ? { ...row, Inscription: "Annulée" } : row,
    );
    const result = checkSeminar(seminarSnapshot({ participants }), NOW);
    expect(problemsOf(result, "Participants", 3)).toEqual([]);
    expect(result.rows.find((row) => row.row === 30 && row.tab === "Participants")?.status).toBe(
      "Inscription annulée",
    );
  });

  it("uses the group return train when a participant gives no departure", () => {
    const result = checkSeminar(
      seminarSnapshot({
        settings: { ...example.seminarSettings, "Train retour": "18:05" },
        participants: clean,
        tutors: cleanTutors,
      }),
      NOW,
    );
    expect(
      result.rows
        .filter((row) => row.tab === "Participants")
        .every((row) => row.problems[0]?.startsWith("Départ")),
    ).toBe(true);
  });

  it("counts the optional visit only for those who chose it when checking arrivals", () => {
    const participants = [
      { ...clean[0]!, Arrivée: "15:00", Visite: "Oui" },
      { ...clean[1]!, Arrivée: "15:00", Visite: "Non" },
    ];
    const result = checkSeminar(seminarSnapshot({ participants, tutors: cleanTutors }), NOW);
    expect(problemsOf(result, "Participants", 2).join("\n")).toContain("après le début de « Visite");
    expect(problemsOf(result, "Participants", 3)).toEqual([]);
  });

  it("tells the organizer when a slot has no tutor or not enough places", () => {
    const tutors = cleanTutors.map((row) => ({ ...row, Créneaux: "Matin", Capacité: 1 }));
    const result = checkSeminar(seminarSnapshot({ participants: clean, tutors }), NOW);
    expect(result.seminarProblems.join("\n")).toContain("Créneau « Après-midi » : aucun tuteur disponible");
    expect(result.seminarProblems.join("\n")).toContain(
      "Créneau « Matin » : 11 places chez les tuteurs pour 23 participants",
    );
  });

  it("refuses a time zone that is not an IANA zone", () => {
    const result = checkSeminar(
      seminarSnapshot({ settings: { ...example.seminarSettings, "Fuseau horaire": "Paris" } }),
      NOW,
    );
    expect(result.seminarProblems.join("\n")).toContain("« Paris » n'est pas un fuseau horaire connu");
  });

  it("flags a tutor whose situation the structure does not offer, and a structure no tutor covers", () => {
    const tutors = cleanTutors.map((row) =>
      row.Structure === "CHRS Le Relais" ? { ...row, Situation: "Accueil téléphonique" } : row,
    );
    const result = checkSeminar(seminarSnapshot({ participants: clean, tutors }), NOW);
    expect(problemsOf(result, "Tuteurs", 10)[0]).toContain("ne propose pas « Accueil téléphonique »");
    expect(problemsOf(result, "Structures", 6)[0]).toContain("Aucun tuteur");
  });

  it("flags a tutor slot that the timetable does not have", () => {
    const tutors = cleanTutors.map((row, index) => (index === 0 ? { ...row, Créneaux: "Soir" } : row));
    const result = checkSeminar(seminarSnapshot({ participants: clean, tutors }), NOW);
    expect(problemsOf(result, "Tuteurs", 2)[0]).toContain("« Soir » n'est pas un créneau du programme");
  });

  it("accepts a timetable item that crosses midnight but not one that ends before it starts", () => {
    const programme = [
      ...example.programme,
      { Jour: 1, Début: "22:30", Fin: "00:30", Séquence: "Soirée", Intitulé: "", Lieu: "", Pour: "Tous" },
      { Jour: 2, Début: "16:00", Fin: "08:00", Séquence: "Erreur", Intitulé: "", Lieu: "", Pour: "Tous" },
    ];
    const result = checkSeminar(
      seminarSnapshot({ programme, participants: clean, tutors: cleanTutors }),
      NOW,
    );
    expect(problemsOf(result, "Programme", 11)).toEqual([]);
    expect(problemsOf(result, "Programme", 12)[0]).toContain("vient avant le début");
  });

  it("blocks rows that cannot be used and only warns about the others", () => {
    const result = checkSeminar(seminarSnapshot(), NOW);
    const blocking = result.rows.filter((row) => row.blocking).map((row) => `${row.tab}:${row.row}`);
    expect(blocking).toEqual([
      "Tuteurs:13",
      "Participants:6",
      "Participants:12",
      "Participants:28",
      "Participants:30",
    ]);
  });
});
