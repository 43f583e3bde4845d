/**
 * `npm run deploy [-- --dry-run] [-- --config serverless.yml]`: reads `serverless.yml` and deploys
 * with gcloud: each Cloud Function (2nd gen), the invoker rights of the private ones, then each
 * workflow definition. `--dry-run` prints every command without running it.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { z } from "zod";

const memory = z.string().regex(/^\d+(Mi|Gi)$/, "une mémoire s'écrit 256Mi, 1Gi...");
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "nom de variable d'environnement");
const secretRef = z.string().regex(/^[a-zA-Z0-9_-]+:(latest|\d+)$/, "un secret s'écrit nom:version");

export const serverlessSchema = z.object({
  service: z.string().min(1),
  provider: z.object({
    project: z.string().min(1),
    region: z.string().min(1),
    runtime: z.literal("nodejs22"),
    source: z.string().min(1),
    serviceAccounts: z.object({ functions: z.string().min(1), workflows: z.string().min(1) }),
    environment: z.record(envName, z.string()).default({}),
    secrets: z.record(envName, secretRef).default({}),
  }),
  functions: z.record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/),
    z.object({
      entryPoint: z.string().min(1),
      public: z.boolean(),
      invokers: z.array(z.enum(["functions", "workflows"])).default([]),
      memory,
      cpu: z.number().positive().optional(),
      timeout: z.number().int().positive().max(3600),
      maxInstances: z.number().int().positive().optional(),
      environment: z.record(envName, z.string()).default({}),
      secrets: z.record(envName, secretRef).default({}),
    }),
  ),
  workflows: z.record(
    z.string().regex(/^[a-z][a-z0-9-]*$/),
    z.object({ definition: z.string().min(1), description: z.string().optional() }),
  ),
});
export type ServerlessConfig = z.infer<typeof serverlessSchema>;

/** Replaces `${env:NAME}` and `${env:NAME, default}` in every string; lists the variables missing. */
function substitute(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  missing: Set<string>,
): unknown {
  if (typeof value === "string") {
    return value.replace(
      /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?:,\s*([^}]*))?\}/g,
      (_m, name: string, fallback?: string) => {
        const found = env[name];
        if (found !== undefined && found !== "") return found;
        if (fallback !== undefined) return fallback.trim();
        missing.add(name);
        return "";
      },
    );
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, env, missing));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, env, missing)]));
  }
  return value;
}

/** Reads and checks the deployment description; the error says in French what is wrong. */
export function readServerless(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): ServerlessConfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (cause) {
    throw new Error("serverless.yml n'est pas un YAML valide", { cause });
  }
  const missing = new Set<string>();
  const substituted = substitute(raw, env, missing);
  if (missing.size > 0) {
    throw new Error(
      `Variables d'environnement manquantes pour serverless.yml : ${[...missing].sort().join(", ")}`,
    );
  }
  const parsed = serverlessSchema.safeParse(substituted);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(racine)"} : ${issue.message}`,
    );
    throw new Error(`serverless.yml invalide — ${problems.join(" ; ")}`);
  }
  return parsed.data;
}

/** `K=V,...`, switching gcloud's delimiter when a value holds a comma (gcloud topic escaping). */
function keyValues(entries: Record<string, string>): string {
  const pairs = Object.entries(entries)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);
  return pairs.some((p) => p.includes(",")) ? `^|^${pairs.join("|")}` : pairs.join(",");
}

/** Every gcloud command of a deployment, in order, as argument lists. */
export function deploymentCommands(config: ServerlessConfig): string[][] {
  const { provider } = config;
  const commands: string[][] = [];
  const accountOf = (role: "functions" | "workflows") => provider.serviceAccounts[role];
  for (const [name, fn] of Object.entries(config.functions)) {
    const environment = { ...provider.environment, ...fn.environment };
    const secrets = { ...provider.secrets, ...fn.secrets };
    commands.push([
      "gcloud",
      "functions",
      "deploy",
      name,
      "--gen2",
      `--project=${provider.project}`,
      `--region=${provider.region}`,
      `--runtime=${provider.runtime}`,
      `--source=${provider.source}`,
      `--entry-point=${fn.entryPoint}`,
      "--trigger-http",
      fn.public ? "--allow-unauthenticated" : "--no-allow-unauthenticated",
      `--service-account=${accountOf("functions")}`,
      `--memory=${fn.memory}`,
      ...(fn.cpu !== undefined ? [`--cpu=${fn.cpu}`] : []),
      `--timeout=${fn.timeout}s`,
      ...(fn.maxInstances !== undefined ? [`--max-instances=${fn.maxInstances}`] : []),
      ...(Object.keys(environment).length > 0 ? [`--set-env-vars=${keyValues(environment)}`] : []),
      ...(Object.keys(secrets).length > 0 ? [`--set-secrets=${keyValues(secrets)}`] : []),
      "--quiet",
    ]);
    for (const invoker of fn.invokers) {
      commands.push([
        "gcloud",
        "functions",
        "add-invoker-policy-binding",
        name,
        `--project=${provider.project}`,
        `--region=${provider.region}`,
        `--member=serviceAccount:${accountOf(invoker)}`,
      ]);
    }
  }
  for (const [name, workflow] of Object.entries(config.workflows)) {
    commands.push([
      "gcloud",
      "workflows",
      "deploy",
      name,
      `--project=${provider.project}`,
      `--location=${provider.region}`,
      `--source=${workflow.definition}`,
      `--service-account=${accountOf("workflows")}`,
      ...(workflow.description ? [`--description=${workflow.description}`] : []),
    ]);
  }
  return commands;
}

/** Quotes an argument for a POSIX shell when it needs it, so a printed command can be pasted. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface DeployIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly out: (line: string) => void;
  /** Runs one command; answers its exit status. */
  readonly run: (command: readonly string[], cwd: string) => number;
}

/** Answers the exit status of the deploy command. */
export function deploy(argv: readonly string[], io: DeployIo): number {
  const dryRun = argv.includes("--dry-run");
  const configIndex = argv.indexOf("--config");
  const configPath = resolve(io.cwd, configIndex >= 0 ? (argv[configIndex + 1] ?? "") : "serverless.yml");
  let commands: string[][];
  try {
    commands = deploymentCommands(readServerless(readFileSync(configPath, "utf8"), io.env));
  } catch (error) {
    io.out(`Déploiement impossible : ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  if (dryRun) io.out(`# ${commands.length} commandes (--dry-run : rien n'est exécuté)`);
  for (const [i, command] of commands.entries()) {
    const printed = command.map(shellQuote).join(" ");
    if (dryRun) {
      io.out(printed);
      continue;
    }
    io.out(`[${i + 1}/${commands.length}] ${printed}`);
    const status = io.run(command, io.cwd);
    if (status !== 0) {
      io.out(`Échec de la commande ${i + 1} (code ${status}) : déploiement arrêté.`);
      return status;
    }
  }
  if (!dryRun) io.out("Déploiement terminé.");
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = deploy(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    out: (line) => console.log(line),
    run: (command, cwd) => {
      const [program, ...args] = command;
      const result = spawnSync(program!, args, { cwd, stdio: "inherit" });
      return result.status ?? 1;
    },
  });
}
