/**
 * A last local search on a placement, level by level: a swap of two participants of one slot (each
 * takes the other's structure and situation), or a move to a structure and situation with room,
 * is made when it makes the level values lexicographically better (`levels.ts`): no level moves
 * unless every level above it stays as it is, so nothing above the level it improves is given up.
 *
 * It serves the levels the solver leaves unproven on large instances (the same situation twice, the
 * pairs of one organisme, the spread of publics): their aggregated bound is 0 and the rounding of
 * the aggregated model does not look at them person by person. Pure and bounded (`MAX_PASSES`
 * passes over the participants who count on those levels); the hard rules of one placement
 * (`eligible`), capacity per situation and "never one structure twice" are kept. A re-run's
 * participants with a previous placement are left where they are (level 2 stays as it is).
 */
import { LOCKED } from "./assignment-codes.js";
import {
  LEVELS,
  type LevelReport,
  levelValues,
  lexBetter,
  lockedSituationsOf,
  meetsWish,
  PUBLICS_FREE,
  trivialReports,
  WISH_POINTS,
} from "./levels.js";
import { eligible, type LockedContext } from "./model.js";
import { mixKey, type Prepared } from "./prepare.js";

/** Passes over the participants who count on a lower level; each pass makes every gain it finds. */
const MAX_PASSES = 6;
/**
 * Chains weighed in one polish at most (`improveByChain`), so that its time stays bounded (a
 * chain costs a few microseconds: under a second). Measured at 3,000 participants: the same
 * situation twice from 24 to 22 with 300,000, to 20 with 2,000,000 (seconds more).
 */
const MAX_CHAIN_TRIES = 300_000;

/** Indexes in `LEVELS` of the levels a swap or a move can change. */
const L = {
  wishMet: 2,
  wishPoints: 3,
  sameType: 4,
  sameSituation: 5,
  sameOrganisme: 6,
  publicSpread: 7,
  tutorLoad: 8,
} as const;

/**
 * The placement `assign` (pool per participant × slot, or `UNPLACED` / `LOCKED`) and `situation`
 * (situation index per participant × slot), made lexicographically better where a swap or a move
 * can. Returns new arrays (the given ones are not changed) and the number of changes made.
 */
export function polish(
  prep: Prepared,
  ctx: LockedContext,
  assign: Int32Array,
  situation: Int32Array,
): { assign: Int32Array; situation: Int32Array; changes: number } {
  const state = new PolishState(prep, ctx, assign.slice(), situation.slice());
  let changes = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = 0;
    for (const ps of state.counting()) if (state.improve(ps) || state.improveByChain(ps)) changed++;
    changes += changed;
    if (changed === 0) break;
  }
  return { assign: state.assign, situation: state.situation, changes };
}

/**
 * `polish`, then the level reports of what it returns: unchanged when it changed nothing; else
 * each level's new value, proven when it meets its bound. A bound the new value beats held only
 * for the old values above it: the trivial bound replaces it. `chosen` is not changed.
 */
export function polishReported(
  prep: Prepared,
  ctx: LockedContext,
  chosen: { readonly assign: Int32Array; readonly situation: Int32Array },
  levels: readonly LevelReport[],
): { assign: Int32Array; situation: Int32Array; levels: LevelReport[] } {
  const polished = polish(prep, ctx, chosen.assign, chosen.situation);
  const values = levelValues(prep, ctx, polished.assign, polished.situation);
  if (
    polished.changes === 0 ||
    !lexBetter(
      values,
      levels.map((level) => level.value),
    )
  )
    return { assign: chosen.assign, situation: chosen.situation, levels: [...levels] };
  const trivial = trivialReports(prep, ctx, values);
  return {
    assign: polished.assign,
    situation: polished.situation,
    levels: levels.map((level, i) => {
      const value = values[i]!;
      const beaten = level.sense === "min" ? value < level.bound : value > level.bound;
      const bound = beaten ? trivial[i]!.bound : level.bound;
      return { ...level, value, bound, proven: value === bound };
    }),
  };
}

/** A chain search of one participant × slot: the pools it runs over, the best chain found. */
interface ChainSearch {
  readonly pools: readonly number[];
  best: { delta: number[]; seats: Seat[] } | undefined;
}

/** A candidate change of one participant × slot: to pool `q`, situation `si`. */
interface Seat {
  readonly ps: number;
  readonly q: number;
  readonly si: number;
}

class PolishState {
  private readonly S: number;
  private readonly I: number;
  private readonly nSt: number;
  /** People per organisme (then public) × structure × slot (`mixKey`), locked rows included. */
  private readonly organismes = new Map<number, number>();
  private readonly publics = new Map<number, number>();
  /** Placements per pool (locked rows apart), and per pool × situation. */
  private readonly load: Int32Array;
  private readonly partLoad: Int32Array;
  /** The movable participant × slot entries placed in each pool × situation. */
  private readonly occupants = new Map<number, Set<number>>();
  /** Whether a participant × slot may change (placed, not locked, no previous placement to keep). */
  private readonly movable: Uint8Array;
  /** The situation of each locked participant × slot, or -1. */
  private readonly lockedSituation: Int32Array;

  constructor(
    private readonly prep: Prepared,
    private readonly ctx: LockedContext,
    readonly assign: Int32Array,
    readonly situation: Int32Array,
  ) {
    this.S = prep.slots.length;
    this.I = prep.situationNames.length;
    this.nSt = prep.structures.length;
    this.load = new Int32Array(prep.pools.length);
    this.partLoad = new Int32Array(prep.pools.length * this.I);
    this.movable = new Uint8Array(assign.length);
    this.lockedSituation = Int32Array.from(lockedSituationsOf(prep), (si) => si ?? -1);
    for (const [key, n] of prep.lockedOrganisme) this.organismes.set(key, n);
    for (const [key, n] of prep.lockedPublic) this.publics.set(key, n);
    assign.forEach((q, ps) => {
      if (q < 0) return;
      if (prep.previousPool[ps]! < 0) this.movable[ps] = 1;
      this.add(ps, q, situation[ps]!, 1);
    });
  }

  /** The movable entries that count on the same situation, organisme or public level. */
  counting(): number[] {
    const found: number[] = [];
    this.assign.forEach((q, ps) => {
      if (!this.movable[ps]) return;
      const p = Math.floor(ps / this.S);
      const st = this.prep.pools[q]!.structure;
      const s = ps % this.S;
      if (
        this.personWith(p, -1, -1, -1)[3]! > 0 ||
        (this.organismes.get(this.organismeKey(p, st, s)) ?? 0) > 1 ||
        (this.publics.get(this.publicKey(p, st, s)) ?? 0) > PUBLICS_FREE
      )
        found.push(ps);
    });
    return found;
  }

  /**
   * Makes the best change of `ps` that improves the levels: a move to a situation with room, or a
   * swap with someone placed there. Only the places where `ps` itself loses nothing on the wish and
   * type levels are tried (a gain of the other person could pay for it, but rarely does); true
   * when a change was made.
   */
  improve(ps: number): boolean {
    const { prep } = this;
    const S = this.S;
    const s = ps % S;
    const p = Math.floor(ps / S);
    const q = this.assign[ps]!;
    const si = this.situation[ps]!;
    const here = this.personWith(p, -1, -1, -1);
    let best: { delta: number[]; seats: Seat[] } | undefined;
    const consider = (seats: Seat[], mine: readonly number[], theirs?: readonly number[]) => {
      const delta = this.delta(seats, mine, theirs);
      if (better(delta, best?.delta)) best = { delta, seats };
    };
    for (const target of prep.poolsBySlot[s]!) {
      if (!this.mayTake(p, s, target)) continue;
      for (const part of prep.pools[target]!.parts) {
        if (target === q && part.situation === si) continue;
        const after = this.personWith(p, s, target, part.situation);
        const mine = personDelta(here, after);
        if (worseAbove(mine)) continue;
        if (this.partLoad[target * this.I + part.situation]! < part.capacity)
          consider([{ ps, q: target, si: part.situation }], mine);
        for (const other of this.occupants.get(target * this.I + part.situation) ?? []) {
          const o = Math.floor(other / S);
          if (o === p || !this.mayTake(o, s, q)) continue;
          const theirs = personDelta(this.personWith(o, -1, -1, -1), this.personWith(o, s, q, si));
          consider(
            [
              { ps, q: target, si: part.situation },
              { ps: other, q, si },
            ],
            mine,
            theirs,
          );
        }
      }
    }
    if (!best) return false;
    this.apply(best.seats);
    return true;
  }

  /** Chains weighed so far (`MAX_CHAIN_TRIES` in all). */
  private chainTries = 0;

  /**
   * When no move or swap helps `ps`: a chain of two moves in its slot, among the pools of its
   * structure type (where wishes and types rarely change): `ps` to a seat someone holds, and that
   * person to a seat with room (not the one `ps` leaves: that is a swap). Made when it makes the
   * levels lexicographically better, as every change here; true when one was made.
   */
  improveByChain(ps: number): boolean {
    const { prep, I } = this;
    const S = this.S;
    const s = ps % S;
    const p = Math.floor(ps / S);
    const q = this.assign[ps]!;
    const si = this.situation[ps]!;
    const type = prep.structureType[prep.pools[q]!.structure]!;
    const pools = prep.poolsBySlot[s]!.filter((t) => prep.structureType[prep.pools[t]!.structure] === type);
    const here = this.personWith(p, -1, -1, -1);
    const search: ChainSearch = { pools, best: undefined };
    for (const target of pools) {
      if (!this.mayTake(p, s, target)) continue;
      for (const part of prep.pools[target]!.parts) {
        if (target === q && part.situation === si) continue;
        const mine = personDelta(here, this.personWith(p, s, target, part.situation));
        if (worseAbove(mine)) continue;
        const first = { ps, q: target, si: part.situation };
        for (const other of this.occupants.get(target * I + part.situation) ?? []) {
          if (Math.floor(other / S) === p) continue;
          if (!this.chainsFrom(search, first, mine, other)) return this.applyBest(search.best);
        }
      }
    }
    return this.applyBest(search.best);
  }

  /**
   * The chains where `first` is taken and `other` (who holds that seat) moves to a seat with room
   * among `search.pools`, the best kept in `search.best`. False when `MAX_CHAIN_TRIES` is reached.
   */
  private chainsFrom(search: ChainSearch, first: Seat, mine: readonly number[], other: number): boolean {
    const { prep, I, S } = this;
    const s = other % S;
    const o = Math.floor(other / S);
    const left = { q: this.assign[first.ps]!, si: this.situation[first.ps]! };
    const before = this.personWith(o, -1, -1, -1);
    for (const next of search.pools) {
      if (!this.mayTake(o, s, next)) continue;
      for (const free of prep.pools[next]!.parts) {
        if (next === first.q && free.situation === first.si) continue;
        if (next === left.q && free.situation === left.si) continue;
        if (this.partLoad[next * I + free.situation]! >= free.capacity) continue;
        if (++this.chainTries > MAX_CHAIN_TRIES) return false;
        const theirs = personDelta(before, this.personWith(o, s, next, free.situation));
        const seats = [first, { ps: other, q: next, si: free.situation }];
        const delta = this.delta(seats, mine, theirs);
        if (better(delta, search.best?.delta)) search.best = { delta, seats };
      }
    }
    return true;
  }

  private applyBest(best: { seats: Seat[] } | undefined): boolean {
    if (!best) return false;
    this.apply(best.seats);
    return true;
  }

  /** Whether participant p may be placed in pool q in slot s: one placement's hard rules, no structure twice. */
  private mayTake(p: number, s: number, q: number): boolean {
    if (!eligible(this.prep, this.ctx, p, q)) return false;
    const st = this.prep.pools[q]!.structure;
    for (let other = 0; other < this.S; other++) {
      if (other === s) continue;
      const held = this.assign[p * this.S + other]!;
      if (held >= 0 && this.prep.pools[held]!.structure === st) return false;
    }
    return true;
  }

  /**
   * The change of every level (in `LEVELS` order, improvements positive) if `seats` were taken:
   * the persons' own changes (`mine`, `theirs`), then the mix and load counts each seat leaves and
   * joins. Capacity: a swap keeps every load; a move was checked for room.
   */
  private delta(seats: readonly Seat[], mine: readonly number[], theirs?: readonly number[]): number[] {
    const delta: number[] = LEVELS.map(() => 0);
    for (const person of theirs ? [mine, theirs] : [mine]) {
      delta[L.wishMet]! += person[0]!;
      delta[L.wishPoints]! += person[1]!;
      delta[L.sameType]! += person[2]!;
      delta[L.sameSituation]! += person[3]!;
    }
    const organismes: number[] = [];
    const publics: number[] = [];
    const loads: number[] = [];
    for (const seat of seats) {
      const p = Math.floor(seat.ps / this.S);
      const s = seat.ps % this.S;
      const from = this.assign[seat.ps]!;
      const fromSt = this.prep.pools[from]!.structure;
      const toSt = this.prep.pools[seat.q]!.structure;
      organismes.push(this.organismeKey(p, fromSt, s), -1, this.organismeKey(p, toSt, s), 1);
      publics.push(this.publicKey(p, fromSt, s), -1, this.publicKey(p, toSt, s), 1);
      loads.push(from, -1, seat.q, 1);
    }
    delta[L.sameOrganisme] = -countChange(organismes, (key) => this.organismes.get(key) ?? 0, 1);
    delta[L.publicSpread] = -countChange(publics, (key) => this.publics.get(key) ?? 0, PUBLICS_FREE);
    let load = 0;
    for (const [q, by] of merged(loads)) {
      const pool = this.prep.pools[q]!;
      const n = pool.lockedLoad + this.load[q]!;
      load += Math.max(0, n + by - pool.softCapacity) - Math.max(0, n - pool.softCapacity);
    }
    delta[L.tutorLoad] = -load;
    return delta;
  }

  /**
   * A participant's own level values `[wishMet, wishPoints, sameType, sameSituation]`, with slot
   * `s` in pool `q` and situation `si` instead of what it holds (`s` = -1: as they are); locked
   * rows count, as in `levelValues`.
   */
  private personWith(p: number, s: number, q: number, si: number): number[] {
    const { prep, ctx } = this;
    const S = this.S;
    const structures: number[] = [];
    const situations: number[] = [];
    for (let slot = 0; slot < S; slot++) {
      const ps = p * S + slot;
      const held = slot === s ? q : this.assign[ps]!;
      if (held >= 0) {
        structures.push(prep.pools[held]!.structure);
        situations.push(slot === s ? si : this.situation[ps]!);
      } else if (held === LOCKED) {
        structures.push(ctx.lockedStructure[ps]!);
        situations.push(this.lockedSituation[ps]!);
      }
    }
    let met = 0;
    let points = 0;
    const wishes = prep.wishes[p]!;
    for (let w = 0; w < wishes.length; w++) {
      if (structures.some((st) => meetsWish(prep, p, w, st))) {
        met = 1;
        points += WISH_POINTS[w] ?? 0;
      }
    }
    return [met, points, repeats(structures.map((st) => prep.structureType[st]!)), repeats(situations)];
  }

  private apply(seats: readonly Seat[]): void {
    for (const seat of seats) this.add(seat.ps, this.assign[seat.ps]!, this.situation[seat.ps]!, -1);
    for (const seat of seats) {
      this.assign[seat.ps] = seat.q;
      this.situation[seat.ps] = seat.si;
      this.add(seat.ps, seat.q, seat.si, 1);
    }
  }

  private add(ps: number, q: number, si: number, by: number): void {
    const p = Math.floor(ps / this.S);
    const s = ps % this.S;
    const st = this.prep.pools[q]!.structure;
    const bump = (map: Map<number, number>, key: number) => map.set(key, (map.get(key) ?? 0) + by);
    bump(this.organismes, this.organismeKey(p, st, s));
    bump(this.publics, this.publicKey(p, st, s));
    this.load[q]! += by;
    if (si < 0) return;
    this.partLoad[q * this.I + si]! += by;
    if (!this.movable[ps]) return;
    const key = q * this.I + si;
    const set = this.occupants.get(key) ?? new Set<number>();
    if (by > 0) set.add(ps);
    else set.delete(ps);
    this.occupants.set(key, set);
  }

  private organismeKey(p: number, st: number, s: number): number {
    return mixKey(this.prep.participantOrganisme[p]!, st, s, this.nSt, this.S);
  }

  private publicKey(p: number, st: number, s: number): number {
    return mixKey(this.prep.participantPublic[p]!, st, s, this.nSt, this.S);
  }
}

/** Improvements (positive) of a person's own values: more wishes, fewer repeats. */
function personDelta(before: readonly number[], after: readonly number[]): number[] {
  return [after[0]! - before[0]!, after[1]! - before[1]!, before[2]! - after[2]!, before[3]! - after[3]!];
}

/** Whether a person's change loses on the wish or type levels (before any gain there). */
function worseAbove(delta: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) if (delta[i] !== 0) return delta[i]! < 0;
  return false;
}

/** Extra occurrences: Σ max(0, n − 1) over the distinct values (-1 ignored). */
function repeats(values: readonly number[]): number {
  let extra = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! < 0) continue;
    for (let j = 0; j < i; j++)
      if (values[j] === values[i]) {
        extra++;
        break;
      }
  }
  return extra;
}

/** `[key, by, key, by…]` summed by key. */
function merged(changes: readonly number[]): Map<number, number> {
  const sums = new Map<number, number>();
  for (let i = 0; i < changes.length; i += 2)
    sums.set(changes[i]!, (sums.get(changes[i]!) ?? 0) + changes[i + 1]!);
  return sums;
}

/** The change of Σ max(0, n − free) over the keys of `changes` (`[key, by…]`), `count` giving n. */
function countChange(changes: readonly number[], count: (key: number) => number, free: number): number {
  let change = 0;
  for (const [key, by] of merged(changes)) {
    if (by === 0) continue;
    const n = count(key);
    change += Math.max(0, n + by - free) - Math.max(0, n - free);
  }
  return change;
}

/** Whether `delta` (improvements positive) is a gain, and a larger one than `than`. */
function better(delta: readonly number[], than: readonly number[] | undefined): boolean {
  const first = delta.findIndex((d) => d !== 0);
  if (first < 0 || delta[first]! < 0) return false;
  if (!than) return true;
  for (let i = 0; i < delta.length; i++) if (delta[i] !== than[i]) return delta[i]! > than[i]!;
  return false;
}
