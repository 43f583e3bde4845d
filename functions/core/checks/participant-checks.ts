/**
 * What only a person's whole registration tells, on the `Participants` tab of a seminar:
 * duplicates (charged to the later row), consent, wishes, the registration deadline, and whether
 * every item the person attends fits between their arrival and their departure.
 *
 * Each problem has a severity: blocking problems keep the row out of matching and sending until
 * fixed; the others (« à vérifier ») are shown and the person is convoked anyway. Pure.
 */

import { eventZone, inZone } from "../settings/event-settings.js";
import { formatMinutes, type IsoDate, instantOf, minutesOf, normalizeKey, quote } from "../sheet/cells.js";
import {
  LATE_ACCEPTED,
  type ParticipantRow,
  type ProgrammeRow,
  STRUCTURE_TYPES,
  WISH_ALTERNATIVES,
} from "../sheet/schemas.js";
import type { ParsedRow } from "../sheet/table.js";
import { frenchDate as frenchCalendarDate } from "../text/french.js";
import type { SeminarWorkbook } from "./check-seminar.js";
import { attends, endMinutes, frenchDate, isTravel, wishedType } from "./programme-items.js";

type Report = (row: ParsedRow<ParticipantRow>, message: string, blocking: boolean) => void;

/**
 * For each row that repeats an address (compared without case or spaces), the row that keeps the
 * registration: the first row whose convocation has left, else the first row. Rows not in the map
 * keep their own registration. Deleting a duplicate therefore changes nobody else's verdict.
 */
export function duplicateKeepers<T extends { email?: string | undefined; convocation?: string | undefined }>(
  rows: readonly ParsedRow<T>[],
): Map<number, number> {
  const groups = new Map<string, ParsedRow<T>[]>();
  for (const row of rows) {
    const email = row.partial.email;
    if (email) groups.set(email, [...(groups.get(email) ?? []), row]);
  }
  const keepers = new Map<number, number>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const keeper = group.find((row) => (row.partial.convocation ?? "") !== "") ?? group[0]!;
    for (const row of group) if (row !== keeper) keepers.set(row.row, keeper.row);
  }
  return keepers;
}

/** The message on a duplicate row, naming the row that keeps the registration. */
export function duplicateMessage(email: string, keeper: number): string {
  return `Email : ${quote(email)} est déjà inscrit ligne ${keeper}, qui garde l'inscription : supprimez cette ligne-ci ou passez-la à Annulée.`;
}

/** Reports every problem of the active rows of `Participants`, each with its severity. */
export function participantProblems(
  workbook: SeminarWorkbook,
  now: Date,
  margin: number,
  structures: ReadonlyMap<string, unknown>,
  report: Report,
): void {
  const settings = workbook.settings.partial;
  const zone = eventZone(settings);
  const active = workbook.participants.rows.filter((row) => row.partial.registration !== "Annulée");
  const keepers = duplicateKeepers(active);
  const programme = workbook.programme.rows.flatMap((row) => (row.value ? [row.value] : []));
  const lastDay = Math.max(1, ...programme.map((item) => item.day));
  const dayBefore = inZone(now, zone).minus({ days: 1 }).toISODate() ?? "";
  // A wish may name an organisme of the host structures: any of its structures meets it.
  const hostOrganismes = new Set(
    workbook.structures.rows.flatMap((row) =>
      row.partial.employer ? [normalizeKey(row.partial.employer)] : [],
    ),
  );
  for (const row of active) {
    const person = row.partial;
    const keeper = keepers.get(row.row);
    if (keeper !== undefined && person.email) report(row, duplicateMessage(person.email, keeper), true);
    if (person.consent !== "Oui" && !row.problems.some((problem) => problem.startsWith("Consentement"))) {
      report(
        row,
        "Consentement : la personne doit avoir accepté le traitement de ses données : recueillez son accord puis tapez Oui.",
        true,
      );
    }
    wishProblems(row, structures, hostOrganismes, report);
    registrationDateProblems(row, settings.registrationDeadline, { zone, now, dayBefore }, report);
    timingProblems(row, programme, lastDay, settings.returnTrain, margin, report);
  }
}

function wishProblems(
  row: ParsedRow<ParticipantRow>,
  structures: ReadonlyMap<string, unknown>,
  hostOrganismes: ReadonlySet<string>,
  report: Report,
): void {
  for (const [key, header] of [
    ["wish1", "Vœu 1"],
    ["wish2", "Vœu 2"],
    ["wish3", "Vœu 3"],
  ] as const) {
    const wish = row.partial[key];
    if (!wish || structures.size === 0) continue;
    const named = normalizeKey(wish);
    const alternatives = wish.split(WISH_ALTERNATIVES.trim()).map(normalizeKey);
    const several = alternatives.length > 1 && alternatives.every((part) => structures.has(part));
    if (wishedType(wish) === undefined && !structures.has(named) && !hostOrganismes.has(named) && !several) {
      report(
        row,
        `${header} : ${quote(wish)} n'est ni une structure de l'onglet Structures, ni un type (${STRUCTURE_TYPES.join(", ")}), ni l'organisme d'une structure : corrigez le vœu (les autres vœux servent en attendant).`,
        false,
      );
    }
  }
}

function registrationDateProblems(
  row: ParsedRow<ParticipantRow>,
  deadline: IsoDate | undefined,
  clock: { readonly zone: string; readonly now: Date; readonly dayBefore: IsoDate | "" },
  report: Report,
): void {
  const registeredAt = row.partial.registeredAt;
  if (!registeredAt) return;
  const { zone, now } = clock;
  // A day typed in the event's zone, two days or more before today and before the deadline, is in
  // the past and in time whatever its hour: most rows, decided without building an instant.
  if (
    registeredAt.offsetMinutes === undefined &&
    registeredAt.date < clock.dayBefore &&
    (!deadline || registeredAt.date < deadline)
  )
    return;
  const at = instantOf(registeredAt, zone);
  if (at.toMillis() > now.getTime()) {
    report(
      row,
      `Inscrit le : ${frenchCalendarDate(at)}${registeredAt.time === null ? "" : ` à ${at.toFormat("HH:mm")}`} est dans le futur : corrigez la date d'inscription.`,
      false,
    );
  }
  if (deadline && (at.toISODate() ?? "") > deadline && row.partial.registration !== LATE_ACCEPTED) {
    report(
      row,
      `Inscrit le : inscription reçue après la date limite (${frenchDate(deadline)}) : pour l'accepter, choisissez « ${LATE_ACCEPTED} » dans Inscription ; sinon passez-la à Annulée.`,
      true,
    );
  }
}

/** Every item the person attends must start after their arrival and end before their departure. */
function timingProblems(
  row: ParsedRow<ParticipantRow>,
  programme: readonly ProgrammeRow[],
  lastDay: number,
  returnTrain: string | undefined,
  margin: number,
  report: Report,
): void {
  const person = row.partial;
  const attended = programme.filter(
    (item) =>
      !isTravel(item) && attends(item, { dinner: person.dinner ?? "Non", visit: person.visit ?? "Non" }),
  );
  const byStart = [...attended].sort((a, b) => a.day - b.day || minutesOf(a.start) - minutesOf(b.start));
  if (person.arrival) {
    const missed = byStart.filter(
      (item) => item.day === 1 && minutesOf(person.arrival!) > minutesOf(item.start),
    );
    if (missed.length > 0) {
      report(
        row,
        `Arrivée : le train arrive à ${person.arrival}, après le début de ${missed.map(describe).join(", ")} : proposez un train plus tôt ou retirez ces éléments.`,
        false,
      );
    }
  }
  const departureDay = person.departureDay ?? lastDay;
  const departure = person.departure ?? (departureDay === lastDay ? returnTrain : undefined);
  const missed = byStart.filter((item) => {
    if (item.day > departureDay) return true;
    if (item.day < departureDay || !departure) return false;
    return minutesOf(departure) < endMinutes(item) + margin;
  });
  if (missed.length === 0) return;
  const leaving = departure
    ? `le train de ${departure} (jour ${departureDay})`
    : `le départ le jour ${departureDay}`;
  const last = missed.at(-1)!;
  report(
    row,
    `Départ : ${leaving} part avant la fin de ${missed.map(describe).join(", ")} plus ${margin} minutes pour rejoindre la gare : prévoyez un train à ${formatMinutes((endMinutes(last) + margin) % 1440)} ou plus tard (jour ${last.day}), ou retirez ces éléments.`,
    false,
  );
}

function describe(item: ProgrammeRow): string {
  const name =
    item.label && normalizeKey(item.label) !== normalizeKey(item.sequence)
      ? `${item.sequence} (${item.label})`
      : item.sequence;
  return `« ${name} » (jour ${item.day}, ${item.start}-${item.end})`;
}
