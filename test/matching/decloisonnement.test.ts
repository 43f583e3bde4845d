import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cycleReach,
  mixLine,
  NO_DIRECTION,
  reachLine,
  type SeatedPerson,
  talkMix,
} from "../../functions/core/cycle/decloisonnement.js";

const DIRECTIONS = ["Solidarités", "Ressources", "Numérique", "Secrétariat général", ""];
const SERVICES = ["Insertion", "RH", "Données", "Communication", "Secrétariat"];

const person = fc.record({
  id: fc.integer({ min: 0, max: 40 }).map((n) => `p${n}@example.org`),
  direction: fc.constantFrom(...DIRECTIONS),
  service: fc.constantFrom(...SERVICES),
});
/** One talk: a person appears once (a registration is unique per talk). */
const talk = fc.uniqueArray(person, { selector: (p) => p.id, maxLength: 30 });

describe("décloisonnement figures", () => {
  it("counts directions and services within the seated, the largest share between its floor and 1", () => {
    fc.assert(
      fc.property(talk, (people) => {
        const mix = talkMix(people);
        expect(mix.seated).toBe(people.length);
        if (people.length === 0) {
          expect(mix.largestDirection).toBeNull();
          expect(mix.largestService).toBeNull();
          return;
        }
        expect(mix.directions).toBeGreaterThanOrEqual(1);
        expect(mix.directions).toBeLessThanOrEqual(mix.services);
        expect(mix.services).toBeLessThanOrEqual(mix.seated);
        for (const largest of [mix.largestDirection!, mix.largestService!]) {
          expect(largest.share).toBeLessThanOrEqual(1);
          expect(largest.share).toBeCloseTo(largest.count / mix.seated, 10);
        }
        // The largest of n groups holds at least a n-th of the room.
        expect(mix.largestDirection!.count * mix.directions).toBeGreaterThanOrEqual(mix.seated);
        expect(mix.largestService!.count * mix.services).toBeGreaterThanOrEqual(mix.seated);
        expect(mix.largestService!.count).toBeLessThanOrEqual(mix.largestDirection!.count);
      }),
    );
  });

  it("does not depend on the order of the rows", () => {
    fc.assert(
      fc.property(
        talk.chain((people) =>
          fc.tuple(fc.constant(people), fc.shuffledSubarray(people, { minLength: people.length })),
        ),
        ([people, shuffled]) => {
          const [a, b] = [talkMix(people), talkMix(shuffled)];
          expect([b.seated, b.directions, b.services]).toEqual([a.seated, a.directions, a.services]);
          expect(b.largestDirection?.count).toBe(a.largestDirection?.count);
          expect(b.largestService?.count).toBe(a.largestService?.count);
        },
      ),
    );
  });

  it("counts each manager once across the cycle, and the directions add up to the total", () => {
    fc.assert(
      fc.property(fc.array(talk, { maxLength: 4 }), (talks) => {
        const reach = cycleReach(talks);
        const distinct = new Set(talks.flat().map((p) => p.id));
        expect(reach.managers).toBe(distinct.size);
        expect(reach.perDirection.reduce((sum, d) => sum + d.managers, 0)).toBe(reach.managers);
        for (let k = 1; k < reach.perDirection.length; k++)
          expect(reach.perDirection[k - 1]!.managers).toBeGreaterThanOrEqual(reach.perDirection[k]!.managers);
      }),
    );
  });

  it("treats names that differ only by case, accents or spaces as one service", () => {
    const people: SeatedPerson[] = [
      { id: "a@x.org", direction: "Direction des solidarités", service: "Insertion" },
      { id: "b@x.org", direction: "direction des solidarites ", service: "insertion" },
      { id: "c@x.org", direction: "Direction du numérique", service: "Insertion" },
      { id: "d@x.org", direction: "", service: "Communication" },
    ];
    const mix = talkMix(people);
    expect(mix).toMatchObject({ seated: 4, directions: 3, services: 3 });
    expect(mix.largestDirection).toEqual({ name: "Direction des solidarités", count: 2, share: 0.5 });
    expect(mix.largestService).toMatchObject({ name: "Insertion", count: 2 });
    expect(cycleReach([people]).perDirection.map((d) => d.direction)).toContain(NO_DIRECTION);
  });

  it("writes the figures as French sentences for the Statut", () => {
    const people: SeatedPerson[] = [
      { id: "a@x.org", direction: "Direction des solidarités", service: "Insertion" },
      { id: "b@x.org", direction: "Direction des solidarités", service: "Protection de l'enfance" },
      { id: "c@x.org", direction: "Secrétariat général", service: "Communication" },
      { id: "d@x.org", direction: "Direction du numérique", service: "Données" },
    ];
    expect(mixLine(talkMix(people))).toBe(
      "Décloisonnement : 4 inscrits venant de 3 directions et 4 services ; la plus représentée, Direction des solidarités, fait 50 % de la salle, le service le plus représenté (Insertion) 25 %.",
    );
    expect(mixLine(talkMix([]))).toBe("Décloisonnement : personne n'est encore inscrit.");
    expect(reachLine(cycleReach([people, people.slice(0, 1)]))).toBe(
      "Sur le cycle : 4 cadres venus au moins une fois (Direction des solidarités 2, Direction du numérique 1, Secrétariat général 1).",
    );
  });
});
