/**
 * Which signed edits `sheetEdit` has applied: one Journal line each, keyed `edit:<id>` (the unique
 * id the Apps Script puts inside the signed body), with the time the edit was signed. A second
 * delivery of the same edit (a replay within the signature's five minutes, or the script trying
 * again) is answered without running any action again.
 */
import { DateTime } from "luxon";
import { journalAppend, journalEntries } from "../core/journal.js";
import { type LunchSettings, type SeminarSettings, TABS } from "../core/schemas.js";
import { parseSettings } from "../core/table.js";
import type { Workbook } from "../ports.js";

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
  /** Records the edit as applied (one Journal line). */
  record(now: Date): Promise<void>;
}

/** Reads the Journal once and answers whether this edit was applied before. */
export async function readEditLedger(workbook: Workbook, edit: AppliedEdit): Promise<EditLedger> {
  const snapshot = await workbook.read(EDIT_TABS);
  const key = `${EDIT_KEY_PREFIX}${edit.id}`;
  const journal = snapshot.get(TABS.journal.name);
  const applied = journalEntries(journal).some((entry) => entry.key === key);
  const zone =
    parseSettings<SeminarSettings>(TABS.seminar, snapshot.get(TABS.seminar.name)).partial.timeZone ??
    parseSettings<LunchSettings>(TABS.lunch, snapshot.get(TABS.lunch.name)).partial.timeZone ??
    "Europe/Paris";
  return {
    applied,
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
          },
        ]),
      );
    },
  };
}
