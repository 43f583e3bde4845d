/**
 * The printed documents messages carry (issue 17), on the app's side: the plan is given the
 * event's documents from the workbook it was made from (`PlanOptions.documents`), and a message's
 * documents are drawn as PDF attachments just before it leaves (or is previewed). Drawing is
 * asynchronous (pdf-lib), which is why the plan only carries their content.
 */
import { renderPdf } from "../adapters/pdf.js";
import { type DocumentSet, eventDocuments } from "../core/documents/index.js";
import type { EventModel } from "../core/event/model.js";
import type { LedgerKeys } from "../core/ledger/keys.js";
import type { PlannedMessage } from "../core/messages/plan.js";
import type { Attachment, OutgoingMessage, WorkbookSnapshot } from "../ports.js";

/** `PlanOptions.documents` for a snapshot and the model already built from it. */
export function documentsOf(
  snapshot: WorkbookSnapshot,
  keys: LedgerKeys,
  model: EventModel,
): (at: Date) => DocumentSet | null {
  return (at) => eventDocuments(snapshot, keys, at, model);
}

/** A message's documents drawn as PDF attachments (`application/pdf`), one after the other. */
export async function drawDocuments(message: Pick<PlannedMessage, "documents">): Promise<Attachment[]> {
  const drawn: Attachment[] = [];
  for (const attachment of message.documents ?? [])
    drawn.push({
      filename: attachment.filename,
      contentType: "application/pdf",
      content: await renderPdf(attachment.document, attachment.createdAt),
    });
  return drawn;
}

/** The message with its documents drawn as PDF attachments, after any it has. */
export async function withDocuments(
  built: OutgoingMessage,
  message: Pick<PlannedMessage, "documents">,
): Promise<OutgoingMessage> {
  if (!message.documents || message.documents.length === 0) return built;
  return { ...built, attachments: [...(built.attachments ?? []), ...(await drawDocuments(message))] };
}
