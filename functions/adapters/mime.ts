/**
 * An outgoing message as raw MIME (RFC 5322), built by nodemailer's MailComposer: headers encoded
 * (RFC 2047 for accents, quoted display names with commas or quotes), multipart/alternative for
 * the text and HTML bodies, multipart/mixed for attachments. Never assembled by hand.
 */
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { MailAddress, OutgoingMessage } from "../ports.js";

/** Header names we let through: a fixed set, so a typed value can never add a header. */
const ALLOWED_HEADERS = new Set([
  "auto-submitted",
  "x-auto-response-suppress",
  "x-passerelle-key",
  "precedence",
]);

function oneLine(value: string): string {
  return value.replace(/[\r\n\u0000-\u001f\u007f]+/g, " ").trim();
}

function addressOf(value: MailAddress): { name: string; address: string } | string {
  if (typeof value === "string") return oneLine(value);
  return { name: oneLine(value.name ?? ""), address: oneLine(value.address) };
}

export interface MimeOptions {
  /** The `Date` header; now by default (the preview gives the planned time). */
  readonly date?: Date;
}

export async function buildMime(message: OutgoingMessage, options: MimeOptions = {}): Promise<Buffer> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(message.headers ?? {})) {
    if (ALLOWED_HEADERS.has(key.toLowerCase())) headers[key] = oneLine(value);
  }
  const composer = new MailComposer({
    from: addressOf(message.from),
    to: addressOf(message.to),
    ...(message.replyTo ? { replyTo: addressOf(message.replyTo) } : {}),
    subject: oneLine(message.subject),
    text: message.text,
    html: message.html,
    headers,
    ...(options.date ? { date: options.date } : {}),
    textEncoding: "quoted-printable",
    attachments: (message.attachments ?? []).map((attachment) => ({
      filename: oneLine(attachment.filename),
      contentType: attachment.contentType,
      content: typeof attachment.content === "string" ? attachment.content : Buffer.from(attachment.content),
    })),
  });
  return composer.compile().build();
}

/** The bare address of a `MailAddress` (for logs without names, and for the SES destination). */
export function bareAddress(value: MailAddress): string {
  return typeof value === "string" ? (/<([^<>]+)>\s*$/.exec(value)?.[1] ?? value).trim() : value.address;
}
