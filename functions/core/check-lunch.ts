/**
 * Checking a lunch-talk workbook: the `Rencontre` parameters and every registration. A valid,
 * confirmed registration's `Statut` is its seat (`Inscrit`, `Liste d'attente (n)`), so the
 * organizer sees the seats change as people register and cancel.
 * Pure: the workbook's values and `now` in, verdicts out.
 */
import { DateTime } from "luxon";
import type { WorkbookSnapshot } from "../ports.js";
import { quote } from "./cells.js";
import { type RowVerdict, statusText } from "./check-seminar.js";
import { type LunchSettings, type RegistrationRow, TABS } from "./schemas.js";
import { allocateSeats, type SeatAllocation, type SeatRules } from "./seats.js";
import { type ParsedRow, type ParsedSettings, type ParsedTable, parseSettings, parseTable } from "./table.js";

export interface LunchWorkbook {
  readonly settings: ParsedSettings<LunchSettings>;
  readonly registrations: ParsedTable<RegistrationRow>;
}

export interface LunchCheck {
  readonly workbook: LunchWorkbook;
  readonly lunchProblems: readonly string[];
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
  const zone = settings.timeZone ?? "Europe/Paris";
  if (settings.closingAt) {
    return DateTime.fromISO(`${settings.closingAt.date}T${settings.closingAt.time ?? "23:59"}`, { zone });
  }
  if (!settings.date) return null;
  return DateTime.fromISO(`${settings.date}T${settings.start ?? "12:15"}`, { zone }).minus({ days: 2 });
}

/** `Capacité`, `Quota par service` and the closing; without a date, the talk is taken as closed. */
export function seatRules(settings: Partial<LunchSettings>): SeatRules {
  const closing =
    closingInstant(settings) ??
    DateTime.fromISO(`${settings.date ?? "1970-01-01"}T${settings.start ?? "12:15"}`, {
      zone: settings.timeZone ?? "Europe/Paris",
    });
  return {
    capacity: settings.capacity ?? 30,
    quotaPerService: settings.quotaPerService ?? null,
    closingAt: closing.toJSDate(),
  };
}

/**
 * Seats for the rows `takesPart` keeps (confirmed, valid), replayed in order of `Inscrit le`
 * (wall-clock time in the talk's zone).
 */
export function lunchSeats(
  workbook: LunchWorkbook,
  takesPart: (row: ParsedRow<RegistrationRow>) => boolean,
  now: Date,
): SeatAllocation {
  const settings = workbook.settings.partial;
  const zone = settings.timeZone ?? "Europe/Paris";
  const registrations = workbook.registrations.rows.flatMap((row) =>
    row.value && row.value.registration !== "Annulée" && takesPart(row)
      ? [
          {
            id: row.value.email,
            service: row.value.service,
            registeredAt: DateTime.fromISO(
              `${row.value.registeredAt.date}T${row.value.registeredAt.time ?? "00:00"}`,
              { zone },
            ).toJSDate(),
            cancelled: false,
          },
        ]
      : [],
  );
  return allocateSeats(registrations, seatRules(settings), now);
}

export function checkLunch(snapshot: WorkbookSnapshot, now: Date): LunchCheck {
  const workbook = parseLunchWorkbook(snapshot);
  const settings = workbook.settings.partial;
  const lunchProblems = [...workbook.settings.problems];
  if (snapshot.get(TABS.registrations.name) === undefined) {
    lunchProblems.push(`Onglet « ${TABS.registrations.name} » introuvable : ajoutez-le (voir le modèle).`);
  }
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
        zone: settings.timeZone ?? "Europe/Paris",
      })
  ) {
    lunchProblems.push("Clôture des inscriptions : elle doit précéder la rencontre : avancez-la.");
  }
  if (
    settings.date &&
    DateTime.fromISO(settings.date, { zone: settings.timeZone ?? "Europe/Paris" })
      .endOf("day")
      .toJSDate() < now
  ) {
    lunchProblems.push("Date : la rencontre est déjà passée : vérifiez la date.");
  }

  const emails = new Map<string, number[]>();
  for (const row of workbook.registrations.rows) {
    if (row.partial.email && row.partial.registration !== "Annulée") {
      emails.set(row.partial.email, [...(emails.get(row.partial.email) ?? []), row.row]);
    }
  }
  const problemsOf = new Map<number, string[]>();
  for (const row of workbook.registrations.rows) {
    if (row.partial.registration === "Annulée") continue;
    const problems = [...row.problems];
    const others = (emails.get(row.partial.email ?? "") ?? []).filter((line) => line !== row.row);
    if (others.length > 0) {
      problems.push(
        `Email : ${quote(row.partial.email!)} est déjà inscrit ligne ${others.join(", ")} : supprimez le doublon ou passez l'une des inscriptions à Annulée.`,
      );
    }
    problemsOf.set(row.row, problems);
  }
  const seats = lunchSeats(workbook, (row) => problemsOf.get(row.row)?.length === 0, now);
  const rows: RowVerdict[] = workbook.registrations.rows.map((row) => {
    if (row.partial.registration === "Annulée") {
      return { tab: TABS.registrations.name, row: row.row, problems: [], blocking: true, status: "Annulé" };
    }
    const problems = problemsOf.get(row.row) ?? [];
    const seat = problems.length === 0 && row.value ? seats.statuses.get(row.value.email) : undefined;
    return {
      tab: TABS.registrations.name,
      row: row.row,
      problems,
      blocking: problems.length > 0,
      status: seat?.label ?? statusText(problems),
    };
  });
  return { workbook, lunchProblems, rows, closingAt: closing?.toJSDate() ?? null, seats };
}
