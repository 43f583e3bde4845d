/**
 * `passerelle preview <workbook.xlsx> [--at <instant>] [--out <folder>] [--json]`: every message the
 * plan holds at that instant, written as `.eml` and `.html` files with an `index.html`; nothing is
 * sent and the workbook is only read.
 */
import { readdir, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { DateTime } from "luxon";
import { XlsxWorkbook } from "../adapters/xlsx-workbook.js";
import { previewMessages } from "../app/preview.js";
import { ReverseAwareWorkbook } from "../app/reverse-workbook.js";
import { replyAddress } from "../core/security/reply-token.js";
import { frenchDateTime, pluralSuffix } from "../core/text/french.js";
import { UsageError } from "./errors.js";
import { zoneOf } from "./event-zone.js";
import { eventOfPath, openLedgerWorkbook } from "./ledger.js";

export interface PreviewJson {
  readonly at: string;
  readonly zone: string;
  readonly out: string;
  readonly index: string;
  readonly messages: readonly {
    sendAt: string;
    kind: string;
    label: string;
    to: string;
    subject: string;
    eml: string;
    html: string;
    key: string;
  }[];
  readonly warnings: readonly string[];
  readonly skipped: readonly string[];
}

/** The files an earlier preview wrote (`001-convocation.eml`...), replaced by this one. */
const PREVIEW_FILE = /^\d{3,}-[a-z-]+\.(eml|html)$/;

export async function runPreview(
  path: string,
  options: {
    json: boolean;
    now: Date;
    at?: string;
    out?: string;
    /** The configuration's reply secret and domain: the preview then shows the signed Reply-To production sends. */
    reply?: { readonly secret: string; readonly domain: string };
  },
): Promise<string> {
  const { workbook } = openLedgerWorkbook(new ReverseAwareWorkbook(new XlsxWorkbook(path)), path);
  const zone = await zoneOf(workbook);
  const at = options.at === undefined ? options.now : instant(options.at, zone);
  const out = resolve(options.out ?? join(dirname(path), "apercu"));
  await clearEarlierPreview(out);
  const report = await previewMessages(workbook, {
    // The key of every message names the event; locally, the workbook's file name stands for it.
    event: eventOfPath(path),
    at,
    out,
    ...(options.reply
      ? {
          plan: {
            replyAddress: (input: { event: string; tutorEmail: string; version: number }) =>
              replyAddress(input, options.reply!.secret, options.reply!.domain),
          },
        }
      : {}),
  });
  const json: PreviewJson = {
    at: at.toISOString(),
    zone,
    out,
    index: report.index,
    messages: report.entries.map((entry) => ({
      sendAt: entry.sendAt.toISOString(),
      kind: entry.kind,
      label: entry.label,
      to: entry.recipient,
      subject: entry.subject,
      eml: join(out, entry.eml),
      html: join(out, entry.html),
      key: entry.key,
    })),
    warnings: report.warnings,
    skipped: report.skipped,
  };
  return options.json ? JSON.stringify(json) : previewText(json);
}

export function instant(text: string, zone: string): Date {
  const parsed = DateTime.fromISO(text.trim(), { zone, setZone: true });
  if (!parsed.isValid)
    throw new UsageError(
      `--at : « ${text} » n'est pas un instant ISO (par exemple 2027-03-10T09:00 ou 2027-03-10T09:00+01:00).`,
    );
  return parsed.toJSDate();
}

async function clearEarlierPreview(out: string): Promise<void> {
  let files: string[];
  try {
    files = await readdir(out);
  } catch {
    return;
  }
  await Promise.all(
    files.filter((file) => PREVIEW_FILE.test(file)).map((file) => rm(join(out, file), { force: true })),
  );
}

export function previewText(preview: PreviewJson): string {
  const count = preview.messages.length;
  const lines = [
    `Aperçu des envois au ${frenchDateTime(new Date(preview.at), preview.zone)} (heure de l'événement, ${preview.zone}) : ` +
      (count === 0
        ? "aucun message prévu."
        : `${count} message${pluralSuffix(count)} prévu${pluralSuffix(count)}.`),
    "Rien n'a été envoyé et le classeur n'a pas été modifié.",
  ];
  if (count > 0) {
    const byKind = new Map<string, number>();
    for (const message of preview.messages) byKind.set(message.label, (byKind.get(message.label) ?? 0) + 1);
    lines.push(`Par type : ${[...byKind].map(([label, n]) => `${label} ${n}`).join(", ")}.`);
    const whenWidth = Math.max(
      ...preview.messages.map((m) => frenchDateTime(new Date(m.sendAt), preview.zone).length),
    );
    const kindWidth = Math.max(...preview.messages.map((m) => m.label.length));
    const toWidth = Math.max(...preview.messages.map((m) => m.to.length));
    lines.push("");
    for (const message of preview.messages) {
      const when = frenchDateTime(new Date(message.sendAt), preview.zone);
      lines.push(
        `  ${when.padEnd(whenWidth)}  ${message.label.padEnd(kindWidth)}  ${message.to.padEnd(toWidth)}  « ${message.subject} »`,
      );
    }
  }
  if (preview.warnings.length > 0) {
    lines.push("", "À savoir :");
    for (const [warning, times] of counted(preview.warnings))
      lines.push(`  - ${warning}${times > 1 ? ` (${times} fois)` : ""}`);
  }
  if (preview.skipped.length > 0) {
    lines.push("", "Ne partira pas :");
    for (const [skipped, times] of counted(preview.skipped))
      lines.push(`  - ${skipped}${times > 1 ? ` (${times} fois)` : ""}`);
  }
  lines.push("", `Fichiers écrits dans ${preview.out} : ouvrez ${basename(preview.index)} pour les lire.`);
  return lines.join("\n");
}

/** Each distinct line once, with how many times it came, in order of first appearance. */
function counted(items: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}
