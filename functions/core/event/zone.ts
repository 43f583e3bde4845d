/**
 * The event's time zone, whatever the kind of workbook: the `Fuseau horaire` of its parameters tab
 * (`Séminaire`, `Rencontre` or `Cycle`; a reverse immersion is read through its seminar view), the
 * default zone (Europe/Paris) when the tab says none or the workbook has none. Journal lines,
 * claims and dates written back are in this zone.
 */
import type { WorkbookSnapshot } from "../../ports.js";
import { CYCLE_TABS_SPEC, type CycleSettings } from "../cycle/cycle-schemas.js";
import { eventZone } from "../settings/event-settings.js";
import { type LunchSettings, type SeminarSettings, TABS } from "../sheet/schemas.js";
import { parseSettings } from "../sheet/table.js";

/** The parameters tabs the zone is read from: read them with the Journal. */
export const ZONE_TABS = [TABS.seminar.name, TABS.lunch.name, CYCLE_TABS_SPEC.cycle.name] as const;

/** The IANA zone of the event the snapshot holds (`ZONE_TABS` read); never throws. */
export function zoneOfWorkbook(snapshot: WorkbookSnapshot): string {
  if (snapshot.has(TABS.seminar.name))
    return eventZone(parseSettings<SeminarSettings>(TABS.seminar, snapshot.get(TABS.seminar.name)).partial);
  if (snapshot.has(TABS.lunch.name))
    return eventZone(parseSettings<LunchSettings>(TABS.lunch, snapshot.get(TABS.lunch.name)).partial);
  if (snapshot.has(CYCLE_TABS_SPEC.cycle.name))
    return eventZone(
      parseSettings<CycleSettings>(CYCLE_TABS_SPEC.cycle, snapshot.get(CYCLE_TABS_SPEC.cycle.name)).partial,
    );
  return eventZone(undefined);
}
