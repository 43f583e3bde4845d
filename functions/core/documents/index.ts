/**
 * The printed documents of whichever event a workbook holds (issue 17). Pure: a snapshot of the
 * tabs in `DOCUMENT_TABS`, the event's id and an instant in; the content of every document out.
 */

import type { WorkbookSnapshot } from "../../ports.js";
import { type EventModel, MESSAGE_TABS } from "../event/model.js";
import type { LedgerKeys } from "../ledger/keys.js";
import { TABS } from "../sheet/schemas.js";
import type { DocumentSet } from "./common.js";
import { lunchDocuments } from "./lunch.js";
import { seminarDocuments } from "./seminar.js";

export type { DocumentSet } from "./common.js";
export type { Block, DocumentSubject, PrintedDocument, TableColumn } from "./layout.js";

/** The tabs the documents are made from (those of the messages: the same people, the same agendas). */
export const DOCUMENT_TABS = MESSAGE_TABS;

/**
 * The documents of the event at `now`; `null` when the snapshot holds neither a seminar nor a lunch
 * talk. `keys` name the event and its people (a bounced address is left out, as for messages).
 * `model`, when given, is the event's model already built from the same snapshot (it is not built again).
 */
export function eventDocuments(
  snapshot: WorkbookSnapshot,
  keys: LedgerKeys,
  now: Date,
  model?: EventModel,
): DocumentSet | null {
  if (snapshot.has(TABS.seminar.name))
    return seminarDocuments(snapshot, keys, now, model?.kind === "seminar" ? model : undefined);
  if (snapshot.has(TABS.lunch.name))
    return lunchDocuments(snapshot, keys, now, model?.kind === "lunch" ? model : undefined);
  return null;
}
