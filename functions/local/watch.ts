/**
 * What the organizer typed, tab by tab: a digest of every tab's input cells (the columns and the
 * parameter lines Passerelle writes are left out), so that saving the file tells which tabs an
 * organizer changed, as the spreadsheet's edit trigger would.
 */
import { createHash } from "node:crypto";
import { cellText, normalizeKey } from "../core/sheet/cells.js";
import { LUNCH_WORKBOOK, SEMINAR_WORKBOOK, TABS } from "../core/sheet/schemas.js";
import { locateColumns } from "../core/sheet/table.js";
import type { Workbook } from "../ports.js";

const SPECS = [...new Set([...SEMINAR_WORKBOOK, ...LUNCH_WORKBOOK])].filter((spec) => spec !== TABS.journal);

export async function watchedTabs(workbook: Workbook): Promise<Map<string, string>> {
  const snapshot = await workbook.read(SPECS.map((spec) => spec.name));
  const digests = new Map<string, string>();
  for (const spec of SPECS) {
    const tab = snapshot.get(spec.name);
    if (!tab) continue;
    const hash = createHash("sha256");
    if (spec.kind === "settings") {
      for (const row of tab.rows) {
        if (normalizeKey(cellText(row[0] ?? null)) === "statut") continue;
        hash.update(JSON.stringify(row.map((cell) => cellText(cell ?? null))));
      }
    } else {
      const outputs = new Set(
        locateColumns(spec.schema, tab.rows[0] ?? [])
          // Affectations is written by the matching and edited by the organizer: all of it counts.
          .filter(
            (column) => spec !== TABS.placements && column.meta.io === "out" && column.index !== undefined,
          )
          .map((column) => (column.index ?? 0) - 1),
      );
      for (const row of tab.rows)
        hash.update(
          JSON.stringify(row.map((cell, index) => (outputs.has(index) ? "" : cellText(cell ?? null)))),
        );
    }
    digests.set(tab.title, hash.digest("hex"));
  }
  return digests;
}
