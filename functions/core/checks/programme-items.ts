/**
 * What a seminar's programme items and wishes mean, shared by the seminar's checks, the checks of
 * each registration and the message plan: which item is a journey or an immersion, who attends an
 * optional item, how long an item lasts, which structure type a wish names. Pure.
 */
import { DateTime } from "luxon";
import { type IsoDate, minutesOf, normalizeKey } from "../sheet/cells.js";
import { type ParticipantRow, type ProgrammeRow, STRUCTURE_TYPES } from "../sheet/schemas.js";
import { frenchDate as frenchCalendarDate } from "../text/french.js";

const STRUCTURE_TYPE_KEYS = new Map<string, string>([
  ...STRUCTURE_TYPES.map((type) => [normalizeKey(type), type] as const),
  [normalizeKey("Pôle emploi"), "France Travail"],
  [normalizeKey("Urgences hôpital"), "Urgences"],
  [normalizeKey("Hôpital"), "Urgences"],
]);

/** The structure type a wish names, when it names a type rather than a structure. */
export function wishedType(wish: string): string | undefined {
  return STRUCTURE_TYPE_KEYS.get(normalizeKey(wish));
}

/**
 * A programme item that is a journey, by its `Séquence`: `Arrivée...` is the arrival, `Train...`,
 * `Départ...` and `Retour...` the return; `null` for every other item.
 */
export function travelKind(item: ProgrammeRow): "arrival" | "return" | null {
  const key = normalizeKey(item.sequence);
  if (key.startsWith("arrivee")) return "arrival";
  if (key.startsWith("train") || key.startsWith("depart") || key.startsWith("retour")) return "return";
  return null;
}

/** Items the train reminders and arrival checks must not count as a sequence. */
export function isTravel(item: ProgrammeRow): boolean {
  return travelKind(item) !== null;
}

/** Whether a timetable item is an immersion slot. */
export function isImmersion(item: ProgrammeRow): boolean {
  return normalizeKey(item.sequence) === "immersion";
}

/** Whether a participant attends a timetable item (optional items only when they chose them). */
export function attends(item: ProgrammeRow, participant: Pick<ParticipantRow, "dinner" | "visit">): boolean {
  if (item.audience === "Tous" || item.audience === "Participants") return true;
  if (item.audience !== "Sur inscription") return false;
  const key = normalizeKey(`${item.sequence} ${item.label ?? ""}`);
  if (key.includes("visite")) return participant.visit === "Oui";
  if (key.includes("diner")) return participant.dinner === "Oui";
  return false;
}

/** Minutes an item lasts, an end before its start meaning the next day. */
export function endMinutes(item: ProgrammeRow): number {
  const start = minutesOf(item.start);
  const end = minutesOf(item.end);
  return end >= start ? end : end + 24 * 60;
}

/** A date as the organizer reads it: `17 mars 2027`. */
export function frenchDate(date: IsoDate): string {
  return frenchCalendarDate(DateTime.fromISO(date));
}
