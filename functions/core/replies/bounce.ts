/**
 * An address the mail service reports as bouncing for good, or whose owner complained: the
 * Journal gets an `Adresse en échec` line for it, which the message plan reads to never write to
 * it again and to tell the organizer. Pure.
 */
import type { WorkbookChanges, WorkbookSnapshot } from "../../ports.js";
import { ZONE_TABS, zoneOfWorkbook } from "../event/zone.js";
import { journalRecord, readLedger } from "../ledger/journal.js";
import type { LedgerKeys } from "../ledger/keys.js";
import { type JournalRow, TABS } from "../sheet/schemas.js";
import { parseTable } from "../sheet/table.js";
import { layoutOf, recordRow } from "../sheet/table-writes.js";

/** The tabs a bounce needs: the settings (for the time zone) and the Journal. */
export const BOUNCE_TABS = [...ZONE_TABS, TABS.journal.name] as const;

export const BOUNCE_KEY_PREFIX = "rebond:";

export interface ReportedBounce {
  /** The event the bounced message belonged to. */
  readonly event: string;
  /** A permanent bounce, or a complaint (the person marked the message as spam). */
  readonly kind: "bounce" | "complaint";
  readonly addresses: readonly string[];
  /** The provider's finer kind (`NoEmail`, `Suppressed`, `abuse`...), for the organizer. */
  readonly subType?: string;
  /** The Journal key of the lines (`rebond:<notification id>`). */
  readonly key: string;
}

export interface BouncePlan {
  readonly changes: WorkbookChanges | null;
  /** Addresses this report adds to the Journal. */
  readonly recorded: readonly string[];
  /** Every address of the report, now marked (this time or before). */
  readonly bounced: readonly string[];
}

/** The ledger lines of a bounce report, one per address not already marked; `keys` name the recipients. */
export function planBounce(
  snapshot: WorkbookSnapshot,
  keys: Pick<LedgerKeys, "recipientId">,
  bounce: ReportedBounce,
  now: Date,
): BouncePlan {
  const zone = zoneOfWorkbook(snapshot);
  const tab = snapshot.get(TABS.journal.name);
  const known = new Set(
    readLedger(tab).entries.flatMap((entry) => (entry.data.kind === "bounced" ? [entry.data.recipient] : [])),
  );
  const bounced = [...new Set(bounce.addresses.map((address) => address.trim().toLowerCase()))].filter(
    (address) => address.includes("@"),
  );
  const recorded = bounced.filter((address) => !known.has(keys.recipientId(address)));
  if (recorded.length === 0) return { changes: null, recorded, bounced };
  const layout = layoutOf(parseTable<JournalRow>(TABS.journal, tab), tab !== undefined);
  const why = bounce.subType ? ` (${bounce.subType})` : "";
  const detail =
    bounce.kind === "bounce"
      ? `Rebond définitif signalé par le service d'envoi${why} : plus aucun message ne partira vers cette adresse. Corrigez-la dans le classeur si elle est erronée.`
      : `Le destinataire a signalé un message comme indésirable${why} : plus aucun message ne lui sera envoyé.`;
  return {
    changes: {
      ...(layout.creation ? { createTabs: [layout.creation] } : {}),
      cells: layout.headerWrites,
      appends: [
        {
          tab: layout.title,
          rows: recorded.map((address) =>
            recordRow(
              layout,
              journalRecord(now, zone, {
                event: "Adresse en échec",
                recipient: address,
                detail,
                key: bounce.key,
                data: {
                  kind: "bounced",
                  recipient: keys.recipientId(address),
                  cause: bounce.kind,
                  ...(bounce.subType ? { subType: bounce.subType.slice(0, 100) } : {}),
                },
              }),
            ),
          ),
        },
      ],
    },
    recorded,
    bounced,
  };
}
