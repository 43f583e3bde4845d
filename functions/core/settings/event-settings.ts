/**
 * The event's settings that every layer shares: its time zone, and the actions an organizer
 * chooses in `Séminaire › Action` or `Rencontre › Action` (SHEETS.md). Every luxon value is built
 * here from an instant or a wall-clock time and the event's zone, never from the process's `TZ`.
 */
import { DateTime } from "luxon";

/** The zone of an event whose `Fuseau horaire` is empty (SHEETS.md: « Europe/Paris si vide »). */
export const DEFAULT_ZONE = "Europe/Paris";

/**
 * The event's IANA zone from its parsed settings (`Fuseau horaire`): `DEFAULT_ZONE` when the cell is
 * empty or the settings could not be read.
 */
export function eventZone(settings: { readonly timeZone?: string | null | undefined } | undefined): string {
  return settings?.timeZone ?? DEFAULT_ZONE;
}

/**
 * An instant (a `Date` or epoch milliseconds) as a luxon value in the event's zone: what `Date`s
 * become before any day arithmetic or formatting. The zone is required, so no result depends on `TZ`.
 */
export function inZone(instant: Date | number, zone: string): DateTime {
  return typeof instant === "number"
    ? DateTime.fromMillis(instant, { zone })
    : DateTime.fromJSDate(instant, { zone });
}

/** The seminar's actions, in the order of the `Action` list (SHEETS.md, `Séminaire`). */
export const SEMINAR_ACTIONS = ["Vérifier", "Affecter", "Envoyer les convocations", "Suspendre"] as const;
/** The lunch talk's actions, in the order of the `Action` list (SHEETS.md, `Rencontre`). */
export const LUNCH_ACTIONS = ["Vérifier", "Confirmer les inscriptions", "Suspendre"] as const;

/** A seminar's placement action: it starts the workflow, and before the go places the participants again. */
export const MATCH_ACTION = "Affecter" satisfies (typeof SEMINAR_ACTIONS)[number];
/** The organizer's go: the convocations leave. */
export const GO_ACTION = "Envoyer les convocations" satisfies (typeof SEMINAR_ACTIONS)[number];
/** A lunch talk's start: the seats are allotted and the confirmations leave. */
export const CONFIRM_ACTION = "Confirmer les inscriptions" satisfies (typeof LUNCH_ACTIONS)[number];
/** Stops every sending until another action is chosen. */
export const SUSPEND_ACTION = "Suspendre" satisfies (typeof SEMINAR_ACTIONS)[number] &
  (typeof LUNCH_ACTIONS)[number];
