/**
 * The second stage: with each participant's structure fixed per slot, choose the situation (the
 * tutors of that structure who cover it) so that a participant sees two different situations,
 * without moving anyone who can keep their previous tutor's situation.
 *
 * Why a second stage: inside one structure every situation is interchangeable for every other rule
 * (wishes, types, mixing, load), and any split of a pool's participants across its situations fits
 * (the pool's capacity is the sum of theirs). Modelling situations in the first stage made its LP
 * relaxation fractional and the MIP slow; as a second stage the first one stays almost integral.
 * The objective is therefore lexicographic: everything else first, then different situations.
 */
import { LOCKED, UNPLACED } from "./assignment-codes.js";
import type { LockedContext, ModelArrays } from "./model.js";
import type { Prepared } from "./prepare.js";
import { WEIGHTS } from "./weights.js";

export interface SituationModel {
  readonly arrays: ModelArrays;
  /** Per z column: participant × slot and the situation index. */
  readonly colSlot: Int32Array;
  readonly colSituation: Int32Array;
  readonly zCount: number;
}

function zCost(prep: Prepared, ctx: LockedContext, assign: Int32Array, ps: number, si: number): number {
  const p = Math.floor(ps / prep.slots.length);
  let cost = 0;
  if (ctx.lockedSituation.has(p * prep.situationNames.length + si)) cost += WEIGHTS.sameSituation;
  if (prep.previousPool[ps] === assign[ps] && prep.previousSituation[ps] !== si) cost += WEIGHTS.moved;
  return cost;
}

/** The second-stage objective of a situation choice (`situation[p * S + s]`). */
export function evaluateSituations(
  prep: Prepared,
  ctx: LockedContext,
  assign: Int32Array,
  situation: Int32Array,
): number {
  const S = prep.slots.length;
  const I = prep.situationNames.length;
  let total = 0;
  for (let p = 0; p < prep.participants.length; p++) {
    const counts = new Map<number, number>();
    for (let s = 0; s < S; s++) {
      const ps = p * S + s;
      if (assign[ps]! < 0) continue;
      const si = situation[ps]!;
      total += zCost(prep, ctx, assign, ps, si);
      if (!ctx.lockedSituation.has(p * I + si)) counts.set(si, (counts.get(si) ?? 0) + 1);
    }
    for (const n of counts.values()) total += Math.max(0, n - 1) * WEIGHTS.sameSituation;
  }
  return total;
}

/** A quick choice: the previous situation, else one not seen in another slot, else any with room. */
export function greedySituations(prep: Prepared, ctx: LockedContext, assign: Int32Array): Int32Array {
  const S = prep.slots.length;
  const situation = new Int32Array(assign.length).fill(-1);
  const room = prep.pools.map((pool) => pool.parts.map((part) => part.capacity));
  for (let ps = 0; ps < assign.length; ps++) {
    const q = assign[ps]!;
    if (q === UNPLACED || q === LOCKED) continue;
    const pool = prep.pools[q]!;
    let best = -1;
    let bestCost = Infinity;
    pool.parts.forEach((part, i) => {
      if (room[q]![i]! <= 0) return;
      let cost = zCost(prep, ctx, assign, ps, part.situation);
      const p = Math.floor(ps / S);
      for (let s = 0; s < S; s++) if (p * S + s !== ps && situation[p * S + s] === part.situation) cost += 1;
      if (cost < bestCost) {
        best = i;
        bestCost = cost;
      }
    });
    // The pool's capacity is the sum of its parts', so one always has room.
    room[q]![best]!--;
    situation[ps] = pool.parts[best]!.situation;
  }
  return situation;
}

export function buildSituationModel(prep: Prepared, ctx: LockedContext, assign: Int32Array): SituationModel {
  const S = prep.slots.length;
  const I = prep.situationNames.length;
  const cost: number[] = [];
  const upper: number[] = [];
  const integer: number[] = [];
  const colSlot: number[] = [];
  const colSituation: number[] = [];
  const byPart = new Map<number, number[]>();
  const byParticipantSlot: number[][] = [];
  const bySituation = new Map<number, number[]>();
  for (let ps = 0; ps < assign.length; ps++) {
    const q = assign[ps]!;
    const cols: number[] = [];
    byParticipantSlot.push(cols);
    if (q < 0) continue;
    const p = Math.floor(ps / S);
    for (const part of prep.pools[q]!.parts) {
      if (part.capacity <= 0) continue;
      const col = cost.length;
      cost.push(zCost(prep, ctx, assign, ps, part.situation));
      upper.push(1);
      integer.push(1);
      colSlot.push(ps);
      colSituation.push(part.situation);
      cols.push(col);
      const partKey = q * I + part.situation;
      byPart.set(partKey, [...(byPart.get(partKey) ?? []), col]);
      if (!ctx.lockedSituation.has(p * I + part.situation)) {
        const key = p * I + part.situation;
        bySituation.set(key, [...(bySituation.get(key) ?? []), col]);
      }
    }
  }
  const zCount = cost.length;
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const addRow = (cols: readonly number[], lo: number, hi: number, penalty = -1) => {
    for (const col of cols) {
      indices.push(col);
      values.push(1);
    }
    if (penalty >= 0) {
      indices.push(penalty);
      values.push(-1);
    }
    starts.push(indices.length);
    rowLower.push(lo);
    rowUpper.push(hi);
  };
  for (const cols of byParticipantSlot) if (cols.length > 0) addRow(cols, 1, 1);
  for (const [key, cols] of byPart) {
    const q = Math.floor(key / I);
    const part = prep.pools[q]!.parts.find((x) => x.situation === key % I)!;
    if (cols.length > part.capacity) addRow(cols, -Infinity, part.capacity);
  }
  for (const cols of bySituation.values()) {
    if (new Set(cols.map((col) => colSlot[col])).size < 2) continue;
    cost.push(WEIGHTS.sameSituation);
    upper.push(Infinity);
    integer.push(0);
    addRow(cols, -Infinity, 1, cost.length - 1);
  }
  const numCols = cost.length;
  return {
    arrays: {
      numCols,
      numRows: rowLower.length,
      colCost: Float64Array.from(cost),
      colLower: new Float64Array(numCols),
      colUpper: Float64Array.from(upper),
      integrality: Int32Array.from(integer),
      rowLower: Float64Array.from(rowLower),
      rowUpper: Float64Array.from(rowUpper),
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
    colSlot: Int32Array.from(colSlot),
    colSituation: Int32Array.from(colSituation),
    zCount,
  };
}

/** A MIP start from a situation choice, penalties included. */
export function situationStart(model: SituationModel, situation: Int32Array): Float64Array {
  const a = model.arrays;
  const x = new Float64Array(a.numCols);
  for (let col = 0; col < model.zCount; col++)
    if (situation[model.colSlot[col]!] === model.colSituation[col]) x[col] = 1;
  for (let row = 0; row < a.numRows; row++) {
    const last = a.starts[row + 1]! - 1;
    const penalty = a.indices[last]!;
    if (penalty < model.zCount || a.values[last] !== -1) continue;
    let activity = 0;
    for (let k = a.starts[row]!; k < last; k++) activity += x[a.indices[k]!]!;
    x[penalty] = Math.max(0, activity - a.rowUpper[row]!);
  }
  return x;
}

export function readSituations(model: SituationModel, values: Float64Array, size: number): Int32Array {
  const situation = new Int32Array(size).fill(-1);
  for (let col = 0; col < model.zCount; col++)
    if (values[col]! > 0.5) situation[model.colSlot[col]!] = model.colSituation[col]!;
  return situation;
}
