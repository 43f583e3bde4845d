/** Figures on a matching result: what organizers read in the summary and what the benchmark prints. */
import { prepare, textKey, wishRank } from "./prepare.js";
import type { MatchingProblem, Placement } from "./types.js";

export interface MatchingSummary {
  readonly participants: number;
  readonly placements: number;
  readonly unplaced: number;
  /** Per slot, the share of participants placed at their first wish. */
  readonly firstWishShare: Readonly<Record<string, number>>;
  /** Placements meeting wish 1, 2, 3, and none (locked rows excluded). */
  readonly byRank: readonly [number, number, number, number];
  /** Share of participants (with at least one wish) with no wish met in any slot. */
  readonly noWishShare: number;
  /** The worst, over participants, of the best wish they obtained (1-3; 4 = none met). */
  readonly worstRank: number;
}

export function summarize(
  problem: MatchingProblem,
  result: { placements: readonly (Placement & { locked?: boolean })[]; unplaced: readonly unknown[] },
): MatchingSummary {
  const prep = prepare(problem);
  const byRank: [number, number, number, number] = [0, 0, 0, 0];
  const firstWish = new Map<string, number>(problem.slots.map((s) => [s, 0]));
  const bestRank = new Map<number, number>();
  for (const placement of result.placements) {
    const p = prep.participantIndex.get(textKey(placement.participant));
    const st = prep.structureIndex.get(textKey(placement.structure));
    if (p === undefined || st === undefined) continue;
    const rank = wishRank(prep, p, st);
    bestRank.set(p, Math.min(bestRank.get(p) ?? 3, rank));
    if (placement.locked) continue;
    byRank[rank as 0 | 1 | 2 | 3]++;
    if (rank === 0) firstWish.set(placement.slot, (firstWish.get(placement.slot) ?? 0) + 1);
  }
  const withWishes = prep.participants.map((_, p) => p).filter((p) => prep.wishes[p]!.length > 0);
  const none = withWishes.filter((p) => (bestRank.get(p) ?? 3) === 3).length;
  const n = Math.max(1, prep.participants.length);
  return {
    participants: prep.participants.length,
    placements: result.placements.length,
    unplaced: result.unplaced.length,
    firstWishShare: Object.fromEntries([...firstWish].map(([slot, count]) => [slot, count / n])),
    byRank,
    noWishShare: none / Math.max(1, withWishes.length),
    worstRank: withWishes.reduce((worst, p) => Math.max(worst, (bestRank.get(p) ?? 3) + 1), 1),
  };
}
