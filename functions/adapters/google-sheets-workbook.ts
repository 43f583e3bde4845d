/**
 * The organizers' Google Sheet, through the Sheets v4 REST API (`@googleapis/sheets`, the per-API
 * package: the full `googleapis` package costs about a second of cold start).
 *
 * Round trips are the budget: a read is one `values.batchGet`, a write one `values.batchUpdate`.
 * Tab titles are first taken as asked; when the API refuses a range (a missing tab, or one titled
 * `participants` rather than `Participants`), the titles are fetched once and matched tolerantly,
 * and kept in a `SheetTitleCache` so the next reads go straight to the right titles.
 * Values are written `RAW`: a name typed as `=HYPERLINK(...)` stays text.
 * Nothing read or written is logged or put in an error message.
 */
import { sheets, type sheets_v4 } from "@googleapis/sheets";
import { z } from "zod";
import { normalizeKey } from "../core/sheet/cells.js";
import type {
  Cell,
  CellWrite,
  RowsAppend,
  TabCreation,
  TabValues,
  Workbook,
  WorkbookChanges,
} from "../ports.js";
import { httpFailure, httpStatusOf, isTransientHttpStatus, type RetryOptions, withRetry } from "./retry.js";

export interface GoogleSheetsWorkbookOptions {
  /** An authenticated client (`new GoogleAuth({scopes})`, an `OAuth2Client`...); none against a fake. */
  readonly auth?: sheets_v4.Options["auth"];
  /** Where the API lives; tests point it at a local fake (`http://127.0.0.1:port/`). */
  readonly rootUrl?: string;
  /** Titles learnt for a spreadsheet, shared between the workbooks of one process. */
  readonly titleCache?: SheetTitleCache;
  readonly retry?: Partial<
    Pick<RetryOptions, "attempts" | "baseDelayMs" | "maxDelayMs" | "sleep" | "random">
  >;
  /** Per request; an Apps Script trigger waits for the whole function about a minute at most. */
  readonly timeoutMs?: number;
  /**
   * Tabs protected when this workbook creates or first writes them (the composition root names
   * the `Journal`; none by default): a
   * protected range over the whole tab, not a mere warning, whose editors are the owner of the
   * request and `editor`.
   */
  readonly protectedTabs?: readonly string[];
  /** The functions' service account (its email), the one editor of the protected tabs. */
  readonly editor?: string;
}

/** The description of the protection this adapter adds; an existing one with it is left alone. */
export const PROTECTION_DESCRIPTION =
  "Passerelle : le Journal est écrit par le système seul (lignes scellées). Ne pas modifier.";

const protectionResponse = z.object({
  sheets: z
    .array(
      z.object({
        properties: z.object({ sheetId: z.number().optional(), title: z.string() }).optional(),
        protectedRanges: z.array(z.object({ description: z.string().optional() })).optional(),
      }),
    )
    .optional(),
});

/** A Sheets API call that failed; `status` is the HTTP status when there was an answer. */
export class SheetsRequestError extends Error {
  override readonly name = "SheetsRequestError";
  readonly status: number | undefined;
  /** The API's own message (it names ranges, never cell values); kept out of `message` for logs. */
  readonly apiMessage: string | undefined;

  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    const status = httpStatusOf(cause);
    super(`Google Sheets ${operation} failed${status === undefined ? "" : ` (HTTP ${status})`}`, { cause });
    this.status = status;
    this.apiMessage = apiMessageOf(cause);
  }

  get retryable(): boolean {
    return this.status === undefined || isTransientHttpStatus(this.status);
  }
}

/** The tab titles of spreadsheets, remembered for a while (a tab may be renamed at any time). */
export class SheetTitleCache {
  private readonly entries = new Map<string, { titles: readonly string[]; at: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(spreadsheetId: string): readonly string[] | undefined {
    const entry = this.entries.get(spreadsheetId);
    if (entry === undefined || this.now() - entry.at > this.ttlMs) return undefined;
    return entry.titles;
  }

  set(spreadsheetId: string, titles: readonly string[]): void {
    this.entries.set(spreadsheetId, { titles: [...titles], at: this.now() });
  }

  add(spreadsheetId: string, titles: readonly string[]): void {
    const known = this.get(spreadsheetId);
    if (known !== undefined) this.set(spreadsheetId, [...known, ...titles]);
  }

  forget(spreadsheetId: string): void {
    this.entries.delete(spreadsheetId);
  }
}

/** A `values.batchGet` answer's ranges, their values as the port's cells (see `valueRangesOf`). */
interface ReadRange {
  readonly range?: string;
  readonly rows: Cell[][];
}

/**
 * The ranges of a `values.batchGet` answer, checked as a schema would (an object; `valueRanges` an
 * array of objects, each with an optional string `range` and optional `values`, rows of strings,
 * numbers, booleans or `null`) in one pass over the cells: a Journal of thousands of rows is read
 * on every request. The rows are the answer's own arrays, `""` made `null` in place (the answer is
 * parsed for this call alone). Answers `undefined` for any other shape.
 */
export function valueRangesOf(data: unknown): ReadRange[] | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const valueRanges = (data as { valueRanges?: unknown }).valueRanges;
  if (valueRanges === undefined) return [];
  if (!Array.isArray(valueRanges)) return undefined;
  const ranges: ReadRange[] = [];
  for (const valueRange of valueRanges as unknown[]) {
    if (typeof valueRange !== "object" || valueRange === null) return undefined;
    const { range, values } = valueRange as { range?: unknown; values?: unknown };
    if (range !== undefined && typeof range !== "string") return undefined;
    if (values !== undefined && !Array.isArray(values)) return undefined;
    const rows = (values ?? []) as unknown[];
    for (const row of rows) {
      if (!Array.isArray(row)) return undefined;
      for (let index = 0; index < row.length; index++) {
        const cell: unknown = row[index];
        if (cell === "") row[index] = null;
        else if (
          cell !== null &&
          typeof cell !== "string" &&
          typeof cell !== "number" &&
          typeof cell !== "boolean"
        )
          return undefined;
      }
    }
    ranges.push(range === undefined ? { rows: rows as Cell[][] } : { range, rows: rows as Cell[][] });
  }
  return ranges;
}
const metadataResponse = z.object({
  sheets: z
    .array(
      z.object({
        properties: z
          .object({
            sheetId: z.number().optional(),
            title: z.string(),
            gridProperties: z
              .object({ rowCount: z.number().optional(), columnCount: z.number().optional() })
              .optional(),
          })
          .optional(),
      }),
    )
    .optional(),
});
type SheetProperties = NonNullable<
  NonNullable<z.infer<typeof metadataResponse>["sheets"]>[number]["properties"]
>;

type ApiValue = string | number | boolean;
interface ValueRange {
  readonly range: string;
  readonly majorDimension: "ROWS";
  readonly values: ApiValue[][];
}

/** Where a grid must reach for a write to fit: the last row and column, per tab title. */
type GridNeeds = Map<string, { rows: number; columns: number }>;

export class GoogleSheetsWorkbook implements Workbook {
  private readonly api: sheets_v4.Sheets;
  private readonly cache: SheetTitleCache;
  private readonly retry: Omit<RetryOptions, "retryable">;
  private readonly protectedTabs: readonly string[];
  private readonly editor: string | undefined;
  /** Protected tabs this instance has seen protected (or protected itself). */
  private readonly protectedSeen = new Set<string>();

  constructor(
    private readonly spreadsheetId: string,
    options: GoogleSheetsWorkbookOptions = {},
  ) {
    this.api = sheets({
      version: "v4",
      ...(options.auth === undefined ? {} : { auth: options.auth }),
      ...(options.rootUrl === undefined ? {} : { rootUrl: options.rootUrl }),
      // Retries are ours (429 and 5xx only, Retry-After honoured); the client's would double them.
      retry: false,
      timeout: options.timeoutMs ?? 20_000,
    });
    this.cache = options.titleCache ?? new SheetTitleCache();
    this.protectedTabs = options.protectedTabs ?? [];
    this.editor = options.editor;
    this.retry = {
      attempts: 4,
      baseDelayMs: 400,
      maxDelayMs: 10_000,
      ...options.retry,
      requestedDelayMs: retryAfterMs,
    };
  }

  /**
   * Reads the tabs asked for in one request. Throws a `RetryableError` when Sheets may answer
   * later (429, 5xx, the network; with its `Retry-After`), a `PermanentError` (`no-access`) when the
   * spreadsheet is not shared with the functions' account; anything else as a `SheetsRequestError`.
   */
  read(tabs: readonly string[]): Promise<Map<string, TabValues>> {
    return translated(this.readTabs(tabs));
  }

  /** Applies the changes (see `read` for what it throws). */
  write(changes: WorkbookChanges): Promise<void> {
    return translated(this.writeChanges(changes));
  }

  private async readTabs(tabs: readonly string[]): Promise<Map<string, TabValues>> {
    const asked = [...new Set(tabs)];
    if (asked.length === 0) return new Map();
    const known = this.cache.get(this.spreadsheetId);
    try {
      return await this.batchGet(
        known === undefined ? asked.map((tab) => [tab, tab]) : matchTitles(asked, known),
      );
    } catch (error) {
      // 400 is how the API says "no such tab"; anything else is a real failure.
      if (!(error instanceof SheetsRequestError) || error.status !== 400) throw error;
      this.cache.forget(this.spreadsheetId);
    }
    const titles = (await this.fetchSheets()).map((sheet) => sheet.title);
    return this.batchGet(matchTitles(asked, titles));
  }

  private async writeChanges(changes: WorkbookChanges): Promise<void> {
    const created = await this.createTabs(changes.createTabs ?? []);
    try {
      await this.protect([
        ...created.map((tab) => tab.title),
        ...(changes.cells ?? []).map((cell) => cell.tab),
        ...(changes.appends ?? []).map((append) => append.tab),
      ]);
    } catch {
      // The protection guards against hand edits, which the seals detect anyway: a failure here
      // must not stop the write. It is tried again at the next write.
    }
    const data = [
      ...created.map((tab) => headerRange(tab)),
      ...groupCells((changes.cells ?? []).map((cell) => ({ ...cell, tab: this.knownTitle(cell.tab) }))),
    ];
    if (data.length > 0) await this.updateValues(data);
    for (const append of mergeAppends(changes.appends ?? [])) {
      await this.appendRows({ ...append, tab: this.knownTitle(append.tab) });
    }
  }

  private async batchGet(
    plan: readonly (readonly [asked: string, title: string])[],
  ): Promise<Map<string, TabValues>> {
    const result = new Map<string, TabValues>();
    if (plan.length === 0) return result;
    const data = await this.call("values.batchGet", "idempotent", () =>
      this.api.spreadsheets.values.batchGet({
        spreadsheetId: this.spreadsheetId,
        ranges: plan.map(([, title]) => quoteTitle(title)),
        majorDimension: "ROWS",
        valueRenderOption: "UNFORMATTED_VALUE",
        dateTimeRenderOption: "SERIAL_NUMBER",
      }),
    );
    const ranges = valueRangesOf(data);
    if (ranges === undefined)
      throw new SheetsRequestError("values.batchGet", new Error("unexpected response shape"));
    plan.forEach(([asked, title], index) => {
      const valueRange = ranges[index];
      result.set(asked, { title: titleOfRange(valueRange?.range) ?? title, rows: valueRange?.rows ?? [] });
    });
    return result;
  }

  private async fetchSheets(): Promise<SheetProperties[]> {
    const data = await this.call("spreadsheets.get", "idempotent", () =>
      this.api.spreadsheets.get({
        spreadsheetId: this.spreadsheetId,
        fields: "sheets.properties.sheetId,sheets.properties.title,sheets.properties.gridProperties",
      }),
    );
    const sheetsFound = (parseResponse(metadataResponse, data, "spreadsheets.get").sheets ?? []).flatMap(
      (sheet) => (sheet.properties === undefined ? [] : [sheet.properties]),
    );
    this.cache.set(
      this.spreadsheetId,
      sheetsFound.map((sheet) => sheet.title),
    );
    return sheetsFound;
  }

  /** Adds the tabs that do not exist yet; answers those it added (their header is still to write). */
  private async createTabs(tabs: readonly TabCreation[]): Promise<TabCreation[]> {
    const unique = [...new Map(tabs.map((tab) => [normalizeKey(tab.title), tab])).values()];
    if (unique.length === 0) return [];
    const missingFrom = (titles: readonly string[] | undefined) =>
      titles === undefined ? unique : unique.filter((tab) => findTitle(tab.title, titles) === undefined);
    let wanted = missingFrom(this.cache.get(this.spreadsheetId));
    if (wanted.length === 0) return [];
    try {
      await this.addSheets(wanted);
    } catch (error) {
      // "A sheet with the name ... already exists": another run got there first, or the cache was cold.
      if (!(error instanceof SheetsRequestError) || error.status !== 400) throw error;
      wanted = missingFrom((await this.fetchSheets()).map((sheet) => sheet.title));
      if (wanted.length === 0) return [];
      await this.addSheets(wanted);
    }
    this.cache.add(
      this.spreadsheetId,
      wanted.map((tab) => tab.title),
    );
    return wanted;
  }

  /**
   * Protects the tabs of `protectedTabs` among `titles`, once per instance: a protected range over
   * the whole tab (`addProtectedRange` with only a `sheetId`, `warningOnly: false`), whose editors
   * are the owner of the request and `editor` (Sheets API, `spreadsheets.batchUpdate`,
   * AddProtectedRangeRequest). A tab that already carries this protection is left as it is. Costs
   * one `spreadsheets.get`, and one `spreadsheets.batchUpdate` the first time, per instance.
   */
  private async protect(titles: readonly string[]): Promise<void> {
    const wanted = [...new Set(titles.map((title) => this.knownTitle(title)))].filter(
      (title) =>
        !this.protectedSeen.has(normalizeKey(title)) &&
        this.protectedTabs.some((tab) => normalizeKey(tab) === normalizeKey(title)),
    );
    if (wanted.length === 0) return;
    const data = await this.call("spreadsheets.get", "idempotent", () =>
      this.api.spreadsheets.get({
        spreadsheetId: this.spreadsheetId,
        fields: "sheets.properties.sheetId,sheets.properties.title,sheets.protectedRanges.description",
      }),
    );
    const requests: sheets_v4.Schema$Request[] = [];
    const seen: string[] = [];
    for (const sheet of parseResponse(protectionResponse, data, "spreadsheets.get").sheets ?? []) {
      const title = sheet.properties?.title;
      const sheetId = sheet.properties?.sheetId;
      if (title === undefined || sheetId === undefined) continue;
      if (!wanted.some((tab) => normalizeKey(tab) === normalizeKey(title))) continue;
      seen.push(normalizeKey(title));
      if ((sheet.protectedRanges ?? []).some((range) => range.description === PROTECTION_DESCRIPTION))
        continue;
      requests.push({
        addProtectedRange: {
          protectedRange: {
            range: { sheetId },
            description: PROTECTION_DESCRIPTION,
            warningOnly: false,
            editors: { users: this.editor === undefined ? [] : [this.editor] },
          },
        },
      });
    }
    if (requests.length > 0)
      await this.call("spreadsheets.batchUpdate", "idempotent", () =>
        this.api.spreadsheets.batchUpdate({ spreadsheetId: this.spreadsheetId, requestBody: { requests } }),
      );
    for (const title of seen) this.protectedSeen.add(title);
  }

  private async addSheets(tabs: readonly TabCreation[]): Promise<void> {
    await this.call("spreadsheets.batchUpdate", "idempotent", () =>
      this.api.spreadsheets.batchUpdate({
        spreadsheetId: this.spreadsheetId,
        requestBody: {
          requests: tabs.map((tab) => ({
            addSheet: { properties: { title: tab.title, gridProperties: { frozenRowCount: 1 } } },
          })),
        },
      }),
    );
  }

  private async updateValues(data: readonly ValueRange[]): Promise<void> {
    const send = () =>
      this.call("values.batchUpdate", "idempotent", () =>
        this.api.spreadsheets.values.batchUpdate({
          spreadsheetId: this.spreadsheetId,
          requestBody: { valueInputOption: "RAW", data: [...data] },
        }),
      );
    try {
      await send();
    } catch (error) {
      // A verdict written in a new column past the sheet's last one: grow the grid, then write again.
      if (
        !(error instanceof SheetsRequestError) ||
        error.status !== 400 ||
        !/grid limits/i.test(error.apiMessage ?? "")
      )
        throw error;
      await this.growGrids(gridNeeds(data));
      await send();
    }
  }

  private async growGrids(needs: GridNeeds): Promise<void> {
    const requests: sheets_v4.Schema$Request[] = [];
    for (const sheet of await this.fetchSheets()) {
      const need = needs.get(sheet.title);
      if (need === undefined || sheet.sheetId === undefined) continue;
      const rows = need.rows - (sheet.gridProperties?.rowCount ?? 0);
      const columns = need.columns - (sheet.gridProperties?.columnCount ?? 0);
      if (rows > 0)
        requests.push({ appendDimension: { sheetId: sheet.sheetId, dimension: "ROWS", length: rows } });
      if (columns > 0)
        requests.push({ appendDimension: { sheetId: sheet.sheetId, dimension: "COLUMNS", length: columns } });
    }
    if (requests.length === 0) return;
    await this.call("spreadsheets.batchUpdate", "idempotent", () =>
      this.api.spreadsheets.batchUpdate({ spreadsheetId: this.spreadsheetId, requestBody: { requests } }),
    );
  }

  private async appendRows(append: RowsAppend): Promise<void> {
    if (append.rows.length === 0) return;
    await this.call("values.append", "once", () =>
      this.api.spreadsheets.values.append({
        spreadsheetId: this.spreadsheetId,
        range: `${quoteTitle(append.tab)}!A1`,
        valueInputOption: "RAW",
        insertDataOption: "INSERT_ROWS",
        requestBody: { majorDimension: "ROWS", values: append.rows.map((row) => row.map(toApiValue)) },
      }),
    );
  }

  /** The title a write names, or the one the organizer actually gave that tab when we know it. */
  private knownTitle(title: string): string {
    const titles = this.cache.get(this.spreadsheetId);
    return titles === undefined ? title : (findTitle(title, titles) ?? title);
  }

  /**
   * One API call with retries. `idempotent` calls are retried on 429, 5xx and lost connections;
   * an append (`once`) only when the API says it did nothing (429, 503), so no row is added twice.
   */
  private async call<T>(
    operation: string,
    kind: "idempotent" | "once",
    run: () => Promise<{ data: T }>,
  ): Promise<T> {
    const retryable =
      kind === "idempotent"
        ? (error: unknown) => {
            const status = httpStatusOf(error);
            return status === undefined ? isNetworkError(error) : isTransientHttpStatus(status);
          }
        : (error: unknown) => [429, 503].includes(httpStatusOf(error) ?? 0);
    try {
      const response = await withRetry(run, { ...this.retry, retryable });
      return response.data;
    } catch (error) {
      throw new SheetsRequestError(operation, error);
    }
  }
}

function parseResponse<T>(schema: z.ZodType<T>, data: unknown, operation: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success)
    throw new SheetsRequestError(operation, new Error("unexpected response shape", { cause: parsed.error }));
  return parsed.data;
}

/** Pairs each tab asked for with the title it has in the workbook; tabs that do not exist are left out. */
function matchTitles(asked: readonly string[], titles: readonly string[]): [string, string][] {
  return asked.flatMap((tab): [string, string][] => {
    const title = findTitle(tab, titles);
    return title === undefined ? [] : [[tab, title]];
  });
}

/** The exact title when there is one, else the first that differs only by case, accents or spacing. */
function findTitle(wanted: string, titles: readonly string[]): string | undefined {
  if (titles.includes(wanted)) return wanted;
  const key = normalizeKey(wanted);
  return titles.find((title) => normalizeKey(title) === key);
}

/** A tab title as A1 notation needs it: always quoted, apostrophes doubled (`'Vœux d''été'`). */
export function quoteTitle(title: string): string {
  return `'${title.replace(/'/g, "''")}'`;
}

/** The tab title at the head of an A1 range the API answered (`'It''s'!A1:Z1000` is `It's`). */
export function titleOfRange(range: string | undefined): string | undefined {
  if (range === undefined) return undefined;
  if (range.startsWith("'")) {
    const match = /^'((?:[^']|'')*)'(?:!|$)/.exec(range);
    return match ? match[1]!.replace(/''/g, "'") : undefined;
  }
  const bang = range.lastIndexOf("!");
  return bang >= 0 ? range.slice(0, bang) : range;
}

export function columnLetters(column: number): string {
  let letters = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** `null` clears a cell (the API skips `null`, and clears on `""`). */
function toApiValue(cell: Cell): ApiValue {
  if (cell === null) return "";
  if (typeof cell === "number" && !Number.isFinite(cell)) return "";
  return cell;
}

function headerRange(tab: TabCreation): ValueRange {
  return {
    range: `${quoteTitle(tab.title)}!A1:${columnLetters(Math.max(1, tab.header.length))}1`,
    majorDimension: "ROWS",
    values: [tab.header.map(toApiValue)],
  };
}

/**
 * Turns single-cell writes into as few ranges as it can: runs of rows in one column (a `Statut`
 * column), then runs of columns in one row among what is left. The last write to a cell wins.
 */
export function groupCells(cells: readonly CellWrite[]): ValueRange[] {
  const latest = new Map<string, CellWrite>();
  for (const cell of cells) latest.set(`${cell.tab}\u0000${cell.row}\u0000${cell.column}`, cell);
  const byTab = new Map<string, CellWrite[]>();
  for (const cell of latest.values()) {
    const tabCells = byTab.get(cell.tab);
    if (tabCells) tabCells.push(cell);
    else byTab.set(cell.tab, [cell]);
  }
  const ranges: ValueRange[] = [];
  for (const [tab, tabCells] of byTab) {
    const single: CellWrite[] = [];
    for (const run of runs(tabCells, "column", "row")) {
      if (run.length === 1) single.push(run[0]!);
      else ranges.push(rangeOf(tab, run, "vertical"));
    }
    for (const run of runs(single, "row", "column")) ranges.push(rangeOf(tab, run, "horizontal"));
  }
  return ranges;
}

function runs(cells: readonly CellWrite[], fixed: "row" | "column", moving: "row" | "column"): CellWrite[][] {
  const sorted = [...cells].sort((a, b) => a[fixed] - b[fixed] || a[moving] - b[moving]);
  const result: CellWrite[][] = [];
  for (const cell of sorted) {
    const current = result.at(-1);
    const last = current?.at(-1);
    if (current && last && last[fixed] === cell[fixed] && last[moving] + 1 === cell[moving])
      current.push(cell);
    else result.push([cell]);
  }
  return result;
}

function rangeOf(tab: string, run: readonly CellWrite[], direction: "vertical" | "horizontal"): ValueRange {
  const first = run[0]!;
  const last = run.at(-1)!;
  const start = `${columnLetters(first.column)}${first.row}`;
  const end = `${columnLetters(last.column)}${last.row}`;
  return {
    range: `${quoteTitle(tab)}!${start === end ? start : `${start}:${end}`}`,
    majorDimension: "ROWS",
    values:
      direction === "vertical"
        ? run.map((cell) => [toApiValue(cell.value)])
        : [run.map((cell) => toApiValue(cell.value))],
  };
}

function gridNeeds(data: readonly ValueRange[]): GridNeeds {
  const needs: GridNeeds = new Map();
  for (const valueRange of data) {
    const title = titleOfRange(valueRange.range);
    const match = /!(?:[A-Z]+\d+:)?([A-Z]+)(\d+)$/.exec(valueRange.range);
    if (title === undefined || !match) continue;
    const columns = [...match[1]!].reduce((sum, letter) => sum * 26 + letter.charCodeAt(0) - 64, 0);
    const rows = Number(match[2]);
    const need = needs.get(title) ?? { rows: 0, columns: 0 };
    needs.set(title, { rows: Math.max(need.rows, rows), columns: Math.max(need.columns, columns) });
  }
  return needs;
}

/** One append per tab, rows kept in order. */
function mergeAppends(appends: readonly RowsAppend[]): RowsAppend[] {
  const byTab = new Map<string, Cell[][]>();
  for (const append of appends)
    byTab.set(append.tab, [...(byTab.get(append.tab) ?? []), ...append.rows.map((row) => [...row])]);
  return [...byTab].map(([tab, rows]) => ({ tab, rows }));
}

/** A Sheets failure in the functions' words (see `GoogleSheetsWorkbook.read`). */
export function sheetsFailure(error: unknown): unknown {
  if (!(error instanceof SheetsRequestError)) return error;
  // No status: the network failed, which may pass as a 503 would.
  return httpFailure(error, error.status ?? 503, retryAfterMs(error.cause));
}

async function translated<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw sheetsFailure(error);
  }
}

/** The wait a 429 or 503 asked for in `Retry-After` (seconds or an HTTP date), in milliseconds. */
function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: unknown } } | null)?.response?.headers;
  let value: unknown;
  // gaxios may hand back its own fetch's Headers, not the global class: duck-typed on purpose.
  if (typeof (headers as { get?: unknown } | undefined)?.get === "function")
    value = (headers as { get(name: string): unknown }).get("retry-after");
  else if (typeof headers === "object" && headers !== null)
    value = (headers as Record<string, unknown>)["retry-after"];
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|UND_ERR_)/.test(code)
  );
}

function apiMessageOf(error: unknown): string | undefined {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  const message = (data as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === "string" ? message : undefined;
}
