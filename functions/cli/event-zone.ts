/**
 * The zone of the event a workbook opened by the command line holds (a seminar, a reverse
 * immersion seen as one, a lunch talk or a cycle of lunch talks), in which `--at` is read and times
 * are printed. Refuses, in French, a workbook that holds none of them.
 */
import { eventKind, NOT_AN_EVENT } from "../app/check-workbook.js";
import { CYCLE_TABS_SPEC, type CycleSettings } from "../core/cycle/cycle-schemas.js";
import { eventZone } from "../core/settings/event-settings.js";
import { type LunchSettings, type SeminarSettings, TABS } from "../core/sheet/schemas.js";
import { parseSettings } from "../core/sheet/table.js";
import type { Workbook } from "../ports.js";
import { Refusal } from "./errors.js";

/** The event's zone (`Fuseau horaire`, the default zone when empty). Throws a `Refusal` for a workbook that is no event. */
export async function zoneOf(workbook: Workbook): Promise<string> {
  const snapshot = await workbook.read([TABS.seminar.name, TABS.lunch.name, CYCLE_TABS_SPEC.cycle.name]);
  const kind = eventKind(snapshot);
  if (kind === "unknown") throw new Refusal(NOT_AN_EVENT);
  if (kind === "seminar")
    return eventZone(parseSettings<SeminarSettings>(TABS.seminar, snapshot.get(TABS.seminar.name)).partial);
  if (kind === "lunch")
    return eventZone(parseSettings<LunchSettings>(TABS.lunch, snapshot.get(TABS.lunch.name)).partial);
  return eventZone(
    parseSettings<CycleSettings>(CYCLE_TABS_SPEC.cycle, snapshot.get(CYCLE_TABS_SPEC.cycle.name)).partial,
  );
}
