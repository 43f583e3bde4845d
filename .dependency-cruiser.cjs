// Dependency rules of the functions (npm run check:deps). Type-only imports are not counted: they
// vanish at compilation (tsPreCompilationDeps: false).
const { readFileSync } = require("node:fs");

const manifest = JSON.parse(readFileSync(`${__dirname}/package.json`, "utf8"));
const escapeRegExp = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
/** Packages installed for development only: the deployed functions must never load them. */
const devPackages = Object.keys(manifest.devDependencies ?? {})
  .map(escapeRegExp)
  .join("|");

/** Node modules that reach the outside world (files, network, processes, threads, clock of the host). */
const nodeIo = [
  "fs",
  "fs/promises",
  "net",
  "http",
  "https",
  "http2",
  "tls",
  "dgram",
  "dns",
  "child_process",
  "worker_threads",
  "cluster",
  "os",
  "process",
  "readline",
  "timers",
  "timers/promises",
  "perf_hooks",
  "module",
];
const nodeIoPath = `^(node:)?(${nodeIo.map(escapeRegExp).join("|")})$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment:
        "functions/core is pure: it imports no adapter, use case, entry point, command line or local mode.",
      severity: "error",
      from: { path: "^functions/core/" },
      to: { path: "^functions/(adapters|app|local|cli|tools)/|^functions/[^/]+\\.ts$|^workflows/" },
    },
    {
      name: "core-does-no-io",
      comment:
        "functions/core reads no file, opens no socket, starts no process or thread (the solver's worker is an adapter, behind the LinearSolver port).",
      severity: "error",
      from: { path: "^functions/core/" },
      to: { dependencyTypes: ["core"], path: nodeIoPath },
    },
    {
      name: "adapters-do-not-use-the-app",
      comment:
        "Adapters speak the vendor's words and know nothing of use cases, entry points or tooling; they implement the ports and translate failures into the product's errors (ports.ts, errors.ts).",
      severity: "error",
      from: { path: "^functions/adapters/" },
      to: { path: "^functions/(app|local|cli|tools)/|^functions/(?!(ports|errors)\\.ts$)[^/]+\\.ts$" },
    },
    {
      name: "app-does-not-use-entry-points-or-tooling",
      severity: "error",
      from: { path: "^functions/app/" },
      to: { path: "^functions/(local|cli|tools)/" },
    },
    {
      name: "functions-load-no-development-package",
      comment:
        "What functions/index.ts reaches is what the deployed functions load: only `dependencies`, never a development package (exceljs, yaml, tsx...).",
      severity: "error",
      from: { path: "^functions/index\\.ts$" },
      to: { path: `(^|/)node_modules/(${devPackages})/`, reachable: true },
    },
    {
      name: "no-circular",
      severity: "warn",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
