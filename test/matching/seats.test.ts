import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateSeats, type SeatRegistration, type SeatRules } from "../../functions/core/seats/seats.js";

const at = (minutes: number) => new Date(Date.UTC(2027, 2, 1, 9, 0) + minutes * 60_000);
const closingAt = at(1000);
const before = at(500);
const after = at(2000);

function registration(id: string, service: string, minute: number, cancelled = false): SeatRegistration {
  return { id, service, registeredAt: at(minute), cancelled };
}

const registrations = fc
  .array(
    fc.record({
      service: fc.constantFrom("DRH", "Finances", "Juridique", "Communication", "Numérique"),
      minute: fc.integer({ min: 0, max: 1500 }),
      cancelled: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    }),
    { maxLength: 60 },
  )
  .map((rows) =>
    rows.map((row, i) => registration(`p${i}@example.org`, row.service, row.minute, row.cancelled)),
  );
const rules = fc.record({
  capacity: fc.integer({ min: 1, max: 30 }),
  quotaPerService: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
});
const moment = fc.constantFrom(before, after);

function inOrder(rows: readonly SeatRegistration[]) {
  return rows
    .map((r, row) => ({ r, row }))
    .filter(({ r }) => !r.cancelled)
    .sort((a, b) => a.r.registeredAt.getTime() - b.r.registeredAt.getTime() || a.row - b.row)
    .map(({ r }) => r);
}

describe("allocateSeats", () => {
  it("gives seats in registration order and puts the rest on a ranked waiting list", () => {
    const rows = [
      registration("a", "DRH", 1),
      registration("b", "Finances", 2),
      registration("c", "Juridique", 3),
    ];
    const result = allocateSeats(rows, { capacity: 2, closingAt }, before);
    expect(result.statuses.get("a")?.label).toBe("Inscrit");
    expect(result.statuses.get("b")?.label).toBe("Inscrit");
    expect(result.statuses.get("c")?.label).toBe("Liste d'attente (1)");
  });

  it("keeps a seat free for other services while a service is at its quota before the closing", () => {
    const rows = [
      registration("a", "DRH", 1),
      registration("b", "drh ", 2),
      registration("c", "Finances", 3),
    ];
    const result = allocateSeats(rows, { capacity: 3, quotaPerService: 1, closingAt }, before);
    expect(result.statuses.get("b")?.label).toBe("Liste d'attente (1)");
    expect(result.statuses.get("c")?.label).toBe("Inscrit");
    expect(result.seated).toHaveLength(2);
  });

  it("lifts the quota at the closing so that no seat stays empty while someone waits", () => {
    const rows = [registration("a", "DRH", 1), registration("b", "DRH", 2), registration("c", "Finances", 3)];
    const result = allocateSeats(rows, { capacity: 3, quotaPerService: 1, closingAt }, after);
    expect(result.seated).toEqual(["a", "b", "c"]);
  });

  it("moves up the first waiting person whose service is under quota when a seat is cancelled", () => {
    const rows = [
      registration("a", "DRH", 1),
      registration("b", "Finances", 2),
      registration("c", "Finances", 3),
      registration("d", "Juridique", 4),
    ];
    const rules = { capacity: 2, quotaPerService: 1, closingAt };
    const first = allocateSeats(rows, rules, before);
    expect(first.waiting).toEqual(["c", "d"]);
    const cancelled = rows.map((r) => (r.id === "a" ? { ...r, cancelled: true } : r));
    const second = allocateSeats(cancelled, rules, before, first);
    expect(second.statuses.get("a")?.label).toBe("Annulé");
    expect(second.seated).toEqual(["b", "d"]);
    expect(second.promoted).toEqual(["d"]);
    expect(second.statuses.get("c")?.label).toBe("Liste d'attente (1)");
  });

  it("never seats more people than the capacity", () => {
    fc.assert(
      fc.property(registrations, rules, moment, (rows, r, now) => {
        const result = allocateSeats(rows, { ...r, closingAt }, now);
        expect(result.seated.length).toBeLessThanOrEqual(r.capacity);
      }),
    );
  });

  it("never gives a service more than its quota before the closing", () => {
    fc.assert(
      fc.property(registrations, rules, (rows, r) => {
        const result = allocateSeats(rows, { ...r, closingAt }, before);
        const counts = new Map<string, number>();
        for (const id of result.seated) {
          const service = rows
            .find((row) => row.id === id)!
            .service.trim()
            .toLowerCase();
          counts.set(service, (counts.get(service) ?? 0) + 1);
        }
        for (const count of counts.values()) expect(count).toBeLessThanOrEqual(r.quotaPerService ?? Infinity);
      }),
    );
  });

  it("leaves no seat empty while someone waits after the closing", () => {
    fc.assert(
      fc.property(registrations, rules, (rows, r) => {
        const result = allocateSeats(rows, { ...r, closingAt }, after);
        if (result.waiting.length > 0) expect(result.seated).toHaveLength(r.capacity);
      }),
    );
  });

  it("respects registration order within the rules: nobody waits behind a later person who could have been skipped", () => {
    fc.assert(
      fc.property(registrations, rules, moment, (rows, r, now) => {
        const full: SeatRules = { ...r, closingAt };
        const result = allocateSeats(rows, full, now);
        const ordered = inOrder(rows);
        const position = new Map(ordered.map((row, i) => [row.id, i]));
        const service = new Map(ordered.map((row) => [row.id, row.service.trim().toLowerCase()]));
        // The waiting list is in registration order.
        const ranks = result.waiting.map((id) => position.get(id)!);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        for (const waiter of result.waiting) {
          for (const seated of result.seated) {
            if (position.get(seated)! < position.get(waiter)!) continue;
            // A later person holds a seat: that is only fair when the waiter's service was at its
            // quota when the seat was given. After the closing the quota is lifted, but a seat
            // already given is never taken back, so the same holds then.
            expect(service.get(seated)).not.toBe(service.get(waiter));
          }
        }
        // Statuses cover every row, and ranks count from 1.
        expect(result.statuses.size).toBe(new Set(rows.map((row) => row.id)).size);
        result.waiting.forEach((id, i) => {
          expect(result.statuses.get(id)?.label).toBe(`Liste d'attente (${i + 1})`);
        });
      }),
    );
  });

  it("never takes a seat back when someone cancels", () => {
    fc.assert(
      fc.property(registrations, rules, moment, fc.nat(), (rows, r, now, pick) => {
        fc.pre(rows.length > 0);
        const full = { ...r, closingAt };
        const first = allocateSeats(rows, full, now);
        const victim = rows[pick % rows.length]!.id;
        const next = allocateSeats(
          rows.map((row) => (row.id === victim ? { ...row, cancelled: true } : row)),
          full,
          now,
          first,
        );
        for (const id of first.seated) if (id !== victim) expect(next.statuses.get(id)?.kind).toBe("seated");
        expect(next.promoted.length).toBeLessThanOrEqual(1);
      }),
    );
  });
});
