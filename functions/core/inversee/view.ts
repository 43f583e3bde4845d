/**
 * The reverse immersion read as a seminar. Each host is a structure with one tutor, the host
 * themself (their slots, their capacity of 1 or 2); each participant is a participant, so that the
 * seminar's checks, matching, messages, replies and sending run unchanged. `seminarView` turns the
 * reverse workbook's tabs into the seminar's; `sourceChanges` turns what the seminar writes back into
 * writes on the reverse workbook's own tabs and cells. Pure: no I/O, no clock.
 */
import { createHash } from "node:crypto";
import type { Cell, CellWrite, TabValues, WorkbookChanges, WorkbookSnapshot } from "../../ports.js";
import { statusText } from "../checks/check-seminar.js";
import { cellText, isBlank, normalizeKey, parseEmail } from "../sheet/cells.js";
import { TABS, WISH_ALTERNATIVES } from "../sheet/schemas.js";
import { headersOf, parseTable } from "../sheet/table.js";
import { HOST_SITUATION, type HostRow, PLACEMENT_HEADERS, REVERSE_TABS, type VisitorRow } from "./schemas.js";
import { inReverseLines, inReverseWords } from "./words.js";

/** Tabs to read so that the reverse immersion can be recognised and viewed, beside the seminar's. */
export const REVERSE_SOURCE_TABS = [REVERSE_TABS.settings.name, REVERSE_TABS.hosts.name] as const;

/** Titles of the seminar tabs the view makes out of `Hôtes`. */
const STRUCTURES = TABS.structures.name;
const TUTORS = TABS.tutors.name;

/** `Public` of every visitor: the seminar's matching needs one; it never binds with 1 or 2 per host. */
const VISITOR_PUBLIC = "Fonctionnaire territorial";
/** `Organisme` of a service user, who shadows anyone: no host belongs to it. */
export const USER_EMPLOYER = "Usager";
/**
 * Domain of the identity of a service user without an address (RFC 2606 reserves `.invalid`): it
 * keys their placements and messages, and never receives anything, their messages going to
 * `Convocation à`.
 */
export const NO_ADDRESS_DOMAIN = "sans-adresse.invalid";
/** The seminar's optional `Participants` column the view fills with the registrar's address. */
export const CARE_OF_HEADER = "Convocation à";
/** The settings line the view adds so that messages speak of hosts (« votre hôte »). */
export const FORMAT_PARAMETER = "Format";
export const REVERSE_FORMAT = "Immersion inversée";

const SETTINGS_NAMES: Readonly<Record<string, string>> = { date: "Jour 1" };

/** Whether a snapshot holds a reverse immersion (its `Immersion` tab). */
export function isReverse(snapshot: WorkbookSnapshot): boolean {
  return snapshot.has(REVERSE_TABS.settings.name);
}

/** The seminar seen through a reverse workbook, with what is needed to map its writes back. */
export interface SeminarView {
  readonly snapshot: WorkbookSnapshot;
  /** Problems the seminar's checks cannot see, per source tab and row: merged into `Statut`. */
  readonly extra: ReadonlyMap<string, ReadonlyMap<number, readonly string[]>>;
  /** Source rows of `Hôtes` and `Participants` left out of the seminar (blank there). */
  readonly hidden: ReadonlyMap<string, ReadonlySet<number>>;
  /** `À voir` of each host, by structure name (written into `Affectations › À voir`). */
  readonly activities: ReadonlyMap<string, string>;
  /** Per source tab (`Participants`): the real width before the columns the view adds. */
  readonly widths: ReadonlyMap<string, { real: number; added: number }>;
  /**
   * Rows of `Participants` whose `Email` the view leaves empty so that the seminar neither places
   * nor convokes them (a service user with nobody to write to): their own problem says what is
   * missing, so the seminar's « Email : est vide » is not said there (`withoutSeminarEmail`).
   */
  readonly addressless: ReadonlySet<number>;
  /**
   * Per visitor (their address in the view, lower-cased), per host (`normalizeKey` of the name): the
   * number of the visitor's own wish that names the host. A wish naming an organisme or a type of
   * institution stands for several hosts, which the seminar's matching ranks one after the other
   * (`wishResolver`); the visitor and the organizer count it as the one wish it is.
   */
  readonly wishNumbers: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** The real title of each tab the view presents under another name. */
  readonly titles: { readonly settings: string; readonly hosts: string; readonly visitors: string };
}

/** The host's name as a structure: unique in `Hôtes` unless two hosts share a name (then checked). */
export function hostName(host: Pick<HostRow, "firstName" | "lastName">): string {
  return `${host.firstName} ${host.lastName}`;
}

/** The identity of a service user without an address: stable across row moves, never sent to. */
export function userIdentity(
  row: Partial<Pick<VisitorRow, "firstName" | "lastName" | "registrarEmail">>,
): string {
  const digest = createHash("sha256")
    .update(
      JSON.stringify([
        normalizeKey(row.firstName ?? ""),
        normalizeKey(row.lastName ?? ""),
        row.registrarEmail ?? "",
      ]),
    )
    .digest("hex")
    .slice(0, 10);
  return `usager-${digest}@${NO_ADDRESS_DOMAIN}`;
}

/** Builds the seminar view of a reverse workbook snapshot (its tabs read under their own names). */
export function seminarView(source: WorkbookSnapshot): SeminarView {
  const out = new Map<string, TabValues>();
  for (const [name, tab] of source) if (name !== REVERSE_TABS.hosts.name) out.set(name, tab);
  const settingsTab = source.get(REVERSE_TABS.settings.name);
  out.delete(REVERSE_TABS.settings.name);
  if (settingsTab) out.set(TABS.seminar.name, settingsView(settingsTab));

  const extra = new Map<string, Map<number, string[]>>();
  const hidden = new Map<string, Set<number>>();
  const hostsTab = source.get(REVERSE_TABS.hosts.name);
  const hosts = parseTable<HostRow>(REVERSE_TABS.hosts, hostsTab);
  const activities = new Map<string, string>();
  const hostExtra = new Map<number, string[]>();
  const hostHidden = new Set<number>();
  const width = hostsTab?.rows.length ?? 1;
  const structureRows: Cell[][] = [
    ["Structure", "Type", "Organisme", "Adresse", "Situations", "Accessible PMR", "Contact", "Statut"],
  ];
  const tutorRows: Cell[][] = [
    [
      "Nom",
      "Prénom",
      "Email",
      "Structure",
      "Situation",
      "Créneaux",
      "Capacité",
      "Confirmation",
      "Répondu le",
      "Statut",
    ],
  ];
  const byRow = new Map(hosts.rows.map((row) => [row.row, row]));
  for (let row = 2; row <= width; row++) {
    const parsed = byRow.get(row);
    const host = parsed?.value;
    if (!parsed || !host) {
      structureRows.push([]);
      tutorRows.push([]);
      if (parsed) {
        hostExtra.set(row, parsed.problems);
        hostHidden.add(row);
      }
      continue;
    }
    const name = hostName(host);
    activities.set(normalizeKey(name), host.activities.join(", "));
    const contact = [`${name}, ${host.position}, ${host.employer}`, host.phone, host.email]
      .filter(Boolean)
      .join(" — ");
    structureRows.push([
      name,
      "Autre",
      host.employer,
      host.address,
      HOST_SITUATION,
      host.stepFree,
      contact,
      "",
    ]);
    tutorRows.push([
      host.lastName,
      host.firstName,
      host.email,
      name,
      HOST_SITUATION,
      host.slots.join(", "),
      host.capacity,
      parsed.cells.confirmation ?? null,
      parsed.cells.repliedAt ?? null,
      "",
    ]);
  }
  extra.set(REVERSE_TABS.hosts.name, hostExtra);
  hidden.set(REVERSE_TABS.hosts.name, hostHidden);
  if (hostsTab) {
    out.set(STRUCTURES, { title: STRUCTURES, rows: structureRows });
    out.set(TUTORS, { title: TUTORS, rows: tutorRows });
  }

  const widths = new Map<string, { real: number; added: number }>();
  let addressless: ReadonlySet<number> = new Set();
  let wishNumbers: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map();
  const visitorsTab = source.get(REVERSE_TABS.visitors.name);
  if (visitorsTab) {
    const view = visitorsView(
      visitorsTab,
      hosts.rows.flatMap((row) => (row.value ? [row.value] : [])),
    );
    out.set(TABS.participants.name, view.tab);
    extra.set(REVERSE_TABS.visitors.name, view.extra);
    hidden.set(REVERSE_TABS.visitors.name, view.hidden);
    widths.set(REVERSE_TABS.visitors.name, { real: view.real, added: 2 });
    addressless = view.addressless;
    wishNumbers = view.wishNumbers;
  }
  const placements = source.get(TABS.placements.name);
  if (placements) out.set(TABS.placements.name, placementsView(placements));
  return {
    snapshot: out,
    extra,
    hidden,
    activities,
    widths,
    addressless,
    wishNumbers,
    titles: {
      settings: settingsTab?.title ?? REVERSE_TABS.settings.name,
      hosts: hostsTab?.title ?? REVERSE_TABS.hosts.name,
      visitors: visitorsTab?.title ?? REVERSE_TABS.visitors.name,
    },
  };
}

/** `Immersion` as `Séminaire`: the same rows (so writes land on the same cells), `Date` as `Jour 1`. */
function settingsView(tab: TabValues): TabValues {
  const rows = tab.rows.map((row, index) => {
    if (index === 0) return row;
    const name = normalizeKey(cellText(row[0] ?? null));
    const renamed = Object.entries(SETTINGS_NAMES).find(([from]) => normalizeKey(from) === name)?.[1];
    return renamed ? [renamed, ...row.slice(1)] : row;
  });
  return { title: tab.title, rows: [...rows, [FORMAT_PARAMETER, REVERSE_FORMAT]] };
}

/** The number of the settings rows the view adds after the real ones. */
export const ADDED_SETTINGS_ROWS = 1;

function visitorsView(
  tab: TabValues,
  hosts: readonly HostRow[],
): {
  tab: TabValues;
  extra: Map<number, string[]>;
  hidden: Set<number>;
  real: number;
  addressless: Set<number>;
  wishNumbers: Map<string, Map<string, number>>;
} {
  const header = tab.rows[0] ?? [];
  let real = header.length;
  while (real > 0 && isBlank(header[real - 1])) real--;
  const parsed = parseTable<VisitorRow>(REVERSE_TABS.visitors, tab);
  const column = (key: string) => parsed.columns.find((candidate) => candidate.key === key)?.index;
  const renamed = header
    .slice(0, real)
    .map((cell, index) => (index + 1 === column("registrarEmail") ? CARE_OF_HEADER : cell));
  const rows: Cell[][] = [[...renamed, "Public", "Vœux des hôtes"]];
  const extra = new Map<number, string[]>();
  const hidden = new Set<number>();
  const addressless = new Set<number>();
  const wishNumbers = new Map<string, Map<string, number>>();
  const byRow = new Map(parsed.rows.map((row) => [row.row, row]));
  const resolve = wishResolver(hosts);
  const hostsOf = wishHosts(hosts);
  for (let row = 2; row <= tab.rows.length; row++) {
    const source = (tab.rows[row - 1] ?? []).slice(0, real);
    const cells: Cell[] = Array.from({ length: real }, (_, index) => source[index] ?? null);
    const visitor = byRow.get(row);
    if (!visitor) {
      rows.push(cells);
      continue;
    }
    const set = (key: string, value: Cell) => {
      const index = column(key);
      if (index !== undefined) cells[index - 1] = value;
    };
    set("status", "");
    const v = visitor.partial;
    const problems: string[] = [];
    const user = v.profile === "Usager";
    if (user) {
      if (isBlank(visitor.cells.employer)) set("employer", USER_EMPLOYER);
      if (v.email) set("registrarEmail", null);
      else if (v.registrarEmail) set("email", userIdentity(v));
      else if (!visitor.problems.some((problem) => problem.startsWith("Email"))) {
        problems.push(
          "Usager sans adresse et sans « Email de l'inscripteur » : sa convocation n'aurait personne à qui aller ; indiquez l'adresse de l'agent ou de l'association qui l'a inscrit (colonne « Inscrit par » pour son nom).",
        );
      }
    } else {
      set("registrarEmail", null);
      if (isBlank(visitor.cells.employer))
        problems.push(
          "Organisme : est vide : un agent n'est jamais accueilli par son propre organisme, indiquez son employeur.",
        );
    }
    const own = [v.wish1, v.wish2, v.wish3];
    const wishes = resolve(own);
    const numbers = new Map<string, number>();
    own.forEach((wish, index) => {
      for (const name of hostsOf(wish))
        if (!numbers.has(normalizeKey(name))) numbers.set(normalizeKey(name), index + 1);
    });
    set("wish1", wishes[0] ?? null);
    set("wish2", wishes[1] ?? null);
    set("wish3", wishes[2] ?? null);
    const ownProblems = visitor.problems.filter((problem) => !problem.startsWith("Vœu"));
    problems.push(
      ...ownProblems.filter((problem) => /^(Profil|Email de l'inscripteur|Inscrit par)/.test(problem)),
    );
    if (problems.length > 0) extra.set(row, problems);
    if (problems.length > 0 && !visitor.problems.some((problem) => problem.startsWith("Email"))) {
      // The seminar must not place nor convoke this row: an empty address blocks it there too.
      if (!user || !v.email) set("email", null);
      if (user && !v.email) addressless.add(row);
    }
    const address = cellText(cells[(column("email") ?? 0) - 1] ?? null).toLowerCase();
    if (address !== "") wishNumbers.set(address, numbers);
    rows.push([...cells, VISITOR_PUBLIC, wishes.join(", ")]);
  }
  return { tab: { title: tab.title, rows }, extra, hidden, real, addressless, wishNumbers };
}

/**
 * A wish names a host (`Prénom Nom`), an organisme or a type of institution; each stays one wish
 * of the seminar's matching: a host as it is, an organisme by its name (any of its hosts meets it),
 * a type of institution, which the seminar's structure types do not know, as its hosts joined by
 * ` | ` (any of them meets it). At most three, as the visitor wrote them.
 */
export function wishResolver(
  hosts: readonly HostRow[],
): (wishes: readonly (string | undefined)[]) => string[] {
  const hostsOf = wishHosts(hosts);
  return (wishes) => {
    const out: string[] = [];
    for (const wish of wishes) {
      if (wish === undefined || wish.trim() === "") continue;
      const key = normalizeKey(wish);
      const employer = hosts.find((host) => normalizeKey(host.employer) === key)?.employer;
      const named = hosts.some((host) => normalizeKey(hostName(host)) === key);
      const names = hostsOf(wish);
      const one = !named && employer ? employer : names.length > 0 ? names.join(WISH_ALTERNATIVES) : wish;
      if (!out.includes(one)) out.push(one);
    }
    return out.slice(0, 3);
  };
}

/** The hosts a wish names: the host itself, or every host of the organisme or type of institution. */
export function wishHosts(hosts: readonly HostRow[]): (wish: string | undefined) => string[] {
  return (wish) => {
    if (wish === undefined || wish.trim() === "") return [];
    const key = normalizeKey(wish);
    const named = hosts.filter((host) => normalizeKey(hostName(host)) === key);
    const matched =
      named.length > 0
        ? named
        : hosts.filter(
            (host) => normalizeKey(host.employer) === key || normalizeKey(host.institution ?? "") === key,
          );
    return matched.map(hostName);
  };
}

/**
 * A placement's `Motif` as the visitor's own wishes number it: `Vœu 2` when the host is named by the
 * visitor's second wish, though the matching ranked it third after the two hosts of an organisme
 * named first. Any other motif (`Verrouillé`, `hors vœux…`) as it is.
 */
export function reverseMotif(view: SeminarView, participant: string, host: string, motif: string): string {
  if (!/^Vœu \d$/.test(motif)) return motif;
  const number = view.wishNumbers.get(participant.toLowerCase())?.get(normalizeKey(host));
  return number === undefined ? motif : `Vœu ${number}`;
}

/** `Affectations` under the seminar's headers; every `À voir` read as the one situation. */
function placementsView(tab: TabValues): TabValues {
  const back = new Map(
    Object.entries(PLACEMENT_HEADERS).map(([seminar, reverse]) => [normalizeKey(reverse), seminar]),
  );
  const header = (tab.rows[0] ?? []).map((cell) => back.get(normalizeKey(cellText(cell))) ?? cell);
  const situation = header.findIndex((cell) => cellText(cell) === "Situation");
  const rows = tab.rows
    .slice(1)
    .map((row) =>
      situation >= 0 && !isBlank(row[situation])
        ? row.map((cell, index) => (index === situation ? HOST_SITUATION : cell))
        : row,
    );
  return { title: tab.title, rows: [header, ...rows] };
}

/**
 * A `Statut` without the seminar's problem of an empty `Email`: said of a row the view emptied on
 * purpose (`SeminarView.addressless`), whose own problem says what is missing. A problem starts
 * with its column's name (`Email : est vide…`), after the status's prefix.
 */
export function withoutSeminarEmail(status: string): string {
  return status
    .split("\n")
    .filter((line) => !/^Email : /.test(line.replace(/^(bloquant|à vérifier) : /, "")))
    .join("\n");
}

/** Merges `Statut` texts: every problem line once; `OK` when there is none. */
export function mergeStatus(texts: readonly string[]): string {
  const lines = texts.flatMap((text) => text.split("\n")).filter((line) => line !== "" && line !== "OK");
  const unique = [...new Set(lines)];
  return unique.length === 0 ? (texts.find((text) => text !== "") ?? "OK") : unique.join("\n");
}

/**
 * What the seminar writes, on the reverse workbook: `Séminaire` is `Immersion` (same rows),
 * `Structures` and `Tuteurs` are `Hôtes` (their `Statut` merged, `Confirmation` and `Répondu le` in
 * place), `Participants` loses the columns the view added, `Affectations` gets its own headers and
 * each host's `À voir`. `source` is the reverse snapshot the view was made of.
 */
export function sourceChanges(
  view: SeminarView,
  source: WorkbookSnapshot,
  changes: WorkbookChanges,
): WorkbookChanges {
  const cells: CellWrite[] = [];
  const statuses = new Map<string, Map<number, string[]>>();
  const addStatus = (tab: string, row: number, value: string) => {
    const byRow = statuses.get(tab) ?? new Map<number, string[]>();
    byRow.set(row, [...(byRow.get(row) ?? []), value]);
    statuses.set(tab, byRow);
  };
  const hostsTab = source.get(REVERSE_TABS.hosts.name);
  const hostColumns = parseTable<HostRow>(REVERSE_TABS.hosts, hostsTab).columns;
  const hostColumn = (key: string) => hostColumns.find((column) => column.key === key)?.index;
  const visitorsTab = source.get(REVERSE_TABS.visitors.name);
  const visitorColumns = parseTable<VisitorRow>(REVERSE_TABS.visitors, visitorsTab).columns;
  const statusColumn = visitorColumns.find((column) => column.key === "status")?.index;
  const width = view.widths.get(REVERSE_TABS.visitors.name);
  const placementsWrites = (changes.cells ?? []).filter((write) => write.tab === TABS.placements.name);
  const settingsRows = source.get(REVERSE_TABS.settings.name)?.rows.length ?? 1;
  for (const write of changes.cells ?? []) {
    if (write.tab === view.titles.settings) {
      const row = write.row > settingsRows ? write.row - ADDED_SETTINGS_ROWS : write.row;
      // What the seminar writes there is its `Statut`: the organizer reads it in the immersion's words.
      const value = typeof write.value === "string" ? inReverseLines(write.value) : write.value;
      cells.push({ ...write, row, value });
    } else if (write.tab === STRUCTURES || write.tab === TUTORS) {
      const header = view.snapshot.get(write.tab)?.rows[0]?.[write.column - 1];
      const name = cellText(header ?? null);
      if (name === "Statut") addStatus(REVERSE_TABS.hosts.name, write.row, cellText(write.value));
      else if (write.tab === TUTORS && (name === "Confirmation" || name === "Répondu le")) {
        const column = hostColumn(name === "Confirmation" ? "confirmation" : "repliedAt");
        if (column !== undefined)
          cells.push({ tab: view.titles.hosts, row: write.row, column, value: write.value });
      }
    } else if (write.tab === view.titles.visitors && width) {
      if (write.column > width.real && write.column <= width.real + width.added) continue;
      const column = write.column > width.real ? write.column - width.added : write.column;
      if (write.row > 1 && column === statusColumn)
        addStatus(
          REVERSE_TABS.visitors.name,
          write.row,
          view.addressless.has(write.row)
            ? withoutSeminarEmail(cellText(write.value))
            : cellText(write.value),
        );
      else cells.push({ ...write, column });
    } else if (write.tab === TABS.placements.name) {
      cells.push(placementWrite(view, source, write, placementsWrites));
    } else cells.push(write);
  }
  // A check writes every row's verdict: the rows the seminar cannot see get theirs then.
  for (const tab of [REVERSE_TABS.hosts.name, REVERSE_TABS.visitors.name]) {
    if (!statuses.has(tab)) continue;
    for (const [row] of view.extra.get(tab) ?? []) if (!statuses.get(tab)?.has(row)) addStatus(tab, row, "");
  }
  for (const [tab, byRow] of statuses) {
    const title = tab === REVERSE_TABS.hosts.name ? view.titles.hosts : view.titles.visitors;
    const tabValues = tab === REVERSE_TABS.hosts.name ? hostsTab : visitorsTab;
    const column = tab === REVERSE_TABS.hosts.name ? hostColumn("status") : statusColumn;
    if (column === undefined) continue;
    for (const [row, texts] of byRow) {
      const own = (view.extra.get(tab)?.get(row) ?? []).map((problem) => statusText([problem]));
      const value = inReverseLines(mergeStatus([...texts, ...own]));
      if (cellText(tabValues?.rows[row - 1]?.[column - 1] ?? null) !== value)
        cells.push({ tab: title, row, column, value });
    }
  }
  const createTabs = (changes.createTabs ?? []).map((creation) =>
    creation.title === TABS.placements.name
      ? { ...creation, header: creation.header.map((name) => PLACEMENT_HEADERS[name] ?? name) }
      : creation,
  );
  return {
    ...changes,
    ...(changes.createTabs ? { createTabs } : {}),
    ...(changes.cells ? { cells } : {}),
    ...(changes.appends
      ? { appends: changes.appends.map((append) => journalInWords(append, source, changes)) }
      : {}),
  };
}

/** The Journal's human columns, read by the organizer only (`ledger/entry.ts`): never its key nor its payload. */
const JOURNAL_WORDS = new Set(["Événement", "Détail"].map(normalizeKey));

/**
 * Lines appended to the `Journal` with the reverse immersion's words in `Événement` and `Détail`
 * (« Demande à l'hôte », « Réponse de l'hôte »). The seal covers the key and the payload only, so
 * the human columns may say it in the event's words; a column is reworded only when its header is
 * known (from the tab created by these changes, or as read), so that nothing else is touched.
 */
function journalInWords(
  append: NonNullable<WorkbookChanges["appends"]>[number],
  source: WorkbookSnapshot,
  changes: WorkbookChanges,
): NonNullable<WorkbookChanges["appends"]>[number] {
  if (normalizeKey(append.tab) !== normalizeKey(TABS.journal.name)) return append;
  const header =
    changes.createTabs?.find((tab) => normalizeKey(tab.title) === normalizeKey(TABS.journal.name))?.header ??
    source.get(TABS.journal.name)?.rows[0] ??
    [];
  const human = new Set(
    header.flatMap((cell, index) => (JOURNAL_WORDS.has(normalizeKey(cellText(cell))) ? [index] : [])),
  );
  if (human.size === 0) return append;
  return {
    ...append,
    rows: append.rows.map((row) =>
      row.map((cell, index) => (human.has(index) && typeof cell === "string" ? inReverseWords(cell) : cell)),
    ),
  };
}

function placementWrite(
  view: SeminarView,
  source: WorkbookSnapshot,
  write: CellWrite,
  batch: readonly CellWrite[],
): CellWrite {
  if (write.row === 1) {
    const name = cellText(write.value);
    return { ...write, value: PLACEMENT_HEADERS[name] ?? name };
  }
  const header: readonly Cell[] =
    view.snapshot.get(TABS.placements.name)?.rows[0] ?? headersOf(TABS.placements.schema);
  const columnOf = (name: string) => header.findIndex((cell) => cellText(cell) === name) + 1;
  const situation = columnOf("Situation");
  const motif = columnOf("Motif");
  if ((write.column !== situation && write.column !== motif) || isBlank(write.value)) return write;
  const cellOf = (column: number) =>
    batch.find((other) => other.row === write.row && other.column === column)?.value ??
    source.get(TABS.placements.name)?.rows[write.row - 1]?.[column - 1] ??
    null;
  const structure = cellText(cellOf(columnOf("Structure")));
  if (write.column === motif) {
    const participant = cellText(cellOf(columnOf("Email participant")));
    return { ...write, value: reverseMotif(view, participant, structure, cellText(write.value)) };
  }
  return { ...write, value: view.activities.get(normalizeKey(structure)) ?? write.value };
}

/**
 * `Participants › Convocation à` by row: the address that receives a participant's messages in
 * their place (a service user's registrar). Read by the seminar's message model; an invalid or empty
 * cell counts as none.
 */
export function careOfAddresses(snapshot: WorkbookSnapshot): ReadonlyMap<number, string> {
  const tab = snapshot.get(TABS.participants.name);
  const found = new Map<number, string>();
  if (!tab) return found;
  const column = (tab.rows[0] ?? []).findIndex(
    (cell) => normalizeKey(cellText(cell)) === normalizeKey(CARE_OF_HEADER),
  );
  if (column < 0) return found;
  tab.rows.forEach((row, index) => {
    const address = index > 0 ? parseEmail(row[column] ?? null) : null;
    if (address) found.set(index + 1, address);
  });
  return found;
}

/** Whether a seminar snapshot is the view of a reverse immersion (its `Format` line says so). */
export function isReverseView(snapshot: WorkbookSnapshot): boolean {
  const tab = snapshot.get(TABS.seminar.name);
  return (tab?.rows ?? []).some(
    (row) =>
      normalizeKey(cellText(row[0] ?? null)) === normalizeKey(FORMAT_PARAMETER) &&
      normalizeKey(cellText(row[1] ?? null)) === normalizeKey(REVERSE_FORMAT),
  );
}
