/**
 * French wording, in one place: dates and times as a French reader expects them (always in the
 * event's zone), agreement of plurals, elision of `de`, ordinals. Typography follows the Lexique
 * des règles typographiques en usage à l'Imprimerie nationale (`16 h 30`, `1re`).
 */
import type { DateTime } from "luxon";
import { inZone } from "../settings/event-settings.js";

/**
 * The day of the month as French writes it: the first is an ordinal, `1er` (Lexique des règles
 * typographiques, « 1er janvier »), every other day a cardinal, `2`, `17`.
 */
export function dayOfMonth(day: number): string {
  return day === 1 ? "1er" : String(day);
}

/**
 * A calendar date in French, `1er` for the first of the month: `"date"` → `1er juin 2027`,
 * `"day-month"` → `1er juin`, `"weekday"` → `mardi 1er juin 2027`. `date` is read as it is (its
 * zone is the caller's: build it in the event's zone).
 */
export function frenchDate(date: DateTime, parts: "date" | "day-month" | "weekday" = "date"): string {
  const fr = date.setLocale("fr");
  const core = `${dayOfMonth(fr.day)} ${fr.toFormat("LLLL")}`;
  if (parts === "day-month") return core;
  return parts === "weekday" ? `${fr.toFormat("cccc")} ${core} ${fr.year}` : `${core} ${fr.year}`;
}

/**
 * Two days of an event in a sentence: `le 1er juin 2027`, `les 1er et 2 juin 2027`,
 * `les 31 mai et 1er juin 2027`, `les 31 décembre 2027 et 1er janvier 2028`.
 */
export function frenchDates(first: DateTime, last: DateTime): string {
  if (first.hasSame(last, "day")) return `le ${frenchDate(first)}`;
  if (first.hasSame(last, "month")) return `les ${dayOfMonth(first.day)} et ${frenchDate(last)}`;
  if (first.hasSame(last, "year")) return `les ${frenchDate(first, "day-month")} et ${frenchDate(last)}`;
  return `les ${frenchDate(first)} et ${frenchDate(last)}`;
}

/** `mardi 17 mars 2027`, `mardi 1er juin 2027`. */
export function frenchDay(instant: Date, zone: string): string {
  return frenchDate(inZone(instant, zone), "weekday");
}

/** `16 h 30`, the typographic form of French administrative writing. */
export function frenchTime(instant: Date, zone: string): string {
  const time = inZone(instant, zone);
  return time.minute === 0 ? `${time.hour} h` : `${time.hour} h ${String(time.minute).padStart(2, "0")}`;
}

/** `mardi 17 mars 2027 à 16 h 30`. */
export function frenchDateTime(instant: Date, zone: string): string {
  return `${frenchDay(instant, zone)} à ${frenchTime(instant, zone)}`;
}

/** `de 8 h 30 à 11 h 30` (or `à 18 h 35` for an instant). */
export function frenchSpan(start: Date, end: Date, zone: string): string {
  return start.getTime() === end.getTime()
    ? `à ${frenchTime(start, zone)}`
    : `de ${frenchTime(start, zone)} à ${frenchTime(end, zone)}`;
}

/** `1er`, `2e`... for a waiting-list rank. */
export function ordinal(rank: number): string {
  return rank === 1 ? "1re" : `${rank}e`;
}

/**
 * `1 ligne`, `2 lignes`, `0 ligne`: French agreement (the singular up to 1, as the Académie
 * française recommends for 0 and 1). `many` for irregular plurals (`tuteurs relancés`).
 */
export function plural(count: number, one: string, many = one.replace(/(\S+)/g, "$1s")): string {
  return `${count} ${Math.abs(count) >= 2 ? many : one}`;
}

/** The `s` of a plural agreement (`mise${pluralSuffix(n)} à jour`): empty up to 1, as `plural`. */
export function pluralSuffix(count: number): string {
  return Math.abs(count) >= 2 ? "s" : "";
}

/** `de` before a name, elided before a vowel or a mute h: `d'Hugo`, `d'Isabelle`, `de Sophie`, `de Yannick`. */
export function ofName(word: string): string {
  return /^[aeiouàâäéèêëîïôöùûüœh]/i.test(word.trim()) ? `d'${word.trim()}` : `de ${word.trim()}`;
}

/** A timeline stamp: the day once when it changes (`mardi 17 mars 2027`), then `18 h 09`. */
export function frenchDayHeading(instant: Date, zone: string): string {
  const day = frenchDay(instant, zone);
  return day.charAt(0).toUpperCase() + day.slice(1);
}

/**
 * The greeting of a message about `person`: to them (`Bonjour Léa Martin,`), or, when it goes to
 * whoever registered them (`careOf`, a service user's registrar), neutral (`Bonjour,`): the
 * registrar's name is not the person's.
 */
export function greeting(person: string, careOf: boolean): string {
  return careOf ? "Bonjour," : `Bonjour ${person},`;
}

/** « Farid Benyamina, que vous avez inscrit(e), » : whom a message to a registrar is about. */
export function registered(person: string): string {
  return `${person}, que vous avez inscrit(e),`;
}
