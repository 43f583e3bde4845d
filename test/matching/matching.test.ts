import { afterAll, describe, expect, it } from "vitest";
import type { SolveRequest } from "../../functions/core/matching/highs-runner.js";
import {
  checkHardRules,
  generateInstance,
  greedyPlacements,
  type LinearSolver,
  type MatchingProblem,
  type Participant,
  type Placement,
  type Structure,
  solvePlacements,
  summarize,
  type Tutor,
  WorkerLinearSolver,
} from "../../functions/core/matching/index.js";

const solver = new WorkerLinearSolver();
afterAll(() => solver.close());
const solve = (problem: MatchingProblem) => solvePlacements(problem, { timeLimitSeconds: 20 }, solver);

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
    expect(result.placements[0]!.motif).toBe("hors vœux (aucun vœu possible)");
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
    const [a, b] = [await solve(problem), await solve(shuffled)];
    expect(b.placements).toEqual(a.placements);
    expect(b.objective).toBe(a.objective);
  });

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
      expect(result.objective).toBeLessThanOrEqual(greedy.objective);
      expect(result.unplaced.length).toBeLessThanOrEqual(greedy.unplaced.length);
      const placedOrUnplaced = result.placements.length + result.unplaced.length;
      expect(placedOrUnplaced).toBe(problem.participants.length * problem.slots.length);
      const summary = summarize(problem, result);
      expect(summary.byRank.reduce((a, b) => a + b, 0)).toBe(result.placements.length);
    }
  });

  it("proves the optimum of a fractional relaxation with a MIP over its fractional variables alone", async () => {
    // The benchmark's 30-participant instance: its LP relaxation is fractional, but reaches the optimum.
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
    for (const { model } of mips) {
      let free = 0;
      for (let col = 0; col < model.numCols; col++) {
        if (model.integrality[col] === 1 && model.colLower[col]! < model.colUpper[col]!) free++;
      }
      expect(free).toBeLessThan(model.numCols / 10);
    }
  });

  it("solves a large instance through the aggregated model close to its bound, better than greedy", async () => {
    const problem = generateInstance({ participants: 1500, seed: 11, tight: true });
    const result = await solve(problem);
    const greedy = greedyPlacements(problem);
    expectValid(problem, result.placements);
    expect(result.stats.solverStatus).toMatch(/^aggregated/);
    expect(result.unplaced).toEqual([]);
    expect(result.gap).toBeLessThan(0.05);
    expect(result.objective).toBeLessThan(greedy.objective);
    const met = (r: typeof result) => {
      const [first, second, third] = summarize(problem, r).byRank;
      return first + second + third;
    };
    expect(met(result)).toBeGreaterThan(met(greedy));
    const again = await solve({ ...problem, participants: [...problem.participants].reverse() });
    expect(again.placements).toEqual(result.placements);
  });

  it("keeps almost everyone else in place when a tutor declines on a large instance", async () => {
    const problem = generateInstance({ participants: 3000, seed: 5027, tight: true });
    const first = await solve(problem);
    const load = new Map<string, number>();
    for (const p of first.placements) load.set(p.tutor, (load.get(p.tutor) ?? 0) + 1);
    const declined = [...load].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    const affected = new Set(first.placements.filter((p) => p.tutor === declined).map((p) => p.participant));
    const again: MatchingProblem = {
      ...problem,
      tutors: problem.tutors.map((t) => (t.id === declined ? { ...t, declined: true } : t)),
      previous: first.placements,
    };
    const second = await solve(again);
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
  });

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
