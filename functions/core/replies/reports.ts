/**
 * What a report a mail system sends back really says, read by its type and its fields rather than
 * taken as a non-delivery:
 * - `message/delivery-status` (RFC 3464, and `message/global-delivery-status`, RFC 6533): one
 *   `Action` per recipient; only `failed` is a non-delivery, `delayed` means the server is still
 *   trying, `delivered`, `relayed` and `expanded` say the message went on;
 * - `message/disposition-notification` (RFC 8098): a read receipt (`displayed`) or its opposite
 *   (`deleted`, the message was thrown away unread);
 * - `message/feedback-report` (RFC 5965, ARF): a complaint sent by a mailbox provider.
 * Pure: the MIME reader hands the parts over as text.
 */

/** A machine-readable report part found in a message, at any depth. */
export interface ReportPart {
  readonly type: "delivery-status" | "disposition-notification" | "feedback-report";
  /** The body of the part (its `Field: value` lines), cut to a few kilobytes. */
  readonly fields: string;
}

/** What a set of reports says, the most serious first. */
export type ReportVerdict =
  | { readonly kind: "failed"; readonly status?: string }
  | { readonly kind: "delayed"; readonly status?: string }
  | { readonly kind: "delivered"; readonly action: "delivered" | "relayed" | "expanded" }
  | { readonly kind: "read"; readonly disposition: "displayed" | "deleted" | "other" }
  | { readonly kind: "complaint"; readonly feedbackType: string }
  | { readonly kind: "unknown" };

/** Every value of a field in a report body (`Action: failed` → `failed`), lowercase, unfolded. */
export function reportFields(fields: string, name: string): string[] {
  const unfolded = fields.replace(/\r\n?/g, "\n").replace(/\n[ \t]+/g, " ");
  const pattern = new RegExp(String.raw`^${name}\s*:\s*(.*)$`, "gim");
  return [...unfolded.matchAll(pattern)].map((match) => match[1]!.trim().toLowerCase());
}

/** The class of an RFC 3463 status code (`5.1.1` → `failed`, `4.4.7` → `delayed`, `2.0.0` → `delivered`). */
function statusClass(status: string): "failed" | "delayed" | "delivered" | null {
  const first = /^([245])\.\d{1,3}\.\d{1,3}/.exec(status)?.[1];
  return first === "5" ? "failed" : first === "4" ? "delayed" : first === "2" ? "delivered" : null;
}

/**
 * The verdict of the report parts of a message; `reportType` is the `report-type` parameter of a
 * top-level `multipart/report`, used when no part could be read (a truncated message).
 * A complaint outranks a failure, a failure a delay, a delay a delivery, a delivery a read receipt.
 */
export function readReports(parts: readonly ReportPart[], reportType = ""): ReportVerdict {
  const feedback = parts.find((part) => part.type === "feedback-report");
  if (feedback)
    return { kind: "complaint", feedbackType: reportFields(feedback.fields, "feedback-type")[0] ?? "" };
  const delivery = parts.filter((part) => part.type === "delivery-status");
  if (delivery.length > 0) {
    const actions = delivery.flatMap((part) =>
      reportFields(part.fields, "action").map((action) => action.split(/[\s(;]/)[0]!),
    );
    const statuses = delivery.flatMap((part) =>
      reportFields(part.fields, "status").map((status) => status.split(/\s/)[0]!),
    );
    const failedStatus = statuses.find((status) => statusClass(status) === "failed");
    if (actions.includes("failed"))
      return { kind: "failed", ...(failedStatus ? { status: failedStatus } : {}) };
    if (actions.includes("delayed"))
      return { kind: "delayed", ...(statuses[0] ? { status: statuses[0] } : {}) };
    for (const action of ["delivered", "relayed", "expanded"] as const)
      if (actions.includes(action)) return { kind: "delivered", action };
    // No readable Action: the status code's class says it (RFC 3464 requires both).
    const classes = statuses.map(statusClass);
    if (classes.includes("failed"))
      return { kind: "failed", ...(failedStatus ? { status: failedStatus } : {}) };
    if (classes.includes("delayed"))
      return { kind: "delayed", ...(statuses[0] ? { status: statuses[0] } : {}) };
    if (classes.includes("delivered")) return { kind: "delivered", action: "delivered" };
    return { kind: "unknown" };
  }
  const disposition = parts.find((part) => part.type === "disposition-notification");
  if (disposition) {
    const value = reportFields(disposition.fields, "disposition")[0] ?? "";
    const type = /;\s*(\w+)/.exec(value)?.[1] ?? "";
    return {
      kind: "read",
      disposition: type === "displayed" ? "displayed" : type === "deleted" ? "deleted" : "other",
    };
  }
  const declared = reportType.toLowerCase();
  if (declared === "disposition-notification") return { kind: "read", disposition: "other" };
  if (declared === "feedback-report") return { kind: "complaint", feedbackType: "" };
  return { kind: "unknown" };
}

/** The `report-type` parameter of a `Content-Type` value, lowercase, or `""`. */
export function reportTypeOf(contentType: string): string {
  return /report-type\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase() ?? "";
}
