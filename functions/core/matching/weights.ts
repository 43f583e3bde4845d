/**
 * Weights of the costs that price single moves where the levels are not solved as models: naming
 * the pools inside a group of the aggregated model (large instances, see `aggregate.ts`, which
 * solves its own levels in order) and choosing the situations once structures are fixed. Every
 * weight is an integer so that such a cost is an integer.
 *
 * Order of importance: nobody unplaced ≫ stability (a re-run moves as few people as possible)
 * > wishes > two faces of public service (different types, then different situations)
 * > mixing organismes > mixing publics > balanced tutor load.
 */
export const WEIGHTS = {
  /** Per participant and slot left without a placement: only when no placement is possible. */
  unplaced: 100_000,
  /**
   * Per participant and slot placed elsewhere than in the previous run (another structure or
   * situation). Larger than anything a move could gain for someone else, so a re-run only moves
   * the people it must.
   */
  moved: 400,
  /** Per placement, by the rank of the best wish the structure meets: `Vœu 1`, `Vœu 2`, `Vœu 3`, none. */
  wish: [0, 20, 45, 100] as const,
  /** Per extra slot of a participant spent in a structure type already seen in another slot. */
  sameType: 30,
  /** Per extra slot of a participant spent in a situation already seen in another slot. */
  sameSituation: 12,
  /** Per extra participant of one organisme in the same structure and slot. */
  sameOrganisme: 15,
  /**
   * Per participant of one public category beyond `publicsFree` in the same structure and slot:
   * three prefects together is what to avoid; two is often unavoidable and costs nothing.
   */
  samePublic: 6,
  publicsFree: 2,
  /**
   * Per participant beyond half the capacity of a pool (the tutors of one structure, situation
   * and slot): spreads people across tutors when nothing else decides. Inside a pool the load is
   * balanced exactly when tutors are named.
   */
  tutorLoad: 1,
} as const;

/** Cost of a placement at a structure matching the participant's wish of this rank (0-based; 3 = none). */
export function wishCost(rank: number): number {
  return WEIGHTS.wish[Math.min(rank, 3) as 0 | 1 | 2 | 3];
}
