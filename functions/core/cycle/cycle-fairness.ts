/**
 * Fair access across a cycle of lunch talks (issue 18, « un cycle » of talks for the same population
 * of managers): the waiting list of a talk ranks first the people never seated in an earlier talk of
 * the cycle, then by registration time; a person seated and absent twice without cancelling ranks
 * after everyone else. Presence comes from the registration's `Présent` column (`Non`: absent).
 *
 * Pure: the talks' registrations in date order and `now` in, one seat allocation per talk out. The
 * seats of one talk are `allocateSeats` of `core/seats/seats.ts` with a priority per registration, so a
 * cycle of one talk is exactly today's single talk.
 */
import { allocateSeats, type SeatAllocation, type SeatRegistration, type SeatRules } from "../seats/seats.js";

/** What earlier talks of the cycle say about one person. */
export interface Attendance {
  /** Talks where the person held a seat (and did not cancel). */
  readonly seated: number;
  /** Of those, talks where `Présent` says `Non`. */
  readonly absences: number;
}

/** The priority classes, lower first. */
export const PRIORITY = { neverSeated: 0, seatedBefore: 1, absentTwice: 2 } as const;

/** Absences (seated, not cancelled, `Présent: Non`) after which a person ranks last. */
export const ABSENCES_RANKED_LAST = 2;

/** A person's priority for the next talk, from their attendance in the earlier ones. */
export function fairnessPriority(record: Attendance | undefined): number {
  if (!record || record.seated === 0) return PRIORITY.neverSeated;
  if (record.absences >= ABSENCES_RANKED_LAST) return PRIORITY.absentTwice;
  return PRIORITY.seatedBefore;
}

/** Identity of a person across talks: the email, without case. */
export function personKey(id: string): string {
  return id.trim().toLowerCase();
}

/**
 * The attendance after one more talk: each seated id counts one seat, and one absence when it is in
 * `absent`. Returns a new map; `history` is left as it is.
 */
export function recordTalk(
  history: ReadonlyMap<string, Attendance>,
  seated: readonly string[],
  absent: ReadonlySet<string>,
): Map<string, Attendance> {
  const next = new Map(history);
  for (const id of seated) {
    const key = personKey(id);
    const before = next.get(key) ?? { seated: 0, absences: 0 };
    next.set(key, {
      seated: before.seated + 1,
      absences: before.absences + (absent.has(key) ? 1 : 0),
    });
  }
  return next;
}

/** One talk of a cycle, as the seats need it. */
export interface CycleTalkSeats {
  /** Registrations for this talk; their `priority` is ignored (the cycle sets it). */
  readonly registrations: readonly SeatRegistration[];
  readonly rules: SeatRules;
  /** Ids (emails) marked absent (`Présent: Non`) at this talk. */
  readonly absent: ReadonlySet<string>;
}

/**
 * The seats of every talk of a cycle, given in date order: each talk's registrations are ranked by
 * the attendance the earlier talks' allocations give. One allocation per talk, in the order given.
 */
export function allocateCycle(talks: readonly CycleTalkSeats[], now: Date): SeatAllocation[] {
  let history = new Map<string, Attendance>();
  return talks.map((talk) => {
    const seats = allocateSeats(
      talk.registrations.map((registration) => ({
        ...registration,
        priority: fairnessPriority(history.get(personKey(registration.id))),
      })),
      talk.rules,
      now,
    );
    history = recordTalk(history, seats.seated, new Set([...talk.absent].map(personKey)));
    return seats;
  });
}
