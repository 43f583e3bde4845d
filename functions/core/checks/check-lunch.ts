/**
 * Checking a lunch-talk workbook: the `Rencontre` parameters and every registration. A valid,
 * confirmed registration's `Statut` is its seat (`Inscrit`, `Liste d'attente (n)`), so the
 * organizer sees the seats change as people register and cancel.
 * Pure: the workbook's values and `now` in, verdicts out.
 */
import { DateTime } from "luxon";
import type { WorkbookSnapshot } from "../../ports.js";
import { allocateSeats, type SeatAllocation, type SeatRules } from "../seats/seats.js";
import { eventZone } from "../settings/event-settings.js";
import { instantOf } from "../sheet/cells.js";
import { type LunchSettings, type RegistrationRow, TABS } from "../sheet/schemas.js";
import {
  missingTabProblem,
  type ParsedRow,
  type ParsedSettings,
  type ParsedTable,
  parseSettings,
  parseTable,
} from "../sheet/table.js";
import { type RowVerdict, statusText, WARNING_PREFIX } from "./check-seminar.js";
import { duplicateKeepers, duplicateMessage } from "./participant-checks.js";

export interface LunchWorkbook {
  readonly settings: ParsedSettings<LunchSettings>;
  readonly registrations: ParsedTable<RegistrationRow>;
}

export interface LunchCheck {
  readonly workbook: LunchWorkbook;
  readonly lunchProblems: readonly string[];
  /**
   * The missing `Inscriptions` tab, when it is (among `lunchProblems` too): a fault, not zero
   * registrations; no seat is worth showing and no document worth printing until it is back.
   */
  readonly missingTabs: readonly string[];
  readonly rows: readonly RowVerdict[];
  /** When the quota is lifted (the closing of registrations), when the talk's date is known. */
  readonly closingAt: Date | null;
  /**
   * The seats of the registrations without a problem, keyed by email: what their `Statut` says,
   * and what the messages must say too.
   */
  readonly seats: SeatAllocation;
}

export const LUNCH_TABS = [TABS.lunch.name, TABS.registrations.name] as const;

export function parseLunchWorkbook(snapshot: WorkbookSnapshot): LunchWorkbook {
  return {
    settings: parseSettings<LunchSettings>(TABS.lunch, snapshot.get(TABS.lunch.name)),
    registrations: parseTable<RegistrationRow>(TABS.registrations, snapshot.get(TABS.registrations.name)),
  };
}

/** The closing of registrations: as typed, or two days before the talk at its start time. */
export function closingInstant(settings: Partial<LunchSettings>): DateTime | null {
  const zone = eventZone(settings);
  if (settings.closingAt) return instantOf(settings.closingAt, zone, "23:59");
  if (!settings.date) return null;
  return DateTime.fromISO(`${settings.date}T${settings.start ?? "12:15"}`, { zone }).minus({ days: 2 });
}

/** `Capacité`, `Quota par service` and the closing; without a date, the talk is taken as closed. */
export function seatRules(settings: Partial<LunchSettings>): SeatRules {
  const closing =
    closingInstant(settings) ??
    DateTime.fromISO(`${settings.date ?? "1970-01-01"}T${settings.start ?? "12:15"}`, {
      zone: eventZone(settings),
    });
  return {
    capacity: settings.capacity ?? 30,
    quotaPerService: settings.quotaPerService ?? null,
    closingAt: closing.toJSDate(),
  };
}

/**
 * Seats for the rows `takesPart` keeps (confirmed, valid), replayed in order of `Inscrit le`
 * (the instant in the talk's zone: an ISO 8601 value with an offset is converted). A row whose
 * `Convocation` is filled was told it has a seat: it keeps it. In a cycle, `priorityOf` ranks each
 * registration by the person's attendance at the earlier talks (`core/cycle/cycle-fairness.ts`).
 */
export function lunchSeats(
  workbook: LunchWorkbook,
  takesPart: (row: ParsedRow<RegistrationRow>) => boolean,
  now: Date,
  priorityOf: (email: string) => number = () => 0,
): SeatAllocation {
  const settings = workbook.settings.partial;
  const zone = eventZone(settings);
  const registrations = workbook.registrations.rows.flatMap((row) =>
    row.value && row.value.registration !== "Annulée" && takesPart(row)
      ? [
          {
            id: row.value.email,
            service: row.value.service,
            registeredAt: instantOf(row.value.registeredAt, zone).toJSDate(),
            cancelled: false,
            announced: (row.value.convocation ?? "") !== "",
            priority: priorityOf(row.value.email),
          },
        ]
      : [],
  );
  return allocateSeats(registrations, seatRules(settings), now);
}

/** Checks a single-talk workbook (tabs `Rencontre` and `Inscriptions`). */
export function checkLunch(snapshot: WorkbookSnapshot, now: Date): LunchCheck {
  return checkLunchWorkbook(
    parseLunchWorkbook(snapshot),
    snapshot.get(TABS.registrations.name) !== undefined,
    now,
  );
}

/**
 * Checks one talk already parsed: a single talk, or one talk of a cycle (its registrations only,
 * its parameters the cycle's overridden by the talk's row). `priorityOf` ranks the waiting list
 * (every registration 0 for a single talk); `pastIsHeld` (a talk of a cycle) takes a past date as a
 * talk that was held rather than a mistyped date. Pure.
 */
export function checkLunchWorkbook(
  workbook: LunchWorkbook,
  hasRegistrationsTab: boolean,
  now: Date,
  options: { readonly priorityOf?: (email: string) => number; readonly pastIsHeld?: boolean } = {},
): LunchCheck {
  const settings = workbook.settings.partial;
  const lunchProblems = [...workbook.settings.problems];
  const missingTabs = hasRegistrationsTab ? [] : [missingTabProblem(TABS.registrations.name)];
  lunchProblems.push(...missingTabs);
  lunchProblems.push(...workbook.registrations.problems);
  if (settings.start && settings.end && settings.end <= settings.start) {
    lunchProblems.push(
      `Fin : ${settings.end} vient avant le début (${settings.start}) : corrigez l'une des deux heures.`,
    );
  }
  const closing = closingInstant(settings);
  if (
    closing &&
    settings.date &&
    closing >
      DateTime.fromISO(`${settings.date}T${settings.start ?? "12:15"}`, {
        zone: eventZone(settings),
      })
  ) {
    lunchProblems.push("Clôture des inscriptions : elle doit précéder la rencontre : avancez-la.");
  }
  const zone = eventZone(settings);
  const announced = workbook.registrations.rows.some((row) => (row.partial.convocation ?? "") !== "");
  if (
    !options.pastIsHeld &&
    !announced &&
    settings.date &&
    DateTime.fromISO(settings.date, { zone }).endOf("day").toJSDate() < now
  ) {
    lunchProblems.push("Date : la rencontre est déjà passée : vérifiez la date.");
  }

  const active = workbook.registrations.rows.filter((row) => row.partial.registration !== "Annulée");
  const keepers = duplicateKeepers(active);
  const problemsOf = new Map<number, string[]>();
  const warningsOf = new Map<number, string[]>();
  for (const row of active) {
    const problems = [...row.problems];
    const keeper = keepers.get(row.row);
    if (keeper !== undefined && row.partial.email) problems.push(duplicateMessage(row.partial.email, keeper));
    const registeredAt = row.partial.registeredAt;
    if (registeredAt && instantOf(registeredAt, zone).toMillis() > now.getTime()) {
      const message =
        "Inscrit le : cette date est dans le futur : corrigez-la (l'ordre des places en dépend).";
      problems.push(message);
      warningsOf.set(row.row, [message]);
    }
    problemsOf.set(row.row, problems);
  }
  const blocks = (row: number) =>
    (problemsOf.get(row) ?? []).some((problem) => !(warningsOf.get(row) ?? []).includes(problem));
  const seats = lunchSeats(workbook, (row) => !blocks(row.row), now, options.priorityOf);
  const rows: RowVerdict[] = workbook.registrations.rows.map((row) => {
    if (row.partial.registration === "Annulée") {
      return { tab: TABS.registrations.name, row: row.row, problems: [], blocking: true, status: "Annulé" };
    }
    const problems = problemsOf.get(row.row) ?? [];
    const warnings = warningsOf.get(row.row) ?? [];
    const blocking = blocks(row.row);
    const seat = !blocking && row.value ? seats.statuses.get(row.value.email) : undefined;
    return {
      tab: TABS.registrations.name,
      row: row.row,
      problems,
      blocking,
      ...(warnings.length > 0 ? { warnings } : {}),
      status: seat
        ? [seat.label, ...warnings.map((warning) => `${WARNING_PREFIX}${warning}`)].join("\n")
        : statusText(problems, warnings),
    };
  });
  return { workbook, lunchProblems, missingTabs, rows, closingAt: closing?.toJSDate() ?? null, seats };
}
