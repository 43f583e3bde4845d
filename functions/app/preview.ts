/**
 * The organizer's dry run: every message the plan holds at a given instant, written as an `.eml`
 * file (the exact MIME that would leave) and an `.html` page, with an `index.html` listing them.
 * Nothing is sent and the workbook is only read.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildMime } from "./../adapters/mime.js";
import { CYCLE_TABS, CYCLE_TABS_SPEC } from "../core/cycle/cycle-schemas.js";
import { eventModel, MESSAGE_TABS } from "../core/event/model.js";
import { isReverseView } from "../core/inversee/view.js";
import { inReverseWords } from "../core/inversee/words.js";
import {
  KIND_LABELS,
  type MessageKind,
  type MessagePlan,
  type PlanOptions,
  planMessages,
} from "../core/messages/plan.js";
import { cycleModel, planCycle } from "../core/messages/speakers.js";
import { frenchDateTime, pluralSuffix } from "../core/text/french.js";
import { escapeHtml } from "../core/text/safe-text.js";
import type { EventWorkbook, WorkbookSnapshot } from "../ports.js";
import { checkSnapshot } from "./check-workbook.js";
import { documentsOf, withDocuments } from "./message-documents.js";

export interface PreviewOptions {
  readonly event: string;
  /** The instant the plan is made for (now by default, from the caller). */
  readonly at: Date;
  /** The folder to write into (created when missing). */
  readonly out: string;
  readonly plan?: PlanOptions;
}

export interface PreviewEntry {
  readonly key: string;
  readonly kind: MessageKind;
  /** What the kind is called (`KIND_LABELS`), in the reverse immersion's words for one. */
  readonly label: string;
  readonly recipient: string;
  /** The recipient's name, when the workbook gives one. */
  readonly name?: string;
  readonly subject: string;
  readonly sendAt: Date;
  readonly eml: string;
  readonly html: string;
}

export interface PreviewReport {
  readonly entries: readonly PreviewEntry[];
  readonly index: string;
  readonly warnings: readonly string[];
  readonly skipped: readonly string[];
}

export async function previewMessages(
  workbook: EventWorkbook,
  options: PreviewOptions,
): Promise<PreviewReport> {
  const snapshot = await workbook.read([...new Set([...MESSAGE_TABS, ...CYCLE_TABS])]);
  const { title, plan } = planOf(snapshot, workbook, options);
  const words = isReverseView(snapshot) ? inReverseWords : (text: string) => text;
  const warnings = plan.warnings.map(words);
  const skipped = plan.skipped.map((skip) => words(skip.reason));
  await mkdir(options.out, { recursive: true });
  const entries: PreviewEntry[] = [];
  const width = String(plan.messages.length).length;
  for (const [position, message] of plan.messages.entries()) {
    const base = `${String(position + 1).padStart(Math.max(3, width), "0")}-${message.kind}`;
    const outgoing = await withDocuments(message.render(message.sendAt), message);
    await writeFile(join(options.out, `${base}.eml`), await buildMime(outgoing, { date: message.sendAt }));
    await writeFile(join(options.out, `${base}.html`), outgoing.html, "utf8");
    entries.push({
      key: message.key,
      kind: message.kind,
      label: words(KIND_LABELS[message.kind]),
      recipient: message.to.address,
      ...(message.to.name ? { name: message.to.name } : {}),
      subject: outgoing.subject,
      sendAt: message.sendAt,
      eml: `${base}.eml`,
      html: `${base}.html`,
    });
  }
  const index = join(options.out, "index.html");
  await writeFile(index, indexPage(title, plan.zone, options.at, entries, warnings, skipped), "utf8");
  return { entries, index, warnings, skipped };
}

/** Said after the event's own problems, which stop the workflow at its check. */
export const NOTHING_LEAVES =
  "Rien ne partira tant que ces problèmes de l'événement ne sont pas corrigés (passerelle check les écrit dans les Statut).";

/** The plan to preview: a cycle's (its speakers', each talk's registered people's), or a single event's. */
function planOf(
  snapshot: WorkbookSnapshot,
  workbook: EventWorkbook,
  options: PreviewOptions,
): { title: string; plan: MessagePlan } {
  // The workflow's first step is the check, and it stops on a problem of the event itself (a missing
  // tab, an unreadable setting): then nothing leaves, and the preview says so and why.
  const { eventProblems } = checkSnapshot(snapshot, options.at).report;
  if (snapshot.has(CYCLE_TABS_SPEC.cycle.name)) {
    const model = cycleModel(snapshot, workbook.keys, options.at);
    const replyAddress = options.plan?.replyAddress;
    const title = model.check.workbook.settings.partial.title ?? "Cycle de rencontres";
    if (eventProblems.length > 0) {
      const { event, zone } = model.info;
      const warnings = [...eventProblems, NOTHING_LEAVES];
      return { title, plan: { event, zone, messages: [], skipped: [], warnings } };
    }
    return { title, plan: planCycle(model, options.at, replyAddress ? { replyAddress } : {}) };
  }
  const model = eventModel(snapshot, workbook.keys, options.at);
  if (model === null) throw new Error("The workbook holds neither a seminar nor a lunch talk.");
  if (eventProblems.length > 0) {
    return {
      title: model.info.title,
      plan: {
        event: options.event,
        zone: model.info.zone,
        messages: [],
        skipped: [],
        warnings: [...eventProblems, NOTHING_LEAVES],
      },
    };
  }
  return {
    title: model.info.title,
    plan: planMessages(model, options.at, {
      documents: documentsOf(snapshot, workbook.keys, model),
      ...options.plan,
    }),
  };
}

/** Each distinct line once, with how many times it came, in the order first seen. */
export function counted(items: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts];
}

function indexPage(
  title: string,
  zone: string,
  at: Date,
  entries: readonly PreviewEntry[],
  warnings: readonly string[],
  skipped: readonly string[],
): string {
  const rows = entries
    .map(
      (entry) =>
        `<tr><td>${escapeHtml(frenchDateTime(entry.sendAt, zone))}</td><td>${escapeHtml(entry.label)}</td><td>${entry.name ? `${escapeHtml(entry.name)}<br><span class="addr">${escapeHtml(entry.recipient)}</span>` : escapeHtml(entry.recipient)}</td><td><a href="${escapeHtml(entry.html)}">${escapeHtml(entry.subject)}</a><details><summary>Clé d'envoi</summary><code>${escapeHtml(entry.key)}</code></details></td><td><a href="${escapeHtml(entry.eml)}">.eml</a></td></tr>`,
    )
    .join("\n");
  const list = (items: readonly string[]) =>
    counted(items)
      .map(
        ([item, count]) =>
          `<li>${escapeHtml(item)}${count > 1 ? ` <strong>(${count} fois)</strong>` : ""}</li>`,
      )
      .join("");
  return `<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>Aperçu des envois — ${escapeHtml(title)}</title>
<style>body{font-family:Arial,Helvetica,sans-serif;margin:24px;color:#1e1e1e}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top;font-size:14px}th{background:#f0f0ff}code{font-size:12px;color:#555;word-break:break-all}.addr{color:#555;font-size:13px}details{margin-top:4px;font-size:12px;color:#555}</style>
</head>
<body>
<h1>Aperçu des envois — ${escapeHtml(title)}</h1>
<p>Plan établi pour le ${escapeHtml(frenchDateTime(at, zone))} (heure de l'événement, ${escapeHtml(zone)}). Rien n'a été envoyé et le classeur n'a pas été modifié. ${entries.length} message${pluralSuffix(entries.length)} prévu${pluralSuffix(entries.length)}.</p>
${warnings.length > 0 ? `<h2>À savoir</h2><ul>${list(warnings)}</ul>` : ""}
<table>
<thead><tr><th>Envoi prévu</th><th>Message</th><th>Destinataire</th><th>Objet (voir le message)</th><th>Fichier</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${skipped.length > 0 ? `<h2>Non envoyés</h2><ul>${list(skipped)}</ul>` : ""}
</body>
</html>
`;
}
