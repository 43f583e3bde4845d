import { describe, expect, it } from "vitest";
import { checkSnapshot } from "../../functions/app/check-workbook.js";
import { checkLunch } from "../../functions/core/checks/check-lunch.js";
import { checkCycle } from "../../functions/core/cycle/check-cycle.js";
import { CYCLE_TABS_SPEC } from "../../functions/core/cycle/cycle-schemas.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import type { TabValues } from "../../functions/ports.js";
import * as cycleExample from "../../sheets-templates/example-cycle.js";
import type { Row } from "../../sheets-templates/example-data.js";
import { lunchSnapshot, settingsTab, tableTab } from "../support/workbooks.js";

/** Before the first talk's closing (6 April 2027, 12:15 in Paris). */
const BEFORE = new Date("2027-03-20T10:00:00Z");
/** The day after the second talk (6 May 2027). */
const AFTER_SECOND = new Date("2027-05-07T10:00:00Z");

function cycleSnapshot(
  overrides: {
    settings?: Row;
    talks?: readonly Row[];
    registrations?: readonly Row[];
    speakers?: readonly Row[];
  } = {},
) {
  const spec = CYCLE_TABS_SPEC;
  return new Map<string, TabValues>([
    [spec.cycle.name, settingsTab(spec.cycle, overrides.settings ?? cycleExample.cycleSettings)],
    [spec.talks.name, tableTab(spec.talks, overrides.talks ?? cycleExample.talks)],
    [
      spec.registrations.name,
      tableTab(spec.registrations, overrides.registrations ?? cycleExample.registrations),
    ],
    [spec.speakers.name, tableTab(spec.speakers, overrides.speakers ?? cycleExample.speakers)],
    [TABS.journal.name, tableTab(TABS.journal, [])],
  ]);
}

const [FIRST, SECOND, THIRD] = cycleExample.TALK_NAMES;

function statusOf(check: ReturnType<typeof checkCycle>, tab: string, row: number): string {
  return check.rows.find((verdict) => verdict.tab === tab && verdict.row === row)?.status ?? "";
}

describe("checking a cycle of lunch talks", () => {
  it("checks the example cycle without a problem: three talks, two speakers, sixty managers", () => {
    const check = checkCycle(cycleSnapshot(), BEFORE);
    expect(check.cycleProblems).toEqual([]);
    expect(check.rows.filter((row) => row.problems.length > 0)).toEqual([]);
    expect(check.talks.map((talk) => talk.name)).toEqual([FIRST, SECOND, THIRD]);
    const managers = new Set(cycleExample.registrations.map((row) => row.Email));
    expect(managers.size).toBeLessThanOrEqual(60);
    expect(new Set(cycleExample.managers.map((m) => m.Direction)).size).toBe(5);
    expect(check.workbook.speakers.rows).toHaveLength(2);
  });

  it("seats one talk exactly as the single-talk workbook with the same parameters would", () => {
    const check = checkCycle(cycleSnapshot(), BEFORE);
    const first = check.talks[0]!;
    const registrations = cycleExample.registrations.filter((row) => row.Rencontre === FIRST);
    const single = checkLunch(
      lunchSnapshot(
        {
          Titre: "Une rencontre",
          Date: "2027-04-08",
          Lieu: "Salle du conseil",
          Capacité: 20,
          "Quota par service": 4,
          "Clôture des inscriptions": "2027-04-06 12:15",
          "Email organisateur": "meridiennes@action-sociale.example.org",
          Expéditeur: "meridiennes@action-sociale.example.org",
        },
        registrations,
      ),
      BEFORE,
    );
    expect(first.lunch.seats.seated).toEqual(single.seats.seated);
    expect(first.lunch.seats.waiting).toEqual(single.seats.waiting);
  });

  it("ranks the newcomers of the second talk before those seated at the first, then by registration", () => {
    const check = checkCycle(cycleSnapshot(), BEFORE);
    const [first, second] = check.talks;
    const seatedBefore = new Set(first!.lunch.seats.seated);
    const { seated, waiting } = second!.lunch.seats;
    // The example's 17 newcomers registered after 16 people seated at the first talk; they all sit.
    const newcomers = second!.lunch.workbook.registrations.rows
      .map((row) => row.value!.email)
      .filter((email) => !seatedBefore.has(email));
    expect(newcomers).toHaveLength(17);
    for (const email of newcomers) expect(seated).toContain(email);
    expect(waiting.every((email) => seatedBefore.has(email))).toBe(true);
    expect(waiting).toHaveLength(13);
  });

  it("ranks last a person seated and absent twice without cancelling", () => {
    const absentee = cycleExample.managers[0]!;
    const person = (talk: string, minute: number, present: string | null, manager = absentee): Row => ({
      Rencontre: talk,
      ...manager,
      "Inscrit le": `2026-11-02 09:${String(minute).padStart(2, "0")}`,
      Présent: present,
    });
    const others = cycleExample.managers.slice(1, 4);
    const registrations = [
      person(FIRST, 0, "Non"),
      person(SECOND, 0, "Non"),
      person(THIRD, 0, null),
      // Two who were seated and came, and a newcomer, all registered after the absentee.
      person(FIRST, 1, "Oui", others[0]),
      person(SECOND, 1, null, others[0]),
      person(THIRD, 1, null, others[0]),
      person(THIRD, 2, null, others[1]),
    ];
    // Two seats at the first two talks (both sit), one at the third.
    const talks = cycleExample.talks.map((talk, index) => ({ ...talk, Capacité: index < 2 ? 2 : 1 }));
    const check = checkCycle(cycleSnapshot({ registrations, talks }), AFTER_SECOND);
    const third = check.talks[2]!;
    expect(third.lunch.seats.seated).toEqual([others[1]!.Email]);
    expect(third.lunch.seats.waiting).toEqual([others[0]!.Email, absentee.Email]);
  });

  it("writes seats, speakers and décloisonnement on each talk's Statut", () => {
    const check = checkCycle(cycleSnapshot(), BEFORE);
    const status = statusOf(check, CYCLE_TABS_SPEC.talks.name, 2);
    expect(status.split("\n")).toEqual([
      "20 inscrits sur 20 places, 8 en liste d'attente.",
      "Intervenants : 0 confirmé sur 1.",
      expect.stringMatching(
        /^Décloisonnement : 20 inscrits venant de 5 directions et \d+ services ; la plus représentée, .+, fait \d+ % de la salle/,
      ),
    ]);
    expect(statusOf(check, CYCLE_TABS_SPEC.talks.name, 4)).toContain("Intervenants : aucun");
  });

  it("counts across the cycle the managers who came, leaving out the absent", () => {
    const registrations = cycleExample.registrations.map((row, index) =>
      row.Rencontre === FIRST && index < 5 ? { ...row, Présent: "Non" } : row,
    );
    const check = checkCycle(cycleSnapshot({ registrations }), AFTER_SECOND);
    const cameToFirst = 20 - 5;
    const secondOnly = check.talks[1]!.lunch.seats.seated.filter(
      (email) => !check.talks[0]!.lunch.seats.seated.slice(5).includes(email),
    );
    expect(check.reach.managers).toBe(cameToFirst + secondOnly.length);
    expect(check.reach.perDirection.reduce((sum, d) => sum + d.managers, 0)).toBe(check.reach.managers);
    const { report } = checkSnapshot(cycleSnapshot({ registrations }), AFTER_SECOND);
    expect(report.kind).toBe("cycle");
    expect(report.summary).toContain(
      `Sur le cycle : ${check.reach.managers} cadres venus au moins une fois (`,
    );
  });

  it("takes a past talk as held, not as a mistyped date, and says who came", () => {
    const registrations = cycleExample.registrations.map((row, index) =>
      index < 3 ? { ...row, Présent: "Non" } : row,
    );
    const check = checkCycle(cycleSnapshot({ registrations }), AFTER_SECOND);
    expect(check.rows.filter((row) => row.problems.length > 0)).toEqual([]);
    expect(statusOf(check, "Rencontres", 2).split("\n")[0]).toBe(
      "Rencontre tenue : 20 inscrits, 17 présents, 3 absents.",
    );
    expect(statusOf(check, "Rencontres", 4).split("\n")[0]).toMatch(/places, \d+ en liste d'attente\.$/);
  });

  it("tells a registration or a speaker naming no talk of the cycle how to fix it", () => {
    const registrations = [{ ...cycleExample.registrations[0]!, Rencontre: "Rencontre inconnue" }];
    const speakers = [{ ...cycleExample.speakers[0]!, Rencontre: "Autre" }];
    const check = checkCycle(cycleSnapshot({ registrations, speakers }), BEFORE);
    expect(statusOf(check, "Inscriptions", 2)).toContain(
      "Rencontre : « Rencontre inconnue » ne figure pas dans l'onglet Rencontres",
    );
    expect(statusOf(check, "Intervenants", 2)).toContain("« Autre » ne figure pas");
  });

  it("refuses two talks of the same name and times out of order on the talk's row", () => {
    const talks = [
      cycleExample.talks[0]!,
      { ...cycleExample.talks[1]!, Rencontre: FIRST },
      { ...cycleExample.talks[2]!, Début: "14:00", Fin: "13:00" },
    ];
    const check = checkCycle(cycleSnapshot({ talks }), BEFORE);
    expect(statusOf(check, "Rencontres", 3)).toContain("est déjà le nom de la ligne 2");
    expect(statusOf(check, "Rencontres", 4)).toContain("vient avant le début");
    expect(check.talks.map((talk) => talk.name)).toEqual([FIRST]);
  });

  it("leaves out a talk whose time is unreadable, says how many people it leaves without anything, and seats the others", () => {
    const talks = cycleExample.talks.map((talk) =>
      talk.Rencontre === SECOND ? { ...talk, Début: "midi" } : talk,
    );
    const check = checkCycle(cycleSnapshot({ talks }), BEFORE);
    expect(check.talks.map((talk) => talk.name)).toEqual([FIRST, THIRD]);
    const registered = cycleExample.registrations.filter((row) => row.Rencontre === SECOND).length;
    expect(check.unscheduled).toEqual([
      { row: 3, name: SECOND, problems: [expect.stringContaining("Début")], registered },
    ]);
    const status = statusOf(check, CYCLE_TABS_SPEC.talks.name, 3);
    expect(status).toContain(`les ${registered} personnes inscrites ne reçoivent rien`);
  });

  it("does not say that a duplicate talk row leaves its name's registrants without anything", () => {
    const talks = [...cycleExample.talks, { ...cycleExample.talks[0]!, Date: "2027-06-24" }];
    const check = checkCycle(cycleSnapshot({ talks }), BEFORE);
    expect(check.unscheduled).toEqual([expect.objectContaining({ row: 5, registered: 0 })]);
    expect(statusOf(check, CYCLE_TABS_SPEC.talks.name, 5)).toContain("rien n'est envoyé pour elle");
  });

  it("names to participants only the speakers of a talk who have not declined", () => {
    const speakers = cycleExample.speakers.map((speaker) =>
      speaker.Rencontre === FIRST ? { ...speaker, Confirmation: "Décliné" } : speaker,
    );
    const check = checkCycle(cycleSnapshot({ speakers }), BEFORE);
    expect(check.talks[0]!.lunch.workbook.settings.partial.speakers).toBeUndefined();
    expect(check.talks[1]!.lunch.workbook.settings.partial.speakers).toContain(
      String(cycleExample.speakers[1]!.Nom),
    );
    // The organizer reads it on the talk's row: who declined, and what to do.
    const speaker = cycleExample.speakers.find((row) => row.Rencontre === FIRST)!;
    expect(statusOf(check, CYCLE_TABS_SPEC.talks.name, 2)).toContain(
      `Intervenants : 0 confirmé sur 1 ; ${speaker.Prénom} ${speaker.Nom} a décliné : trouvez un autre intervenant`,
    );
  });

  it("keeps checking a single-talk workbook as a lunch talk", () => {
    const { report } = checkSnapshot(lunchSnapshot(), BEFORE);
    expect(report.kind).toBe("lunch");
    expect(report.cycle).toBeUndefined();
  });
});
