/**
 * The frame every message shares. A message is written once, as a short list of blocks (a
 * paragraph, a section heading, a list, a note, a day of agenda rows...), and rendered twice: to
 * plain text, and to HTML laid out with tables and with every style inline, so that a mail client
 * that drops the `<style>` element (several webmails) or renders with a word processor's engine
 * (Outlook on Windows) still shows each piece apart. No meaning is carried by a class.
 */
import type { Attachment } from "../../ports.js";
import { html, plain, SafeHtml, safeUrl } from "../text/safe-text.js";

/** A message's content, before it is addressed: what renderers produce. */
export interface MessageContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments?: readonly Attachment[];
  readonly headers?: Readonly<Record<string, string>>;
}

/** A piece of a line: typed text, or a link (http(s) or mailto only; anything else is shown as text). */
export type Inline = string | { readonly text: string; readonly href: string };

/** One row of an agenda: its time (`8 h 30 – 11 h 30`), its title, and one line per detail (place, tutor...). */
export interface AgendaRow {
  readonly time: string;
  readonly title: string;
  readonly details: readonly string[];
  /** The reader's own item (an immersion placement): highlighted. */
  readonly own?: boolean;
}

/** The blocks a message is made of. */
export type Block =
  | { readonly kind: "paragraph"; readonly lines: readonly (readonly Inline[] | string)[] }
  | { readonly kind: "section"; readonly text: string }
  | { readonly kind: "subsection"; readonly text: string }
  | { readonly kind: "list"; readonly items: readonly string[] }
  | { readonly kind: "note"; readonly text: string }
  | { readonly kind: "answer"; readonly text: string }
  | { readonly kind: "agenda"; readonly day: string; readonly rows: readonly AgendaRow[] }
  | { readonly kind: "button"; readonly label: string; readonly href: string }
  | { readonly kind: "small"; readonly text: string };

/** A whole message: who it comes from (the event and its organizer, never the software), its heading, its blocks. */
export interface MessageDocument {
  /** The subject, also the HTML page's title. */
  readonly title: string;
  /** The event's name, shown above the heading. */
  readonly event: string;
  /** Who organizes it (the sender's name, or the organizer's address), shown beside the event's name. */
  readonly organizer?: string;
  readonly heading: string;
  readonly blocks: readonly Block[];
  readonly footer: string;
}

/** The one sign-off of every message to participants, speakers and tutors (above the footer). */
export const SIGNATURE = "L'équipe d'organisation";

/** Block constructors, so renderers read as the message they write. */
export const block = {
  paragraph: (...lines: (readonly Inline[] | string)[]): Block => ({ kind: "paragraph", lines }),
  section: (text: string): Block => ({ kind: "section", text }),
  subsection: (text: string): Block => ({ kind: "subsection", text }),
  list: (items: readonly string[]): Block => ({ kind: "list", items }),
  note: (text: string): Block => ({ kind: "note", text }),
  answer: (text: string): Block => ({ kind: "answer", text }),
  agenda: (day: string, rows: readonly AgendaRow[]): Block => ({ kind: "agenda", day, rows }),
  button: (label: string, href: string): Block => ({ kind: "button", label, href }),
  small: (text: string): Block => ({ kind: "small", text }),
};

export const AUTOMATIC_FOOTER =
  "Ce message a été envoyé automatiquement pour le compte de l'équipe d'organisation.";

// ---- plain text ----

function inlineText(line: readonly Inline[] | string): string {
  if (typeof line === "string") return plain(line);
  return line.map((piece) => (typeof piece === "string" ? plain(piece) : plain(piece.text))).join("");
}

function blockText(item: Block): string[] {
  switch (item.kind) {
    case "paragraph":
      return item.lines.map(inlineText);
    case "section":
      return [plain(item.text).toUpperCase()];
    case "subsection":
    case "note":
    case "answer":
    case "small":
      return [plain(item.text)];
    case "list":
      return item.items.map((line) => `- ${plain(line)}`);
    case "agenda":
      return [
        plain(item.day),
        ...item.rows.flatMap((row) => [
          `- ${row.time} : ${plain(row.title)}`,
          ...row.details.map((line) => `    ${plain(line)}`),
        ]),
      ];
    case "button":
      return [`${plain(item.label)} : ${item.href}`];
  }
}

/** The plain-text twin: one blank line between blocks, section headings in capitals. */
export function renderText(document: MessageDocument): string {
  return textOf(document.blocks.flatMap((item) => ["", ...blockText(item)]));
}

// ---- HTML ----

const FONT = "font-family:Marianne,Arial,Helvetica,sans-serif";
const STYLES = {
  body: `margin:0;padding:0;background-color:#f4f5f7;color:#1e1e1e;${FONT};font-size:16px;line-height:1.5`,
  outer: "background-color:#f4f5f7",
  outerCell: "padding:24px 12px",
  card: "background-color:#ffffff;border:1px solid #dddddd;border-radius:4px",
  cardCell: `padding:28px 32px;${FONT};font-size:16px;line-height:1.5;color:#1e1e1e;text-align:left`,
  brand: `margin:0 0 4px 0;${FONT};font-size:14px;line-height:1.4;color:#000091;font-weight:bold`,
  heading: `margin:0 0 20px 0;${FONT};font-size:22px;line-height:1.3;color:#161616;font-weight:bold`,
  p: "margin:0 0 12px 0",
  section: `margin:28px 0 10px 0;padding:0 0 4px 0;${FONT};font-size:17px;line-height:1.3;color:#000091;font-weight:bold;border-bottom:2px solid #e3e3fd`,
  subsection: `margin:18px 0 6px 0;${FONT};font-size:15px;line-height:1.3;color:#3a3a3a;font-weight:bold`,
  ul: "margin:0 0 12px 0;padding:0 0 0 24px",
  li: "margin:0 0 4px 0",
  note: "margin:12px 0;padding:10px 14px;background-color:#fff6e5;border-left:4px solid #b34000",
  answer:
    "margin:16px 0;padding:12px 16px;background-color:#e3e3fd;border-left:4px solid #000091;font-weight:bold",
  agenda: "width:100%;border-collapse:collapse;margin:0 0 8px 0",
  time: `padding:8px 10px 8px 6px;vertical-align:top;white-space:nowrap;width:130px;${FONT};font-size:15px;color:#3a3a3a;border-bottom:1px solid #eeeeee`,
  item: `padding:8px 6px;vertical-align:top;${FONT};font-size:16px;border-bottom:1px solid #eeeeee`,
  ownRow: "background-color:#f0f0ff",
  detail: "margin:2px 0 0 0;color:#3a3a3a;font-size:14px",
  button: `display:inline-block;padding:10px 18px;background-color:#000091;color:#ffffff;${FONT};font-weight:bold;text-decoration:none;border-radius:4px`,
  link: "color:#000091;text-decoration:underline",
  small: "margin:0 0 12px 0;color:#666666;font-size:13px",
  footer: `margin:12px 0 0 0;${FONT};font-size:13px;line-height:1.4;color:#666666;text-align:left`,
} as const;

/** A time label that never wraps inside a time (`15 h 45`): spaces become non-breaking, except after the dash. */
function unbreakableTime(time: string): string {
  return time.replace(/ (?!– )/g, "\u00a0").replace(/\u00a0–\u00a0/g, "\u00a0– ");
}

function inlineHtml(line: readonly Inline[] | string): SafeHtml {
  if (typeof line === "string") return html`${isolated(line)}`;
  return html`${line.map((piece) => {
    if (typeof piece === "string") return isolated(piece);
    const href = safeUrl(piece.href);
    return href
      ? html`<a href="${href}" style="${STYLES.link}">${isolated(piece.text)}</a>`
      : isolated(piece.text);
  })}`;
}

/** Typed text, each run isolated so a right-to-left name keeps the sentence in order. */
function isolated(text: string): SafeHtml {
  return html`<bdi>${text}</bdi>`;
}

function agendaHtml(item: Extract<Block, { kind: "agenda" }>): SafeHtml {
  return html`<p style="${STYLES.subsection}">${isolated(item.day)}</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${STYLES.agenda}">${item.rows.map(
    (row) =>
      html`<tr${row.own ? html` style="${STYLES.ownRow}" bgcolor="#f0f0ff"` : ""}><td width="130" valign="top" style="${STYLES.time}">${unbreakableTime(row.time)}</td><td valign="top" style="${STYLES.item}"><div style="margin:0;font-weight:bold">${isolated(row.title)}</div>${row.details.map(
        (line) => html`<div style="${STYLES.detail}">${isolated(line)}</div>`,
      )}</td></tr>`,
  )}</table>`;
}

function blockHtml(item: Block): SafeHtml {
  switch (item.kind) {
    case "paragraph":
      return html`<p style="${STYLES.p}">${item.lines.map((line, index) => html`${index > 0 ? html`<br>` : ""}${inlineHtml(line)}`)}</p>`;
    case "section":
      return html`<h2 style="${STYLES.section}">${isolated(item.text)}</h2>`;
    case "subsection":
      return html`<h3 style="${STYLES.subsection}">${isolated(item.text)}</h3>`;
    case "list":
      return html`<ul style="${STYLES.ul}">${item.items.map((line) => html`<li style="${STYLES.li}">${isolated(line)}</li>`)}</ul>`;
    case "note":
      return boxed(STYLES.note, "#fff6e5", item.text);
    case "answer":
      return boxed(STYLES.answer, "#e3e3fd", item.text);
    case "agenda":
      return agendaHtml(item);
    case "button": {
      const href = safeUrl(item.href);
      return href
        ? html`<p style="${STYLES.p}"><a href="${href}" style="${STYLES.button}">${item.label}</a></p>`
        : html`<p style="${STYLES.p}">${item.label}</p>`;
    }
    case "small":
      return html`<p style="${STYLES.small}">${isolated(item.text)}</p>`;
  }
}

/** A highlighted paragraph, as a one-cell table so that Word's engine keeps its background and border. */
function boxed(style: string, background: string, text: string): SafeHtml {
  return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:14px 0;border-collapse:collapse"><tr><td bgcolor="${background}" style="${style}">${isolated(text)}</td></tr></table>`;
}

/** Only what cannot be inline: narrow screens get narrower margins. Nothing depends on it. */
const RESPONSIVE = "@media (max-width:600px){.frame{padding:16px 12px !important}}";

/** The HTML page: nested presentation tables, every style inline. */
export function renderHtml(document: MessageDocument): string {
  const brand = document.organizer ? `${document.event} · ${document.organizer}` : document.event;
  return html`<!DOCTYPE html>
<html lang="fr" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${document.title}</title>
<style>${new SafeHtml(RESPONSIVE)}</style>
</head>
<body style="${STYLES.body}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f4f5f7" style="${STYLES.outer}"><tr><td align="center" style="${STYLES.outerCell}">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="width:100%;max-width:640px;${STYLES.card}"><tr><td class="frame" style="${STYLES.cardCell}">
<p style="${STYLES.brand}">${isolated(brand)}</p>
<h1 style="${STYLES.heading}">${isolated(document.heading)}</h1>
${document.blocks.map((item) => html`${blockHtml(item)}\n`)}</td></tr></table>
<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:640px"><tr><td style="${STYLES.footer}">${document.footer}</td></tr></table>
</td></tr></table>
</body>
</html>
`.value;
}

/** Both renderings of a document, with what travels beside them. */
export function renderDocument(
  document: MessageDocument,
  extra: Pick<MessageContent, "attachments" | "headers"> = {},
): MessageContent {
  return {
    subject: document.title,
    text: renderText(document),
    html: renderHtml(document),
    ...(extra.attachments ? { attachments: extra.attachments } : {}),
    ...(extra.headers ? { headers: extra.headers } : {}),
  };
}

/** Plain-text lines joined, at most one blank line in a row. */
export function textOf(lines: readonly (string | null | undefined | false)[]): string {
  return (
    lines
      .filter((line): line is string => typeof line === "string")
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim() + "\n"
  );
}
