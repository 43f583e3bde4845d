/**
 * Reading a raw MIME message with `mailparser` into the `InboundMessage` the reply rules read.
 * Tolerant by design: a broken boundary, an unknown charset or a message with no text part gives
 * what text can be found (possibly none), never an exception; a huge message is cut before parsing,
 * since the answer sits at the top and an attachment is not read anyway.
 */
import { type AddressObject, type HeaderValue, simpleParser } from "mailparser";
import { decideMessage } from "../core/replies/decide.js";
import { type InboundMessage, MAX_TEXT_CHARS, type ReplyDecision } from "../core/replies/message.js";

/** Bytes of the raw message parsed at most (a 20 MB message is cut here). */
export const MAX_PARSED_BYTES = 2 * 1024 * 1024;
/** HTML longer than this is not turned into text by the parser; the fallback below strips its tags. */
const MAX_HTML_TO_PARSE = 512 * 1024;

export async function readMime(raw: Buffer | string): Promise<InboundMessage> {
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  const truncated = bytes.length > MAX_PARSED_BYTES;
  const input = truncated ? bytes.subarray(0, MAX_PARSED_BYTES) : bytes;
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(input, {
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      maxHtmlLengthToParse: MAX_HTML_TO_PARSE,
    });
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
    // Raw lines keep values the structured headers turn into objects (Content-Type parameters).
    if (line.key === "content-type") headers.set("content-type", line.line.replace(/^[^:]*:\s*/, ""));
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
  };
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
