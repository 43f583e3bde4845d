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
 * `METHOD:PUBLISH`, not `REQUEST`: a request makes Outlook and Gmail show Accept/Decline buttons
 * whose answers would go to the sender and be lost (tutors answer by email, participants do not
 * answer at all), and needs ORGANIZER/ATTENDEE properties naming people. A published event with
 * a stable `UID` and a higher `SEQUENCE` still replaces the earlier copy in the calendars that
 * imported it.
 *
 * `UID`s are a digest of the event, the participant and the item's stable id: the same item keeps
 * its UID across versions (so it updates instead of duplicating) and no name or address shows in it.
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
}

export const CALENDAR_DOMAIN = "passerelle.invalid";

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

export function buildCalendar(input: CalendarInput): string {
  const calendar = new ICalCalendar({
    prodId: { company: "Passerelle", product: "Convocations", language: "FR" },
    name: clean(input.title),
    method: ICalCalendarMethod.PUBLISH,
  });
  calendar.x([{ key: "X-WR-TIMEZONE", value: input.zone }]);
  for (const item of input.items) {
    const event = calendar.createEvent({
      id: calendarUid(input.event, input.owner, item.id),
      sequence: input.sequence,
      stamp: input.stamp,
      start: item.start,
      end: item.end,
      summary: clean(item.title),
      status: ICalEventStatus.CONFIRMED,
      transparency:
        item.end.getTime() === item.start.getTime()
          ? ICalEventTransparency.TRANSPARENT
          : ICalEventTransparency.OPAQUE,
    });
    if (item.place) event.location(clean(item.place));
    if (item.description) event.description(clean(item.description));
  }
  return calendar.toString();
}
