/**
 * The calendar file (.ics) attached to a convocation and to a change notice.
 *
 * Times are written in UTC (`DTSTART:20270317T150000Z`), computed with luxon from the wall-clock
 * times of the timetable in the event's zone. UTC rather than `TZID` + `VTIMEZONE`: every client
 * (Outlook, Apple Calendar, Google Calendar) reads UTC the same way and shows it in the reader's
 * own zone, whereas a `VTIMEZONE` must be generated for the right years and rules (no generator
 * is installed, and a wrong one is worse than none); the daylight-saving change is handled once,
 * by luxon, when the wall-clock time becomes an instant. `X-WR-TIMEZONE` names the event's zone
 * for the clients that display it.
 *
 * What each calendar client needs (RFC 5545, RFC 5546 iTIP, RFC 6047 iMIP; the README's
 * « Calendriers » section says the same for organizers):
 * - one calendar object per message, with one `METHOD` (iMIP, RFC 6047 §2.4): Outlook processes only
 *   the first `text/calendar` part, and its MIME `method=` parameter must match the `METHOD` line;
 * - convocation and change notice: `METHOD:PUBLISH` with an `ORGANIZER` (required in PUBLISH by
 *   RFC 5546 §3.2.1) and no `ATTENDEE`: no answer is expected (a `REQUEST` makes Outlook and Gmail
 *   show Accept/Decline buttons whose answers would go nowhere). Apple Calendar, Google Calendar
 *   (import or « Ajouter à l'agenda ») and Outlook replace an event they already hold with the same
 *   `UID` and a higher `SEQUENCE`; an item removed from the programme is carried in the same file
 *   with its `UID`, `STATUS:CANCELLED` and the higher `SEQUENCE`, so it is cancelled rather than
 *   left behind;
 * - cancellation notice (the whole registration cancelled): `METHOD:CANCEL`, with `ORGANIZER` and
 *   the participant as `ATTENDEE` (both required by RFC 5546 §3.2.5), every event
 *   `STATUS:CANCELLED` with a higher `SEQUENCE`: Outlook and Gmail remove the events of a CANCEL
 *   sent by the organizer they know, Apple Calendar offers to delete them.
 * An instant (an arrival, a train) has a `DTSTART` and no `DTEND` (RFC 5545 §3.6.1: such an event
 * ends when it starts; a `DTEND` equal to `DTSTART` is not allowed). Every line, the last one
 * included, ends with CRLF (RFC 5545 §3.1).
 *
 * `UID`s are a digest of the event, the participant and the item's identity (the `Identifiant`
 * the system writes once on each `Programme` row, never its text): the same item keeps its UID
 * across versions whatever is renamed or moved (so it updates instead of duplicating), and no name
 * or address shows in it.
 */
import { createHash } from "node:crypto";
import { ICalCalendar, ICalCalendarMethod, ICalEventStatus, ICalEventTransparency } from "ical-generator";

export interface CalendarItem {
  readonly id: string;
  readonly start: Date;
  readonly end: Date;
  readonly title: string;
  readonly place?: string;
  readonly description?: string;
}

/** An item a participant had in an earlier calendar and no longer has: sent cancelled. */
export interface CancelledCalendarItem {
  readonly id: string;
  readonly start: Date;
  readonly end: Date;
  readonly title: string;
}

/** Whether the file updates a calendar (`PUBLISH`) or removes everything it names (`CANCEL`). */
export type CalendarMethod = "PUBLISH" | "CANCEL";

/**
 * One participant's calendar file. `sequence` is 0 for the first convocation and one more for
 * each later file; items removed since the last file go in `cancelled`. `organizer` is the sender.
 */
export interface CalendarInput {
  /** The event's id (its workbook). */
  readonly event: string;
  /** Whose calendar this is (an address): part of every UID. */
  readonly owner: string;
  readonly title: string;
  readonly zone: string;
  /** Raised each time the content changes (0 for the first convocation). */
  readonly sequence: number;
  readonly items: readonly CalendarItem[];
  /** Stamps the file (`DTSTAMP`); the time the message is built. */
  readonly stamp: Date;
  /** The sender (`ORGANIZER`). */
  readonly organizer: { readonly name?: string; readonly address: string };
  /** Items of an earlier file that are gone: written with `STATUS:CANCELLED`. */
  readonly cancelled?: readonly CancelledCalendarItem[];
  /** `PUBLISH` (default) or `CANCEL` (every item is cancelled; `owner` is the `ATTENDEE`). */
  readonly method?: CalendarMethod;
}

/** The MIME type of the calendar part: its `method` matches the file's (Outlook requires it). */
export function calendarContentType(method: CalendarMethod = "PUBLISH"): string {
  return `text/calendar; charset=utf-8; method=${method}`;
}

export const CALENDAR_DOMAIN = "passerelle.invalid";

/** The UID of an item in one participant's calendar (no name or address shows in it). */
export function calendarUid(event: string, owner: string, itemId: string): string {
  const hash = createHash("sha256")
    .update(`${event}\u0000${owner.toLowerCase()}\u0000${itemId}`)
    .digest("hex");
  return `${hash.slice(0, 32)}@${CALENDAR_DOMAIN}`;
}

/** Strips what must never reach a calendar line (controls, bidi overrides); ical-generator escapes the rest. */
function clean(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/\r\n?/g, "\n");
}

/** The calendar file (.ics text, CRLF line ends, the last one included); see the module's notes. */
export function buildCalendar(input: CalendarInput): string {
  const method = input.method ?? "PUBLISH";
  const calendar = new ICalCalendar({
    prodId: { company: "Passerelle", product: "Convocations", language: "FR" },
    name: clean(input.title),
    method: method === "CANCEL" ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
  });
  calendar.x([{ key: "X-WR-TIMEZONE", value: input.zone }]);
  const organizer = {
    name: clean(input.organizer.name ?? input.organizer.address),
    email: input.organizer.address,
  };
  const add = (item: CalendarItem | CancelledCalendarItem, cancelled: boolean) => {
    const instant = item.end.getTime() === item.start.getTime();
    const event = calendar.createEvent({
      id: calendarUid(input.event, input.owner, item.id),
      sequence: input.sequence,
      stamp: input.stamp,
      start: item.start,
      ...(instant ? {} : { end: item.end }),
      summary: clean(item.title),
      organizer,
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      transparency: instant || cancelled ? ICalEventTransparency.TRANSPARENT : ICalEventTransparency.OPAQUE,
    });
    if (method === "CANCEL") event.createAttendee({ email: input.owner, rsvp: false });
    if ("place" in item && item.place) event.location(clean(item.place));
    if ("description" in item && item.description) event.description(clean(item.description));
  };
  for (const item of input.items) add(item, method === "CANCEL");
  for (const item of input.cancelled ?? []) add(item, true);
  const text = calendar.toString();
  return text.endsWith("\r\n") ? text : `${text}\r\n`;
}
