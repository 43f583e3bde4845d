/**
 * The objective, lexicographic: the levels below are optimised strictly in this order, a lower
 * level never bought at the expense of a higher one (the order organizers asked for: wishes first,
 * then two faces of public service, then mixing, then the tutors' load).
 *
 * 1. `unplaced`: participant × slot left without a placement (only when no placement exists).
 * 2. `moved`: in a re-run, participants placed elsewhere (another structure or situation) than in
 *    the previous run although their previous placement is still possible; those the change forces
 *    to move (their structure no longer has a tutor in that slot for them) are not counted.
 * 3. `wishMet`: participants with at least one wish met (maximised).
 * 4. `wishPoints`: 3 for `Vœu 1`, 2 for `Vœu 2`, 1 for `Vœu 3`, each wish counted once per
 *    participant however many slots meet it (maximised).
 * 5. `sameType`, then `sameSituation`: extra slots a participant spends in a structure type (then
 *    a situation) already seen in another slot; with two slots, the participants who see one twice.
 * 6. `sameOrganisme`, then `publicSpread`: extra participants of one organisme in one structure and
 *    slot (pairs, with two); participants of one `Public` beyond two in one structure and slot.
 * 7. `tutorLoad`: participants beyond half the capacity of the tutors of one structure and slot.
 *
 * Locked rows count like any placement (a wish they meet is met), but never move.
 */
import { LOCKED, UNPLACED } from "./assignment-codes.js";
import { eligible, type LockedContext } from "./model.js";
import { mixKey, type Prepared, textKey, wishMetBy } from "./prepare.js";

export type LevelKey =
  | "unplaced"
  | "moved"
  | "wishMet"
  | "wishPoints"
  | "sameType"
  | "sameSituation"
  | "sameOrganisme"
  | "publicSpread"
  | "tutorLoad";

export interface LevelDefinition {
  readonly key: LevelKey;
  /** The level's rank in the order (1-7; 5 and 6 have two parts, in that order). */
  readonly rank: number;
  readonly sense: "min" | "max";
  /** What organizers read, in French. */
  readonly label: string;
}

/** The levels, in the order they are optimised. */
export const LEVELS: readonly LevelDefinition[] = [
  { key: "unplaced", rank: 1, sense: "min", label: "Créneaux sans placement" },
  { key: "moved", rank: 2, sense: "min", label: "Participants déplacés sans y être contraints" },
  { key: "wishMet", rank: 3, sense: "max", label: "Participants avec au moins un vœu exaucé" },
  { key: "wishPoints", rank: 4, sense: "max", label: "Points de vœux (3, 2, 1 ; un vœu compté une fois)" },
  { key: "sameType", rank: 5, sense: "min", label: "Même type de structure deux fois" },
  { key: "sameSituation", rank: 5, sense: "min", label: "Même situation deux fois" },
  { key: "sameOrganisme", rank: 6, sense: "min", label: "Paires d'un même organisme (structure et créneau)" },
  {
    key: "publicSpread",
    rank: 6,
    sense: "min",
    label: "Au-delà de deux d'un même public (structure et créneau)",
  },
  { key: "tutorLoad", rank: 7, sense: "min", label: "Charge des tuteurs au-delà de la moitié" },
];

/** Points of a met wish by its rank (0-based): `Vœu 1` 3, `Vœu 2` 2, `Vœu 3` 1. */
export const WISH_POINTS = [3, 2, 1] as const;
/** Participants of one public in one structure and slot that cost nothing. */
export const PUBLICS_FREE = 2;

/** One level of a result: its value, the best proven bound, and whether the value is proven optimal. */
export interface LevelReport {
  readonly key: LevelKey;
  readonly rank: number;
  readonly sense: "min" | "max";
  readonly label: string;
  readonly value: number;
  /** For `min` a lower bound, for `max` an upper bound, on any placement keeping the levels above at their values. */
  readonly bound: number;
  readonly proven: boolean;
}

/** Whether wish `w` of participant p is met by structure `st`. */
export function meetsWish(prep: Prepared, p: number, w: number, st: number): boolean {
  return wishMetBy(prep, prep.wishes[p]![w]!, st);
}

/** The situation of participant × slot `ps` in the previous run when it is still offered (a part with room), else -1. */
export function previousPart(prep: Prepared, ps: number): number {
  const q = prep.previousPool[ps]!;
  const si = prep.previousSituation[ps]!;
  if (q < 0 || si < 0) return -1;
  return prep.pools[q]!.parts.some((part) => part.situation === si && part.capacity > 0) ? si : -1;
}

/** Whether the previous placement of `ps` is still possible, so that moving it counts (level 2). */
export function previousStillPossible(prep: Prepared, ctx: LockedContext, ps: number): boolean {
  const S = prep.slots.length;
  const q = prep.previousPool[ps]!;
  return q >= 0 && !prep.locked[ps] && eligible(prep, ctx, Math.floor(ps / S), q);
}

/** The structure each slot of a participant holds (placed or locked), or -1. */
function structureAt(prep: Prepared, ctx: LockedContext, assign: Int32Array, ps: number): number {
  const q = assign[ps]!;
  if (q >= 0) return prep.pools[q]!.structure;
  return q === LOCKED ? ctx.lockedStructure[ps]! : -1;
}

/**
 * The value of every level (in `LEVELS` order, in their own sense) of a pool-level assignment and
 * its situations (`situation[p * S + s]`, a situation index).
 */
export function levelValues(
  prep: Prepared,
  ctx: LockedContext,
  assign: Int32Array,
  situation: Int32Array,
): number[] {
  const S = prep.slots.length;
  const nSt = prep.structures.length;
  const lockedSituations = lockedSituationsOf(prep);
  let unplaced = 0;
  let moved = 0;
  let wishMet = 0;
  let wishPoints = 0;
  let sameType = 0;
  let sameSituation = 0;
  const organisme = new Map<number, number>();
  const publics = new Map<number, number>();
  const load = new Int32Array(prep.pools.length);
  const bump = (map: Map<number, number>, key: number) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const [key, n] of prep.lockedOrganisme) organisme.set(key, n);
  for (const [key, n] of prep.lockedPublic) publics.set(key, n);
  for (let p = 0; p < prep.participants.length; p++) {
    const types = new Map<number, number>();
    const situations = new Map<number, number>();
    const held: number[] = [];
    let isMoved = false;
    for (let s = 0; s < S; s++) {
      const ps = p * S + s;
      const q = assign[ps]!;
      if (q === UNPLACED) unplaced++;
      const st = structureAt(prep, ctx, assign, ps);
      if (st >= 0) {
        held.push(st);
        bump(types, prep.structureType[st]!);
      }
      const si = q >= 0 ? situation[ps]! : q === LOCKED ? (lockedSituations[ps] ?? -1) : -1;
      if (si >= 0) bump(situations, si);
      if (q >= 0) {
        load[q]!++;
        bump(organisme, mixKey(prep.participantOrganisme[p]!, st, s, nSt, S));
        bump(publics, mixKey(prep.participantPublic[p]!, st, s, nSt, S));
      }
      if (previousStillPossible(prep, ctx, ps)) {
        const part = previousPart(prep, ps);
        if (q !== prep.previousPool[ps] || (part >= 0 && situation[ps] !== part)) isMoved = true;
      }
    }
    if (isMoved) moved++;
    let any = false;
    prep.wishes[p]!.forEach((_, w) => {
      if (held.some((st) => meetsWish(prep, p, w, st))) {
        any = true;
        wishPoints += WISH_POINTS[w] ?? 0;
      }
    });
    if (any) wishMet++;
    for (const n of types.values()) sameType += Math.max(0, n - 1);
    for (const n of situations.values()) sameSituation += Math.max(0, n - 1);
  }
  let sameOrganisme = 0;
  for (const n of organisme.values()) sameOrganisme += Math.max(0, n - 1);
  let publicSpread = 0;
  for (const n of publics.values()) publicSpread += Math.max(0, n - PUBLICS_FREE);
  let tutorLoad = 0;
  for (const pool of prep.pools)
    tutorLoad += Math.max(0, pool.lockedLoad + load[pool.index]! - pool.softCapacity);
  return [
    unplaced,
    moved,
    wishMet,
    wishPoints,
    sameType,
    sameSituation,
    sameOrganisme,
    publicSpread,
    tutorLoad,
  ];
}

/** The situation index of each locked participant × slot (undefined when unknown). */
export function lockedSituationsOf(prep: Prepared): (number | undefined)[] {
  return prep.locked.map((row) => (row ? prep.situationIndex.get(textKey(row.situation)) : undefined));
}

/** `a` strictly better than `b` in the lexicographic order of `LEVELS`. */
export function lexBetter(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < LEVELS.length; i++) {
    if (a[i] === b[i]) continue;
    return LEVELS[i]!.sense === "min" ? a[i]! < b[i]! : a[i]! > b[i]!;
  }
  return false;
}

/** Reports with the trivial bounds (0, or for a `max` level what is met if every wish could be). */
export function trivialReports(prep: Prepared, ctx: LockedContext, values: readonly number[]): LevelReport[] {
  const S = prep.slots.length;
  let metBound = 0;
  let pointsBound = 0;
  for (let p = 0; p < prep.participants.length; p++) {
    let any = false;
    prep.wishes[p]!.forEach((_, w) => {
      const possible = prep.slots.some((__, s) => {
        const ps = p * S + s;
        if (prep.locked[ps]) return meetsWish(prep, p, w, ctx.lockedStructure[ps]!);
        return prep.poolsBySlot[s]!.some(
          (q) => meetsWish(prep, p, w, prep.pools[q]!.structure) && eligible(prep, ctx, p, q),
        );
      });
      if (possible) {
        any = true;
        pointsBound += WISH_POINTS[w] ?? 0;
      }
    });
    if (any) metBound++;
  }
  return LEVELS.map((level, i) => {
    const value = values[i]!;
    const bound = level.key === "wishMet" ? metBound : level.key === "wishPoints" ? pointsBound : 0;
    return { ...level, value, bound, proven: value === bound };
  });
}

/** Relative gap of one level: |value − bound| / max(1, |bound|). */
export function levelGap(report: LevelReport): number {
  return Math.abs(report.value - report.bound) / Math.max(1, Math.abs(report.bound));
}
