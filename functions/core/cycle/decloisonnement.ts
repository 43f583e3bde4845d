/**
 * Décloisonnement, measured (issue 18): the point of a cycle of lunch talks is that services meet
 * (« décloisonner les savoirs », « favoriser les interactions »), and these are the figures the
 * organizer shows their hierarchy:
 * - for each talk, how many distinct directions and services the seated people come from, and the
 *   share of the largest direction and of the largest service (1 means one of them fills the room);
 * - across the cycle, how many managers came at least once, per direction.
 *
 * Names compare without case, accents or extra spaces (`serviceKey`); the first spelling met is the
 * one shown. An empty direction counts as its own group, `Direction non renseignée`.
 * Pure: people in, figures out.
 */
import { serviceKey } from "../seats/seats.js";

/** One seated person of a talk. */
export interface SeatedPerson {
  /** The registration's email: a person counts once per talk and once across the cycle. */
  readonly id: string;
  readonly direction: string;
  readonly service: string;
}

/** The largest group among the seated: its name, headcount and share (0 < share ≤ 1). */
export interface Largest {
  readonly name: string;
  readonly count: number;
  readonly share: number;
}

/** The mix of one talk's seated people. */
export interface TalkMix {
  /** Distinct people seated. */
  readonly seated: number;
  readonly directions: number;
  readonly services: number;
  /** Null when nobody is seated. */
  readonly largestDirection: Largest | null;
  readonly largestService: Largest | null;
}

/** Cycle-wide reach: managers who came at least once, in total and per direction. */
export interface CycleReach {
  readonly managers: number;
  /** Largest first, then by name; the counts add up to `managers`. */
  readonly perDirection: readonly { readonly direction: string; readonly managers: number }[];
}

export const NO_DIRECTION = "Direction non renseignée";

function directionName(direction: string): string {
  return direction.trim() === "" ? NO_DIRECTION : direction.trim();
}

function byDirection(person: SeatedPerson): { key: string; name: string } {
  const name = directionName(person.direction);
  return { key: name, name };
}

/** Headcount per group (by normalized key), with the first spelling of its name met. */
function groups(
  items: readonly { readonly key: string; readonly name: string }[],
): Map<string, { name: string; count: number }> {
  const byKey = new Map<string, { name: string; count: number }>();
  for (const { key: raw, name } of items) {
    const key = serviceKey(raw);
    const group = byKey.get(key);
    if (group) group.count++;
    else byKey.set(key, { name: name.trim(), count: 1 });
  }
  return byKey;
}

function largest(counts: Map<string, { name: string; count: number }>, total: number): Largest | null {
  let best: { name: string; count: number } | null = null;
  for (const group of counts.values()) if (!best || group.count > best.count) best = group;
  return best ? { name: best.name, count: best.count, share: best.count / total } : null;
}

function distinctPeople(people: readonly SeatedPerson[]): SeatedPerson[] {
  const seen = new Map<string, SeatedPerson>();
  for (const person of people) {
    const key = serviceKey(person.id);
    if (!seen.has(key)) seen.set(key, person);
  }
  return [...seen.values()];
}

/** The mix of one talk; a person listed twice counts once. */
export function talkMix(people: readonly SeatedPerson[]): TalkMix {
  const distinct = distinctPeople(people);
  const directions = groups(distinct.map(byDirection));
  // A service is named within its direction: two directions may each have a « Secrétariat ».
  const services = groups(
    distinct.map((person) => ({
      key: `${directionName(person.direction)}\u0000${person.service}`,
      name: person.service.trim(),
    })),
  );
  return {
    seated: distinct.length,
    directions: directions.size,
    services: services.size,
    largestDirection: largest(directions, distinct.length),
    largestService: largest(services, distinct.length),
  };
}

/**
 * Managers who came at least once across the cycle: `attended` holds, talk by talk, the people who
 * were seated at a talk that has taken place and were not marked absent. A person's direction is the
 * one of their latest talk.
 */
export function cycleReach(attended: readonly (readonly SeatedPerson[])[]): CycleReach {
  const latest = new Map<string, SeatedPerson>();
  for (const talk of attended) for (const person of talk) latest.set(serviceKey(person.id), person);
  const directions = groups([...latest.values()].map(byDirection));
  const perDirection = [...directions.values()]
    .map((group) => ({ direction: group.name, managers: group.count }))
    .sort((a, b) => b.managers - a.managers || a.direction.localeCompare(b.direction, "fr"));
  return { managers: latest.size, perDirection };
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** The talk's figures as one line of its `Statut`, in French. */
export function mixLine(mix: TalkMix): string {
  if (mix.seated === 0 || !mix.largestDirection || !mix.largestService)
    return "Décloisonnement : personne n'est encore inscrit.";
  const plural = (count: number, word: string) => `${count} ${word}${count > 1 ? "s" : ""}`;
  return (
    `Décloisonnement : ${plural(mix.seated, "inscrit")} venant de ${plural(mix.directions, "direction")} ` +
    `et ${plural(mix.services, "service")} ; la plus représentée, ${mix.largestDirection.name}, ` +
    `fait ${percent(mix.largestDirection.share)} de la salle, le service le plus représenté ` +
    `(${mix.largestService.name}) ${percent(mix.largestService.share)}.`
  );
}

/** The cycle's reach as one line of the `Cycle` tab's `Statut`, in French. */
export function reachLine(reach: CycleReach): string {
  if (reach.managers === 0) return "Sur le cycle : aucune rencontre n'a encore eu lieu avec des présents.";
  const detail = reach.perDirection.map((group) => `${group.direction} ${group.managers}`).join(", ");
  return `Sur le cycle : ${reach.managers} cadre${reach.managers > 1 ? "s" : ""} venu${reach.managers > 1 ? "s" : ""} au moins une fois (${detail}).`;
}
