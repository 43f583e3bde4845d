/**
 * What the documents of both event kinds share: French wording of dates, durations and needs,
 * sorting by name, and the result type. Pure.
 */
import { DateTime } from "luxon";
import { normalizeKey } from "../sheet/cells.js";
import { frenchDate, frenchDates, frenchTime } from "../text/french.js";
import type { PrintedDocument } from "./layout.js";

/** Every document of an event at an instant, and what the organizer should know about them. */
export interface DocumentSet {
  readonly kind: "seminar" | "lunch";
  readonly title: string;
  readonly zone: string;
  readonly documents: readonly PrintedDocument[];
  /** The headcounts in one line, for the event's `Statut` (`Effectifs : …`). */
  readonly headcountLine: string;
  /** In French: certificates not made yet, rows left out, a structure without contact... */
  readonly notes: readonly string[];
}

/** The dash printed in an empty cell (a participant without `Organisme`). */
export const NONE = "—";

/** `Mercredi 17 mars 2027`, `Mardi 1er juin 2027`. */
export function longDate(instant: Date, zone: string): string {
  const text = frenchDate(DateTime.fromJSDate(instant, { zone }), "weekday");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `17/03/2027`. */
export function shortDate(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat("dd/LL/yyyy");
}

/** `16 h 30 – 18 h`. */
export function hours(start: Date, end: Date, zone: string): string {
  return start.getTime() === end.getTime()
    ? frenchTime(start, zone)
    : `${frenchTime(start, zone)} – ${frenchTime(end, zone)}`;
}

/** A duration in minutes as `9 h 30` (`45 min` under an hour). */
export function duration(minutes: number): string {
  const whole = Math.max(0, Math.round(minutes));
  const h = Math.floor(whole / 60);
  const m = whole % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, "0")}`;
}

/** The dates of an event in a sentence: `les 17 et 18 mars 2027`, `le 1er avril 2027`. */
export function eventDates(days: readonly string[]): string {
  const dates = [...new Set(days)].map((day) => DateTime.fromISO(day));
  const [first, last] = [dates[0], dates.at(-1)];
  if (!first || !last) return "";
  return frenchDates(first, last);
}

/**
 * The `Besoins` of a participant as printed for a host or a caterer: `PMR` (SHEETS.md: step-free
 * access required) is spelled out, the rest is kept as typed.
 */
export function needsText(needs: string | undefined): string {
  const text = (needs ?? "").trim();
  if (text === "") return "";
  return text
    .split(/\s*[;\n]\s*/)
    .filter((part) => part !== "")
    .map((part) => part.replace(/\bPMR\b/gi, "accès de plain-pied (PMR)"))
    .join(" ; ");
}

/** French alphabetical order of last names, then first names (accents and case folded). */
export function byName<T extends { readonly lastName: string; readonly firstName: string }>(
  a: T,
  b: T,
): number {
  return (
    a.lastName.localeCompare(b.lastName, "fr", { sensitivity: "base" }) ||
    a.firstName.localeCompare(b.firstName, "fr", { sensitivity: "base" })
  );
}

/** Whether the organizer marked the person absent (`Présent` = `Non`); empty counts as present. */
export function markedAbsent(present: string | undefined): boolean {
  return present === "Non";
}

/** Whether a timetable item is a meal (not counted in the hours of a certificate). */
export function isMeal(sequence: string): boolean {
  const key = normalizeKey(sequence);
  return key.includes("diner") || key.includes("repas") || key.includes("dejeuner");
}

/** `1 participant`, `12 participants`. */
export { plural } from "../text/french.js";
