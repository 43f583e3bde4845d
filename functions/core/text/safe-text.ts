/**
 * Making what organizers and registrants typed safe to put in a message: in HTML (escaped, and
 * isolated so that a right-to-left mark cannot reorder the sentence around it), in a header (one
 * line, no control character) and in plain text.
 */

/** Bidirectional controls: embeddings, overrides, isolates and marks. Harmless once removed. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** C0 and C1 controls except tab and newline (kept in plain-text bodies only). */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** A value typed by someone, as plain text: no bidi or control character, newlines kept. */
export function plain(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  return String(value).replace(BIDI_CONTROLS, "").replace(/\r\n?/g, "\n").replace(CONTROLS, "");
}

/** A value for a header or a subject: one line, no control character, no bidi control. */
export function oneLine(value: string | number | null | undefined): string {
  return plain(value)
    .replace(/[\n\t]+/g, " ")
    .replace(/\s{2,}/g, " ")
    .trim();
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string | number | null | undefined): string {
  return plain(value).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** HTML that is already safe: produced by `html` below, never from a typed value. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(value as string | number | null | undefined);
}

/**
 * A template tag that escapes every interpolated value unless it is `SafeHtml`: a renderer cannot
 * forget to escape a name, because it would have to go out of its way not to.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, index) => {
    out += render(value) + strings[index + 1]!;
  });
  return new SafeHtml(out);
}

/** A URL for an `href`: only http(s) and mailto, anything else is dropped. */
export function safeUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  const text = oneLine(value);
  return /^(https?:\/\/|mailto:)[^\s"'<>]+$/i.test(text) ? text : null;
}

/**
 * A web link written into a message (the survey link): `safeUrl` restricted to http(s) with a
 * host. The check of the sheet (`fields.ts`, `url`) uses this same function, so a link the check
 * accepts is one every renderer writes.
 */
export function webLink(value: string | null | undefined): string | null {
  const link = safeUrl(value);
  if (link === null || !/^https?:\/\//i.test(link)) return null;
  try {
    return new URL(link).hostname === "" ? null : link;
  } catch {
    return null;
  }
}
