/**
 * What a re-run changed (after a tutor's decline or an edit): every participant whose placement
 * differs from the previous run's, old → new, and why, in French. Pure; the organizer's alert and
 * each participant's change notice are built from it.
 */
import { previousStillPossible } from "./levels.js";
import { lockedContext } from "./model.js";
import { prepare, textKey } from "./prepare.js";
import type { MatchingProblem, MatchingResult, Placement, PlacementWithMotif } from "./types.js";

export interface PlacementChange {
  readonly participant: string;
  readonly slot: string;
  /** The placement of the previous run. */
  readonly before: Placement;
  /** The new placement, or undefined when none is possible any more in this slot. */
  readonly after?: PlacementWithMotif;
  /** The change made the previous placement impossible (a declined tutor, a rule now broken). */
  readonly forced: boolean;
  /** Why, in French (`son tuteur s'est désisté`, ...). */
  readonly reason: string;
}

/**
 * The placements of `problem.previous` that `result` changes (another structure, situation or
 * tutor, or none), in the order of `problem.previous`. Participants no longer in the problem
 * (cancelled) are not listed.
 */
export function placementChanges(
  problem: MatchingProblem,
  result: Pick<MatchingResult, "placements" | "unplaced">,
): PlacementChange[] {
  const prep = prepare(problem);
  const ctx = lockedContext(prep);
  const S = prep.slots.length;
  const slotIndex = new Map(prep.slots.map((slot, i) => [textKey(slot), i]));
  const key = (participant: string, slot: string) => `${textKey(participant)}\u0000${textKey(slot)}`;
  const after = new Map(
    result.placements.map((placement) => [key(placement.participant, placement.slot), placement]),
  );
  const tutors = new Map(problem.tutors.map((tutor) => [textKey(tutor.id), tutor]));
  const changes: PlacementChange[] = [];
  for (const before of problem.previous ?? []) {
    const p = prep.participantIndex.get(textKey(before.participant));
    const s = slotIndex.get(textKey(before.slot));
    if (p === undefined || s === undefined) continue;
    const now = after.get(key(before.participant, before.slot));
    const same =
      now !== undefined &&
      textKey(now.structure) === textKey(before.structure) &&
      textKey(now.situation) === textKey(before.situation) &&
      textKey(now.tutor) === textKey(before.tutor);
    if (same) continue;
    const tutor = tutors.get(textKey(before.tutor));
    const st = prep.structureIndex.get(textKey(before.structure));
    const name = `« ${before.structure} »`;
    let reason: string | undefined;
    if (!tutor || tutor.declined) reason = "son tuteur s'est désisté";
    else if (st === undefined) reason = `la structure ${name} n'est plus dans le classeur`;
    else if (prep.structureOrganisme[st] === prep.participantOrganisme[p])
      reason = `${name} relève de son organisme (conflit d'intérêts)`;
    else if (prep.participantStepFree[p] === 1 && prep.structureStepFree[st] === 0)
      reason = `${name} n'est pas accessible de plain-pied (PMR)`;
    else if (prep.locked[p * S + s]) reason = "une ligne verrouillée fixe désormais ce créneau";
    else if (!previousStillPossible(prep, ctx, p * S + s))
      reason = `plus de place chez les tuteurs de ${name} sur ce créneau`;
    changes.push({
      participant: before.participant,
      slot: before.slot,
      before,
      ...(now ? { after: now } : {}),
      forced: reason !== undefined,
      reason:
        reason ??
        "déplacé pour que chacun garde une place : aucune affectation possible ne déplace moins de participants",
    });
  }
  return changes;
}

/** One change as a French line: `Matin : CAF Rennes (Accueil physique) → CCAS Brest (Accueil téléphonique), son tuteur s'est désisté`. */
export function describeChange(change: PlacementChange): string {
  const place = (placement: Placement) => `${placement.structure} (${placement.situation})`;
  const next = change.after ? place(change.after) : "sans placement";
  const tutorOnly =
    change.after !== undefined &&
    textKey(change.after.structure) === textKey(change.before.structure) &&
    textKey(change.after.situation) === textKey(change.before.situation);
  return `${change.slot} : ${place(change.before)} → ${next}${tutorOnly ? " (autre tuteur)" : ""}, ${change.reason}`;
}
