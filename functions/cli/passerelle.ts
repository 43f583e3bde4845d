/**
 * The `passerelle` command line, for local use: the workbook is a `.xlsx` file.
 * Every message is in French. Exit status: 0 the command ran, 1 the file could not be read or
 * written or the action was refused, 2 the command line itself is wrong.
 */
import { existsSync } from "node:fs";
import { access } from "node:fs/promises";
import { extname } from "node:path";
import { parseArgs } from "node:util";
import { lockFiles } from "../local/durable-ledger.js";
import { Refusal, UsageError } from "./errors.js";

export interface CommandResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

interface Parsed {
  readonly path: string;
  readonly json: boolean;
  readonly force: boolean;
  readonly at?: string;
  readonly out?: string;
}

interface Command {
  readonly synopsis: string;
  readonly description: string;
  readonly options: readonly ("json" | "force" | "at" | "out")[];
  /** What the file is, in the error message when it cannot be read. */
  readonly file: "le classeur" | "le message";
  /** The positional argument names no file (a spreadsheet id): it is not looked for on disk. */
  readonly notAFile?: true;
  /**
   * The command writes into the workbook: it refuses while a spreadsheet program holds the file
   * open (its lock file beside it), since the program's next save would drop what was written.
   */
  readonly writes?: true;
  run(args: Parsed, now: Date, env: NodeJS.ProcessEnv): Promise<string>;
}

// Each command loads what it needs when it runs: `reply` starts without loading ExcelJS or HiGHS.
const COMMANDS: Readonly<Record<string, Command>> = {
  check: {
    synopsis: "check <classeur.xlsx> [--json]",
    writes: true,
    description: "vérifie les inscriptions et écrit les Statut dans le classeur",
    options: ["json"],
    file: "le classeur",
    run: async (args, now) => (await import("./check.js")).runCheck(args.path, args.json, now),
  },
  match: {
    synopsis: "match <classeur.xlsx> [--json]",
    writes: true,
    description:
      "affecte les participants (séminaire, immersion inversée) ou attribue les places (rencontre, chaque rencontre d'un cycle) et l'écrit dans le classeur",
    options: ["json"],
    file: "le classeur",
    run: async (args, now) => (await import("./match.js")).runMatch(args.path, args.json, now),
  },
  preview: {
    synopsis: "preview <classeur.xlsx> [--at <instant>] [--out <dossier>] [--json]",
    description: "écrit en fichiers les messages prévus, sans rien envoyer ni modifier le classeur",
    options: ["json", "at", "out"],
    file: "le classeur",
    run: async (args, now) =>
      (await import("./preview.js")).runPreview(args.path, {
        json: args.json,
        now,
        ...(args.at !== undefined ? { at: args.at } : {}),
        ...(args.out !== undefined ? { out: args.out } : {}),
        // The same reply configuration as production, when given: the preview shows the signed Reply-To.
        ...(process.env.PASSERELLE_REPLY_SECRET && process.env.PASSERELLE_REPLY_DOMAIN
          ? {
              reply: {
                secret: process.env.PASSERELLE_REPLY_SECRET,
                domain: process.env.PASSERELLE_REPLY_DOMAIN,
              },
            }
          : {}),
      }),
  },
  documents: {
    synopsis: "documents <classeur.xlsx> [--out <dossier>] [--at <instant>]",
    writes: true,
    description:
      "écrit en PDF les feuilles d'émargement, attestations, effectifs et fiches des structures d'accueil (ou des hôtes) ; un dossier par rencontre d'un cycle",
    options: ["at", "out"],
    file: "le classeur",
    run: async (args, now) =>
      (await import("./documents.js")).runDocuments(args.path, {
        now,
        ...(args.at !== undefined ? { at: args.at } : {}),
        ...(args.out !== undefined ? { out: args.out } : {}),
      }),
  },
  retours: {
    synopsis: "retours <classeur.xlsx> [--json]",
    description: "résume les retours au questionnaire (nombre, note moyenne, notes à vérifier)",
    options: ["json"],
    file: "le classeur",
    run: async (args) => (await import("./retours.js")).runRetours(args.path, args.json),
  },
  reply: {
    synopsis: "reply <message.eml> [--json]",
    description:
      "dit comment une réponse de tuteur, d'hôte ou d'intervenant serait lue (oui, non, à lire), sans rien modifier",
    options: ["json"],
    file: "le message",
    run: async (args) => (await import("./reply.js")).runReply(args.path, args.json),
  },
  purge: {
    synopsis: "purge <classeur.xlsx> [--force]",
    writes: true,
    description: "efface les données personnelles d'un événement terminé",
    options: ["force"],
    file: "le classeur",
    run: async (args, now) => {
      const { runPurge, terminalQuestion } = await import("./purge.js");
      const ask = terminalQuestion();
      return runPurge(args.path, { force: args.force, now, ...(ask ? { ask } : {}) });
    },
  },
  cle: {
    synopsis: "cle <identifiant du classeur>",
    description:
      "affiche la clé de signature de ce classeur, à coller dans son Apps Script (lit PASSERELLE_EDIT_SECRET)",
    options: [],
    file: "le classeur",
    notAFile: true,
    run: async (args, _now, env) => (await import("./key.js")).runKey(args.path, env),
  },
};

const HELP_LINE = { synopsis: "help", description: "affiche cette aide et les formats JSON" };

const lines = [
  ...Object.values(COMMANDS).map(({ synopsis, description }) => ({ synopsis, description })),
  HELP_LINE,
];
/** Synopses longer than this put their description on the next line. */
const WIDTH = 42;

export const USAGE = [
  "Utilisation :",
  ...lines.map(({ synopsis, description }) =>
    synopsis.length > WIDTH
      ? `  passerelle ${synopsis}\n  ${" ".repeat(WIDTH + 11)} ${description}`
      : `  passerelle ${synopsis.padEnd(WIDTH)} ${description}`,
  ),
].join("\n");

/** What a workbook may be: said once, at the top of the help. */
const KINDS = `Un classeur est un séminaire d'immersion, une rencontre méridienne, un cycle de rencontres ou une
immersion inversée (modèles : seminaire.xlsx, rencontre.xlsx, cycle-rencontres.xlsx, immersion-inversee.xlsx) ;
chaque commande reconnaît le sien à son premier onglet (Séminaire, Rencontre, Cycle, Immersion).`;

export const HELP = `${KINDS}

${USAGE}

Options :
  --json             écrit le résultat en JSON (formats ci-dessous) au lieu du texte
  --at <instant>     preview, documents : l'instant du plan ou des documents, ISO (2027-03-10T09:00, 2027-03-10T09:00+01:00) ;
                     sans décalage, heure de l'événement ; par défaut maintenant
  --out <dossier>    preview : où écrire les fichiers (par défaut « apercu » à côté du classeur) ;
                     les fichiers d'un aperçu précédent (001-….eml, .html) y sont remplacés ;
                     documents : par défaut « documents-<nom du classeur> » à côté du classeur
  --force            purge : efface même si l'événement n'est pas terminé, et les colonnes
                     ajoutées aux onglets des personnes sans poser la question

Formats JSON :
  check    {"kind","event":{"tab","problems"},"rows":[{"tab","row","ok","problems","status"}]}
  match    séminaire : {"placements":[{"participant","slot","structure","situation","tutor"}],
                        "unplaced":[{"participant","reason"}],"objective","optimal","gap"}
           rencontre : {"kind":"lunch","capacity","quotaPerService","closingAt","closed",
                        "seated":[{"row","participant","service"}],
                        "waiting":[{"row","participant","service","rank"}],
                        "cancelled":[{"row","participant"}],"toFix":[{"row","problems"}]}
           (participant = email, row = ligne de l'onglet Inscriptions, closingAt = instant ISO ou null,
            closed = le quota est levé)
           cycle : {"kind":"cycle","talks":[{"talk","row", les champs d'une rencontre sauf kind,"mix"}],
                    "reach","problems","unscheduled":[{"row","talk","registered","text"}]}
           immersion inversée : comme un séminaire (structure = l'hôte)
  preview  {"at","zone","out","index","messages":[{"sendAt","kind","label","to","subject","eml","html","key"}],
            "warnings","skipped"}
  retours  {"count","marks","average","flagged","rows":[{"participant","mark","comment","date","flag"}]}
           (average = moyenne des notes, null sans note)
  reply    {"decision":"confirm|decline|unclear","reason","text"} (text : la réponse sans la citation)

Codes de sortie : 0 la commande s'est faite ; 1 fichier introuvable ou illisible, ou action refusée ; 2 commande mal écrite.`;

export async function main(
  argv: readonly string[],
  now: Date = new Date(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<CommandResult> {
  const [name, ...rest] = argv;
  if (name === undefined) return { code: 2, out: "", err: USAGE };
  if (name === "help" || name === "--help" || name === "-h") return { code: 0, out: HELP, err: "" };
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) return { code: 2, out: "", err: `Commande inconnue : ${name}\n${USAGE}` };
  if (rest.includes("--help") || rest.includes("-h")) return { code: 0, out: commandHelp(command), err: "" };
  try {
    const args = await parse(command, rest);
    return { code: 0, out: await command.run(args, now, env), err: "" };
  } catch (error) {
    if (error instanceof UsageError) return { code: 2, out: "", err: error.message };
    if (error instanceof Refusal) return { code: 1, out: error.output ?? "", err: error.message };
    return { code: 1, out: "", err: `Impossible de lire ou d'écrire ${command.file} : ${explain(error)}` };
  }
}

async function parse(command: Command, rest: readonly string[]): Promise<Parsed> {
  const usage = `Utilisation : passerelle ${command.synopsis}`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        command.options.map((option) => [
          option,
          { type: option === "at" || option === "out" ? ("string" as const) : ("boolean" as const) },
        ]),
      ),
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const option = /'(--?[\w-]+)/.exec(error instanceof Error ? error.message : "")?.[1] ?? "";
    throw new UsageError(
      code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
        ? `Option inconnue : ${option}\n${usage}`
        : code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
          ? `L'option ${option} attend une valeur.\n${usage}`
          : `Arguments incorrects.\n${usage}`,
    );
  }
  const [path, ...extra] = parsed.positionals;
  if (path === undefined)
    throw new UsageError(
      `${command.notAFile ? "Il manque l'identifiant du classeur." : "Il manque le chemin du fichier."}\n${usage}`,
    );
  if (extra.length > 0) throw new UsageError(`Argument en trop : ${extra.join(" ")}\n${usage}`);
  if (!command.notAFile) {
    try {
      await access(path);
    } catch {
      throw new Refusal(`Fichier introuvable : ${path}`);
    }
  }
  if (!command.notAFile && command.file === "le classeur" && extname(path).toLowerCase() !== ".xlsx")
    throw new Refusal(notXlsx(path));
  if (command.writes && lockFiles(path).some((lock) => existsSync(lock)))
    throw new Refusal(
      "Ce classeur est ouvert dans un tableur (Excel ou LibreOffice) : fermez-le, puis relancez la commande. Sinon, son prochain enregistrement effacerait ce que Passerelle y écrit.",
    );
  const value = (key: string) => {
    const found = parsed.values[key];
    return typeof found === "string" ? found : undefined;
  };
  const at = value("at");
  const out = value("out");
  return {
    path,
    json: parsed.values.json === true,
    force: parsed.values.force === true,
    ...(at !== undefined ? { at } : {}),
    ...(out !== undefined ? { out } : {}),
  };
}

/** What each option means, for the help of one command. */
const OPTION_HELP: Readonly<Record<Command["options"][number], string>> = {
  json: "  --json             écrit le résultat en JSON (voir passerelle help) au lieu du texte",
  at: "  --at <instant>     l'instant du plan, ISO (2027-03-10T09:00) ; sans décalage, heure de l'événement",
  out: "  --out <dossier>    où écrire les fichiers (par défaut « apercu » à côté du classeur)",
  force: "  --force            efface même si l'événement n'est pas terminé",
};

/** `passerelle <command> --help`: its synopsis, what it does, its options and the exit codes. */
export function commandHelp(command: Command): string {
  return [
    `Utilisation : passerelle ${command.synopsis}`,
    "",
    `${command.description.charAt(0).toUpperCase()}${command.description.slice(1)}.`,
    "",
    "Options :",
    ...command.options.map((option) => OPTION_HELP[option]),
    "  --help             affiche cette aide",
    "",
    "Codes de sortie : 0 la commande s'est faite ; 1 fichier introuvable ou illisible, ou action refusée ; 2 commande mal écrite.",
  ].join("\n");
}

/** A workbook saved in another format, and how to turn it into a `.xlsx`. */
function notXlsx(path: string): string {
  const extension = extname(path) || "(sans extension)";
  return [
    `${path} n'est pas un classeur .xlsx (extension ${extension}).`,
    "Pour le convertir : ouvrez-le dans LibreOffice Calc ou Excel, puis Fichier › Enregistrer sous… › « Classeur Excel 2007-365 (.xlsx) » ;",
    `ou en ligne de commande : soffice --headless --convert-to xlsx "${path}"`,
  ].join("\n");
}

function explain(error: unknown): string {
  const detail =
    error instanceof Error
      ? `${error.message} ${error.cause instanceof Error ? error.cause.message : ""}`
      : String(error);
  if (/zip|central directory|corrupted|end of data/i.test(detail))
    return "ce fichier n'est pas un classeur Excel (.xlsx) valide. S'il est en cours d'enregistrement, réessayez dans quelques secondes.";
  if (/EACCES|EPERM/.test(detail)) return "accès refusé (le fichier est-il ouvert ou protégé ?).";
  if (/EISDIR/.test(detail)) return "c'est un dossier, pas un fichier.";
  if (/ENOSPC/.test(detail)) return "plus de place sur le disque.";
  return detail.trim();
}
