/**
 * `passerelle documents <workbook.xlsx> [--out <folder>] [--at <instant>]`: the attendance sheets,
 * certificates of attendance (once the event is over), headcounts and host rosters as PDF files;
 * the headcounts are also written on the event's `Statut`.
 */
import { basename, dirname, extname, join, resolve } from "node:path";
import { XlsxWorkbook } from "../adapters/xlsx-workbook.js";
import { writeDocuments } from "../app/documents.js";
import { ReverseAwareWorkbook } from "../app/reverse-workbook.js";
import { isReverseView } from "../core/inversee/view.js";
import { inReverseWords } from "../core/inversee/words.js";
import { TABS } from "../core/sheet/schemas.js";
import { pluralSuffix } from "../core/text/french.js";
import { PermanentError } from "../errors.js";
import { Refusal } from "./errors.js";
import { zoneOf } from "./event-zone.js";
import { openLedgerWorkbook } from "./ledger.js";
import { instant } from "./preview.js";

/** What each kind of file is, in the summary. */
const KINDS: readonly { readonly test: RegExp; readonly label: string }[] = [
  { test: /(^|\/)emargement-/, label: "feuilles d'émargement" },
  { test: /(^|\/)attestations\//, label: "attestations de présence" },
  { test: /(^|\/)effectifs/, label: "effectifs" },
  { test: /^structures\//, label: "fiches des structures d'accueil" },
];

export async function runDocuments(
  path: string,
  options: { now: Date; at?: string; out?: string },
): Promise<string> {
  const { workbook } = openLedgerWorkbook(new ReverseAwareWorkbook(new XlsxWorkbook(path)), path);
  const zone = await zoneOf(workbook);
  const at = options.at === undefined ? options.now : instant(options.at, zone);
  const out = resolve(options.out ?? join(dirname(path), `documents-${basename(path, extname(path))}`));
  // A reverse immersion, read as a seminar: its organizer reads of hosts, not of tutors and structures.
  const reverse = isReverseView(await workbook.read([TABS.seminar.name]));
  const words = (text: string) => (reverse ? inReverseWords(text) : text);
  const report = await writeDocuments(workbook, { at, out }).catch((error: unknown) => {
    if (error instanceof PermanentError) throw new Refusal(words(error.message));
    throw error;
  });
  const counts = KINDS.map(({ test, label }) => ({
    label,
    count: report.files.filter((file) => test.test(file)).length,
  })).filter(({ count }) => count > 0);
  const lines = [
    `Documents de « ${report.set.title} » : ${report.files.length} fichier${pluralSuffix(report.files.length)} PDF écrit${pluralSuffix(report.files.length)} dans ${out}.`,
    `Par type : ${counts.map(({ label, count }) => `${label} ${count}`).join(", ")}.`,
    report.set.headcountLine + (report.statusWritten ? " (écrit dans Statut)" : ""),
    "",
    ...report.files.map((file) => `  ${file}`),
  ];
  if (report.set.notes.length > 0)
    lines.push("", "À savoir :", ...report.set.notes.map((note) => `  - ${note}`));
  return words(lines.join("\n"));
}
