/**
 * The local outbox: a copy of every message the local mode sends, kept on disk (`courrier/` in the
 * local folder: the `.eml` exactly as it left, its HTML page, its calendar files, the PDF documents
 * it carries: certificates, host rosters, attendance sheets and headcounts) with a French
 * index page, by recipient and kind, times in the event's zone. It survives restarts, and after
 * `--simulate` it is plain files that open without any server running.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { z } from "zod";
import { bareAddress, buildMime } from "../adapters/mime.js";
import { KEY_HEADER, KIND_LABELS, type MessageKind } from "../core/messages/plan.js";
import { frenchDateTime, pluralSuffix } from "../core/text/french.js";
import { escapeHtml } from "../core/text/safe-text.js";
import type { Mailer, OutgoingMessage } from "../ports.js";

const entry = z.object({
  at: z.string(),
  to: z.string(),
  name: z.string().optional(),
  kind: z.string(),
  subject: z.string(),
  eml: z.string(),
  html: z.string(),
  ics: z.array(z.string()),
  /** The PDF documents it carried, as files beside it. */
  pdf: z.array(z.string()).optional(),
});
/** One message of the outbox, as listed in `messages.json`. */
export type OutboxEntry = z.infer<typeof entry>;

/** The kind of a message, read from its key header (`message:<event>:…:<kind>:<version>`). */
function kindOf(message: OutgoingMessage): string {
  const key = message.headers?.[KEY_HEADER] ?? "";
  const found = key.split(":").find((part) => Object.hasOwn(KIND_LABELS, part));
  return found ?? "message";
}

function labelOf(kind: string): string {
  return Object.hasOwn(KIND_LABELS, kind) ? KIND_LABELS[kind as MessageKind] : "Message";
}

export class Outbox {
  private readonly entries: OutboxEntry[];

  constructor(
    /** The folder of the outbox (created when missing). */
    readonly dir: string,
    private readonly zone: string,
    /** The event's words for the kinds of message (a reverse immersion's tutors are hosts). */
    private readonly words: (text: string) => string = (text) => text,
  ) {
    mkdirSync(dir, { recursive: true });
    const list = join(dir, "messages.json");
    this.entries = existsSync(list) ? z.array(entry).parse(JSON.parse(readFileSync(list, "utf8"))) : [];
    this.writeIndex();
  }

  /** The index page on disk. */
  get indexPath(): string {
    return join(this.dir, "index.html");
  }

  /** The last file number given (messages are recorded concurrently). */
  private taken = 0;

  get count(): number {
    return this.entries.length;
  }

  /** Keeps a message that has just been sent. */
  async record(message: OutgoingMessage, at: Date): Promise<void> {
    const kind = kindOf(message);
    // The number is taken before any await: messages sent at the same moment get one each.
    this.taken = Math.max(this.taken, this.entries.length) + 1;
    const base = `${String(this.taken).padStart(4, "0")}-${kind}`;
    writeFileSync(join(this.dir, `${base}.eml`), await buildMime(message, { date: at }));
    writeFileSync(join(this.dir, `${base}.html`), message.html, "utf8");
    const ics = (message.attachments ?? [])
      .filter((attachment) => attachment.filename.endsWith(".ics"))
      .map((attachment, index) => {
        const file = `${base}${index > 0 ? `-${index + 1}` : ""}.ics`;
        writeFileSync(join(this.dir, file), attachment.content);
        return file;
      });
    const pdf = (message.attachments ?? [])
      .filter((attachment) => attachment.contentType === "application/pdf")
      .map((attachment) => {
        const file = `${base}-${attachment.filename.replace(/[^A-Za-z0-9._-]+/g, "-")}`;
        writeFileSync(join(this.dir, file), attachment.content);
        return file;
      });
    const to = typeof message.to === "string" ? message.to : message.to.address;
    const name = typeof message.to === "string" ? undefined : message.to.name;
    this.entries.push({
      at: at.toISOString(),
      to: bareAddress(to),
      ...(name ? { name } : {}),
      kind,
      subject: message.subject,
      eml: `${base}.eml`,
      html: `${base}.html`,
      ics,
      ...(pdf.length > 0 ? { pdf } : {}),
    });
    const list = join(this.dir, "messages.json");
    writeFileSync(`${list}.tmp`, JSON.stringify(this.entries, null, 1));
    renameSync(`${list}.tmp`, list);
    this.writeIndex();
  }

  /** A mailer that sends through `inner`, then keeps the message here. */
  wrap(inner: Mailer, now: () => Date): Mailer {
    return {
      send: async (message) => {
        const result = await inner.send(message);
        await this.record(message, now());
        return result;
      },
    };
  }

  private writeIndex(): void {
    writeFileSync(this.indexPath, outboxPage(this.entries, this.zone, this.words), "utf8");
  }

  /** Serves the folder over HTTP (the index and its files), on `port` or a free one. */
  async serve(port = 0): Promise<{ url: string; stop(): Promise<void> }> {
    const server: Server = createServer((request, response) => {
      const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
      const file = normalize(join(this.dir, path === "/" ? "index.html" : path));
      if (!file.startsWith(this.dir) || !existsSync(file) || path.includes("..")) {
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Introuvable.");
        return;
      }
      response.writeHead(200, { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream" });
      response.end(readFileSync(file));
    });
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(port, "127.0.0.1", () => done());
    });
    const { port: bound } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${bound}/`,
      stop: () =>
        new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
    };
  }
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".eml": "message/rfc822",
  ".ics": "text/calendar; charset=utf-8",
  ".pdf": "application/pdf",
};

/** The French index: one section per recipient, one line per message, newest last. */
export function outboxPage(
  entries: readonly OutboxEntry[],
  zone: string,
  words: (text: string) => string = (text) => text,
): string {
  const byRecipient = new Map<string, OutboxEntry[]>();
  for (const item of entries) byRecipient.set(item.to, [...(byRecipient.get(item.to) ?? []), item]);
  const kinds = new Map<string, number>();
  for (const item of entries) kinds.set(item.kind, (kinds.get(item.kind) ?? 0) + 1);
  const cell = "padding:6px 10px;border-bottom:1px solid #e5e5e5;vertical-align:top;text-align:left";
  const sections = [...byRecipient].map(([address, list]) => {
    const name = list.find((item) => item.name)?.name;
    const rows = list
      .map(
        (item) =>
          `<tr><td style="${cell};white-space:nowrap">${escapeHtml(frenchDateTime(new Date(item.at), zone))}</td><td style="${cell}">${escapeHtml(words(labelOf(item.kind)))}</td><td style="${cell}">${escapeHtml(item.subject)}</td><td style="${cell};white-space:nowrap"><a href="${escapeHtml(item.html)}">HTML</a> · <a href="${escapeHtml(item.eml)}">.eml</a>${item.ics.map((file) => ` · <a href="${escapeHtml(file)}">.ics</a>`).join("")}${(item.pdf ?? []).map((file) => ` · <a href="${escapeHtml(file)}">PDF</a>`).join("")}</td></tr>`,
      )
      .join("\n");
    return `<h2 style="font-size:18px;margin:28px 0 8px">${name ? `${escapeHtml(name)} <span style="font-weight:normal;color:#555">&lt;${escapeHtml(address)}&gt;</span>` : escapeHtml(address)}</h2>
<table style="border-collapse:collapse;width:100%"><thead><tr><th style="${cell}">Envoyé le</th><th style="${cell}">Type</th><th style="${cell}">Objet</th><th style="${cell}">Fichiers</th></tr></thead><tbody>
${rows}
</tbody></table>`;
  });
  const summary = [...kinds]
    .map(([kind, count]) => `${escapeHtml(words(labelOf(kind)))} : ${count}`)
    .join(" · ");
  return `<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Courrier envoyé</title></head>
<body style="margin:0;padding:24px;font-family:Marianne,Arial,Helvetica,sans-serif;color:#1e1e1e;background:#ffffff">
<h1 style="font-size:24px;margin:0 0 8px">Courrier envoyé</h1>
<p style="margin:0 0 8px">${entries.length === 0 ? "Aucun message envoyé pour l'instant." : `${entries.length} message${pluralSuffix(entries.length)} pour ${byRecipient.size} destinataire${pluralSuffix(byRecipient.size)}. Heures de ${escapeHtml(zone)}.`}</p>
<p style="margin:0 0 8px;color:#555">${summary}</p>
<p style="margin:0;color:#555">Chaque message : sa page HTML, le fichier .eml tel qu'il est parti (à ouvrir dans un logiciel de messagerie) et son calendrier .ics. Rechargez la page pour voir les nouveaux envois.</p>
${sections.join("\n")}
</body>
</html>
`;
}
