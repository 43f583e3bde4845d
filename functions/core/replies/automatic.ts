/**
 * Messages no person typed: out-of-office answers and delivery failures. They are never a yes or a
 * no, whatever their words ("je serai absent" in an auto-reply is not a decline).
 * Sources: RFC 3834 (`Auto-Submitted`), RFC 3464 (`multipart/report; report-type=delivery-status`),
 * and the headers Exchange, Gmail and common autoresponders add.
 */
import type { InboundMessage } from "./message.js";

export interface AutomaticMessage {
  readonly kind: "auto-reply" | "bounce";
  /** In French, for the organizer. */
  readonly reason: string;
}

const BOUNCE_SENDERS = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const BOUNCE_SUBJECTS: readonly RegExp[] = [
  /undeliver(ed|able)/i,
  /delivery status notification/i,
  /delivery (has )?failed/i,
  /returned mail/i,
  /mail delivery (failed|failure|system)/i,
  /non[- ]?remis/i,
  /non[- ]?distribu/i,
  /échec de (la )?(remise|distribution)/i,
  /echec de (la )?(remise|distribution)/i,
];
const AUTO_REPLY_SUBJECTS: readonly RegExp[] = [
  /^\s*(re\s*:\s*)?(absence|absent)\b/i,
  /r[ée]ponse automatique/i,
  /message automatique/i,
  /out of (the )?office/i,
  /automatic reply/i,
  /auto[- ]?reply/i,
  /auto[- ]?response/i,
  /absence du bureau/i,
  /^\s*(re\s*:\s*)?(en )?cong[ée]s?\b/i,
  /vacation (reply|message)/i,
];

/** Whether the message was sent by a machine, and why we think so. `null` for a person's reply. */
export function automaticMessage(message: InboundMessage): AutomaticMessage | null {
  const header = (name: string) => message.headers.get(name)?.trim() ?? "";
  const contentType = message.contentType.toLowerCase();
  if (
    contentType === "multipart/report" ||
    /report-type\s*=\s*"?delivery-status/i.test(header("content-type"))
  )
    return { kind: "bounce", reason: "avis de non-remise (rapport de distribution)" };
  if (BOUNCE_SENDERS.test(message.from))
    return { kind: "bounce", reason: "avis de non-remise (expéditeur MAILER-DAEMON)" };
  if (BOUNCE_SUBJECTS.some((pattern) => pattern.test(message.subject)))
    return { kind: "bounce", reason: "avis de non-remise (objet du message)" };

  const autoSubmitted = header("auto-submitted").toLowerCase();
  if (autoSubmitted !== "" && !/^no\b/.test(autoSubmitted))
    return { kind: "auto-reply", reason: `réponse automatique (Auto-Submitted: ${clip(autoSubmitted)})` };
  for (const name of ["x-autoreply", "x-autorespond", "x-autoresponder"])
    if (message.headers.has(name))
      return { kind: "auto-reply", reason: `réponse automatique (en-tête ${name})` };
  if (/^(auto_reply|bulk|junk)$/i.test(header("precedence")))
    return { kind: "auto-reply", reason: `réponse automatique (Precedence: ${clip(header("precedence"))})` };
  if (AUTO_REPLY_SUBJECTS.some((pattern) => pattern.test(message.subject)))
    return { kind: "auto-reply", reason: "réponse automatique (objet du message)" };
  return null;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 39)}…` : value;
}
