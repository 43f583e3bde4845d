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

/**
 * The folders of functions/core, lowest first. A folder may import from the layers below its own,
 * never from its own layer's other folders or from a layer above: every dependency points one way
 * (docs/ARCHITECTURE.md, "Layout of the core").
 */
const coreLayers = [
  ["settings"],
  ["text"],
  ["sheet"],
  ["seats", "ledger", "security"],
  ["checks"],
  ["matching", "cycle", "inversee"],
  ["event"],
  ["schedule", "documents", "replies"],
  ["feedback"],
  ["messages"],
];
const coreLayerRules = coreLayers
  .flatMap((layer, rank) =>
    layer.map((folder) => {
      const above = [...coreLayers.slice(rank + 1).flat(), ...layer.filter((other) => other !== folder)];
      return {
        name: `core-${folder}-points-down`,
        comment: `functions/core/${folder} imports only from the layers below it: ${
          coreLayers.slice(0, rank).flat().join(", ") || "none"
        }.`,
        severity: "error",
        from: { path: `^functions/core/${folder}/` },
        to: { path: `^functions/core/(${above.join("|")})/` },
      };
    }),
  )
  .filter((rule) => !rule.to.path.endsWith("()/"));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...coreLayerRules,
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
      severity: "error",
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
