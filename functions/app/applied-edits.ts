/**
 * Which signed edits `sheetEdit` has applied: one Journal line each, keyed `edit:<id>` (the unique
 * id the Apps Script puts inside the signed body), with the time the edit was signed. A second
 * delivery of the same edit (a replay within the signature's five minutes, or the script trying
 * again) is answered without running any action again. Before acting, a delivery claims the edit
 * (first claim wins): of two deliveries at the same moment, one acts and the other is told the edit
 * is being applied (the script tries again later and then finds it applied).
 */
import { randomUUID } from "node:crypto";
import { DateTime } from "luxon";
import { journalAppend, readLedger } from "../core/ledger/journal.js";
import { journalState } from "../core/ledger/state.js";
import { DEFAULT_ZONE } from "../core/settings/event-settings.js";
import { type LunchSettings, type SeminarSettings, TABS } from "../core/sheet/schemas.js";
import { parseSettings } from "../core/sheet/table.js";
import type { Workbook } from "../ports.js";

/** How long a delivery holds an edit it claimed before another may apply it (ms). */
const EDIT_LEASE_MS = 2 * 60_000;

export const EDIT_KEY_PREFIX = "edit:";
const EDIT_TABS = [TABS.seminar.name, TABS.lunch.name, TABS.journal.name] as const;

/** What an edit's record needs: where it was made, never what was typed. */
export interface AppliedEdit {
  readonly id: string;
  readonly tab: string;
  readonly firstRow: number;
  readonly lastRow: number;
  /** When the Apps Script signed it. */
  readonly signedAt: Date;
}

export interface EditLedger {
  /** Whether the edit is recorded as applied already. */
  readonly applied: boolean;
  /** Claims the edit before acting: `won` when this delivery applies it, `held` when another is. */
  claim(now: Date): Promise<"won" | "held">;
  /** Records the edit as applied (one Journal line). */
  record(now: Date): Promise<void>;
}

/** Reads the Journal once and answers whether this edit was applied before. */
export async function readEditLedger(workbook: Workbook, edit: AppliedEdit): Promise<EditLedger> {
  const snapshot = await workbook.read(EDIT_TABS);
  const key = `${EDIT_KEY_PREFIX}${edit.id}`;
  const journal = snapshot.get(TABS.journal.name);
  const applied = readLedger(journal).entries.some(
    (entry) => entry.key === key && entry.data.kind === "edit",
  );
  const zone =
    parseSettings<SeminarSettings>(TABS.seminar, snapshot.get(TABS.seminar.name)).partial.timeZone ??
    parseSettings<LunchSettings>(TABS.lunch, snapshot.get(TABS.lunch.name)).partial.timeZone ??
    DEFAULT_ZONE;
  return {
    applied,
    async claim(now) {
      const run = randomUUID().replace(/-/g, "").slice(0, 12);
      await workbook.write(
        journalAppend(journal, now, zone, [
          { event: "Modification reçue", key, data: { kind: "claim", run, leaseMs: EDIT_LEASE_MS } },
        ]),
      );
      const back = await workbook.read([TABS.journal.name], { fresh: true });
      const state = journalState(readLedger(back.get(TABS.journal.name)), now);
      return state.claims.get(key)?.run === run ? "won" : "held";
    },
    async record(now) {
      const signed = DateTime.fromJSDate(edit.signedAt, { zone }).toFormat("yyyy-MM-dd HH:mm:ss");
      const rows =
        edit.firstRow === edit.lastRow
          ? `ligne ${edit.firstRow}`
          : `lignes ${edit.firstRow} à ${edit.lastRow}`;
      await workbook.write(
        journalAppend(journal, now, zone, [
          {
            event: "Modification appliquée",
            detail: `signée le ${signed}, onglet ${edit.tab}, ${rows}`,
            key,
            data: { kind: "edit", editedAt: edit.signedAt.toISOString() },
          },
        ]),
      );
    },
  };
}
