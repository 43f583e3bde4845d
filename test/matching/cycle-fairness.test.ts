import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocateCycle,
  type CycleTalkSeats,
  fairnessPriority,
  PRIORITY,
  recordTalk,
} from "../../functions/core/cycle/cycle-fairness.js";
import { allocateSeats, type SeatRegistration } from "../../functions/core/seats/seats.js";

const at = (minutes: number) => new Date(Date.UTC(2027, 2, 1, 9, 0) + minutes * 60_000);
const closingAt = at(1000);
const before = at(500);
const after = at(2000);
const PEOPLE = Array.from({ length: 30 }, (_, index) => `p${index}@example.org`);

/** One talk's registrations: distinct people from a pool of thirty, some cancelled, some absent. */
const talk = fc
  .record({
    people: fc.uniqueArray(fc.constantFrom(...PEOPLE), { maxLength: 30 }),
    minutes: fc.array(fc.integer({ min: 0, max: 900 }), { minLength: 30, maxLength: 30 }),
    services: fc.array(fc.constantFrom("DRH", "Finances", "Juridique", "Numérique"), {
      minLength: 30,
      maxLength: 30,
    }),
    cancelled: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 30, maxLength: 30 }),
    absent: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
    capacity: fc.integer({ min: 1, max: 20 }),
    quota: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
  })
  .map(
    ({ people, minutes, services, cancelled, absent, capacity, quota }): CycleTalkSeats => ({
      registrations: people.map((id, index) => ({
        id,
        service: services[index]!,
        registeredAt: at(minutes[index]!),
        cancelled: cancelled[index] === 0,
      })),
      rules: { capacity, quotaPerService: quota, closingAt },
      absent: new Set(people.filter((_, index) => absent[index])),
    }),
  );
const cycle = fc.array(talk, { minLength: 1, maxLength: 4 });
const moment = fc.constantFrom(before, after);

/** The priority each registration of talk `index` had, replaying the allocations before it. */
function prioritiesAt(
  talks: readonly CycleTalkSeats[],
  seats: ReturnType<typeof allocateCycle>,
  index: number,
) {
  let history = new Map();
  for (let k = 0; k < index; k++) history = recordTalk(history, seats[k]!.seated, talks[k]!.absent);
  return new Map(talks[index]!.registrations.map((r) => [r.id, fairnessPriority(history.get(r.id))]));
}

describe("fair access across a cycle of talks", () => {
  it("seats a cycle of one talk exactly as a single talk", () => {
    fc.assert(
      fc.property(talk, moment, (single, now) => {
        const [seats] = allocateCycle([single], now);
        const alone = allocateSeats(single.registrations, single.rules, now);
        expect(seats!.seated).toEqual(alone.seated);
        expect(seats!.waiting).toEqual(alone.waiting);
        expect([...seats!.statuses]).toEqual([...alone.statuses]);
      }),
    );
  });

  it("ranks every waiting list by priority, then by registration time", () => {
    fc.assert(
      fc.property(cycle, moment, (talks, now) => {
        const seats = allocateCycle(talks, now);
        talks.forEach((current, index) => {
          const priority = prioritiesAt(talks, seats, index);
          const time = new Map(current.registrations.map((r) => [r.id, r.registeredAt.getTime()]));
          const waiting = seats[index]!.waiting;
          for (let k = 1; k < waiting.length; k++) {
            const [a, b] = [waiting[k - 1]!, waiting[k]!];
            expect(priority.get(a)!).toBeLessThanOrEqual(priority.get(b)!);
            if (priority.get(a) === priority.get(b)) expect(time.get(a)!).toBeLessThanOrEqual(time.get(b)!);
          }
        });
      }),
    );
  });

  it("never seats someone seated before while a person never seated waits, without a quota", () => {
    fc.assert(
      fc.property(cycle, moment, (talks, now) => {
        const free = talks.map((t) => ({ ...t, rules: { ...t.rules, quotaPerService: null } }));
        const seats = allocateCycle(free, now);
        free.forEach((_, index) => {
          const priority = prioritiesAt(free, seats, index);
          const waitingBest = Math.min(...seats[index]!.waiting.map((id) => priority.get(id)!));
          for (const id of seats[index]!.seated) expect(priority.get(id)!).toBeLessThanOrEqual(waitingBest);
        });
      }),
    );
  });

  it("gives a seat to everyone when there are seats enough, whatever their past", () => {
    fc.assert(
      fc.property(cycle, moment, (talks, now) => {
        const roomy = talks.map((t) => ({
          ...t,
          rules: { ...t.rules, capacity: 30, quotaPerService: null },
        }));
        for (const seats of allocateCycle(roomy, now)) expect(seats.waiting).toEqual([]);
      }),
    );
  });

  it("ranks a person seated and absent twice after someone seated and present", () => {
    const person = (id: string, minute: number): SeatRegistration => ({
      id,
      service: "DRH",
      registeredAt: at(minute),
      cancelled: false,
    });
    const rules = { capacity: 2, quotaPerService: null, closingAt };
    const earlier: CycleTalkSeats = {
      registrations: [person("absent@example.org", 1), person("present@example.org", 2)],
      rules,
      absent: new Set(["absent@example.org"]),
    };
    const next: CycleTalkSeats = {
      registrations: [
        person("absent@example.org", 1),
        person("present@example.org", 2),
        person("new@example.org", 3),
      ],
      rules: { ...rules, capacity: 1 },
      absent: new Set(),
    };
    const seats = allocateCycle([earlier, earlier, next], before);
    expect(seats[2]!.seated).toEqual(["new@example.org"]);
    expect(seats[2]!.waiting).toEqual(["present@example.org", "absent@example.org"]);
    expect(seats[2]!.statuses.get("absent@example.org")?.label).toBe("Liste d'attente (2)");
  });

  it("counts an absence only where the person held a seat, and a cancellation as no seat", () => {
    const history = recordTalk(new Map(), ["a@example.org"], new Set(["a@example.org", "b@example.org"]));
    expect(history.get("a@example.org")).toEqual({ seated: 1, absences: 1 });
    expect(history.has("b@example.org")).toBe(false);
    expect(fairnessPriority(undefined)).toBe(PRIORITY.neverSeated);
    expect(fairnessPriority({ seated: 3, absences: 1 })).toBe(PRIORITY.seatedBefore);
    expect(fairnessPriority({ seated: 2, absences: 2 })).toBe(PRIORITY.absentTwice);
  });

  it("keeps an announced seat even when a newcomer outranks its holder", () => {
    const rules = { capacity: 1, quotaPerService: null, closingAt };
    const first: CycleTalkSeats = {
      registrations: [{ id: "old@example.org", service: "DRH", registeredAt: at(1), cancelled: false }],
      rules,
      absent: new Set(),
    };
    const second: CycleTalkSeats = {
      registrations: [
        { id: "old@example.org", service: "DRH", registeredAt: at(1), cancelled: false, announced: true },
        { id: "new@example.org", service: "DRH", registeredAt: at(2), cancelled: false },
      ],
      rules,
      absent: new Set(),
    };
    const seats = allocateCycle([first, second], before);
    expect(seats[1]!.seated).toEqual(["old@example.org"]);
    expect(seats[1]!.waiting).toEqual(["new@example.org"]);
  });
});
