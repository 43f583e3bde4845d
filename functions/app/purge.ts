/**
 * Erasing an event's personal data once it is over: names, addresses, phones, needs and travel
 * times are emptied in every tab (the columns the schemas mark `personal`), the rest (counts,
 * structures, wishes, the Journal's keys) stays for the organizers' records.
 */
import { DateTime } from "luxon";
import { isBlank } from "../core/cells.js";
import { closingInstant } from "../core/check-lunch.js";
import { LUNCH_WORKBOOK, SEMINAR_WORKBOOK, TABS, type TabSpec } from "../core/schemas.js";
import { columnsOf, parseSettings, parseTable } from "../core/table.js";
import type { CellWrite, Workbook } from "../ports.js";
import { ALL_TABS, eventKind } from "./check-workbook.js";

export interface PurgeReport {
  readonly done: boolean;
  /** Why nothing was erased, in French. */
  readonly refused?: string;
  readonly cellsErased: number;
  readonly summary: string;
}

const ERASED = "";

export async function purgeWorkbook(
  workbook: Workbook,
  now: Date,
  options: { force?: boolean } = {},
): Promise<PurgeReport> {
  const tabs = [...new Set([...ALL_TABS, TABS.journal.name])];
  const snapshot = await workbook.read(tabs);
  const kind = eventKind(snapshot);
  if (kind === "unknown") {
    return {
      done: false,
      refused: "Ce classeur n'est pas un classeur Passerelle.",
      cellsErased: 0,
      summary: "",
    };
  }
  const end = eventEnd(kind, snapshot);
  if (!options.force && (end === null || end > now)) {
    const refused =
      end === null
        ? "La date de l'événement est illisible : corrigez-la, ou forcez l'effacement (--force)."
        : `L'événement n'est pas terminé (fin le ${DateTime.fromJSDate(end).setLocale("fr").toFormat("dd/MM/yyyy 'à' HH:mm")}) : rien n'a été effacé.`;
    return { done: false, refused, cellsErased: 0, summary: refused };
  }
  const specs: readonly TabSpec[] = kind === "seminar" ? SEMINAR_WORKBOOK : LUNCH_WORKBOOK;
  const writes: CellWrite[] = [];
  for (const spec of specs) {
    if (spec.kind !== "table") continue;
    const tab = snapshot.get(spec.name);
    if (!tab) continue;
    const table = parseTable(spec, tab);
    const personal = table.columns.filter((column) => column.meta.personal && column.index !== undefined);
    for (let row = 2; row <= tab.rows.length; row++) {
      for (const column of personal) {
        if (!isBlank(tab.rows[row - 1]?.[column.index! - 1] ?? null)) {
          writes.push({ tab: tab.title, row, column: column.index!, value: ERASED });
        }
      }
    }
  }
  const settingsSpec = kind === "seminar" ? TABS.seminar : TABS.lunch;
  const settings = parseSettings(settingsSpec, snapshot.get(settingsSpec.name));
  const at = DateTime.fromJSDate(now, { zone: timeZoneOf(settings.partial) })
    .setLocale("fr")
    .toFormat("dd/MM/yyyy 'à' HH:mm");
  const summary = `Données personnelles effacées le ${at} (${writes.length} cellules) : noms, adresses, téléphones, besoins et horaires de train.`;
  const statusLine = settings.lines.get("status");
  if (statusLine)
    writes.push({ tab: settings.title, row: statusLine.row, column: statusLine.valueColumn, value: summary });
  const erased = writes.length - (statusLine ? 1 : 0);
  if (writes.length > 0) await workbook.write({ cells: writes });
  return { done: true, cellsErased: erased, summary };
}

function timeZoneOf(settings: Partial<{ timeZone: string }>): string {
  return settings.timeZone ?? "Europe/Paris";
}

/** When the event ends: the end of the last day of a seminar, the end of a lunch talk. */
function eventEnd(kind: "seminar" | "lunch", snapshot: Awaited<ReturnType<Workbook["read"]>>): Date | null {
  if (kind === "lunch") {
    const settings = parseSettings<{ date?: string; end?: string; timeZone?: string }>(
      TABS.lunch,
      snapshot.get(TABS.lunch.name),
    ).partial;
    if (!settings.date || closingInstant(settings as never) === null) return null;
    return DateTime.fromISO(`${settings.date}T${settings.end ?? "13:45"}`, {
      zone: timeZoneOf(settings),
    }).toJSDate();
  }
  const settings = parseSettings<{ day1?: string; day2?: string; timeZone?: string }>(
    TABS.seminar,
    snapshot.get(TABS.seminar.name),
  ).partial;
  if (!settings.day1) return null;
  const lastDay = settings.day2 ?? DateTime.fromISO(settings.day1).plus({ days: 1 }).toISODate()!;
  return DateTime.fromISO(lastDay, { zone: timeZoneOf(settings) })
    .endOf("day")
    .toJSDate();
}

/** The personal columns of a tab, by header (for the documentation and tests). */
export function personalHeaders(spec: TabSpec): string[] {
  return columnsOf(spec.schema)
    .filter((column) => column.meta.personal)
    .map((column) => column.meta.header);
}
