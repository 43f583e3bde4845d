import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerLinearSolver } from "../../functions/adapters/highs-solver.js";
import { distinctStructures } from "../../functions/core/matching/aggregate.js";
import { LOCKED, UNPLACED } from "../../functions/core/matching/assignment-codes.js";
import {
  checkHardRules,
  generateInstance,
  LEVELS,
  type MatchingProblem,
  type MatchingResult,
  type Participant,
  solvePlacements,
  type Tutor,
} from "../../functions/core/matching/index.js";
import { levelValues, lexBetter } from "../../functions/core/matching/levels.js";
import { orderPreservingWeights } from "../../functions/core/matching/lexicographic.js";
import { eligible, lockedContext } from "../../functions/core/matching/model.js";
import { prepare, textKey } from "../../functions/core/matching/prepare.js";

const solver = new WorkerLinearSolver();
afterAll(() => solver.close());

/** A small seeded generator (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Tiny instances with tension between the levels: few seats at the wished structures, two types
 * shared by several structures, participants of one organisme and one public, a step-free need, and
 * for some a previous run where one tutor then declines. `extraWishes` joins the wishes drawn from
 * (an organisme, several structures joined by « | »).
 */
function tinyInstance(seed: number, extraWishes: readonly string[] = []): MatchingProblem {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const structures = [
    { name: "CAF Nord", type: "CAF", organisme: "CAF 35", situations: ["Accueil physique"], stepFree: true },
    {
      name: "CAF Sud",
      type: "CAF",
      organisme: "CAF 35",
      situations: ["Accueil physique", "Accueil téléphonique"],
      stepFree: rand() < 0.5,
    },
    { name: "CCAS", type: "CCAS", organisme: "Ville", situations: ["Accueil téléphonique"], stepFree: true },
    {
      name: "Urgences",
      type: "Urgences",
      organisme: "CHU",
      situations: ["Accueil physique"],
      stepFree: rand() < 0.5,
    },
  ];
  const tutors: Tutor[] = [];
  for (const structure of structures) {
    for (const situation of structure.situations) {
      tutors.push({
        id: `${textKey(structure.name).replace(/ /g, "")}-${situation.length}@x.fr`,
        structure: structure.name,
        situation,
        slots: rand() < 0.75 ? "all" : [pick(["Matin", "Après-midi"])],
        capacity: 1 + Math.floor(rand() * 2),
        declined: false,
      });
    }
  }
  const wishes = ["CAF", "CCAS", "Urgences", "CAF Sud", "CAF Nord", ...extraWishes];
  const participants: Participant[] = Array.from({ length: 4 }, (_, i) => ({
    id: `p${i}@x.fr`,
    organisme: pick(["Préfecture", "Préfecture", "Département", "CAF 35"]),
    public: pick(["État", "État", "Territorial"]),
    wishes: Array.from({ length: Math.floor(rand() * 4) }, () => pick(wishes)),
    needsStepFree: rand() < 0.15,
    order: i,
  }));
  const problem: MatchingProblem = { participants, structures, tutors, slots: ["Matin", "Après-midi"] };
  if (seed % 3 !== 0) return problem;
  // A re-run: the best placement of the problem, then one of its tutors declines.
  const previous = bruteForce(problem).placements;
  const declined = previous[0]?.tutor;
  return {
    ...problem,
    previous,
    tutors: tutors.map((t) => (t.id === declined ? { ...t, declined: true } : t)),
    // The organizer locks a row of another tutor (a locked row is kept as it is, declined or not).
    ...(seed % 2 === 0 && previous.length > 2
      ? { locked: previous.filter((placement) => placement.tutor !== declined).slice(-1) }
      : {}),
  };
}

/** Every placement respecting the hard rules, enumerated; the lexicographically best level values. */
function bruteForce(problem: MatchingProblem) {
  const prep = prepare(problem);
  const ctx = lockedContext(prep);
  const S = prep.slots.length;
  const options: { q: number; si: number }[][] = [];
  for (let ps = 0; ps < prep.participants.length * S; ps++) {
    const p = Math.floor(ps / S);
    const s = ps % S;
    if (prep.locked[ps]) {
      options.push([{ q: LOCKED, si: -1 }]);
      continue;
    }
    const list = [{ q: UNPLACED, si: -1 }];
    for (const q of prep.poolsBySlot[s]!) {
      if (!eligible(prep, ctx, p, q)) continue;
      for (const part of prep.pools[q]!.parts) if (part.capacity > 0) list.push({ q, si: part.situation });
    }
    options.push(list);
  }
  const assign = new Int32Array(options.length);
  const situation = new Int32Array(options.length).fill(-1);
  const used = new Map<string, number>();
  let best: number[] | undefined;
  const alone = LEVELS.map((level) => (level.sense === "min" ? Infinity : -Infinity));
  let bestAssign: { assign: Int32Array; situation: Int32Array } | undefined;
  const visit = (ps: number) => {
    if (ps === options.length) {
      const values = levelValues(prep, ctx, assign, situation);
      LEVELS.forEach((level, i) => {
        alone[i] = level.sense === "min" ? Math.min(alone[i]!, values[i]!) : Math.max(alone[i]!, values[i]!);
      });
      if (!best || lexBetter(values, best)) {
        best = values;
        bestAssign = { assign: assign.slice(), situation: situation.slice() };
      }
      return;
    }
    const p = Math.floor(ps / S);
    for (const option of options[ps]!) {
      if (option.q >= 0) {
        const pool = prep.pools[option.q]!;
        const key = `${option.q}|${option.si}`;
        const part = pool.parts.find((x) => x.situation === option.si)!;
        if ((used.get(key) ?? 0) >= part.capacity) continue;
        let repeat = false;
        for (let s = 0; s < ps % S; s++) {
          const other = assign[p * S + s]!;
          if (other >= 0 && prep.pools[other]!.structure === pool.structure) repeat = true;
        }
        if (repeat) continue;
        used.set(key, (used.get(key) ?? 0) + 1);
        assign[ps] = option.q;
        situation[ps] = option.si;
        visit(ps + 1);
        used.set(key, used.get(key)! - 1);
      } else {
        assign[ps] = option.q;
        situation[ps] = -1;
        visit(ps + 1);
      }
    }
  };
  visit(0);
  const chosen = bestAssign!;
  const placements = prep.participants.flatMap((participant, p) =>
    prep.slots.flatMap((slot, s) => {
      const q = chosen.assign[p * S + s]!;
      if (q < 0) return [];
      const pool = prep.pools[q]!;
      const part = pool.parts.find((x) => x.situation === chosen.situation[p * S + s])!;
      return [
        {
          participant: participant.id,
          slot,
          structure: prep.structures[pool.structure]!.name,
          situation: prep.situationNames[part.situation]!,
          tutor: part.tutors.find((t) => t.remaining > 0)!.id,
        },
      ];
    }),
  );
  return { values: best!, alone, placements };
}

/** The level values of a solver result, measured the same way as the enumeration's. */
function valuesOf(problem: MatchingProblem, result: MatchingResult): number[] {
  const prep = prepare(problem);
  const ctx = lockedContext(prep);
  const S = prep.slots.length;
  const assign = new Int32Array(prep.participants.length * S).fill(UNPLACED);
  const situation = new Int32Array(assign.length).fill(-1);
  prep.locked.forEach((row, ps) => {
    if (row) assign[ps] = LOCKED;
  });
  for (const placement of result.placements) {
    if (placement.locked) continue;
    const p = prep.participantIndex.get(textKey(placement.participant))!;
    const s = prep.slots.indexOf(placement.slot);
    const q = prep.poolOf(prep.structureIndex.get(textKey(placement.structure))!, s);
    assign[p * S + s] = q;
    situation[p * S + s] = prep.situationIndex.get(textKey(placement.situation))!;
  }
  return levelValues(prep, ctx, assign, situation);
}

const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);
const cases: {
  seed: number;
  problem: MatchingProblem;
  result: MatchingResult;
  /** The same instance through the aggregated model of large instances. */
  aggregated: MatchingResult;
  best: number[];
  alone: number[];
}[] = [];

beforeAll(async () => {
  for (const seed of SEEDS) {
    const problem = tinyInstance(seed);
    const result = await solvePlacements(problem, { timeLimitSeconds: 20 }, solver);
    const aggregated = await solvePlacements(problem, { timeLimitSeconds: 20, aggregateAbove: 0 }, solver);
    const { values, alone } = bruteForce(problem);
    cases.push({ seed, problem, result, aggregated, best: values, alone });
  }
}, 240_000);

describe("the lexicographic objective, against every placement enumerated", () => {
  it.each(LEVELS.map((level, index) => ({ ...level, index })))(
    "reaches the best $key (level $rank) among the placements that keep every level above it at its best",
    ({ index }) => {
      for (const { problem, result, best } of cases) {
        expect(checkHardRules(problem, result.placements)).toEqual([]);
        const values = valuesOf(problem, result);
        expect(values.slice(0, index + 1)).toEqual(best.slice(0, index + 1));
        expect(result.levels[index]!.value).toBe(values[index]);
        expect(result.levels[index]!.proven).toBe(true);
      }
    },
  );

  it("is tested on instances where levels below wishes could gain by giving wishes up", () => {
    // The best of a level taken alone beats its value in the lexicographic optimum: that gain is
    // what the order refuses, so the checks above would catch a solver that took it.
    const traded = new Set<string>();
    for (const { best, alone } of cases) {
      LEVELS.forEach((level, i) => {
        if (i > 3 && alone[i] !== best[i]) traded.add(level.key);
      });
    }
    expect(traded.size).toBeGreaterThanOrEqual(2);
  });
});

describe("the aggregated model of large instances, against every placement enumerated", () => {
  it.each(LEVELS.map((level, index) => ({ ...level, index })))(
    "reports for $key (level $rank) a bound that no placement beats while keeping the levels above",
    ({ index, sense }) => {
      for (const { problem, aggregated, best } of cases) {
        expect(aggregated.stats.solverStatus).toMatch(/^aggregated/);
        expect(checkHardRules(problem, aggregated.placements)).toEqual([]);
        const values = valuesOf(problem, aggregated);
        expect(aggregated.levels[index]!.value).toBe(values[index]);
        // The bound holds for the placements whose levels above are at their best: the enumeration's.
        if (values.slice(0, index).every((v, i) => v === best[i])) {
          const bound = aggregated.levels[index]!.bound;
          if (sense === "min") expect(bound).toBeLessThanOrEqual(best[index]!);
          else expect(bound).toBeGreaterThanOrEqual(best[index]!);
        }
      }
    },
  );

  it("never buys a lower level with a higher one: the wish levels reach the best of the enumeration", () => {
    for (const { problem, aggregated, best } of cases) {
      const values = valuesOf(problem, aggregated);
      expect({ problem: problem.participants.map((p) => p.id), values: values.slice(0, 5) }).toEqual({
        problem: problem.participants.map((p) => p.id),
        values: best.slice(0, 5),
      });
    }
  });
});

/** Wishes naming an organisme (its structures) or several structures, added to the generator's. */
const NAMING_WISHES: readonly (readonly string[])[] = [
  ["CAF 35", "Ville"],
  ["CAF Nord | CCAS", "Urgences | CAF Sud", "CAF 35"],
  ["Ville", "CAF Sud | Urgences"],
];

describe("the aggregated model on wishes naming structures, first runs and re-runs, against every placement enumerated", () => {
  const named: { label: string; problem: MatchingProblem; aggregated: MatchingResult; best: number[] }[] = [];
  beforeAll(async () => {
    for (const [set, extra] of NAMING_WISHES.entries()) {
      for (const seed of Array.from({ length: 18 }, (_, i) => i + 1)) {
        const problem = tinyInstance(seed, extra);
        const aggregated = await solvePlacements(
          problem,
          { timeLimitSeconds: 20, aggregateAbove: 0 },
          solver,
        );
        named.push({
          label: `wishes ${set}, seed ${seed}`,
          problem,
          aggregated,
          best: bruteForce(problem).values,
        });
      }
    }
  }, 240_000);

  it("moves one participant, proven, where a tutor's decline forces two and one more suffices", async () => {
    // CAF Nord's tutor declines: one participant must leave it in the morning, another in the
    // afternoon, and only a third moving makes room. Keeping that third at CAF Sud in the morning
    // and giving them "a CAF" in the afternoon, which only CAF Sud could be, moved a fourth.
    const problem = tinyInstance(3, NAMING_WISHES[0]);
    expect(problem.tutors.find((t) => t.declined)?.structure).toBe("CAF Nord");
    const aggregated = await solvePlacements(problem, { timeLimitSeconds: 20, aggregateAbove: 0 }, solver);
    expect(aggregated.stats.solverStatus).toMatch(/^aggregated/);
    expect(checkHardRules(problem, aggregated.placements)).toEqual([]);
    expect(aggregated.levels[1]).toMatchObject({ key: "moved", value: 1, bound: 1, proven: true });
    expect(valuesOf(problem, aggregated).slice(0, 5)).toEqual(bruteForce(problem).values.slice(0, 5));
  });

  it("lowers a bound by the whole miss of a level held above, not by the miss from its value rounded up", async () => {
    // The tutor-load LP held the wish points at 47.99995 (48 and its tolerance); the placement found
    // has 47. Measured from 48 rounded up it missed by 0 and the load's bound stayed 3, yet a
    // placement (found by search) keeps hard rules, levels 1-5a at 0, 0, 10, 47, 0 and reaches a
    // load of 2. Weak duality lowers it by the dual times 0.99995: a bound of 2.
    const problem = generateInstance({ participants: 10, seed: 8, tight: true });
    const aggregated = await solvePlacements(problem, { timeLimitSeconds: 20, aggregateAbove: 0 }, solver);
    expect(aggregated.stats.solverStatus).toMatch(/^aggregated/);
    const level = (key: string) => aggregated.levels.find((report) => report.key === key)!;
    expect(level("wishPoints").value).toBe(47);
    expect(level("tutorLoad").bound).toBeLessThanOrEqual(2);
  });

  it("reaches the enumeration's best on every level down to the type twice, keeping every hard rule", () => {
    expect(named.filter(({ problem }) => problem.previous).length).toBe(NAMING_WISHES.length * 6);
    for (const { label, problem, aggregated, best } of named) {
      expect(aggregated.stats.solverStatus).toMatch(/^aggregated/);
      expect(checkHardRules(problem, aggregated.placements)).toEqual([]);
      expect({ label, values: valuesOf(problem, aggregated).slice(0, 5) }).toEqual({
        label,
        values: best.slice(0, 5),
      });
    }
  });

  it("reports values as measured and bounds no placement beats while keeping the levels above", () => {
    for (const { label, problem, aggregated, best } of named) {
      const values = valuesOf(problem, aggregated);
      LEVELS.forEach((level, k) => {
        const report = aggregated.levels[k]!;
        expect({ label, key: level.key, value: report.value }).toEqual({
          label,
          key: level.key,
          value: values[k],
        });
        if (!values.slice(0, k).every((v, i) => v === best[i])) return;
        if (level.sense === "min")
          expect(report.bound, `${label} ${level.key}`).toBeLessThanOrEqual(best[k]!);
        else expect(report.bound, `${label} ${level.key}`).toBeGreaterThanOrEqual(best[k]!);
      });
    }
  });
});

describe("distinctStructures", () => {
  it("gives each slot a structure of its own, or says none can", () => {
    expect(distinctStructures([[1], [1]])).toBe(false);
    expect(distinctStructures([[1], [1, 2]])).toBe(true);
    expect(
      distinctStructures([
        [1, 2],
        [1, 2],
        [2, 1],
      ]),
    ).toBe(false);
    expect(distinctStructures([[1], undefined, [1]])).toBe(false);
    expect(distinctStructures([[1], undefined])).toBe(true);
    expect(distinctStructures([[], undefined])).toBe(false);
  });
});

describe("orderPreservingWeights", () => {
  it("orders any two vectors of integers within their ranges exactly as the lexicographic order does", () => {
    const rand = random(7);
    for (let trial = 0; trial < 200; trial++) {
      const ranges = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => Math.floor(rand() * 6));
      const weights = orderPreservingWeights(ranges);
      const draw = () => ranges.map((range) => Math.floor(rand() * (range + 1)));
      for (let pair = 0; pair < 50; pair++) {
        const a = draw();
        const b = draw();
        const weighted = (v: number[]) => v.reduce((sum, x, i) => sum + weights[i]! * x, 0);
        const first = a.findIndex((x, i) => x !== b[i]);
        const lexLess = first >= 0 && a[first]! < b[first]!;
        expect(weighted(a) < weighted(b)).toBe(lexLess);
      }
    }
  });

  it("gives the last level a weight of 1 and each level above one more than all below can weigh", () => {
    expect(orderPreservingWeights([300, 1800])).toEqual([1801, 1]);
    expect(orderPreservingWeights([5, 2, 3])).toEqual([1 + 4 * 2 + 1 * 3, 1 + 1 * 3, 1]);
  });
});

describe("the aggregated model's wish levels, solved as one weighted LP", () => {
  it("bounds both wish levels tightly enough to prove them on nearly every instance", () => {
    // Level 4's bound comes from the weighted LP's less level 3 at its bound: a loose derivation
    // would leave level 3 or 4 unproven on most instances.
    const proven = cases.filter(
      ({ aggregated }) => aggregated.levels[2]!.proven && aggregated.levels[3]!.proven,
    );
    expect(proven.length).toBeGreaterThanOrEqual(SEEDS.length - 2);
  });
});
