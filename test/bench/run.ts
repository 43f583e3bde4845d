/** `npm run bench`: every benchmark, one after the other, printing its figures. */
const benches: [string, string][] = [
  ["./check.js", "benchCheck"],
  ["./sheets.js", "benchSheets"],
  ["./matching.js", "benchMatching"],
  ["./messages.js", "benchMessages"],
  ["./replies.js", "benchReplies"],
  ["./workflow.js", "benchWorkflow"],
];

const only = process.argv.slice(2);
for (const [path, name] of benches) {
  if (only.length > 0 && !only.some((word) => path.includes(word))) continue;
  const module = (await import(path)) as Record<string, () => Promise<void>>;
  const bench = module[name];
  if (!bench) throw new Error(`${path} does not export ${name}`);
  await bench();
}
