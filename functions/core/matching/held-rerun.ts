/**
 * A re-run (after a tutor's decline, or an edit), tried first with every placement that can stay
 * held where it is: only those the change forces to move, and those without a placement, are
 * placed again. The model is then the size of the change, not of the seminar.
 *
 * Why the answer is the lexicographic optimum of the whole re-run (`levels.ts`) when this try
 * places everyone (level 1 at 0) and moves nobody else (level 2 at 0): both levels are then at the
 * least they can be, and a placement with level 2 at 0 keeps every placement whose structure and
 * situation are still possible, so the placements the levels below may choose among are exactly
 * those of this try. (Which tutor of a structure and situation hosts someone counts at no level:
 * the load of level 7 is per structure and slot.) Otherwise the caller solves the whole re-run.
 */

import { finalize } from "./assignment.js";
import { LOCKED, UNPLACED } from "./assignment-codes.js";
import { type LevelReport, levelValues, previousStillPossible } from "./levels.js";
import { lockedContext } from "./model.js";
import { type Prepared, prepare, textKey } from "./prepare.js";
import type { LockedPlacement, MatchingProblem, MatchingResult, Placement, SolveOptions } from "./types.js";

/** Levels 1 (`unplaced`) and 2 (`moved`): both must be 0 for the held try to be the optimum. */
const UNPLACED_LEVEL = 0;
const MOVED_LEVEL = 1;

/** The share of the time limit the held try may take; the whole re-run keeps the rest. */
export const HELD_TRY_SHARE = 0.25;

type Solve = (problem: MatchingProblem, options: SolveOptions) => Promise<MatchingResult>;

/**
 * Solves a re-run with every previous placement that can stay held (as if locked), through
 * `solve` (the whole solve, which must not call this again), within `HELD_TRY_SHARE` of
 * `options.timeLimitSeconds` (seconds, default 50). Returns the result over the whole problem
 * (held placements are ordinary placements, with their `Motif`; only the organizer's locked rows
 * say `verrouillé`), or `undefined` when there is no previous run, nothing to hold, or when the
 * try leaves someone unplaced or moves someone it did not have to: the caller then solves the
 * whole re-run. Throws what `solve` throws.
 */
export async function solveHoldingPrevious(
  problem: MatchingProblem,
  options: SolveOptions,
  solve: Solve,
): Promise<MatchingResult | undefined> {
  if (!problem.previous?.length) return undefined;
  const whole = prepare(problem);
  const held = heldPlacements(whole, problem.previous);
  if (held.placements.length === 0) return undefined;
  const limit = options.timeLimitSeconds ?? 50;
  const local = await solve(
    { ...problem, locked: [...(problem.locked ?? []), ...held.placements] },
    { ...options, timeLimitSeconds: limit * HELD_TRY_SHARE },
  );
  if (local.unplaced.length > 0 || local.levels[MOVED_LEVEL]?.value !== 0) return undefined;
  if (local.stats.solverStatus === "fallback") return undefined;
  const arrays = wholeAssignment(whole, local, held.ps);
  if (!arrays) return undefined;
  const ctx = lockedContext(whole);
  const { placements, unplaced } = finalize(whole, ctx, arrays.assign, arrays.situation);
  const values = levelValues(whole, ctx, arrays.assign, arrays.situation);
  if (values[UNPLACED_LEVEL] !== 0 || values[MOVED_LEVEL] !== 0) return undefined;
  const levels: LevelReport[] = local.levels.map((level, i) => {
    const value = values[i]!;
    // Levels 1 and 2 are at their least; below, the try's bound holds for the whole re-run,
    // shifted by what the held placements count there and not in the try (nothing, today).
    if (i === UNPLACED_LEVEL || i === MOVED_LEVEL) return { ...level, value, bound: 0, proven: true };
    return { ...level, value, bound: level.bound + (value - level.value) };
  });
  return {
    ...local,
    placements,
    unplaced,
    levels,
    stats: { ...local.stats, participants: whole.participants.length, held: held.placements.length },
  };
}

/**
 * The previous placements that can stay: still possible (`previousStillPossible`), with their
 * tutor still in that structure, slot and situation and within the tutor's places (the
 * organizer's locked rows counted first). `ps` marks each held participant × slot.
 */
function heldPlacements(
  whole: Prepared,
  previous: readonly Placement[],
): { placements: LockedPlacement[]; ps: Uint8Array } {
  const S = whole.slots.length;
  const ctx = lockedContext(whole);
  const bySeat = new Map(previous.map((row) => [`${textKey(row.participant)}|${textKey(row.slot)}`, row]));
  const used = new Map<string, number>();
  const placements: LockedPlacement[] = [];
  const ps = new Uint8Array(whole.participants.length * S);
  whole.participants.forEach((participant, p) => {
    for (let s = 0; s < S; s++) {
      if (!previousStillPossible(whole, ctx, p * S + s)) continue;
      const row = bySeat.get(`${textKey(participant.id)}|${textKey(whole.slots[s]!)}`);
      const pool = whole.pools[whole.previousPool[p * S + s]!]!;
      const part = pool.parts.find((x) => x.situation === whole.previousSituation[p * S + s]);
      const tutor = part?.tutors.find((t) => textKey(t.id) === textKey(row?.tutor ?? ""));
      if (!row || !tutor) continue;
      const key = `${pool.index}|${tutor.id}`;
      const n = used.get(key) ?? 0;
      if (n >= tutor.remaining) continue;
      used.set(key, n + 1);
      placements.push(row);
      ps[p * S + s] = 1;
    }
  });
  return { placements, ps };
}

/**
 * The held try's placements as pool indices and situations of the whole problem
 * (`assign[p * S + s]`, `LOCKED` for the organizer's locked rows, `UNPLACED` otherwise), or
 * `undefined` when a placement names a pool or situation the whole problem does not have.
 */
function wholeAssignment(
  whole: Prepared,
  local: MatchingResult,
  held: Uint8Array,
): { assign: Int32Array; situation: Int32Array } | undefined {
  const S = whole.slots.length;
  const assign = new Int32Array(whole.participants.length * S).fill(UNPLACED);
  const situation = new Int32Array(whole.participants.length * S).fill(-1);
  whole.locked.forEach((row, ps) => {
    if (row) assign[ps] = LOCKED;
  });
  const slotIndex = new Map(whole.slots.map((slot, s) => [textKey(slot), s]));
  for (const placement of local.placements) {
    if (placement.locked && !isHeld(whole, placement, held, slotIndex)) continue;
    const p = whole.participantIndex.get(textKey(placement.participant));
    const s = slotIndex.get(textKey(placement.slot));
    const st = whole.structureIndex.get(textKey(placement.structure));
    const si = whole.situationIndex.get(textKey(placement.situation));
    if (p === undefined || s === undefined || st === undefined || si === undefined) return undefined;
    const q = whole.poolOf(st, s);
    if (q < 0 || assign[p * S + s] === LOCKED) return undefined;
    assign[p * S + s] = q;
    situation[p * S + s] = si;
  }
  return assign.some((q, ps) => q === UNPLACED && whole.locked[ps] === undefined)
    ? undefined
    : { assign, situation };
}

/** Whether a locked placement of the try is one it held (not one of the organizer's locked rows). */
function isHeld(
  whole: Prepared,
  placement: Placement,
  held: Uint8Array,
  slotIndex: ReadonlyMap<string, number>,
): boolean {
  const p = whole.participantIndex.get(textKey(placement.participant));
  const s = slotIndex.get(textKey(placement.slot));
  return p !== undefined && s !== undefined && held[p * whole.slots.length + s] === 1;
}
