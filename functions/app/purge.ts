/**
 * Erasing an event's personal data once it is over, and proving it:
 * - names, addresses, phones, needs and travel times are emptied in every tab (the columns the
 *   schemas mark `personal`, the Journal's recipients and details included);
 * - every `Statut` verdict is emptied (a verdict may quote an address);
 * - the columns the organizer added to the tabs about people (`Participants`, `Tuteurs`,
 *   `Affectations`, `Inscriptions`) are emptied once the organizer confirmed them by name;
 * - the addresses and names inside the Journal's keys are replaced by `(effacé)` (the keys keep
 *   their shape, so what was sent can still be counted);
 * then every cell of every Passerelle tab is read again and searched for each address and name the
 * purge knew: the report says, per tab, what was erased and what (if anything) remains.
 * Counts, structures, wishes and the rest stay for the organizers' records. A seminar, a reverse
 * immersion (its hosts' office contacts kept like structures'), a lunch talk and a cycle of lunch
 * talks (once its last talk is over) are purged alike.
 */
import { DateTime } from "luxon";
import { closingInstant } from "../core/checks/check-lunch.js";
import { CYCLE_TABS_SPEC, type CycleSettings, type TalkRow } from "../core/cycle/cycle-schemas.js";
import { PLACEMENT_HEADERS, REVERSE_TABS, REVERSE_WORKBOOK } from "../core/inversee/schemas.js";
import { isReverse } from "../core/inversee/view.js";
import { eventZone } from "../core/settings/event-settings.js";
import { cellText, isBlank, parseEmail } from "../core/sheet/cells.js";
import {
  LUNCH_WORKBOOK,
  type ProgrammeRow,
  SEMINAR_WORKBOOK,
  TABS,
  type TabSpec,
} from "../core/sheet/schemas.js";
import { columnsOf, parseSettings, parseTable } from "../core/sheet/table.js";
import { plural } from "../core/text/french.js";
import type { Cell, CellWrite, TabValues, Workbook, WorkbookSnapshot } from "../ports.js";
import { ALL_TABS, eventKind } from "./check-workbook.js";

/** A column the organizer added to a tab about people (not in the published contract). */
export interface AddedColumn {
  readonly tab: string;
  readonly header: string;
}

/** Where a known address or name was still found after the purge. */
export interface Remaining {
  readonly tab: string;
  readonly row: number;
  readonly column: number;
}

export interface PurgeReport {
  readonly done: boolean;
  /** Why nothing was erased, in French. */
  readonly refused?: string;
  readonly cellsErased: number;
  /** Cells erased, per tab title. */
  readonly erasedByTab: Readonly<Record<string, number>>;
  /** The added columns found; erased only when confirmed. */
  readonly addedColumns: readonly AddedColumn[];
  readonly addedColumnsErased: boolean;
  /** How many distinct addresses and names the scan looked for. */
  readonly searched: number;
  /** Cells still holding one of them after the purge (empty when the purge is complete). */
  readonly remaining: readonly Remaining[];
  readonly summary: string;
}

export interface PurgeOptions {
  /** Erase even when the event is not over (or its date unreadable). */
  readonly force?: boolean;
  /**
   * Asked, with the added columns named, before they are erased; without it they are kept (and
   * the scan reports what they hold).
   */
  readonly confirmAddedColumns?: (columns: readonly AddedColumn[]) => Promise<boolean>;
}

const ERASED = "";
const REDACTED = "(effacé)";
/** The tabs about people, whose added columns may hold personal data. */
const PEOPLE_TABS: ReadonlySet<string> = new Set([
  TABS.participants.name,
  TABS.tutors.name,
  TABS.placements.name,
  TABS.registrations.name,
  CYCLE_TABS_SPEC.speakers.name,
  REVERSE_TABS.hosts.name,
]);

/** What a purge needs to know of each kind of event. */
interface PurgeProfile {
  readonly settingsSpec: TabSpec;
  readonly specs: readonly TabSpec[];
  /** Tabs of contacts kept for the records (the organizer's, each host structure's): not searched for. */
  readonly contactTabs: readonly string[];
  /**
   * Tabs of people kept whole for the records (the hosts of a reverse immersion, whose office
   * contacts are like structures'): their personal columns are kept, their values not searched for.
   */
  readonly keptTabs: readonly string[];
  /** Headers the event's tabs name otherwise than the seminar's (not columns the organizer added). */
  readonly knownHeaders: ReadonlySet<string>;
  /** When the event ends; `null` when its date is unreadable. */
  readonly end: Date | null;
}

/**
 * The purge of each kind: a seminar and a lunch talk as ever; a cycle ends with its last talk, its
 * registrants' and speakers' data erased; a reverse immersion like a seminar, its participants'
 * data (service users' and their registrars' addresses included) erased, its hosts' office contacts
 * kept like structures'. `null` for a workbook that is no event.
 */
function profileOf(snapshot: WorkbookSnapshot, kind: ReturnType<typeof eventKind>): PurgeProfile | null {
  const none = new Set<string>();
  if (isReverse(snapshot))
    return {
      settingsSpec: REVERSE_TABS.settings,
      specs: REVERSE_WORKBOOK,
      contactTabs: [REVERSE_TABS.settings.name],
      keptTabs: [REVERSE_TABS.hosts.name],
      knownHeaders: new Set(Object.values(PLACEMENT_HEADERS)),
      end: reverseEnd(snapshot),
    };
  if (kind === "cycle")
    return {
      settingsSpec: CYCLE_TABS_SPEC.cycle,
      specs: [...Object.values(CYCLE_TABS_SPEC), TABS.journal, TABS.feedback],
      contactTabs: [CYCLE_TABS_SPEC.cycle.name],
      keptTabs: [],
      knownHeaders: none,
      end: cycleEnd(snapshot),
    };
  if (kind === "seminar" || kind === "lunch")
    return {
      settingsSpec: kind === "seminar" ? TABS.seminar : TABS.lunch,
      specs: kind === "seminar" ? SEMINAR_WORKBOOK : LUNCH_WORKBOOK,
      contactTabs: [kind === "seminar" ? TABS.seminar.name : TABS.lunch.name, TABS.structures.name],
      keptTabs: [],
      knownHeaders: none,
      end: eventEnd(kind, snapshot),
    };
  return null;
}

/** The end of a cycle's last talk, in its zone; `null` when no talk has a readable date. */
function cycleEnd(snapshot: WorkbookSnapshot): Date | null {
  const zone = timeZoneOf(
    parseSettings<CycleSettings>(CYCLE_TABS_SPEC.cycle, snapshot.get(CYCLE_TABS_SPEC.cycle.name)).partial,
  );
  const ends = parseTable<TalkRow>(
    CYCLE_TABS_SPEC.talks,
    snapshot.get(CYCLE_TABS_SPEC.talks.name),
  ).rows.flatMap((row) =>
    row.partial.date
      ? [DateTime.fromISO(`${row.partial.date}T${row.partial.end ?? "13:45"}`, { zone }).toMillis()]
      : [],
  );
  return ends.length === 0 ? null : new Date(Math.max(...ends));
}

/** The end of a reverse immersion: its day's last programme item, or the end of its day. */
function reverseEnd(snapshot: WorkbookSnapshot): Date | null {
  const settings = parseSettings<{ date?: string; timeZone?: string }>(
    REVERSE_TABS.settings,
    snapshot.get(REVERSE_TABS.settings.name),
  ).partial;
  if (!settings.date) return null;
  const zone = timeZoneOf(settings);
  const programme = snapshot.get(TABS.programme.name);
  const lastEnd = (
    programme
      ? parseTable<ProgrammeRow>(TABS.programme, programme).rows.flatMap((row) =>
          row.value ? [row.value.end] : [],
        )
      : []
  )
    .sort()
    .at(-1);
  return lastEnd
    ? DateTime.fromISO(`${settings.date}T${lastEnd}`, { zone }).toJSDate()
    : DateTime.fromISO(settings.date, { zone }).endOf("day").toJSDate();
}
/** Columns whose values are full names (the scan looks for them). */
const FULL_NAME_KEYS: ReadonlySet<string> = new Set(["participant", "tutor"]);

export async function purgeWorkbook(
  workbook: Workbook,
  now: Date,
  options: PurgeOptions = {},
): Promise<PurgeReport> {
  const tabs = [...new Set([...ALL_TABS, ...REVERSE_WORKBOOK.map((spec) => spec.name), TABS.journal.name])];
  const snapshot = await workbook.read(tabs);
  const kind = eventKind(snapshot);
  const nothing = {
    cellsErased: 0,
    erasedByTab: {},
    addedColumns: [],
    addedColumnsErased: false,
    searched: 0,
    remaining: [],
  };
  const profile = profileOf(snapshot, kind);
  if (profile === null) {
    return { done: false, refused: "Ce classeur n'est pas un classeur Passerelle.", ...nothing, summary: "" };
  }
  const { settingsSpec, specs } = profile;
  const settings = parseSettings(settingsSpec, snapshot.get(settingsSpec.name));
  const zone = timeZoneOf(settings.partial);
  const end = profile.end;
  if (!options.force && (end === null || end > now)) {
    const refused =
      end === null
        ? "La date de l'événement est illisible : corrigez-la, ou forcez l'effacement (--force)."
        : `L'événement n'est pas terminé (fin le ${DateTime.fromJSDate(end, { zone }).setLocale("fr").toFormat("dd/MM/yyyy 'à' HH:mm")}) : rien n'a été effacé.`;
    return { done: false, refused, ...nothing, summary: refused };
  }
  const known = withoutEventContacts(
    knownValues(
      specs.filter((spec) => !profile.keptTabs.includes(spec.name)),
      snapshot,
    ),
    ...[...profile.contactTabs, ...profile.keptTabs].map((name) => snapshot.get(name)),
  );
  const added = addedColumns(specs, snapshot).filter((column) => !profile.knownHeaders.has(column.header));
  const eraseAdded =
    added.length > 0 && (options.force === true || ((await options.confirmAddedColumns?.(added)) ?? false));
  const writes: CellWrite[] = [];
  const erasedHeaders = new Set<string>();
  for (const spec of specs) {
    if (spec.kind !== "table") continue;
    const tab = snapshot.get(spec.name);
    if (!tab) continue;
    const table = parseTable(spec, tab);
    const erased = new Set<number>();
    const kept = profile.keptTabs.includes(spec.name);
    for (const column of table.columns)
      if (column.index !== undefined && ((column.meta.personal && !kept) || column.key === "status"))
        erased.add(column.index);
    if (eraseAdded && PEOPLE_TABS.has(spec.name))
      for (const column of added)
        if (column.tab === tab.title) erased.add(indexOfHeader(tab.rows[0] ?? [], column.header));
    const keyColumn =
      spec.name === TABS.journal.name
        ? table.columns.find((column) => column.key === "key")?.index
        : undefined;
    for (let row = 2; row <= tab.rows.length; row++) {
      const cells = tab.rows[row - 1] ?? [];
      for (const column of erased)
        if (column > 0 && !isBlank(cells[column - 1] ?? null)) {
          writes.push({ tab: tab.title, row, column, value: ERASED });
          erasedHeaders.add(cellText(tab.rows[0]?.[column - 1] ?? null));
        }
      if (keyColumn !== undefined) {
        const key = cellText(cells[keyColumn - 1] ?? null);
        const redacted = redact(key, known);
        if (redacted !== key) writes.push({ tab: tab.title, row, column: keyColumn, value: redacted });
      }
    }
  }
  const erasedByTab: Record<string, number> = {};
  for (const write of writes) erasedByTab[write.tab] = (erasedByTab[write.tab] ?? 0) + 1;
  const at = DateTime.fromJSDate(now, { zone }).setLocale("fr").toFormat("dd/MM/yyyy 'à' HH:mm");
  const erased = writes.length;
  // What was erased, named by the columns it was in: a lunch talk has no train times to speak of.
  const columns = [...erasedHeaders].filter((header) => header !== "");
  const summary = `Données personnelles effacées le ${at} (${plural(erased, "cellule")})${columns.length > 0 ? ` : colonnes ${columns.join(", ")}` : ""}${eraseAdded ? ", et les colonnes ajoutées" : ""}.`;
  const statusLine = settings.lines.get("status");
  if (statusLine)
    writes.push({ tab: settings.title, row: statusLine.row, column: statusLine.valueColumn, value: summary });
  if (writes.length > 0) await workbook.write({ cells: writes });
  const remaining = scan(await workbook.read(tabs), known);
  return {
    done: true,
    cellsErased: erased,
    erasedByTab,
    addedColumns: added,
    addedColumnsErased: eraseAdded,
    searched: known.addresses.size + known.names.size,
    remaining,
    summary,
  };
}

interface Known {
  readonly addresses: Set<string>;
  readonly names: Set<string>;
}

const EMAIL_IN_TEXT = /[\w.+'-]+@[\w-]+(\.[\w-]+)+/g;

/**
 * The addresses and names the workbook holds in its personal columns, before the purge. Names are
 * full names (first and last, either order, and the `Participant` and `Tuteur` columns): a last
 * name alone (Blanc, Martin) is too often a word of a place or a title to be searched for.
 */
function knownValues(specs: readonly TabSpec[], snapshot: WorkbookSnapshot): Known {
  const addresses = new Set<string>();
  const names = new Set<string>();
  for (const spec of specs) {
    if (spec.kind !== "table") continue;
    const tab = snapshot.get(spec.name);
    if (!tab) continue;
    const table = parseTable(spec, tab);
    const at = (key: string) => table.columns.find((column) => column.key === key)?.index;
    const [first, last] = [at("firstName"), at("lastName")];
    for (const row of tab.rows.slice(1)) {
      for (const column of table.columns) {
        if (column.index === undefined || !column.meta.personal) continue;
        const cell = row[column.index - 1] ?? null;
        const email = parseEmail(cell);
        if (email) addresses.add(email.toLowerCase());
        for (const found of cellText(cell).match(EMAIL_IN_TEXT) ?? []) addresses.add(found.toLowerCase());
        const text = cellText(cell).trim();
        if (FULL_NAME_KEYS.has(column.key) && text.length >= 3 && !text.includes("@")) names.add(text);
      }
      const firstName = first === undefined ? "" : cellText(row[first - 1] ?? null).trim();
      const lastName = last === undefined ? "" : cellText(row[last - 1] ?? null).trim();
      if (firstName !== "" && lastName !== "") {
        names.add(`${firstName} ${lastName}`);
        names.add(`${lastName} ${firstName}`);
      }
    }
  }
  return { addresses, names };
}

/**
 * The known values minus the contacts of institutions: the organizer's and the sender's addresses
 * and names (the settings tab, `Séminaire` or `Rencontre`) and each host structure's `Contact`
 * (`Structures`) stay for the records; the Journal's `Destinataire` column names them for alerts and
 * rosters, so without this the scan would report those tabs as not purged.
 */
function withoutEventContacts(known: Known, ...contactTabs: readonly (TabValues | undefined)[]): Known {
  const kept = new Set(
    contactTabs.flatMap((tab) =>
      (tab?.rows ?? []).flatMap((row) => row.map((cell) => cellText(cell).trim().toLowerCase())),
    ),
  );
  for (const cell of [...kept])
    for (const found of cell.match(EMAIL_IN_TEXT) ?? []) kept.add(found.toLowerCase());
  return {
    addresses: new Set([...known.addresses].filter((address) => !kept.has(address))),
    names: new Set([...known.names].filter((name) => !kept.has(name.toLowerCase()))),
  };
}

/** Headers of the people tabs that the contract does not know (not the Journal's machine columns). */
function addedColumns(specs: readonly TabSpec[], snapshot: WorkbookSnapshot): AddedColumn[] {
  const added: AddedColumn[] = [];
  for (const spec of specs) {
    if (spec.kind !== "table" || !PEOPLE_TABS.has(spec.name)) continue;
    const tab = snapshot.get(spec.name);
    if (!tab) continue;
    const located = new Set(parseTable(spec, tab).columns.map((column) => column.index));
    (tab.rows[0] ?? []).forEach((cell, index) => {
      const header = cellText(cell).trim();
      if (header !== "" && !located.has(index + 1)) added.push({ tab: tab.title, header });
    });
  }
  return added;
}

function indexOfHeader(header: readonly Cell[], name: string): number {
  return header.findIndex((cell) => cellText(cell).trim() === name) + 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A name as a whole word, case and accents aside; an address anywhere, case aside. */
function patterns(known: Known): RegExp[] {
  return [
    ...[...known.addresses].map((address) => new RegExp(escapeRegExp(address), "giu")),
    ...[...known.names].map(
      (name) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, "giu"),
    ),
  ];
}

function redact(text: string, known: Known): string {
  let out = text;
  for (const pattern of patterns(known)) out = out.replace(pattern, REDACTED);
  return out;
}

/** Every cell of every tab read, searched for each known address and name. */
function scan(snapshot: WorkbookSnapshot, known: Known): Remaining[] {
  const found: Remaining[] = [];
  const all = patterns(known);
  const holds = (text: string) =>
    all.some((pattern) => {
      pattern.lastIndex = 0;
      return pattern.test(text);
    });
  for (const tab of snapshot.values())
    for (const [rowIndex, row] of tab.rows.entries())
      for (const [columnIndex, cell] of row.entries())
        if (holds(cellText(cell))) found.push({ tab: tab.title, row: rowIndex + 1, column: columnIndex + 1 });
  return found;
}

function timeZoneOf(settings: Partial<{ timeZone: string }>): string {
  return eventZone(settings);
}

/**
 * When the event ends, as a UTC instant: a seminar's last programme item on its last day (the end of
 * that day when the programme is unreadable), in the event's zone; a lunch talk's `Fin`.
 */
function eventEnd(kind: "seminar" | "lunch", snapshot: Awaited<ReturnType<Workbook["read"]>>): Date | null {
  if (kind === "lunch") {
    const settings = parseSettings<{ date?: string; end?: string; timeZone?: string }>(
      TABS.lunch,
      snapshot.get(TABS.lunch.name),
    ).partial;
    if (!settings.date || closingInstant(settings as never) === null) return null;
    return DateTime.fromISO(`${settings.date}T${settings.end ?? "13:45"}`, {
      zone: timeZoneOf(settings),
    }).toJSDate();
  }
  const settings = parseSettings<{ day1?: string; day2?: string; timeZone?: string }>(
    TABS.seminar,
    snapshot.get(TABS.seminar.name),
  ).partial;
  if (!settings.day1) return null;
  const zone = timeZoneOf(settings);
  const lastDay = settings.day2 ?? DateTime.fromISO(settings.day1, { zone }).plus({ days: 1 }).toISODate()!;
  const programme = snapshot.get(TABS.programme.name);
  const items = programme
    ? parseTable<ProgrammeRow>(TABS.programme, programme).rows.flatMap((row) =>
        row.value ? [row.value] : [],
      )
    : [];
  const lastDayNumber = Math.max(0, ...items.map((item) => item.day));
  const lastEnd = items
    .filter((item) => item.day === lastDayNumber)
    .map((item) => item.end)
    .sort()
    .at(-1);
  return lastEnd
    ? DateTime.fromISO(`${lastDayNumber === 1 ? settings.day1 : lastDay}T${lastEnd}`, { zone }).toJSDate()
    : DateTime.fromISO(lastDay, { zone }).endOf("day").toJSDate();
}

/** The personal columns of a tab, by header (for the documentation and tests). */
export function personalHeaders(spec: TabSpec): string[] {
  return columnsOf(spec.schema)
    .filter((column) => column.meta.personal)
    .map((column) => column.meta.header);
}
