/**
 * The hard rules, checked independently of the solver: every violation found in a set of
 * placements, with a message in French for the organizer. Tests run it on every instance.
 */
import { textKey } from "./prepare.js";
import type { MatchingProblem, Placement, Violation } from "./types.js";

export function checkHardRules(problem: MatchingProblem, placements: readonly Placement[]): Violation[] {
  const violations: Violation[] = [];
  const participants = new Map(problem.participants.map((p) => [textKey(p.id), p]));
  const structures = new Map(problem.structures.map((s) => [textKey(s.name), s]));
  const tutors = new Map(problem.tutors.map((t) => [textKey(t.id), t]));
  const slots = new Set(problem.slots.map(textKey));
  const perSlot = new Map<string, number>();
  const perTutor = new Map<string, number>();
  const structuresOf = new Map<string, Set<string>>();

  for (const placement of placements) {
    const who = { participant: placement.participant, slot: placement.slot };
    const add = (rule: Violation["rule"], message: string) => violations.push({ rule, ...who, message });
    const participant = participants.get(textKey(placement.participant));
    const structure = structures.get(textKey(placement.structure));
    const tutor = tutors.get(textKey(placement.tutor));
    if (!participant) add("unknown-reference", `Participant inconnu : ${placement.participant}.`);
    if (!slots.has(textKey(placement.slot))) add("unknown-reference", `Créneau inconnu : ${placement.slot}.`);
    if (!structure) add("unknown-reference", `Structure inconnue : ${placement.structure}.`);
    if (!tutor) add("unknown-reference", `Tuteur inconnu : ${placement.tutor}.`);

    const slotKey = `${textKey(placement.participant)}|${textKey(placement.slot)}`;
    perSlot.set(slotKey, (perSlot.get(slotKey) ?? 0) + 1);
    if (perSlot.get(slotKey) === 2) add("one-per-slot", "Plus d'une affectation sur le même créneau.");

    if (tutor) {
      if (textKey(tutor.structure) !== textKey(placement.structure)) {
        add("tutor-structure", `Le tuteur n'est pas rattaché à la structure ${placement.structure}.`);
      }
      if (textKey(tutor.situation) !== textKey(placement.situation)) {
        add("tutor-situation", `Le tuteur n'encadre pas la situation « ${placement.situation} ».`);
      }
      if (tutor.slots !== "all" && !tutor.slots.some((s) => textKey(s) === textKey(placement.slot))) {
        add("tutor-slot", `Le tuteur n'est pas disponible sur le créneau « ${placement.slot} ».`);
      }
      if (tutor.declined) add("tutor-declined", "Le tuteur a décliné.");
      const tutorKey = `${textKey(tutor.id)}|${textKey(placement.slot)}`;
      perTutor.set(tutorKey, (perTutor.get(tutorKey) ?? 0) + 1);
      if (perTutor.get(tutorKey) === tutor.capacity + 1) {
        add("tutor-capacity", `Le tuteur accueille plus de ${tutor.capacity} participant(s) sur ce créneau.`);
      }
    }
    if (structure) {
      if (!structure.situations.some((s) => textKey(s) === textKey(placement.situation))) {
        add("structure-situation", `La structure ne propose pas la situation « ${placement.situation} ».`);
      }
      if (participant && textKey(structure.organisme) === textKey(participant.organisme)) {
        add("conflict-of-interest", "La structure relève de l'organisme employeur du participant.");
      }
      if (participant?.needsStepFree && !structure.stepFree) {
        add("step-free", "La structure n'est pas accessible PMR.");
      }
    }
    const seen = structuresOf.get(textKey(placement.participant)) ?? new Set<string>();
    if (seen.has(textKey(placement.structure))) add("same-structure-twice", "Deux fois la même structure.");
    seen.add(textKey(placement.structure));
    structuresOf.set(textKey(placement.participant), seen);
  }

  const same = (a: Placement, b: Placement) =>
    textKey(a.participant) === textKey(b.participant) &&
    textKey(a.slot) === textKey(b.slot) &&
    a.structure === b.structure &&
    a.situation === b.situation &&
    a.tutor === b.tutor;
  for (const row of problem.locked ?? []) {
    if (!placements.some((placement) => same(placement, row))) {
      violations.push({
        rule: "locked-changed",
        participant: row.participant,
        slot: row.slot,
        message: "Une ligne verrouillée n'a pas été conservée telle quelle.",
      });
    }
  }
  return violations;
}
