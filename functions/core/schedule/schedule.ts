/**
 * When things happen for an event: the instants the workflow sleeps until. A pure function of the
 * event's model (the workbook and the Journal) so that a step asked twice answers the same.
 */
import { DateTime } from "luxon";
import type { EventModel, LunchModel, SeminarModel } from "../event/model.js";

export interface Schedule {
  /** Participants' and tutors' reminder (seminar), or the reminder before the talk. */
  readonly reminderAt: Date;
  /** Each distinct instant a return-train reminder is due, in order. */
  readonly trainReminders: readonly Date[];
  readonly feedbackAt: Date;
  /** When each host structure's roster goes to its `Contact` (a week before, at 9:00); none for a lunch talk. */
  readonly rostersAt: Date | null;
  /** When the attendance sheets and headcounts go to the organizer (the day before, at 9:00). */
  readonly papersAt: Date;
  /** Until when the workflow waits for the tutors' answers before marking the silent ones. */
  readonly repliesDeadline: Date;
  /** Lunch talks: when the quota per service is lifted. */
  readonly closingAt: Date | null;
  readonly endAt: Date;
}

/** How long tutors have to answer, from the first request. */
export const REPLY_DAYS = 5;

/** How many days before day 1 the host structures receive their rosters (issue 17: a week). */
export const ROSTER_DAYS = 7;

const at9 = (date: DateTime) => date.set({ hour: 9, minute: 0, second: 0, millisecond: 0 });

/**
 * 9:00 on the first working day (Monday to Friday) after `end`, in `end`'s zone: when a lunch talk's
 * survey leaves. By then the organizer can have reported the absences from the attendance sheet
 * (`Présent`), and the survey goes only to the people who came. Public holidays are not known here.
 */
export function nextWorkingMorning(end: DateTime): DateTime {
  let day = at9(end.plus({ days: 1 }));
  while (day.weekday > 5) day = day.plus({ days: 1 });
  return day;
}

export function seminarSchedule(model: SeminarModel, now: Date): Schedule {
  const { info } = model;
  const zone = info.zone;
  const reminderAt = at9(DateTime.fromISO(info.days[0], { zone }).minus({ days: info.reminderDays }));
  const trainReminders = [
    ...new Set(
      model.agendas.flatMap((agenda) =>
        agenda.returnTrain
          ? [agenda.returnTrain.departure.getTime() - info.trainReminderMinutes * 60_000]
          : [],
      ),
    ),
  ]
    .sort((a, b) => a - b)
    .map((time) => new Date(time));
  // The answers are awaited for REPLY_DAYS from the first request, and never after the eve of
  // the reminders (a tutor who has not answered by then is flagged while there is time to act).
  let firstRequest: number | undefined;
  for (const [key, record] of model.journal.sent) {
    if (!key.includes(":demande-tuteur:") || !record.at) continue;
    firstRequest = Math.min(firstRequest ?? Number.POSITIVE_INFINITY, record.at.getTime());
  }
  const asked = DateTime.fromMillis(firstRequest ?? now.getTime(), { zone });
  const latest = reminderAt.minus({ days: 1 });
  const wished = asked.plus({ days: REPLY_DAYS });
  const deadline = wished <= latest ? wished : latest > asked ? latest : asked.plus({ days: 1 });
  return {
    reminderAt: reminderAt.toJSDate(),
    trainReminders,
    feedbackAt: at9(DateTime.fromJSDate(model.endsAt, { zone }).plus({ days: 1 })).toJSDate(),
    rostersAt: at9(DateTime.fromISO(info.days[0], { zone }).minus({ days: ROSTER_DAYS })).toJSDate(),
    papersAt: at9(DateTime.fromISO(info.days[0], { zone }).minus({ days: 1 })).toJSDate(),
    repliesDeadline: deadline.toJSDate(),
    closingAt: null,
    endAt: model.endsAt,
  };
}

export function lunchSchedule(model: LunchModel, closingAt: Date | null): Schedule {
  const { info } = model;
  const reminderAt = DateTime.fromJSDate(info.start, { zone: info.zone })
    .minus({ hours: info.reminderHours })
    .toJSDate();
  return {
    reminderAt,
    trainReminders: [],
    feedbackAt: nextWorkingMorning(DateTime.fromJSDate(info.end, { zone: info.zone })).toJSDate(),
    rostersAt: null,
    papersAt: at9(DateTime.fromJSDate(info.start, { zone: info.zone }).minus({ days: 1 })).toJSDate(),
    repliesDeadline: closingAt ?? reminderAt,
    closingAt,
    endAt: info.end,
  };
}

export function eventSchedule(model: EventModel, now: Date, closingAt: Date | null = null): Schedule {
  return model.kind === "seminar" ? seminarSchedule(model, now) : lunchSchedule(model, closingAt);
}

/** An instant as the workflow reads it: ISO 8601 with the event's offset. */
export function isoInZone(instant: Date, zone: string): string {
  return (
    DateTime.fromJSDate(instant, { zone }).toISO({ suppressMilliseconds: true }) ?? instant.toISOString()
  );
}
