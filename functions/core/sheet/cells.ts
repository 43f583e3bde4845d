/**
 * Reading what organizers type: headers, texts, emails, dates and times, in every form a
 * spreadsheet gives them. Pure functions; nothing here knows about a particular tab.
 */
import { DateTime, FixedOffsetZone } from "luxon";
import type { Cell } from "../../ports.js";

/**
 * The key two spellings of a typed value share when only case, accents and spacing may differ:
 * `caf ` matches `CAF`, `Urgences` matches `urgences`, `DRH` and `drh ` are one service. Punctuation
 * is kept (`normalizeKey` folds it too, for headers and list values).
 */
export const textKey: (value: string) => string = memoizedText((value) =>
  value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[\s\u00a0\u202f]+/gu, " ")
    .trim()
    .toLowerCase(),
);

/**
 * The key two spellings of a header or a value share: lowercase, no accents, `œ` as `oe`,
 * every run of spaces, dashes, underscores, apostrophes or dots as one space.
 */
export const normalizeKey: (text: string) => string = memoizedText((text) => normalize(text));

/** Distinct texts a memoized key function remembers before it starts again. */
const MEMO_LIMIT = 20_000;

/**
 * `key` remembering its last `MEMO_LIMIT` distinct inputs: headers, slot, structure, type and
 * organisme names come back for every row and every request, and Unicode normalisation is the
 * costliest step of reading a large tab. `key` must be pure.
 */
function memoizedText(key: (text: string) => string): (text: string) => string {
  const known = new Map<string, string>();
  return (text) => {
    const hit = known.get(text);
    if (hit !== undefined) return hit;
    const value = key(text);
    if (known.size >= MEMO_LIMIT) known.clear();
    known.set(text, value);
    return value;
  };
}

function normalize(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/œ/gi, "oe")
    .replace(/æ/gi, "ae")
    .toLowerCase()
    .replace(/[\s\u00a0\u202f_\-'’.·:]+/gu, " ")
    .trim();
}

/** Error values a spreadsheet shows in place of a result (`#REF!`, `#N/A`...). */
const ERROR_VALUE = /^#(REF!|N\/A|VALUE!|DIV\/0!|NAME\?|NUM!|NULL!|ERROR!|CALC!|SPILL!|GETTING_DATA)$/;

export function isErrorValue(cell: Cell): boolean {
  return typeof cell === "string" && ERROR_VALUE.test(cell.trim());
}

/** Spaces a copy-paste brings: non-breaking and narrow non-breaking. */
const ODD_SPACES = /[\u00a0\u202f\u2007]/g;
/** Invisible characters a copy-paste leaves at the ends (zero-width space, word joiner, byte-order mark). */
const INVISIBLE_ENDS = /^(?:\u200b|\u2060|\ufeff)+|(?:\u200b|\u2060|\ufeff)+$/g;

/** A cell as text, with invisible spaces turned into plain ones and the ends trimmed. */
export function cellText(cell: Cell): string {
  if (cell === null) return "";
  if (typeof cell === "boolean") return cell ? "Oui" : "Non";
  if (typeof cell === "number") return Number.isInteger(cell) ? String(cell) : String(cell);
  return cell.replace(ODD_SPACES, " ").trim().replace(INVISIBLE_ENDS, "").trim();
}

export function isBlank(cell: Cell | undefined): boolean {
  return cell === undefined || cell === null || cellText(cell) === "";
}

/** Days between 1899-12-30 (the spreadsheet epoch) and 1970-01-01. */
const SERIAL_EPOCH_OFFSET = 25569;

/** A calendar date as `YYYY-MM-DD`. */
export type IsoDate = string;
/** A wall-clock time as `HH:MM`. */
export type WallTime = string;

export function serialToIsoDate(serial: number): IsoDate {
  const days = Math.floor(serial + 1e-9);
  return DateTime.fromMillis((days - SERIAL_EPOCH_OFFSET) * 86_400_000, { zone: "utc" }).toISODate() ?? "";
}

export function isoDateToSerial(date: IsoDate): number {
  const dt = DateTime.fromISO(date, { zone: "utc" });
  return Math.round(dt.toMillis() / 86_400_000) + SERIAL_EPOCH_OFFSET;
}

/**
 * A date typed as `2027-03-17`, `17/03/2027`, `17/03/27`, `17.03.2027`, or a spreadsheet serial.
 * An ISO 8601 date-time is a date only at midnight (`2027-03-17T00:00:00Z`, what exports write for
 * a date): any other time of day means the cell holds an instant, not a date, and it is refused
 * rather than cut to its date. Answers `null` when the cell is not entirely a real calendar date.
 */
export function parseDate(cell: Cell): IsoDate | null {
  if (typeof cell === "number") {
    if (cell < 1 || cell > 2958465) return null;
    if (Math.abs(cell - Math.round(cell)) > 1e-6) return null;
    return serialToIsoDate(cell);
  }
  const text = cellText(cell);
  if (text === "") return null;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?$/.exec(text);
  if (match) return validDate(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(text);
  if (match) {
    const year = match[3]!.length === 2 ? 2000 + Number(match[3]) : Number(match[3]);
    return validDate(year, Number(match[2]), Number(match[1]));
  }
  if (/^\d+$/.test(text)) return parseDate(Number(text));
  return null;
}

function validDate(year: number, month: number, day: number): IsoDate | null {
  const dt = DateTime.fromObject({ year, month, day }, { zone: "utc" });
  return dt.isValid ? dt.toISODate() : null;
}

/**
 * A time typed as `18:35`, `8h30`, `8h`, `8:30:00`, or a spreadsheet time fraction (0.5 is noon).
 * Answers `null` for anything it cannot read entirely: a date-time serial (the date would be lost),
 * seconds other than zero (they would be cut), an hour or minute out of range.
 */
export function parseTime(cell: Cell): WallTime | null {
  if (typeof cell === "number") {
    if (cell < 0 || cell >= 1 || !Number.isFinite(cell)) return null;
    const seconds = Math.round(cell * 86_400);
    if (seconds % 60 !== 0 || seconds >= 86_400) return null;
    return formatMinutes(seconds / 60);
  }
  const text = cellText(cell).toLowerCase();
  if (text === "") return null;
  const match = /^(\d{1,2})\s*(?:[:h]\s*(\d{2})?(?::(\d{2})(?:\.0+)?)?)?$/.exec(text);
  if (!match || (match[2] === undefined && !text.includes("h"))) {
    if (/^0?\.\d+$/.test(text)) return parseTime(Number(text));
    return null;
  }
  const hours = Number(match[1]);
  const minutes = match[2] === undefined ? 0 : Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  if (match[3] !== undefined && Number(match[3]) !== 0) return null;
  return formatMinutes(hours * 60 + minutes);
}

export function formatMinutes(total: number): WallTime {
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  return `${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
}

export function minutesOf(time: WallTime): number {
  const [hours, minutes] = time.split(":");
  return Number(hours) * 60 + Number(minutes);
}

/**
 * A date and time read from one cell. `time` is the wall-clock time as typed; `seconds` is kept
 * when the cell had them; `offsetMinutes` is present when the cell named its offset from UTC
 * (`Z`, `+01:00`): the wall-clock time is then that offset's, and `instantOf` converts it to the
 * event's zone.
 */
export interface DateTimeValue {
  readonly date: IsoDate;
  readonly time: WallTime | null;
  readonly seconds?: number;
  readonly offsetMinutes?: number;
}

const ISO_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A date and time typed in one cell: `2027-03-15 12:00`, `15/03/2027 12h`, a serial with a
 * fraction, or ISO 8601 in full (`2027-03-01T23:30:00Z`, `2027-03-01T23:30:00.250+01:00`, as form
 * exports write it). Answers `null` unless the whole cell is understood: nothing is cut silently.
 */
export function parseDateTime(cell: Cell): DateTimeValue | null {
  if (typeof cell === "number") {
    if (cell < 1 || cell > 2958466 || !Number.isFinite(cell)) return null;
    const days = Math.floor(cell + 1e-9);
    const date = serialToIsoDate(days);
    const total = Math.round((cell - days) * 86_400);
    if (total <= 0 || total >= 86_400) return { date, time: null };
    const seconds = total % 60;
    return { date, time: formatMinutes(Math.floor(total / 60)), ...(seconds ? { seconds } : {}) };
  }
  const text = cellText(cell);
  const iso = ISO_DATE_TIME.exec(text);
  if (iso) return isoDateTime(iso);
  const match = /^(\S+)(?:\s+(?:à\s+)?(\S+))?$/.exec(text);
  if (!match) return null;
  const date = parseDate(match[1]!);
  if (date === null) return null;
  if (match[2] === undefined) return { date, time: null };
  const time = parseTime(match[2]);
  return time === null ? null : { date, time };
}

function isoDateTime(match: RegExpExecArray): DateTimeValue | null {
  const date = parseDate(match[1]!);
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  const seconds = match[4] === undefined ? 0 : Number(match[4]);
  if (date === null || hours > 23 || minutes > 59 || seconds > 59) return null;
  let offsetMinutes: number | undefined;
  const offset = match[6];
  if (offset !== undefined) {
    if (offset.toUpperCase() === "Z") offsetMinutes = 0;
    else {
      const digits = offset.replace(":", "");
      const sign = digits.startsWith("-") ? -1 : 1;
      const oh = Number(digits.slice(1, 3));
      const om = digits.length > 3 ? Number(digits.slice(3, 5)) : 0;
      if (oh > 14 || om > 59) return null;
      offsetMinutes = sign * (oh * 60 + om);
    }
  }
  const fraction = match[5] === undefined ? 0 : Number(`0.${match[5]}`);
  const exact = seconds + fraction;
  return {
    date,
    time: formatMinutes(hours * 60 + minutes),
    ...(exact ? { seconds: exact } : {}),
    ...(offsetMinutes !== undefined ? { offsetMinutes } : {}),
  };
}

/**
 * The instant a date-time value names, in the event's `zone`: a value with an offset is that
 * instant (shown in `zone`), one without is wall-clock time in `zone`. A value without a time is
 * midnight. Never the process's zone.
 */
export function instantOf(value: DateTimeValue, zone: string, defaultTime: WallTime = "00:00"): DateTime {
  const [hour, minute] = (value.time ?? defaultTime).split(":").map(Number);
  const [year, month, day] = value.date.split("-").map(Number);
  const seconds = value.seconds ?? 0;
  const parts = {
    year,
    month,
    day,
    hour,
    minute,
    second: Math.floor(seconds),
    millisecond: Math.round((seconds % 1) * 1000),
  };
  if (value.offsetMinutes === undefined) return DateTime.fromObject(parts, { zone });
  return DateTime.fromObject(parts, { zone: FixedOffsetZone.instance(value.offsetMinutes) }).setZone(zone);
}

/** A date-time value as wall-clock time in `zone` (its offset, if any, converted away). */
export function inZone(value: DateTimeValue, zone: string): DateTimeValue {
  if (value.offsetMinutes === undefined || value.time === null) return value;
  const local = instantOf(value, zone);
  const seconds = local.second + local.millisecond / 1000;
  return {
    date: local.toISODate() ?? value.date,
    time: formatMinutes(local.hour * 60 + local.minute),
    ...(seconds ? { seconds } : {}),
  };
}

/**
 * An address as people paste it: the `mailto:` prefix and surrounding `<>` removed, spaces trimmed,
 * lowercase. Answers `null` when it is not a deliverable address (this is stricter than RFC 5322 on
 * purpose: quoted local parts, comments and IP literals are refused, and so is any control character).
 */
export function parseEmail(cell: Cell): string | null {
  if (typeof cell !== "string") return null;
  if (/[\r\n\t\u0000-\u001f\u007f]/.test(cell)) return null;
  let text = cellText(cell);
  text = text.replace(/^mailto:/i, "").replace(/^<(.*)>$/, "$1");
  if (text.length > 254) return null;
  const match =
    /^([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$/.exec(
      text,
    );
  if (!match || match[1]!.length > 64) return null;
  return `${match[1]}@${match[2]!.toLowerCase()}`.toLowerCase();
}

/** Splits a comma (or semicolon) list, dropping empty items. */
export function parseList(cell: Cell): string[] {
  return cellText(cell)
    .split(/[,;\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Quotes a value for a French message, shortened so a 5 MB cell never floods a status. */
export function quote(cell: Cell, max = 80): string {
  const text = cellText(cell).replace(/\s+/g, " ");
  return `« ${text.length > max ? `${text.slice(0, max - 1)}…` : text} »`;
}
