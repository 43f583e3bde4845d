/**
 * `npm run bench`: every benchmark, one after the other, printing its figures. Words choose the
 * benchmarks (`npm run bench -- workflow`); numbers the workflow's sizes (`npm run bench -- workflow 300`).
 */
const benches: [string, string][] = [
  ["./check.js", "benchCheck"],
  ["./sheets.js", "benchSheets"],
  ["./matching.js", "benchMatching"],
  ["./messages.js", "benchMessages"],
  ["./replies.js", "benchReplies"],
  ["./workflow.js", "benchWorkflow"],
];

const words = process.argv.slice(2);
const sizes = words.filter((word) => /^\d+$/.test(word));
if (sizes.length > 0) process.env.BENCH_WORKFLOW_SIZES = sizes.join(",");
const only = words.filter((word) => !sizes.includes(word));
for (const [path, name] of benches) {
  if (only.length > 0 && !only.some((word) => path.includes(word))) continue;
  const module = (await import(path)) as Record<string, () => Promise<void>>;
  const bench = module[name];
  if (!bench) throw new Error(`${path} does not export ${name}`);
  await bench();
}
