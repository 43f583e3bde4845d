import type { AutomaticKind } from "./automatic.js";
import type { ReportPart } from "./reports.js";

/**
 * A received email as the reply rules need it: a few headers, the text (HTML already turned into
 * text) and where it was sent. The MIME reader (`adapters/mime-reader.ts`) builds it; everything in
 * `core/replies` is a pure function of it.
 */

export interface InboundMessage {
  /** Header names in lowercase; a header given several times keeps its values joined by `, `. */
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  /** The address of `From`, lowercase, or `""`. */
  readonly from: string;
  /** Addresses of `To`, `Cc`, `Delivered-To`, `X-Original-To` (the envelope is added by the caller). */
  readonly recipients: readonly string[];
  /** The top-level content type, lowercase (`multipart/report` for a bounce). */
  readonly contentType: string;
  /** The body as text: the plain part, or the HTML part turned into text, cut at `MAX_TEXT_CHARS`. */
  readonly text: string;
  /** Whether the message or its text was cut before reading. */
  readonly truncated: boolean;
  /**
   * The machine-readable report parts (delivery status, read receipt, complaint) found at any
   * depth, including inside an attached message; none for a person's reply.
   */
  readonly reports?: readonly ReportPart[];
}

export type Decision = "confirm" | "decline" | "unclear";

export interface ReplyDecision {
  readonly decision: Decision;
  /** Why, in French, for the organizer (the Journal, the alert, the command line). */
  readonly reason: string;
  /** The answer without the quoted request and the signature. */
  readonly text: string;
  /** Set when no person typed the message: what kind of machine message it is. */
  readonly automatic?: AutomaticKind;
}

/** Past this, the text is not read further: an answer is at the top. */
export const MAX_TEXT_CHARS = 20_000;
/** What the classifier looks at once the quote is stripped. */
export const MAX_ANSWER_CHARS = 3_000;
