/**
 * Matching benchmark: generated instances (same seeds every run), the exact solver against the
 * greedy baseline, and a re-run after one tutor declines. Run alone with
 * `npx tsx test/bench/matching.ts`, or through `npm run bench`.
 */
import { pathToFileURL } from "node:url";
import { monotonicSeconds, sharedSolver } from "../../functions/adapters/highs-solver.js";
import {
  checkHardRules,
  generateInstance,
  greedyPlacements,
  type LevelKey,
  levelGap,
  type MatchingProblem,
  type MatchingResult,
  solvePlacements,
  summarize,
} from "../../functions/core/matching/index.js";

const CASES = [
  { participants: 30, tight: false },
  { participants: 30, tight: true },
  { participants: 300, tight: false },
  { participants: 300, tight: true },
  { participants: 3000, tight: false },
  { participants: 3000, tight: true },
  { participants: 10_000, tight: false },
  { participants: 10_000, tight: true },
] as const;
/** `npm run bench -- matching 300` runs the cases of that size alone. */
const ONLY = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 0);
const TIME_LIMIT_SECONDS = 60;

async function measure<T>(run: () => Promise<T> | T): Promise<{ value: T; seconds: number; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds: (performance.now() - started) / 1000, peakMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

function row(
  label: string,
  problem: MatchingProblem,
  result: MatchingResult,
  seconds: number,
  peakMb: number,
) {
  const summary = summarize(problem, result);
  const [first, second] = problem.slots.map((slot) => summary.firstWishShare[slot] ?? 0);
  const levels = Object.fromEntries(
    result.levels.map((level) => [
      SHORT[level.key],
      `${level.value}${level.proven ? " ✓" : ` (${level.bound}, ${(levelGap(level) * 100).toFixed(1)} %)`}`,
    ]),
  );
  return {
    cas: label,
    résolution: result.stats.solverStatus,
    s: seconds.toFixed(2),
    "RSS Mo": peakMb.toFixed(0),
    ...levels,
    "vœu 1 matin": `${((first ?? 0) * 100).toFixed(1)} %`,
    "vœu 1 a.-m.": `${((second ?? 0) * 100).toFixed(1)} %`,
    "aucun vœu": `${(summary.noWishShare * 100).toFixed(1)} %`,
    violations: checkHardRules(problem, result.placements).length,
  };
}

const SHORT: Record<LevelKey, string> = {
  unplaced: "1 non placés",
  moved: "2 déplacés",
  wishMet: "3 ≥1 vœu",
  wishPoints: "4 points",
  sameType: "5a type ×2",
  sameSituation: "5b situation ×2",
  sameOrganisme: "6a paires org.",
  publicSpread: "6b public >2",
  tutorLoad: "7 charge",
};

export async function benchMatching(): Promise<void> {
  const solver = sharedSolver();
  // The first solve of a process compiles and warms HiGHS's WebAssembly: measured apart, on an
  // instance of its own, so that the table shows what a warm function instance takes.
  const first = await measure(() =>
    solvePlacements(generateInstance({ participants: 30, seed: 99 }), { clock: monotonicSeconds }, solver),
  );
  console.log(
    `Première résolution du processus (chargement et mise en route de HiGHS, 30 participants) : ${first.seconds.toFixed(2)} s`,
  );
  const table: Record<string, unknown>[] = [];
  const moves: Record<string, unknown>[] = [];
  for (const { participants, tight } of CASES.filter((c) => ONLY === 0 || c.participants === ONLY)) {
    const label = `${participants}${tight ? " serré" : ""}`;
    const problem = generateInstance({ participants, seed: 2027 + participants, tight });
    const solved = await measure(() =>
      solvePlacements(problem, { timeLimitSeconds: TIME_LIMIT_SECONDS, clock: monotonicSeconds }, solver),
    );
    table.push(row(`${label} solveur`, problem, solved.value, solved.seconds, solved.peakMb));
    const greedy = await measure(() => greedyPlacements(problem));
    table.push(row(`${label} glouton`, problem, greedy.value, greedy.seconds, greedy.peakMb));

    // One tutor declines: the busiest one.
    const load = new Map<string, number>();
    for (const p of solved.value.placements) load.set(p.tutor, (load.get(p.tutor) ?? 0) + 1);
    const declined = [...load].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    const affected = new Set(
      solved.value.placements.filter((p) => p.tutor === declined).map((p) => p.participant),
    );
    const again: MatchingProblem = {
      ...problem,
      tutors: problem.tutors.map((t) => (t.id === declined ? { ...t, declined: true } : t)),
      previous: solved.value.placements,
    };
    const rerun = await measure(() =>
      solvePlacements(again, { timeLimitSeconds: TIME_LIMIT_SECONDS, clock: monotonicSeconds }, solver),
    );
    const before = new Map(solved.value.placements.map((p) => [`${p.participant}|${p.slot}`, p]));
    const movedOthers = new Set(
      rerun.value.placements
        .filter((p) => {
          const old = before.get(`${p.participant}|${p.slot}`);
          return (
            !affected.has(p.participant) &&
            (!old || old.structure !== p.structure || old.situation !== p.situation)
          );
        })
        .map((p) => p.participant),
    );
    moves.push({
      cas: label,
      "participants du tuteur": affected.size,
      "autres déplacés": movedOthers.size,
      "N2 (prouvé)": `${rerun.value.levels[1]?.value}${rerun.value.levels[1]?.proven ? " ✓" : ""}`,
      violations: checkHardRules(again, rerun.value.placements).length,
      "non placés": rerun.value.unplaced.length,
      "maintenus (autour du changement)": rerun.value.stats.held ?? "—",
      s: rerun.seconds.toFixed(2),
    });
  }
  console.log(
    "Affectation : solveur (HiGHS) et glouton (ordre d'inscription). Par niveau : valeur, ✓ si prouvée optimale, sinon (borne, écart).",
  );
  console.table(table);
  console.log("Après le désistement d'un tuteur (le plus chargé)");
  console.table(moves);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await benchMatching();
  await sharedSolver().close();
}
