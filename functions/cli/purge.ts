/**
 * `passerelle purge <classeur.xlsx> [--force]`: erases the event's personal data (`app/purge.ts`),
 * prints what was erased per tab, and the result of the scan of every cell for the addresses and
 * names the workbook held. Columns the organizer added to the tabs about people are erased after a
 * confirmation that names them: `--force`, or a « oui » typed at the prompt when a person is at
 * the terminal; otherwise they are kept and the scan says what they still hold.
 * Exit status 1 when the purge is refused or when the scan still finds something.
 */
import { existsSync, rmSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { createInterface } from "node:readline/promises";
import { XlsxWorkbook } from "../adapters/xlsx-workbook.js";
import { type AddedColumn, type PurgeReport, purgeWorkbook } from "../app/purge.js";
import { pluralSuffix } from "../core/text/french.js";
import { Refusal } from "./errors.js";

export interface PurgeCommandOptions {
  readonly force: boolean;
  readonly now: Date;
  /** Asks the question, answers what was typed; `undefined` when nobody is at the terminal. */
  readonly ask?: (question: string) => Promise<string>;
}

export async function runPurge(path: string, options: PurgeCommandOptions): Promise<string> {
  const report = await purgeWorkbook(new XlsxWorkbook(path), options.now, {
    force: options.force,
    confirmAddedColumns: async (columns) => {
      if (!options.ask) return false;
      const answer = await options.ask(
        `Ces colonnes ajoutées aux onglets des personnes seront effacées : ${named(columns)}. Confirmer (oui/non) ? `,
      );
      return /^\s*(o|oui|y|yes)\s*$/i.test(answer);
    },
  });
  if (!report.done) throw new Refusal(report.refused ?? report.summary);
  const sideFile = ledgerCopyOf(path);
  const removedCopy = existsSync(sideFile);
  if (removedCopy) rmSync(sideFile);
  const text =
    describe(report) +
    (removedCopy
      ? `\nCopie de sûreté du Journal (${basename(sideFile)}) supprimée : elle contenait les adresses.`
      : "");
  if (report.remaining.length > 0)
    throw new Refusal(
      "La purge n'est pas complète : des données personnelles restent (voir ci-dessus).",
      text,
    );
  return text;
}

/**
 * The local mode's safety copy of the Journal beside the workbook (`<event>.registre.jsonl`, see
 * `local/durable-ledger.ts`): its rows hold the recipients' addresses, so a purge removes it.
 */
export function ledgerCopyOf(workbook: string): string {
  return join(dirname(workbook), `${basename(workbook, extname(workbook))}.registre.jsonl`);
}

/** The question asked at a terminal; `undefined` when the input is not one (a script, a pipe). */
export function terminalQuestion(): ((question: string) => Promise<string>) | undefined {
  if (!process.stdin.isTTY) return undefined;
  return async (question) => {
    const reader = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await reader.question(question);
    } finally {
      reader.close();
    }
  };
}

function named(columns: readonly AddedColumn[]): string {
  return columns.map((column) => `${column.tab} › ${column.header}`).join(", ");
}

/** `A`, …, `Z`, `AA`: the column letters organizers read. */
function letters(column: number): string {
  let out = "";
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26))
    out = String.fromCharCode(65 + ((rest - 1) % 26)) + out;
  return out;
}

function describe(report: PurgeReport): string {
  const lines = [report.summary, "Effacé, par onglet :"];
  const tabs = Object.entries(report.erasedByTab);
  if (tabs.length === 0) lines.push("  (rien à effacer)");
  for (const [tab, count] of tabs) lines.push(`  ${tab} : ${count} cellule${pluralSuffix(count)}`);
  if (report.addedColumns.length > 0)
    lines.push(
      report.addedColumnsErased
        ? `Colonnes ajoutées effacées : ${named(report.addedColumns)}.`
        : `Colonnes ajoutées conservées (non confirmées ; --force pour les effacer) : ${named(report.addedColumns)}.`,
    );
  if (report.remaining.length === 0)
    lines.push(
      `Vérification : ${report.searched} adresses et noms recherchés dans chaque cellule du classeur ; aucun ne reste.`,
    );
  else {
    const cells = report.remaining.map((cell) => `${cell.tab}!${letters(cell.column)}${cell.row}`);
    lines.push(
      `Vérification : ${report.remaining.length} cellule${report.remaining.length > 1 ? "s contiennent" : " contient"} encore une adresse ou un nom : ${cells.slice(0, 20).join(", ")}${cells.length > 20 ? ", …" : ""}.`,
    );
  }
  return lines.join("\n");
}
