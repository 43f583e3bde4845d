/**
 * Naming the pools of an aggregated choice: the aggregated model chooses, per participant and
 * slot, a group of pools ("somewhere of type t"), a named pool or nothing; `disaggregate` turns
 * that into one pool per participant and slot, then improves the spread by a local search and
 * places whoever is left out through chains of moves (`placeLeftOut`).
 */
import { LOCKED, UNPLACED } from "./assignment.js";
import { eligible, type LockedContext } from "./model.js";
import { mixKey, namesStructures, type Prepared, wishRank } from "./prepare.js";
import { EPSILON } from "./solver.js";
import { WEIGHTS, wishCost } from "./weights.js";

/** Searches for a chain of moves (`placeLeftOut`), so that an instance with many left out stays quick. */
const MAX_CHAIN_SEARCHES = 200;
/** Rounds of the local search over each group's pools in `disaggregate`. */
const MAX_SPREAD_PASSES = 6;
/** Swaps the local search may weigh in all, so that its time stays bounded on any instance. */
const MAX_SWAP_PAIRS = 20_000_000;

/** What naming the pools needs of a group of the aggregated model: its slot and its pools. */
export interface PoolGroup {
  readonly slot: number;
  readonly pools: readonly number[];
}

/**
 * The placements being named, with what their costs depend on: per pool its load (placements,
 * locked rows apart) and a version bumped at every change; per organisme (or public) × structure ×
 * slot (`mixKey`) the people placed.
 */
class Filling {
  readonly slotCount: number;
  readonly structureCount: number;
  readonly assign: Int32Array;
  readonly load: Int32Array;
  readonly organisme = new Map<number, number>();
  readonly publics = new Map<number, number>();
  readonly poolVersion: Int32Array;
  /** Per participant, 1 when they name a structure in a wish. */
  readonly named: Uint8Array;

  constructor(
    readonly prep: Prepared,
    readonly ctx: LockedContext,
  ) {
    this.slotCount = prep.slots.length;
    this.structureCount = prep.structures.length;
    this.assign = new Int32Array(prep.participants.length * this.slotCount).fill(UNPLACED);
    this.load = new Int32Array(prep.pools.length);
    this.poolVersion = new Int32Array(prep.pools.length);
    this.named = Uint8Array.from(prep.wishes, (list) => (list.some(namesStructures) ? 1 : 0));
  }

  #shift(person: number, slot: number, pool: number, by: 1 | -1): void {
    const { prep, structureCount, slotCount } = this;
    this.load[pool]! += by;
    this.poolVersion[pool]!++;
    const structure = prep.pools[pool]!.structure;
    bump(
      this.organisme,
      mixKey(prep.participantOrganisme[person]!, structure, slot, structureCount, slotCount),
      by,
    );
    bump(
      this.publics,
      mixKey(prep.participantPublic[person]!, structure, slot, structureCount, slotCount),
      by,
    );
  }

  place(person: number, slot: number, pool: number): void {
    this.assign[person * this.slotCount + slot] = pool;
    this.#shift(person, slot, pool, 1);
  }

  unplace(person: number, slot: number): void {
    this.#shift(person, slot, this.assign[person * this.slotCount + slot]!, -1);
    this.assign[person * this.slotCount + slot] = UNPLACED;
  }

  usesStructure(person: number, structure: number): boolean {
    const { prep, ctx, slotCount } = this;
    for (let slot = 0; slot < slotCount; slot++) {
      const pool = this.assign[person * slotCount + slot]!;
      if (
        (pool >= 0 && prep.pools[pool]!.structure === structure) ||
        ctx.lockedStructure[person * slotCount + slot] === structure
      )
        return true;
    }
    return false;
  }

  /** The wish and move cost of the person in the pool. */
  linear(person: number, slot: number, pool: number): number {
    const prep = this.prep;
    const previous = prep.previousPool[person * this.slotCount + slot]!;
    const moved = previous >= 0 && previous !== pool ? WEIGHTS.moved : 0;
    return wishCost(wishRank(prep, person, prep.pools[pool]!.structure)) + moved;
  }

  /** The organisme (or public) cost of one more person of `group` in the structure, `extra` counted. */
  mixAt(counts: Map<number, number>, group: number, structure: number, slot: number, extra: number): number {
    const prep = this.prep;
    const key = mixKey(group, structure, slot, this.structureCount, this.slotCount);
    if (counts === this.organisme) {
      return prep.lockedOrganisme.has(key) || (counts.get(key) ?? 0) + extra >= 1 ? WEIGHTS.sameOrganisme : 0;
    }
    return (prep.lockedPublic.get(key) ?? 0) + (counts.get(key) ?? 0) + extra >= WEIGHTS.publicsFree
      ? WEIGHTS.samePublic
      : 0;
  }

  /** The organisme and public part of `marginal`. */
  mixCost(person: number, slot: number, pool: number): number {
    const prep = this.prep;
    const structure = prep.pools[pool]!.structure;
    return (
      this.mixAt(this.organisme, prep.participantOrganisme[person]!, structure, slot, 0) +
      this.mixAt(this.publics, prep.participantPublic[person]!, structure, slot, 0)
    );
  }

  /** The tutor-load cost of the pool as it is. */
  loadAt(pool: number): number {
    const spec = this.prep.pools[pool]!;
    return spec.lockedLoad + this.load[pool]! >= spec.softCapacity ? WEIGHTS.tutorLoad : 0;
  }

  /** What placing the person in the pool adds to the objective, the others staying where they are (type costs aside). */
  marginal(person: number, slot: number, pool: number): number {
    return this.linear(person, slot, pool) + this.mixCost(person, slot, pool) + this.loadAt(pool);
  }

  /** Whether the hard rules let the person into the pool, their other slots as they are. */
  fits(person: number, pool: number): boolean {
    return (
      eligible(this.prep, this.ctx, person, pool) &&
      !this.usesStructure(person, this.prep.pools[pool]!.structure)
    );
  }

  /** The pool with room of `pools` where the person costs least (the emptiest on a tie), or -1. */
  bestPool(person: number, slot: number, pools: readonly number[]): number {
    let best = -1;
    let bestCost = Infinity;
    let bestFill = Infinity;
    for (const pool of pools) {
      const spec = this.prep.pools[pool]!;
      if (this.load[pool]! >= spec.capacity || !this.fits(person, pool)) continue;
      const cost = this.marginal(person, slot, pool);
      const fill = (this.load[pool]! + spec.lockedLoad) / (spec.capacity + spec.lockedLoad);
      if (cost < bestCost || (cost === bestCost && fill < bestFill)) {
        best = pool;
        bestCost = cost;
        bestFill = fill;
      }
    }
    return best;
  }
}

function bump(map: Map<number, number>, key: number, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/**
 * Names the pool of every placement: named pools as chosen; then everyone whose previous pool is
 * in the group chosen for them stays there while it has room, so that a re-run moves only the
 * people it must; then, group by group, the most constrained participants first, each to the
 * eligible pool with room where they cost least (a structure they name, no one of their
 * organisme, few of their public, load below half). Anyone a group cannot take goes to the
 * cheapest pool left in the slot. A local search (with `improve`) then moves and swaps people
 * between the pools of each group while that lowers the objective.
 *
 * `groups` are indexed `slot * types + type`; `choice` holds per participant × slot a group index,
 * `groups.length + pool` for a named pool, or a negative code. Returns the pool per participant ×
 * slot, `UNPLACED` or `LOCKED`.
 */
export function disaggregate(
  prep: Prepared,
  ctx: LockedContext,
  groups: readonly PoolGroup[],
  choice: Int32Array,
  improve: boolean,
): Int32Array {
  const filling = new Filling(prep, ctx);
  placeNamedPools(filling, groups.length, choice);
  keepPreviousPools(filling, groups, choice);
  fillGroups(filling, groups, choice);
  if (improve) improveSpread(filling, groups, choice);
  const assign = filling.assign;
  placeLeftOut(prep, ctx, assign, filling.load);
  prep.locked.forEach((row, ps) => {
    if (row) assign[ps] = LOCKED;
  });
  return assign;
}

/** Places everyone whose choice is a named pool there. */
function placeNamedPools(filling: Filling, groupCount: number, choice: Int32Array): void {
  const slotCount = filling.slotCount;
  for (let ps = 0; ps < filling.assign.length; ps++) {
    if (choice[ps]! >= groupCount)
      filling.place(Math.floor(ps / slotCount), ps % slotCount, choice[ps]! - groupCount);
  }
}

/**
 * Previous pools first: the group choice already paid for keeping them. Those whose tutor is
 * still there come first, so that the people of a tutor who declined are the ones who move.
 */
function keepPreviousPools(filling: Filling, groups: readonly PoolGroup[], choice: Int32Array): void {
  const { prep, assign, load, slotCount } = filling;
  const groupCount = groups.length;
  const tutorLeft = new Map<string, number>();
  for (const pool of prep.pools) {
    for (const part of pool.parts) {
      for (const tutor of part.tutors) tutorLeft.set(`${pool.index}|${tutor.id}`, tutor.remaining);
    }
  }
  for (const withTutor of [true, false]) {
    for (let ps = 0; ps < assign.length; ps++) {
      const option = choice[ps]!;
      const pool = prep.previousPool[ps]!;
      if (assign[ps] !== UNPLACED || option < 0 || option >= groupCount || pool < 0) continue;
      if (!groups[option]!.pools.includes(pool)) continue;
      const tutorKey = `${pool}|${prep.previousTutor[ps]}`;
      const left = tutorLeft.get(tutorKey) ?? 0;
      if (withTutor && left <= 0) continue;
      const person = Math.floor(ps / slotCount);
      if (load[pool]! >= prep.pools[pool]!.capacity || !filling.fits(person, pool)) continue;
      filling.place(person, ps % slotCount, pool);
      if (left > 0) tutorLeft.set(tutorKey, left - 1);
    }
  }
}

/**
 * Slot by slot and group by group, the most constrained participants first (fewest eligible
 * pools, then organisme, then index), each to the cheapest pool with room of their group; those
 * it cannot take to the cheapest pool left in the slot.
 */
function fillGroups(filling: Filling, groups: readonly PoolGroup[], choice: Int32Array): void {
  const { prep, ctx, assign, slotCount } = filling;
  const groupCount = groups.length;
  const typeCount = prep.typeNames.length;
  for (let slot = 0; slot < slotCount; slot++) {
    const generic: number[][] = Array.from({ length: typeCount }, () => []);
    for (let person = 0; person < prep.participants.length; person++) {
      const option = choice[person * slotCount + slot]!;
      if (option >= 0 && option < groupCount && assign[person * slotCount + slot] === UNPLACED)
        generic[option % typeCount]!.push(person);
    }
    const leftOver: number[] = [];
    for (let type = 0; type < typeCount; type++) {
      const group = groups[slot * typeCount + type]!;
      const options = (person: number) =>
        group.pools.filter((pool) => eligible(prep, ctx, person, pool)).length;
      const order = generic[type]!.map(
        (person) => [options(person), prep.participantOrganisme[person]!, person] as const,
      );
      order.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
      for (const [, , person] of order) {
        const pool = filling.bestPool(person, slot, group.pools);
        if (pool >= 0) filling.place(person, slot, pool);
        else leftOver.push(person);
      }
    }
    for (const person of leftOver) {
      const pool = filling.bestPool(person, slot, prep.poolsBySlot[slot]!);
      if (pool >= 0) filling.place(person, slot, pool);
    }
  }
}

/**
 * State of the swap search across groups. Caches: each person's mix cost in their pool (valid
 * while the pool's version holds), and per organisme × public the mix cost in the pool being left
 * (valid for one `visit`).
 */
class SpreadSearch {
  visit = 0;
  pairs = 0;
  readonly mixSelf: Int32Array;
  readonly mixPool: Int32Array;
  readonly mixVersion: Int32Array;
  readonly fromMix: Int32Array;
  readonly fromStamp: Int32Array;
  /** Wishes and moves cost the same in every pool of the group. */
  readonly plain: Uint8Array;

  constructor(prep: Prepared) {
    const people = prep.participants.length;
    this.mixSelf = new Int32Array(people);
    this.mixPool = new Int32Array(people).fill(-1);
    this.mixVersion = new Int32Array(people);
    this.fromMix = new Int32Array(prep.organismeCount * prep.publicCount);
    this.fromStamp = new Int32Array(prep.organismeCount * prep.publicCount).fill(-1);
    this.plain = new Uint8Array(people);
  }
}

/**
 * Local search, group by group: move someone to a pool with room, or swap two people, while
 * that lowers the objective. Costs are convex in each count, so this settles quickly.
 */
function improveSpread(filling: Filling, groups: readonly PoolGroup[], choice: Int32Array): void {
  const search = new SpreadSearch(filling.prep);
  for (let g = 0; g < groups.length; g++) improveGroup(filling, search, groups[g]!, g, choice);
}

/** At most `MAX_SPREAD_PASSES` passes of moves and swaps over the people the group `g` placed. */
function improveGroup(
  filling: Filling,
  search: SpreadSearch,
  group: PoolGroup,
  g: number,
  choice: Int32Array,
): void {
  const { prep, assign, slotCount } = filling;
  const slot = group.slot;
  const inGroup = new Set(group.pools);
  const members = new Map<number, number[]>(group.pools.map((pool) => [pool, []]));
  for (let person = 0; person < prep.participants.length; person++) {
    const pool = assign[person * slotCount + slot]!;
    if (choice[person * slotCount + slot] === g && inGroup.has(pool)) members.get(pool)!.push(person);
  }
  const people = [...members.values()].flat().sort((a, b) => a - b);
  for (const person of people)
    search.plain[person] =
      filling.named[person] === 0 && !inGroup.has(prep.previousPool[person * slotCount + slot]!) ? 1 : 0;
  for (let pass = 0; pass < MAX_SPREAD_PASSES; pass++) {
    let improved = false;
    for (const person of people) {
      if (moveIfBetter(filling, search, group, members, person)) improved = true;
    }
    if (!improved) break;
  }
}

/** Wishes and moves cost the same in every pool of the group for a plain person: with no mix or load to pay where they are, they have nothing to gain. */
function plainAndFree(filling: Filling, search: SpreadSearch, person: number, slot: number, from: number) {
  if (search.plain[person] !== 1) return false;
  const { prep, organisme, publics, load } = filling;
  const structure = prep.pools[from]!.structure;
  const spec = prep.pools[from]!;
  const paying =
    filling.mixAt(organisme, prep.participantOrganisme[person]!, structure, slot, -1) > 0 ||
    filling.mixAt(publics, prep.participantPublic[person]!, structure, slot, -1) > 0 ||
    spec.lockedLoad + load[from]! - 1 >= spec.softCapacity;
  return !paying;
}

/**
 * Moves the person to the pool of the group where they cost least, or swaps them with someone of a
 * full pool, when that lowers the objective; true when they moved.
 */
function moveIfBetter(
  filling: Filling,
  search: SpreadSearch,
  group: PoolGroup,
  members: Map<number, number[]>,
  person: number,
): boolean {
  const { prep, assign, load, slotCount } = filling;
  const slot = group.slot;
  const from = assign[person * slotCount + slot]!;
  if (plainAndFree(filling, search, person, slot, from)) return false;
  filling.unplace(person, slot);
  const here = filling.marginal(person, slot, from);
  search.visit++;
  // A swap leaves every load as it is: it can only help someone who pays for the mix where
  // they are, or whose wishes or previous pool tell the pools apart.
  const swapping =
    search.pairs < MAX_SWAP_PAIRS && (filling.mixCost(person, slot, from) > 0 || search.plain[person] === 0);
  let best = -1;
  let bestDelta = -EPSILON;
  let partner = -1;
  // Someone plain who pays for the load alone can only gain in a pool below half.
  const loadOnly =
    search.plain[person] === 1 && here - filling.linear(person, slot, from) === filling.loadAt(from);
  for (const pool of group.pools) {
    if (pool === from) continue;
    const full = load[pool]! >= prep.pools[pool]!.capacity;
    if (full ? !swapping : loadOnly && filling.loadAt(pool) > 0) continue;
    if (!filling.fits(person, pool)) continue;
    if (!full) {
      const delta = filling.marginal(person, slot, pool) - here;
      if (delta < bestDelta) {
        best = pool;
        bestDelta = delta;
        partner = -1;
      }
      continue;
    }
    const swap = bestSwap(filling, search, members.get(pool)!, person, slot, from, pool, here, bestDelta);
    if (swap) {
      best = pool;
      bestDelta = swap.delta;
      partner = swap.partner;
    }
  }
  if (best < 0) {
    filling.place(person, slot, from);
    return false;
  }
  const list = members.get(from)!;
  list.splice(list.indexOf(person), 1);
  if (partner >= 0) {
    filling.unplace(partner, slot);
    const target = members.get(best)!;
    target.splice(target.indexOf(partner), 1);
    filling.place(partner, slot, from);
    list.push(partner);
  }
  filling.place(person, slot, best);
  members.get(best)!.push(person);
  return true;
}

/**
 * Full pool: the swap with someone of it (`inPool`) who may take the person's place that lowers the
 * objective below `bestDelta`, the best such, or undefined. The loads stay as they are, so only the
 * wishes, moves and mix of the two change. A swap that helps lowers the cost of at least one of the
 * two: it is looked for from the side of that one. `here` is the person's marginal cost in `from`.
 */
function bestSwap(
  filling: Filling,
  search: SpreadSearch,
  inPool: readonly number[],
  person: number,
  slot: number,
  from: number,
  pool: number,
  here: number,
  bestDelta: number,
): { delta: number; partner: number } | undefined {
  const { prep, organisme, publics, poolVersion } = filling;
  const structure = prep.pools[pool]!.structure;
  const stay = here - filling.loadAt(from);
  const linearThere = filling.linear(person, slot, pool) - stay;
  const personOrganisme = prep.participantOrganisme[person]!;
  const personPublic = prep.participantPublic[person]!;
  const orgP = [
    filling.mixAt(organisme, personOrganisme, structure, slot, 0),
    filling.mixAt(organisme, personOrganisme, structure, slot, -1),
  ] as const;
  const pubP = [
    filling.mixAt(publics, personPublic, structure, slot, 0),
    filling.mixAt(publics, personPublic, structure, slot, -1),
  ] as const;
  if (linearThere + orgP[1] + pubP[1] >= 0) return undefined;
  let found: { delta: number; partner: number } | undefined;
  for (const other of inPool) {
    const otherOrganisme = prep.participantOrganisme[other]!;
    const otherPublic = prep.participantPublic[other]!;
    const own =
      linearThere +
      orgP[otherOrganisme === personOrganisme ? 1 : 0] +
      pubP[otherPublic === personPublic ? 1 : 0];
    if (own >= 0) continue;
    search.pairs++;
    if (search.mixPool[other] !== pool || search.mixVersion[other] !== poolVersion[pool]) {
      search.mixSelf[other] =
        filling.mixAt(organisme, otherOrganisme, structure, slot, -1) +
        filling.mixAt(publics, otherPublic, structure, slot, -1);
      search.mixPool[other] = pool;
      search.mixVersion[other] = poolVersion[pool]!;
    }
    const classKey = otherOrganisme * prep.publicCount + otherPublic;
    if (search.fromStamp[classKey] !== search.visit) {
      search.fromMix[classKey] = filling.mixCost(other, slot, from);
      search.fromStamp[classKey] = search.visit;
    }
    const delta =
      own +
      (search.plain[other] === 1
        ? 0
        : filling.linear(other, slot, from) - filling.linear(other, slot, pool)) +
      search.fromMix[classKey]! -
      search.mixSelf[other]!;
    if (delta < bestDelta && filling.fits(other, from)) {
      bestDelta = delta;
      found = { delta, partner: other };
    }
  }
  return found;
}

/**
 * Places whoever a group could not take when a chain of moves makes room: in their slot, from the
 * pools open to them, breadth first, a pool with room reached by moving one person of each pool on
 * the way to the next (each move keeping the hard rules); failing that, the same after freeing
 * their other slot, which is then placed again the same way (both undone when either fails). The
 * groups only bound capacity, step-free seats and conflicts as a whole; their pools may need such
 * chains. `load` (placements per pool, locked rows apart) is kept up to date.
 */
function placeLeftOut(prep: Prepared, ctx: LockedContext, assign: Int32Array, load: Int32Array): void {
  const S = prep.slots.length;
  const env: ChainEnv = { prep, ctx, assign, load, S };
  let searches = 0;
  for (let ps = 0; ps < assign.length && searches < MAX_CHAIN_SEARCHES; ps++) {
    if (assign[ps] !== UNPLACED || prep.locked[ps]) continue;
    searches++;
    const p = Math.floor(ps / S);
    const s = ps % S;
    if (chain(env, p, s, false) || chain(env, p, s, true)) continue;
    for (let other = 0; other < S; other++) {
      const q = assign[p * S + other]!;
      if (other === s || q < 0) continue;
      const savedAssign = assign.slice();
      const savedLoad = load.slice();
      assign[p * S + other] = UNPLACED;
      load[q]!--;
      if (chain(env, p, s, true) && chain(env, p, other, true)) break;
      assign.set(savedAssign);
      load.set(savedLoad);
    }
  }
}

/** What the chains of moves read and change: placements and loads, updated in place. */
interface ChainEnv {
  readonly prep: Prepared;
  readonly ctx: LockedContext;
  readonly assign: Int32Array;
  readonly load: Int32Array;
  readonly S: number;
}

/** One step of a chain: `person` enters the pool from `from` (-1: the one placed), leaving slot `leaves` (-1: none). */
interface ChainStep {
  readonly from: number;
  readonly person: number;
  readonly leaves: number;
}

/** Whether p holds structure st in a slot other than `except` (placed or locked). */
function holds(env: ChainEnv, p: number, st: number, except: number): boolean {
  const { prep, ctx, assign, S } = env;
  for (let s = 0; s < S; s++) {
    if (s === except) continue;
    const q = assign[p * S + s]!;
    if ((q >= 0 && prep.pools[q]!.structure === st) || ctx.lockedStructure[p * S + s] === st) return true;
  }
  return false;
}

function fitsIn(env: ChainEnv, p: number, s: number, q: number): boolean {
  return eligible(env.prep, env.ctx, p, q) && !holds(env, p, env.prep.pools[q]!.structure, s);
}

/**
 * Places p in slot s through a chain of moves; false when none exists. With `cross`, a person on
 * the chain may also move to a structure they hold in another slot, which is then placed again by
 * a chain of its own (everything undone when one fails).
 */
function chain(env: ChainEnv, p: number, s: number, cross: boolean): boolean {
  const { assign, load, S } = env;
  const found = findChain(env, p, s, cross);
  if (!found) return false;
  const { via, end } = found;
  const savedAssign = cross ? assign.slice() : undefined;
  const savedLoad = cross ? load.slice() : undefined;
  const replace: [number, number][] = [];
  // Along the chain back to p: each person enters the pool after the one they leave.
  for (let q = end; q >= 0; ) {
    const step = via.get(q)!;
    assign[step.person * S + s] = q;
    load[q]!++;
    if (step.from >= 0) load[step.from]!--;
    if (step.leaves >= 0) {
      const left = assign[step.person * S + step.leaves]!;
      assign[step.person * S + step.leaves] = UNPLACED;
      load[left]!--;
      replace.push([step.person, step.leaves]);
    }
    q = step.from;
  }
  if (replace.every(([r, other]) => chain(env, r, other, false))) return true;
  assign.set(savedAssign!);
  load.set(savedLoad!);
  return false;
}

/** Breadth first over the pools of slot s: `via[q]` is the pool and person that lead to q; `end` a pool with room. */
function findChain(
  env: ChainEnv,
  p: number,
  s: number,
  cross: boolean,
): { via: Map<number, ChainStep>; end: number } | undefined {
  const { prep, ctx, assign, load, S } = env;
  const pools = prep.poolsBySlot[s]!;
  const members = new Map<number, number[]>(pools.map((q) => [q, []]));
  for (let r = 0; r < prep.participants.length; r++) {
    const q = assign[r * S + s]!;
    if (q >= 0) members.get(q)?.push(r);
  }
  /** The other slot r would have to leave to enter `next` (-1: none), or -2 when r cannot enter it. */
  const clash = (r: number, next: number) => {
    if (!eligible(prep, ctx, r, next)) return -2;
    const st = prep.pools[next]!.structure;
    for (let other = 0; other < S; other++) {
      if (other === s) continue;
      if (ctx.lockedStructure[r * S + other] === st) return -2;
      const q = assign[r * S + other]!;
      if (q >= 0 && prep.pools[q]!.structure === st) return cross && r !== p ? other : -2;
    }
    return -1;
  };
  const via = new Map<number, ChainStep>();
  const queue: number[] = [];
  for (const q of pools) {
    if (fitsIn(env, p, s, q)) {
      via.set(q, { from: -1, person: p, leaves: -1 });
      queue.push(q);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const q = queue[head]!;
    if (load[q]! < prep.pools[q]!.capacity) return { via, end: q };
    for (const r of members.get(q)!) {
      for (const next of pools) {
        if (via.has(next)) continue;
        const leaves = clash(r, next);
        if (leaves === -2) continue;
        via.set(next, { from: q, person: r, leaves });
        queue.push(next);
      }
    }
  }
  return undefined;
}
