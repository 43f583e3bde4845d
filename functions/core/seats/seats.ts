import { textKey } from "../sheet/cells.js";
/**
 * Lunch-talk seats: a pure function of the registrations and the current time.
 *
 * Replaying the registrations in order gives exactly the rules organizers expect, whenever it runs:
 * - in order of `Inscrit le`, a person gets a seat while seats remain, unless their service already
 *   holds `Quota par service` seats (then they wait, so that other services still find a place);
 * - at `Clôture des inscriptions` the quota is lifted and the free seats go to the waiting list in
 *   order; anyone registering after the closing just takes a free seat or waits;
 * - a cancellation (the row leaves the replay) frees one seat, which goes to the first waiting
 *   person whose service is under quota (after the closing: simply the first). Replaying never
 *   takes a seat back from anyone who still holds a registration;
 * - a seat already announced (`announced`) stays its holder's until they cancel, even when a row
 *   registered earlier is inserted or an `Inscrit le` is corrected afterwards;
 * - in a cycle of talks, each registration may carry a `priority` (lower first, default 0): the
 *   replay, and so the waiting list, ranks by priority first, then by `Inscrit le`. With every
 *   priority equal (a single talk), this is exactly the order of registration.
 */

export interface SeatRegistration {
  /** The registration's email, its stable identity. */
  readonly id: string;
  readonly service: string;
  /** `Inscrit le`, as an instant. */
  readonly registeredAt: Date;
  /** `Inscription: Annulée`. */
  readonly cancelled: boolean;
  /**
   * The person was already told they have a seat (their `Convocation` cell is filled): the seat is
   * theirs until they cancel, whatever rows are added, sorted or edited before theirs.
   */
  readonly announced?: boolean;
  /**
   * Fair access across a cycle (`core/cycle/cycle-fairness.ts`): 0 never seated in an earlier talk, 1 seated
   * before, 2 seated and absent twice without cancelling. Lower ranks first; undefined counts as 0.
   */
  readonly priority?: number;
}

export interface SeatRules {
  readonly capacity: number;
  /** `Quota par service`; undefined or null: no quota. */
  readonly quotaPerService?: number | null;
  readonly closingAt: Date;
}

export type SeatStatus =
  | { readonly kind: "seated"; readonly label: "Inscrit" }
  | { readonly kind: "waiting"; readonly rank: number; readonly label: string }
  | { readonly kind: "cancelled"; readonly label: "Annulé" };

export interface SeatAllocation {
  /** One status per registration, in the order given. */
  readonly statuses: ReadonlyMap<string, SeatStatus>;
  /** Seated ids in the order they registered. */
  readonly seated: readonly string[];
  /** Waiting ids, in the order of the waiting list. */
  readonly waiting: readonly string[];
  /** Ids seated now that were waiting (or not seated) in the previous allocation given. */
  readonly promoted: readonly string[];
}

const SEATED: SeatStatus = { kind: "seated", label: "Inscrit" };
const CANCELLED: SeatStatus = { kind: "cancelled", label: "Annulé" };

/** Services compare without case, accents or extra spaces (`DRH` and `drh ` are one service). */
export function serviceKey(service: string): string {
  return textKey(service);
}

/**
 * The seats of one talk at `now`: who is seated, who waits and in which order, replayed from the
 * registrations by the rules above. `previous` (an earlier allocation) only serves to name who was
 * promoted since. Pure; throws nothing.
 */
export function allocateSeats(
  registrations: readonly SeatRegistration[],
  rules: SeatRules,
  now: Date,
  previous?: SeatAllocation,
): SeatAllocation {
  const closed = now.getTime() >= rules.closingAt.getTime();
  const quota = rules.quotaPerService ?? Number.POSITIVE_INFINITY;
  // Priority, then registration order; equal times keep the order of the rows.
  const active = registrations
    .map((registration, row) => ({ registration, row }))
    .filter(({ registration }) => !registration.cancelled)
    .sort(
      (a, b) =>
        (a.registration.priority ?? 0) - (b.registration.priority ?? 0) ||
        a.registration.registeredAt.getTime() - b.registration.registeredAt.getTime() ||
        a.row - b.row,
    )
    .map(({ registration }) => registration);

  const seatedSet = new Set<string>();
  const perService = new Map<string, number>();
  const take = (registration: SeatRegistration) => {
    seatedSet.add(registration.id);
    const key = serviceKey(registration.service);
    perService.set(key, (perService.get(key) ?? 0) + 1);
  };
  // A seat already announced is never taken back: those come first, even beyond the capacity.
  for (const registration of active) if (registration.announced) take(registration);
  // Before the closing, with the quota.
  for (const registration of active) {
    if (seatedSet.has(registration.id)) continue;
    // Registered after the closing: no seat before it (the list is in time order within a priority).
    if (registration.registeredAt.getTime() >= rules.closingAt.getTime()) continue;
    if (seatedSet.size >= rules.capacity) break;
    if ((perService.get(serviceKey(registration.service)) ?? 0) < quota) take(registration);
  }
  // From the closing on, the quota is lifted: free seats go to whoever waits, in order.
  if (closed) {
    for (const registration of active) {
      if (seatedSet.size >= rules.capacity) break;
      if (!seatedSet.has(registration.id)) take(registration);
    }
  }

  const statuses = new Map<string, SeatStatus>();
  const seated: string[] = [];
  const waiting: string[] = [];
  for (const registration of active) {
    if (seatedSet.has(registration.id)) {
      seated.push(registration.id);
      statuses.set(registration.id, SEATED);
    } else {
      waiting.push(registration.id);
      statuses.set(registration.id, {
        kind: "waiting",
        rank: waiting.length,
        label: `Liste d'attente (${waiting.length})`,
      });
    }
  }
  for (const registration of registrations)
    if (registration.cancelled) statuses.set(registration.id, CANCELLED);
  const promoted = previous
    ? seated.filter((id) => previous.statuses.has(id) && previous.statuses.get(id)?.kind !== "seated")
    : [];
  return { statuses, seated, waiting, promoted };
}
