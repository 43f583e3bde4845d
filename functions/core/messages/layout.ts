/** The frame every message shares: a plain, accessible HTML page and its plain-text twin. */
import type { Attachment } from "../../ports.js";
import { html, SafeHtml } from "./text.js";

/** A message's content, before it is addressed: what renderers produce. */
export interface MessageContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments?: readonly Attachment[];
  readonly headers?: Readonly<Record<string, string>>;
}

const STYLE = `
body{margin:0;padding:0;background:#f4f5f7;color:#1e1e1e;font-family:Marianne,Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5}
.wrap{max-width:680px;margin:0 auto;padding:24px 16px}
.card{background:#fff;border:1px solid #dddddd;border-radius:4px;padding:28px 32px}
.brand{font-size:13px;letter-spacing:.04em;text-transform:uppercase;color:#000091;font-weight:bold;margin:0 0 4px}
h1{font-size:22px;line-height:1.3;margin:0 0 20px;color:#161616}
h2{font-size:17px;margin:28px 0 10px;color:#000091;border-bottom:2px solid #e3e3fd;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px;color:#3a3a3a}
p{margin:0 0 12px}
table.agenda{width:100%;border-collapse:collapse;margin:0 0 8px}
table.agenda td{vertical-align:top;padding:8px 6px;border-bottom:1px solid #eeeeee}
table.agenda td.time{white-space:nowrap;width:120px;color:#3a3a3a;font-variant-numeric:tabular-nums}
tr.own td{background:#f0f0ff}
.detail{display:block;color:#3a3a3a;font-size:14px}
.note{background:#fff6e5;border-left:4px solid #b34000;padding:10px 14px;margin:12px 0}
.answer{background:#e3e3fd;border-left:4px solid #000091;padding:12px 16px;font-weight:bold;margin:16px 0}
.muted{color:#666666;font-size:13px}
a{color:#000091}
`;

export function page(input: {
  title: string;
  heading: SafeHtml | string;
  body: SafeHtml;
  footer: SafeHtml | string;
}): string {
  return html`<!DOCTYPE html>
<html lang="fr" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<div class="wrap">
<div class="card">
<p class="brand">Passerelle</p>
<h1>${input.heading}</h1>
${input.body}
</div>
<p class="muted">${input.footer}</p>
</div>
</body>
</html>
`.value;
}

export const AUTOMATIC_FOOTER =
  "Ce message a été envoyé automatiquement par Passerelle pour le compte des organisateurs.";

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
