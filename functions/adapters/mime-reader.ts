/**
 * Reading a raw MIME message with `mailparser` into the `InboundMessage` the reply rules read.
 * Tolerant by design: a broken boundary, an unknown charset or a message with no text part gives
 * what text can be found (possibly none), never an exception; a huge message is cut before parsing,
 * since the answer sits at the top and an attachment is not read anyway.
 * Also: lines ended by a lone CR (old Mac clients, some gateways) are read as lines; text that is
 * not valid UTF-8 and declares no usable charset is read as windows-1252 (what such mail nearly
 * always is in France); report parts (delivery status, read receipt, complaint) are collected at
 * any depth, inside attached messages too.
 */
import { type AddressObject, type HeaderValue, simpleParser } from "mailparser";
import { decideMessage } from "../core/replies/decide.js";
import { type InboundMessage, MAX_TEXT_CHARS, type ReplyDecision } from "../core/replies/message.js";
import type { ReportPart } from "../core/replies/reports.js";

/** Bytes of the raw message parsed at most (a 20 MB message is cut here). */
export const MAX_PARSED_BYTES = 2 * 1024 * 1024;
/** HTML longer than this is not turned into text by the parser; the fallback below strips its tags. */
const MAX_HTML_TO_PARSE = 512 * 1024;

export async function readMime(raw: Buffer | string): Promise<InboundMessage> {
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  const truncated = bytes.length > MAX_PARSED_BYTES;
  const input = withLineFeeds(truncated ? bytes.subarray(0, MAX_PARSED_BYTES) : bytes);
  let parsed: Parsed;
  try {
    parsed = await parse(input);
    if ((parsed.text ?? "").includes("\uFFFD")) {
      const recoded = declareWindows1252(input);
      if (recoded !== null) parsed = await parse(recoded);
    }
  } catch {
    // mailparser throws on very few inputs; the raw text is still worth a look.
    return fallbackMessage(input, truncated);
  }
  const headers = new Map<string, string>();
  for (const [name, value] of parsed.headers) {
    const text = headerText(value);
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? text : `${previous}, ${text}`);
  }
  for (const line of parsed.headerLines ?? []) {
    // Raw lines keep values the structured headers turn into objects (Content-Type parameters, a null sender `<>`).
    if (RAW_HEADERS.has(line.key)) headers.set(line.key, line.line.replace(/^[^:]*:\s*/, "").trim());
  }
  let text = parsed.text ?? "";
  if (text.trim() === "" && typeof parsed.html === "string") text = htmlToText(parsed.html);
  if (text.trim() === "" && parsed.attachments.length === 0) text = bodyOfBrokenMime(input);
  const contentTypeValue = parsed.headers.get("content-type");
  const contentType =
    typeof contentTypeValue === "object" && contentTypeValue !== null && "value" in contentTypeValue
      ? String(contentTypeValue.value).toLowerCase()
      : "text/plain";
  return {
    headers,
    subject: parsed.subject ?? "",
    from: parsed.from?.value[0]?.address?.toLowerCase() ?? "",
    recipients: [
      ...addresses(parsed.to),
      ...addresses(parsed.cc),
      ...["delivered-to", "x-original-to"].flatMap((name) => (headers.get(name) ?? "").split(/,\s*/)),
    ].filter((address) => address !== ""),
    contentType,
    text: text.slice(0, MAX_TEXT_CHARS),
    truncated: truncated || text.length > MAX_TEXT_CHARS,
    // mailparser reads some report parts as text, not attachments: the raw parts are read too.
    reports: [
      ...(await reportParts(parsed.attachments, 0)),
      ...reportsInText(input.toString("latin1", 0, MAX_REPORT_SCAN)),
    ],
  };
}

type Parsed = Awaited<ReturnType<typeof simpleParser>>;

const RAW_HEADERS = new Set(["content-type", "return-path", "from"]);

function parse(input: Buffer): Promise<Parsed> {
  return simpleParser(input, {
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    maxHtmlLengthToParse: MAX_HTML_TO_PARSE,
  });
}

const REPORT_TYPES: Readonly<Record<string, ReportPart["type"]>> = {
  "message/delivery-status": "delivery-status",
  "message/global-delivery-status": "delivery-status",
  "message/disposition-notification": "disposition-notification",
  "message/global-disposition-notification": "disposition-notification",
  "message/feedback-report": "feedback-report",
};
/** How deep attached messages are opened to look for a report (a bounce of a bounce of a forward). */
const MAX_DEPTH = 3;
const MAX_REPORT_CHARS = 8_000;
/** How much of a raw message is searched for report parts by their headers. */
const MAX_REPORT_SCAN = 512 * 1024;

/** The report parts among these attachments, and inside the messages attached, down to `MAX_DEPTH`. */
async function reportParts(attachments: Parsed["attachments"], depth: number): Promise<ReportPart[]> {
  const found: ReportPart[] = [];
  for (const attachment of attachments) {
    const type = attachment.contentType.toLowerCase();
    const report = REPORT_TYPES[type];
    if (report)
      found.push({ type: report, fields: attachment.content.toString("utf8", 0, MAX_REPORT_CHARS) });
    else if ((type === "message/rfc822" || type === "message/global") && depth < MAX_DEPTH) {
      try {
        const inner = await parse(withLineFeeds(attachment.content.subarray(0, MAX_PARSED_BYTES)));
        found.push(...(await reportParts(inner.attachments, depth + 1)));
        // The attached message may be encoded (base64): its report parts are read once decoded.
        found.push(...reportsInText(attachment.content.toString("latin1", 0, MAX_REPORT_SCAN)));
      } catch {
        // An attached message that cannot be read is not a report we can use.
      }
    }
  }
  return found;
}

/**
 * Report parts found by their `Content-Type` line in raw MIME text: mailparser reads a
 * `message/delivery-status` part as text, and an attached message is not parsed by it.
 */
function reportsInText(raw: string): ReportPart[] {
  return [
    ...raw.matchAll(
      /content-type:\s*(message\/[\w-]+)[^\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]{0,4000}?)(?=\r?\n--|$)/gi,
    ),
  ].flatMap((match) => {
    const type = REPORT_TYPES[match[1]!.toLowerCase()];
    return type ? [{ type, fields: match[2]! }] : [];
  });
}

/**
 * A message whose lines end with a lone CR gets CRLF: without it no header is found. Only done when
 * the head of the message has no LF at all, so a stray CR in a normal message is left alone.
 */
export function withLineFeeds(bytes: Buffer): Buffer {
  const head = bytes.subarray(0, 4096);
  if (head.includes(0x0a) || !head.includes(0x0d)) return bytes;
  return Buffer.from(bytes.toString("latin1").replace(/\r(?!\n)/g, "\r\n"), "latin1");
}

/**
 * The message with `charset=windows-1252` declared on every text part that declares no charset, an
 * unknown one, or plain ASCII (whose 8-bit bytes then cannot be read); `null` when there is none.
 * Called only when reading produced replacement characters.
 */
export function declareWindows1252(bytes: Buffer): Buffer | null {
  const raw = bytes.toString("latin1");
  let changed = false;
  const headerEnd = raw.search(/\r?\n\r?\n/);
  const head = headerEnd < 0 ? raw : raw.slice(0, headerEnd);
  // No Content-Type at all: text/plain in US-ASCII (RFC 2045 §5.2), unusable for 8-bit text.
  const patched = /^content-type\s*:/im.test(head)
    ? raw
    : `Content-Type: text/plain; charset=windows-1252\r\n${raw}`;
  if (patched !== raw) changed = true;
  const result = patched.replace(
    /^(content-type\s*:\s*text\/[\w.+-]+)((?:[^\r\n]*)(?:\r?\n[ \t][^\r\n]*)*)/gim,
    (whole, type: string, params: string) => {
      const charset = /charset\s*=\s*"?([^";\s]+)"?/i.exec(params)?.[1];
      if (charset !== undefined && usableCharset(charset)) return whole;
      changed = true;
      const rest = params.replace(/;?\s*charset\s*=\s*"?[^";\s]*"?/i, "");
      return `${type}; charset=windows-1252${rest}`;
    },
  );
  return changed ? Buffer.from(result, "latin1") : null;
}

function usableCharset(label: string): boolean {
  const name = label.toLowerCase();
  if (/^(us-)?ascii$|^unknown|^x-unknown|^x-user-defined$|^default$/.test(name)) return false;
  try {
    new TextDecoder(name);
    return true;
  } catch {
    return false;
  }
}

/** Reads and decides, changing nothing: what `passerelle reply <message.eml>` prints. */
export async function decideReply(raw: Buffer | string): Promise<ReplyDecision> {
  return decideMessage(await readMime(raw));
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (field === undefined) return [];
  const list = Array.isArray(field) ? field : [field];
  return list.flatMap((object) => flatten(object.value));
}

function flatten(values: AddressObject["value"]): string[] {
  return values.flatMap((value) => [
    ...(value.address ? [value.address.toLowerCase()] : []),
    ...(value.group ? flatten(value.group) : []),
  ]);
}

function headerText(value: HeaderValue): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => headerText(item as HeaderValue)).join(", ");
  if (typeof value === "object" && value !== null) {
    if ("text" in value && typeof value.text === "string") return value.text;
    if ("value" in value) return String(value.value);
  }
  return String(value);
}

/** A last resort for HTML the parser did not convert (too long): tags, scripts and styles out. */
export function htmlToText(html: string): string {
  return html
    .slice(0, MAX_TEXT_CHARS * 4)
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<blockquote[\s\S]*$/i, "")
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/gi, " ")
    .replace(/&amp;/gi, "&")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&#39;|&apos;/gi, "'")
    .replace(/&quot;/gi, '"')
    .replace(/[ \t]+/g, " ");
}

/**
 * The text of a message whose MIME structure did not hold (a boundary that is never declared):
 * the lines after the headers, without boundary lines and part headers.
 */
function bodyOfBrokenMime(bytes: Buffer): string {
  const raw = bytes.subarray(0, MAX_TEXT_CHARS * 2).toString("utf8");
  const bodyStart = raw.search(/\r?\n\r?\n/);
  if (bodyStart < 0) return "";
  const lines = raw.slice(bodyStart).split(/\r?\n/);
  const kept: string[] = [];
  let inPartHeaders = false;
  for (const line of lines) {
    if (/^--[^\s]+$/.test(line.trim())) {
      inPartHeaders = true;
      continue;
    }
    if (inPartHeaders) {
      if (line.trim() === "") inPartHeaders = false;
      else if (/^[\w-]+:\s|^\s/.test(line)) continue;
      else inPartHeaders = false;
    }
    if (!inPartHeaders) kept.push(line);
  }
  const text = kept.join("\n");
  return /<\w+[^>]*>/.test(text) ? htmlToText(text) : text;
}

function fallbackMessage(bytes: Buffer, truncated: boolean): InboundMessage {
  const text = bodyOfBrokenMime(bytes);
  return {
    headers: new Map(),
    subject: "",
    from: "",
    recipients: [],
    contentType: "text/plain",
    text: text.slice(0, MAX_TEXT_CHARS),
    truncated,
  };
}
