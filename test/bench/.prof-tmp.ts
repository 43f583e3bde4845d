import { generateInstance, solvePlacements } from "/work/wt-matching/functions/core/matching/index.js";
import { WorkerLinearSolver, monotonicSeconds } from "/work/wt-matching/functions/adapters/highs-solver.js";
const inner = new WorkerLinearSolver();
const log: string[] = [];
const solver = { async solve(r: any) { const t = performance.now(); const a = await inner.solve(r); log.push(`${r.kind} cols=${r.model.numCols} rows=${r.model.numRows} ${(performance.now()-t).toFixed(0)}ms run=${(a.runSeconds*1000).toFixed(0)} status=${a.status}`); return a; } };
(globalThis as any).__lvl = (k: number) => log.push("level " + k);
(globalThis as any).__ipm = process.env.IPM === "1";
const n = Number(process.argv[2] ?? 30);
await solvePlacements(generateInstance({ participants: 30, seed: 99 }), {clock: monotonicSeconds}, solver);
log.length = 0;
for (const tight of [false, true]) {
  const p = generateInstance({ participants: n, seed: 2027 + n, tight });
  const t = performance.now();
  const r = await solvePlacements(p, { timeLimitSeconds: 60, clock: monotonicSeconds }, solver);
  console.log(n, tight, ((performance.now() - t)/1000).toFixed(2), r.levels.map(l => `${l.key}=${l.value}${l.proven?"✓":"("+l.bound+")"}`).join(" "));
  console.log(log.join("\n")); log.length = 0;
}
await inner.close();
