import { afterAll, describe, expect, it } from "vitest";
import { WorkerLinearSolver } from "../../functions/adapters/highs-solver.js";
import {
  checkHardRules,
  describeChange,
  generateInstance,
  greedyPlacements,
  type LinearSolver,
  levelGap,
  type MatchingProblem,
  type Participant,
  type Placement,
  placementChanges,
  type SolveRequest,
  type Structure,
  solvePlacements,
  summarize,
  type Tutor,
} from "../../functions/core/matching/index.js";

const solver = new WorkerLinearSolver();
afterAll(() => solver.close());
const solve = (problem: MatchingProblem) => solvePlacements(problem, { timeLimitSeconds: 20 }, solver);
/** For the tests whose outcome must not depend on a time limit reached on a busy machine. */
const solveUnhurried = (problem: MatchingProblem) =>
  solvePlacements(problem, { timeLimitSeconds: 90 }, solver);

const structure = (
  name: string,
  type: string,
  organisme: string,
  extra: Partial<Structure> = {},
): Structure => ({
  name,
  type,
  organisme,
  situations: ["Accueil physique", "Accueil téléphonique"],
  stepFree: true,
  ...extra,
});
const tutor = (id: string, structureName: string, extra: Partial<Tutor> = {}): Tutor => ({
  id,
  structure: structureName,
  situation: "Accueil physique",
  slots: "all",
  capacity: 2,
  declined: false,
  ...extra,
});
const participant = (id: string, wishes: string[], extra: Partial<Participant> = {}): Participant => ({
  id,
  organisme: "Préfecture d'Ille-et-Vilaine",
  public: "Fonctionnaire d'État",
  wishes,
  needsStepFree: false,
  order: 0,
  ...extra,
});

/** Three structures of different types, two tutors each (one per situation). */
function small(participants: Participant[], overrides: Partial<MatchingProblem> = {}): MatchingProblem {
  const structures = [
    structure("CAF Rennes", "CAF", "CAF d'Ille-et-Vilaine"),
    structure("Urgences CHU", "Urgences", "CHU de Rennes", { stepFree: false }),
    structure("CCAS Rennes", "CCAS", "Ville de Rennes"),
  ];
  const tutors = structures.flatMap((s, i) => [
    tutor(`t${i}a@example.fr`, s.name),
    tutor(`t${i}b@example.fr`, s.name, { situation: "Accueil téléphonique" }),
  ]);
  return { participants, structures, tutors, slots: ["Matin", "Après-midi"], ...overrides };
}

function expectValid(problem: MatchingProblem, placements: readonly Placement[]) {
  expect(checkHardRules(problem, placements)).toEqual([]);
}

describe("solvePlacements", () => {
  it("gives everyone their first two wishes when capacity allows, with the wish as the motif", async () => {
    const problem = small([
      participant("a@x.fr", ["CAF", "Urgences"]),
      participant("b@x.fr", ["Urgences", "CCAS"]),
    ]);
    const result = await solve(problem);
    expectValid(problem, result.placements);
    expect(result.optimal).toBe(true);
    expect(result.gap).toBe(0);
    expect(result.unplaced).toEqual([]);
    const motifs = result.placements.map((p) => `${p.participant} ${p.motif}`).sort();
    expect(motifs).toEqual(["a@x.fr Vœu 1", "a@x.fr Vœu 2", "b@x.fr Vœu 1", "b@x.fr Vœu 2"]);
  });

  it("never places someone at a structure of their own employer, even when it is their first wish", async () => {
    const problem = small([participant("a@x.fr", ["CAF"], { organisme: "CAF d'Ille-et-Vilaine" })]);
    const result = await solve(problem);
    expectValid(problem, result.placements);
    expect(result.placements.map((p) => p.structure)).not.toContain("CAF Rennes");
    expect(result.placements[0]!.motif).toBe(
      "hors vœux — Vœu 1 « CAF » : conflit d'intérêts (structure de son organisme)",
    );
  });

  it("places a participant who needs step-free access only where there is step-free access", async () => {
    const problem = small([participant("a@x.fr", ["Urgences"], { needsStepFree: true })]);
    const result = await solve(problem);
    expectValid(problem, result.placements);
    expect(result.placements.map((p) => p.structure)).not.toContain("Urgences CHU");
  });

  it("sends the two slots to different structures, types and situations", async () => {
    const problem = small([participant("a@x.fr", ["CAF"])]);
    const result = await solve(problem);
    expectValid(problem, result.placements);
    const [morning, afternoon] = result.placements;
    expect(morning!.structure).not.toBe(afternoon!.structure);
    expect(morning!.situation).not.toBe(afternoon!.situation);
  });

  it("names a tutor who covers the slot and spreads participants over the tutors of a situation", async () => {
    const structures = [structure("CAF Rennes", "CAF", "CAF 35", { situations: ["Accueil physique"] })];
    const tutors = [
      tutor("matin@x.fr", "CAF Rennes", { slots: ["Matin"], capacity: 3 }),
      tutor("tous1@x.fr", "CAF Rennes", { capacity: 3 }),
      tutor("tous2@x.fr", "CAF Rennes", { capacity: 3 }),
    ];
    const participants = ["a", "b", "c"].map((id) => participant(`${id}@x.fr`, ["CAF"]));
    const problem: MatchingProblem = { participants, structures, tutors, slots: ["Matin"] };
    const result = await solve(problem);
    expectValid(problem, result.placements);
    expect(new Set(result.placements.map((p) => p.tutor)).size).toBe(3);
  });

  it("leaves someone unplaced with a French reason when no seat is left, instead of failing", async () => {
    const structures = [structure("CAF Rennes", "CAF", "CAF 35")];
    const tutors = [tutor("t@x.fr", "CAF Rennes", { capacity: 1 })];
    const problem: MatchingProblem = {
      participants: [
        participant("a@x.fr", ["CAF"]),
        participant("b@x.fr", ["CAF"], { organisme: "Ouest-France" }),
      ],
      structures,
      tutors,
      slots: ["Matin"],
    };
    const result = await solve(problem);
    expectValid(problem, result.placements);
    expect(result.placements).toHaveLength(1);
    expect(result.unplaced).toHaveLength(1);
    expect(result.unplaced[0]!.reason).toContain("Plus de place sur le créneau « Matin »");
  });

  it("explains a conflict of interest when the only structure belongs to the participant's employer", async () => {
    const structures = [structure("CAF Rennes", "CAF", "CAF 35")];
    const problem: MatchingProblem = {
      participants: [participant("a@x.fr", ["CAF"], { organisme: "caf 35" })],
      structures,
      tutors: [tutor("t@x.fr", "CAF Rennes")],
      slots: ["Matin"],
    };
    const result = await solve(problem);
    expect(result.unplaced[0]!.reason).toContain("conflit d'intérêts");
  });

  it("keeps locked rows exactly as they are and builds around them", async () => {
    const locked: Placement = {
      participant: "a@x.fr",
      slot: "Matin",
      structure: "CCAS Rennes",
      situation: "Accueil physique",
      tutor: "t2a@example.fr",
    };
    const problem = small([participant("a@x.fr", ["CCAS", "CAF"]), participant("b@x.fr", ["CCAS"])], {
      locked: [locked],
    });
    const result = await solve(problem);
    expectValid(problem, result.placements);
    expect(result.placements).toContainEqual({ ...locked, motif: "verrouillé", locked: true });
    const afternoon = result.placements.find((p) => p.participant === "a@x.fr" && p.slot === "Après-midi");
    expect(afternoon?.structure).not.toBe("CCAS Rennes");
  });

  it("separates two participants of the same organisme when an equally good choice exists", async () => {
    const structures = [
      structure("CAF Nord", "CAF", "CAF 35", { situations: ["Accueil physique"] }),
      structure("CAF Sud", "CAF", "CAF 35", { situations: ["Accueil physique"] }),
    ];
    const tutors = [tutor("n@x.fr", "CAF Nord"), tutor("s@x.fr", "CAF Sud")];
    const problem: MatchingProblem = {
      participants: [participant("a@x.fr", ["CAF"]), participant("b@x.fr", ["CAF"])],
      structures,
      tutors,
      slots: ["Matin"],
    };
    const result = await solve(problem);
    expect(new Set(result.placements.map((p) => p.structure)).size).toBe(2);
  });

  it("gives the same placements for the same workbook, whatever the order of its rows", async () => {
    const problem = generateInstance({ participants: 40, seed: 7 });
    const shuffled: MatchingProblem = {
      ...problem,
      participants: [...problem.participants].reverse(),
      tutors: [...problem.tutors].reverse(),
      structures: [...problem.structures].reverse(),
    };
    const [a, b] = [await solveUnhurried(problem), await solveUnhurried(shuffled)];
    expect(b.placements).toEqual(a.placements);
    expect(b.objective).toBe(a.objective);
  }, 400_000);

  it("proves the optimum on generated instances, respects every hard rule and beats the greedy baseline", async () => {
    for (const [seed, tight] of [
      [1, false],
      [2, true],
    ] as const) {
      const problem = generateInstance({ participants: 30, seed, tight });
      const result = await solve(problem);
      const greedy = greedyPlacements(problem);
      expectValid(problem, result.placements);
      expectValid(problem, greedy.placements);
      expect(result.optimal).toBe(true);
      // Lexicographically at least as good as greedy: compare level by level, in order.
      const first = result.levels.findIndex((level, i) => level.value !== greedy.levels[i]!.value);
      if (first >= 0) {
        const level = result.levels[first]!;
        const other = greedy.levels[first]!.value;
        expect(level.sense === "min" ? level.value < other : level.value > other).toBe(true);
      }
      expect(result.unplaced.length).toBeLessThanOrEqual(greedy.unplaced.length);
      const placedOrUnplaced = result.placements.length + result.unplaced.length;
      expect(placedOrUnplaced).toBe(problem.participants.length * problem.slots.length);
      const summary = summarize(problem, result);
      expect(summary.byRank.reduce((a, b) => a + b, 0)).toBe(result.placements.length);
    }
  });

  it("proves every level of a fractional relaxation with a MIP over the LP's support and the incumbent", async () => {
    // The benchmark's 30-participant instance: its LP relaxations are fractional, but reach the optimum.
    const problem = generateInstance({ participants: 30, seed: 2057 });
    const requests: SolveRequest[] = [];
    const recording: LinearSolver = {
      solve(request) {
        requests.push(request);
        return solver.solve(request);
      },
    };
    const result = await solvePlacements(problem, { timeLimitSeconds: 20 }, recording);
    expectValid(problem, result.placements);
    expect(result.optimal).toBe(true);
    expect(result.gap).toBe(0);
    const mips = requests.filter((request) => request.kind === "mip");
    expect(mips.length).toBeGreaterThan(0);
    const free = mips.map(({ model }) => {
      let count = 0;
      for (let col = 0; col < model.numCols; col++) {
        if (model.integrality[col] === 1 && model.colLower[col]! < model.colUpper[col]!) count++;
      }
      return count / model.numCols;
    });
    // At least half the groups of levels are settled by the small MIP; the full one runs only when
    // it misses the LP bound.
    expect(free.filter((share) => share < 0.25).length).toBeGreaterThanOrEqual(free.length / 2);
  });

  it("solves a large instance through the aggregated model in the order of the levels, close to their bounds, better than greedy", async () => {
    const problem = generateInstance({ participants: 1500, seed: 11, tight: true });
    const result = await solve(problem);
    const greedy = greedyPlacements(problem);
    expectValid(problem, result.placements);
    expect(result.stats.solverStatus).toMatch(/^aggregated/);
    expect(result.unplaced).toEqual([]);
    // The levels in order: the wish levels within 0.5 % of their bound (the aggregated LP's, the
    // levels above held), and better than greedy on both.
    const level = (r: typeof result, key: string) => r.levels.find((l) => l.key === key)!;
    for (const key of ["unplaced", "moved", "wishMet", "wishPoints"]) {
      expect(levelGap(level(result, key))).toBeLessThanOrEqual(0.005);
    }
    expect(level(result, "wishMet").value).toBeGreaterThan(level(greedy, "wishMet").value);
    expect(level(result, "wishPoints").value).toBeGreaterThan(level(greedy, "wishPoints").value);
    expect(level(result, "sameType").value).toBeLessThan(level(greedy, "sameType").value);
    const met = (r: typeof result) => {
      const [first, second, third] = summarize(problem, r).byRank;
      return first + second + third;
    };
    expect(met(result)).toBeGreaterThan(met(greedy));
    const again = await solve({ ...problem, participants: [...problem.participants].reverse() });
    expect(again.placements).toEqual(result.placements);
    // Two solves of up to 20 s each.
  }, 120_000);

  it("keeps almost everyone else in place when a tutor declines on a large instance", async () => {
    const problem = generateInstance({ participants: 3000, seed: 5027, tight: true });
    const first = await solveUnhurried(problem);
    const load = new Map<string, number>();
    for (const p of first.placements) load.set(p.tutor, (load.get(p.tutor) ?? 0) + 1);
    const declined = [...load].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    const affected = new Set(first.placements.filter((p) => p.tutor === declined).map((p) => p.participant));
    const again: MatchingProblem = {
      ...problem,
      tutors: problem.tutors.map((t) => (t.id === declined ? { ...t, declined: true } : t)),
      previous: first.placements,
    };
    const second = await solveUnhurried(again);
    expectValid(again, second.placements);
    expect(second.stats.solverStatus).toMatch(/^aggregated/);
    expect(second.unplaced).toEqual([]);
    const before = new Map(first.placements.map((p) => [`${p.participant}|${p.slot}`, p]));
    const moved = new Set(
      second.placements
        .filter((p) => {
          const old = before.get(`${p.participant}|${p.slot}`)!;
          return (
            !affected.has(p.participant) && (old.structure !== p.structure || old.situation !== p.situation)
          );
        })
        .map((p) => p.participant),
    );
    expect(moved.size).toBeLessThan(affected.size);
    // Two solves of up to 90 s each.
  }, 400_000);

  it("re-places the participants of a tutor who declines and moves as few others as possible", async () => {
    const problem = generateInstance({ participants: 40, seed: 3 });
    const first = await solve(problem);
    const declined = first.placements[0]!.tutor;
    const affected = new Set(first.placements.filter((p) => p.tutor === declined).map((p) => p.participant));
    const locked = first.placements.filter((p) => !affected.has(p.participant)).slice(0, 3);
    const again: MatchingProblem = {
      ...problem,
      tutors: problem.tutors.map((t) => (t.id === declined ? { ...t, declined: true } : t)),
      previous: first.placements,
      locked,
    };
    const second = await solve(again);
    expectValid(again, second.placements);
    expect(second.placements.some((p) => p.tutor === declined)).toBe(false);
    const before = new Map(first.placements.map((p) => [`${p.participant}|${p.slot}`, p]));
    const moved = second.placements.filter((p) => {
      const old = before.get(`${p.participant}|${p.slot}`)!;
      return !affected.has(p.participant) && (old.structure !== p.structure || old.situation !== p.situation);
    });
    expect(moved.length).toBeLessThanOrEqual(affected.size);
    for (const row of locked)
      expect(second.placements).toContainEqual({ ...row, motif: "verrouillé", locked: true });
  });
});

describe("Motif", () => {
  it("says, for each wish not met, the rule that prevented it: capacity, step-free access, already met", async () => {
    const structures = [
      structure("Urgences CHU", "Urgences", "CHU", { stepFree: false, situations: ["Accueil physique"] }),
      structure("CAF Rennes", "CAF", "CAF 35", { situations: ["Accueil physique"] }),
      structure("CCAS Rennes", "CCAS", "Ville", { situations: ["Accueil physique"] }),
      structure("CHRS Brest", "CHRS", "Coallia", { situations: ["Accueil physique"] }),
    ];
    const tutors = [
      tutor("u@x.fr", "Urgences CHU"),
      tutor("caf@x.fr", "CAF Rennes", { capacity: 1 }),
      tutor("ccas@x.fr", "CCAS Rennes", { capacity: 1, slots: ["Matin"] }),
      tutor("chrs@x.fr", "CHRS Brest", { capacity: 3 }),
    ];
    const problem: MatchingProblem = {
      participants: [
        participant("first@x.fr", ["CAF", "CCAS"], { order: 0 }),
        participant("second@x.fr", ["CAF", "CCAS"], { order: 1 }),
        participant("pmr@x.fr", ["Urgences", "CCAS"], { needsStepFree: true, order: 2 }),
      ],
      structures,
      tutors,
      slots: ["Matin", "Après-midi"],
    };
    const result = await solve(problem);
    expectValid(problem, result.placements);
    const motifs = result.placements.filter((p) => !p.motif.startsWith("Vœu")).map((p) => p.motif);
    // Two seats at the CAF and one at the CCAS (morning only) for three participants wishing them;
    // the Urgences without step-free access for the one who needs it.
    for (const motif of motifs) expect(motif).toMatch(/^hors vœux — Vœu 1 « (CAF|Urgences) » : /);
    const all = motifs.join("\n");
    expect(all).toContain("complet sur ce créneau");
    expect(all).toContain("Vœu 1 « Urgences » : pas d'accès de plain-pied (PMR)");
    expect(all).toMatch(/déjà exaucé sur le créneau « (Matin|Après-midi) »/);
  });
});

describe("placementChanges", () => {
  it("lists every moved participant, old and new placement, and why, after a tutor declines", async () => {
    const problem = generateInstance({ participants: 30, seed: 4 });
    const first = await solve(problem);
    const declined = first.placements[0]!.tutor;
    const again: MatchingProblem = {
      ...problem,
      tutors: problem.tutors.map((t) => (t.id === declined ? { ...t, declined: true } : t)),
      previous: first.placements,
    };
    const second = await solve(again);
    const changes = placementChanges(again, second);
    const hosted = first.placements.filter((p) => p.tutor === declined);
    expect(hosted.length).toBeGreaterThan(0);
    for (const placement of hosted) {
      const change = changes.find(
        (c) => c.participant === placement.participant && c.slot === placement.slot,
      );
      expect(change).toMatchObject({ forced: true, reason: "son tuteur s'est désisté" });
    }
    const key = (p: { participant: string; slot: string }) => `${p.participant}|${p.slot}`;
    const after = new Map(second.placements.map((p) => [key(p), p]));
    for (const before of first.placements) {
      const now = after.get(key(before));
      const changed =
        !now ||
        now.structure !== before.structure ||
        now.situation !== before.situation ||
        now.tutor !== before.tutor;
      expect(changes.some((c) => key(c) === key(before))).toBe(changed);
    }
    // Level 2 counts only the unforced moves.
    const unforced = new Set(
      changes.filter((c) => !c.forced && c.after?.structure !== c.before.structure).map((c) => c.participant),
    );
    expect(second.levels[1]!.value).toBeGreaterThanOrEqual(0);
    expect(unforced.size).toBeLessThanOrEqual(second.levels[1]!.value);
    const line = describeChange(changes[0]!);
    expect(line).toMatch(/^(Matin|Après-midi) : .+ \(.+\) → .+, .+$/);
  });
});

describe("greedyPlacements", () => {
  it("serves participants in registration order, first come first served", () => {
    const structures = [structure("CAF Rennes", "CAF", "CAF 35")];
    const problem: MatchingProblem = {
      participants: [
        participant("late@x.fr", ["CAF"], { order: 2 }),
        participant("early@x.fr", ["CAF"], { order: 1, organisme: "Ouest-France" }),
      ],
      structures,
      tutors: [tutor("t@x.fr", "CAF Rennes", { capacity: 1 })],
      slots: ["Matin"],
    };
    const result = greedyPlacements(problem);
    expect(result.placements.map((p) => p.participant)).toEqual(["early@x.fr"]);
    expect(result.unplaced.map((u) => u.participant)).toEqual(["late@x.fr"]);
  });
});

describe("checkHardRules", () => {
  const problem = small([
    participant("a@x.fr", ["CAF"], { organisme: "CAF d'Ille-et-Vilaine" }),
    participant("pmr@x.fr", ["Urgences"], { needsStepFree: true }),
  ]);
  const at = (over: Partial<Placement>): Placement => ({
    participant: "pmr@x.fr",
    slot: "Matin",
    structure: "CCAS Rennes",
    situation: "Accueil physique",
    tutor: "t2a@example.fr",
    ...over,
  });

  it.each([
    [
      "conflict-of-interest",
      [at({ participant: "a@x.fr", structure: "CAF Rennes", tutor: "t0a@example.fr" })],
    ],
    ["step-free", [at({ structure: "Urgences CHU", tutor: "t1a@example.fr" })]],
    ["one-per-slot", [at({}), at({ situation: "Accueil téléphonique", tutor: "t2b@example.fr" })]],
    [
      "same-structure-twice",
      [at({}), at({ slot: "Après-midi", situation: "Accueil téléphonique", tutor: "t2b@example.fr" })],
    ],
    ["tutor-situation", [at({ situation: "Accueil téléphonique" })]],
    ["tutor-structure", [at({ structure: "CAF Rennes" })]],
    ["unknown-reference", [at({ tutor: "nobody@example.fr" })]],
    [
      "tutor-capacity",
      [at({}), at({ participant: "a@x.fr" }), at({ participant: "c@x.fr" })].map((p) => ({ ...p })),
    ],
  ] as const)("reports %s", (rule, placements) => {
    const rules = checkHardRules(problem, placements).map((v) => v.rule);
    expect(rules).toContain(rule);
  });

  it("reports a tutor outside their slots, a declined tutor and a changed locked row", () => {
    const row = at({});
    const changed: MatchingProblem = {
      ...problem,
      tutors: problem.tutors.map((t) =>
        t.id === "t2a@example.fr" ? { ...t, slots: ["Après-midi"], declined: true } : t,
      ),
      locked: [{ ...row, slot: "Après-midi" }],
    };
    const rules = checkHardRules(changed, [row]).map((v) => v.rule);
    expect(rules).toEqual(expect.arrayContaining(["tutor-slot", "tutor-declined", "locked-changed"]));
  });

  it("finds nothing wrong in a valid placement", () => {
    expect(checkHardRules(problem, [at({})])).toEqual([]);
  });
});

describe("the HiGHS worker", () => {
  // min −x − y  subject to  x + 2y ≤ 4,  3x + y ≤ 6,  0 ≤ x, y: optimum x = 1.6, y = 1.2.
  const model = {
    numCols: 2,
    numRows: 2,
    colCost: Float64Array.from([-1, -1]),
    colLower: Float64Array.from([0, 0]),
    colUpper: Float64Array.from([Infinity, Infinity]),
    integrality: Int32Array.from([0, 0]),
    rowLower: Float64Array.from([-Infinity, -Infinity]),
    rowUpper: Float64Array.from([4, 6]),
    starts: Int32Array.from([0, 2, 4]),
    indices: Int32Array.from([0, 1, 0, 1]),
    values: Float64Array.from([1, 2, 3, 1]),
  };

  it("solves an LP by the interior point to the simplex's optimum, with the same row duals", async () => {
    const simplex = await solver.solve({ kind: "lp", model, timeLimitSeconds: 10, presolve: "on" });
    const ipm = await solver.solve({
      kind: "lp",
      model,
      timeLimitSeconds: 10,
      presolve: "on",
      method: "ipm",
    });
    expect(ipm.status).toBe(simplex.status);
    expect(ipm.objective).toBeCloseTo(-2.8, 6);
    expect([...ipm.colValue].map((v) => Number(v.toFixed(6)))).toEqual([1.6, 1.2]);
    expect([...ipm.rowDual].map((v) => Number(v.toFixed(6)))).toEqual(
      [...simplex.rowDual].map((v) => Number(v.toFixed(6))),
    );
    expect(simplex.rowDual.some((v) => Math.abs(v) > 0.1)).toBe(true);
  });
});
