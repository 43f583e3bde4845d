/**
 * The `passerelle` command line, for local use: the workbook is a `.xlsx` file.
 * Every message is in French; the exit status is non-zero only when the command could not run.
 */
import { access } from "node:fs/promises";
import { XlsxWorkbook } from "../adapters/xlsx-workbook.js";
import { purgeWorkbook } from "../app/purge.js";
import { runCheck } from "./check.js";

const USAGE = `Utilisation :
  passerelle check <classeur.xlsx> [--json]   vérifie les inscriptions et écrit les Statut dans le classeur
  passerelle purge <classeur.xlsx> [--force]  efface les données personnelles d'un événement terminé`;

export async function main(
  argv: readonly string[],
  now: Date = new Date(),
): Promise<{ code: number; out: string; err: string }> {
  const [command, ...rest] = argv;
  const json = rest.includes("--json");
  const positional = rest.filter((arg) => !arg.startsWith("--"));
  const needFile = async (): Promise<string> => {
    const path = positional[0];
    if (!path) throw new UsageError(`Il manque le chemin du classeur.\n${USAGE}`);
    try {
      await access(path);
    } catch {
      throw new UsageError(`Fichier introuvable : ${path}`);
    }
    return path;
  };
  try {
    switch (command) {
      case "check":
        return { code: 0, out: await runCheck(await needFile(), json, now), err: "" };
      case "purge": {
        const report = await purgeWorkbook(new XlsxWorkbook(await needFile()), now, {
          force: rest.includes("--force"),
        });
        return { code: 0, out: report.summary, err: "" };
      }
      case undefined:
      case "help":
      case "--help":
        return { code: command === undefined ? 2 : 0, out: USAGE, err: "" };
      default:
        throw new UsageError(`Commande inconnue : ${command}\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof UsageError) return { code: 2, out: "", err: error.message };
    return { code: 1, out: "", err: `Impossible de lire ou d'écrire le classeur : ${explain(error)}` };
  }
}

class UsageError extends Error {}

function explain(error: unknown): string {
  const detail =
    error instanceof Error
      ? `${error.message} ${error.cause instanceof Error ? error.cause.message : ""}`
      : String(error);
  if (/zip|central directory|corrupted/i.test(detail))
    return "ce fichier n'est pas un classeur Excel (.xlsx) valide.";
  if (/EACCES|EPERM/.test(detail)) return "accès refusé (le fichier est-il ouvert ou protégé ?).";
  if (/ENOSPC/.test(detail)) return "plus de place sur le disque.";
  return detail.trim();
}

const result = await main(process.argv.slice(2));
if (result.out) process.stdout.write(`${result.out}\n`);
if (result.err) process.stderr.write(`${result.err}\n`);
process.exitCode = result.code;
