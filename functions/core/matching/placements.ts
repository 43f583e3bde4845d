/**
 * From a checked seminar workbook to the matching problem, and from the solver's answer back to
 * the rows of `Affectations`. Pure.
 */

import type { SeminarCheck } from "../checks/check-seminar.js";
import { normalizeKey } from "../sheet/cells.js";
import type { ParticipantRow, PlacementRow, StructureRow, TutorRow } from "../sheet/schemas.js";
import type { ParsedRow } from "../sheet/table.js";
import { checkHardRules } from "./check.js";
import type { MatchingProblem, MatchingResult, Placement, PlacementWithMotif } from "./types.js";

function usable<T>(
  check: SeminarCheck,
  tab: string,
  rows: readonly ParsedRow<T>[],
): { row: number; value: T }[] {
  const blocked = new Set(
    check.rows.filter((verdict) => verdict.tab === tab && verdict.blocking).map((verdict) => verdict.row),
  );
  return rows.flatMap((row) =>
    row.value !== null && !blocked.has(row.row) ? [{ row: row.row, value: row.value }] : [],
  );
}

export interface SeminarPeople {
  readonly participants: readonly { row: number; value: ParticipantRow }[];
  readonly structures: readonly { row: number; value: StructureRow }[];
  readonly tutors: readonly { row: number; value: TutorRow }[];
  /** Valid rows of `Affectations`. */
  readonly placements: readonly { row: number; value: PlacementRow }[];
}

/** The rows that take part: confirmed registrations, structures and tutors with no blocking problem. */
export function seminarPeople(check: SeminarCheck): SeminarPeople {
  const { workbook } = check;
  return {
    participants: usable(check, workbook.participants.spec.name, workbook.participants.rows).filter(
      ({ value }) => value.registration === "Confirmée",
    ),
    structures: usable(check, workbook.structures.spec.name, workbook.structures.rows),
    tutors: usable(check, workbook.tutors.spec.name, workbook.tutors.rows),
    placements: workbook.placements.rows.flatMap((row) =>
      row.value ? [{ row: row.row, value: row.value }] : [],
    ),
  };
}

export function needsStepFree(needs: string | undefined): boolean {
  return needs !== undefined && /\bPMR\b|fauteuil|mobilit[ée] r[ée]duite/i.test(needs);
}

export function matchingProblem(
  check: SeminarCheck,
  options: { withoutTutor?: string } = {},
): MatchingProblem {
  const people = seminarPeople(check);
  const slotByKey = new Map(check.slots.map((slot) => [normalizeKey(slot.name), slot.name]));
  const participantIds = new Set(people.participants.map(({ value }) => value.email));
  const tutorsById = new Map(people.tutors.map(({ value }) => [value.email, value]));
  const toPlacement = (row: PlacementRow): Placement | null => {
    const slot = slotByKey.get(normalizeKey(row.slot));
    if (!slot || !participantIds.has(row.participantEmail) || !row.tutorEmail) return null;
    return {
      participant: row.participantEmail,
      slot,
      structure: row.structure,
      situation: row.situation,
      tutor: row.tutorEmail,
    };
  };
  const placements = people.placements.map(({ value }) => ({ value, placement: toPlacement(value) }));
  return {
    participants: people.participants.map(({ value }, order) => ({
      id: value.email,
      organisme: value.employer,
      public: value.public,
      wishes: [value.wish1, value.wish2, value.wish3].filter((wish): wish is string => wish !== undefined),
      needsStepFree: needsStepFree(value.needs),
      order,
    })),
    structures: people.structures.map(({ value }) => ({
      name: value.name,
      type: value.type,
      organisme: value.employer,
      situations: value.situations,
      stepFree: value.stepFree === "Oui",
    })),
    tutors: people.tutors.map(({ value }) => ({
      id: value.email,
      structure: value.structure,
      situation: value.situation,
      slots:
        value.slots.length === 0 || value.slots.some((name) => normalizeKey(name) === "tous")
          ? "all"
          : value.slots.flatMap((name) => slotByKey.get(normalizeKey(name)) ?? []),
      capacity: value.capacity,
      declined: value.confirmation === "Décliné" || value.email === options.withoutTutor,
    })),
    slots: check.slots.map((slot) => slot.name),
    locked: placements
      .filter(
        ({ value, placement }) =>
          value.locked === "Oui" && placement !== null && tutorsById.has(placement.tutor),
      )
      .map(({ placement }) => placement!),
    previous: placements.flatMap(({ placement }) => (placement ? [placement] : [])),
  };
}

/** The rows of `Affectations` for a result, by participant (registration order) then slot (timetable order). */
export function placementRows(
  check: SeminarCheck,
  result: Pick<MatchingResult, "placements">,
): PlacementRow[] {
  const people = seminarPeople(check);
  const participants = new Map(
    people.participants.map(({ value }, index) => [value.email, { value, index }]),
  );
  const structures = new Map(people.structures.map(({ value }) => [normalizeKey(value.name), value]));
  const tutors = new Map(people.tutors.map(({ value }) => [value.email, value]));
  const slots = new Map(check.slots.map((slot, index) => [slot.name, { slot, index }]));
  const order = (placement: PlacementWithMotif) =>
    (participants.get(placement.participant)?.index ?? 1e9) * 100 + (slots.get(placement.slot)?.index ?? 99);
  return [...result.placements]
    .sort((a, b) => order(a) - order(b))
    .map((placement) => {
      const participant = participants.get(placement.participant)?.value;
      const tutor = tutors.get(placement.tutor);
      const slot = slots.get(placement.slot)?.slot;
      return {
        participantEmail: placement.participant,
        participant: participant ? `${participant.firstName} ${participant.lastName}` : undefined,
        slot: placement.slot,
        structure: placement.structure,
        situation: placement.situation as PlacementRow["situation"],
        tutorEmail: placement.tutor,
        tutor: tutor ? `${tutor.firstName} ${tutor.lastName}` : undefined,
        address: structures.get(normalizeKey(placement.structure))?.address,
        start: slot?.start,
        end: slot?.end,
        locked: placement.locked ? "Oui" : "Non",
        reason: placement.motif,
      };
    });
}

/**
 * What is wrong with the placements of `Affectations` as they stand (an organizer may edit them):
 * each broken hard rule, in French, by the participant's row in `Participants`.
 */
export function placementProblems(check: SeminarCheck): Map<number, string[]> {
  const problem = matchingProblem(check);
  const rowOf = new Map(
    seminarPeople(check).participants.map(({ row, value }) => [normalizeKey(value.email), row]),
  );
  const problems = new Map<number, string[]>();
  for (const violation of checkHardRules(problem, problem.previous ?? [])) {
    if (violation.rule === "locked-changed") continue;
    const row = rowOf.get(normalizeKey(violation.participant ?? ""));
    if (row === undefined) continue;
    const where = violation.slot ? `Affectation « ${violation.slot} »` : "Affectation";
    const text = `${where} : ${violation.message} Corrigez la ligne dans l'onglet Affectations, ou relancez « Affecter ».`;
    problems.set(row, [...(problems.get(row) ?? []), text]);
  }
  return problems;
}
