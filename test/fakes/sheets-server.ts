/**
 * A fake of the Google Sheets v4 REST endpoints that `GoogleSheetsWorkbook` uses, served over real
 * HTTP on a free localhost port: an in-memory spreadsheet of tabs, the real request and response
 * shapes, and a record of every request so tests and the benchmark can count round trips.
 *
 * Served: GET values:batchGet, POST values:batchUpdate, POST values/{range}:append,
 * GET the spreadsheet's metadata, POST :batchUpdate (addSheet, appendDimension).
 * Like the real API: an unknown tab in a range answers 400, a write outside the grid answers 400,
 * values are rendered formatted unless `UNFORMATTED_VALUE` is asked, and `USER_ENTERED` turns a
 * text beginning with `=` into a formula (which `RAW` never does).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeValue = string | number | boolean;

/** A stored cell: a value, or a formula entered through `USER_ENTERED`. */
type StoredCell = FakeValue | { readonly formula: string } | undefined;

interface FakeTab {
  sheetId: number;
  title: string;
  rowCount: number;
  columnCount: number;
  cells: StoredCell[][];
  /** `addProtectedRange` requests covering the whole tab. */
  protectedRanges: FakeProtectedRange[];
  /**
   * Each row as `batchGet` answers it (its JSON, UTF-8), by render option and columns read; a row
   * written is forgotten. A Journal of thousands of rows is read again and again and changes only
   * at its end: its rows are not made into JSON again each time.
   */
  answered?: Map<string, (AnsweredRow | undefined)[]>;
}

/** One row of a `batchGet` answer: its JSON, and whether it is empty once trimmed. */
interface AnsweredRow {
  readonly json: Buffer;
  readonly empty: boolean;
}

/** An answer already made into JSON (UTF-8), sent as it is. */
class JsonBytes {
  constructor(readonly bytes: Buffer) {}
}

/** A protected range (whole tab), as `spreadsheets.get` reports it. */
export interface FakeProtectedRange {
  readonly protectedRangeId: number;
  readonly description: string;
  readonly warningOnly: boolean;
  readonly editors: readonly string[];
}

export interface RecordedRequest {
  readonly method: string;
  /** The decoded path, without the query string (e.g. `/v4/spreadsheets/abc/values:batchGet`). */
  readonly path: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  readonly body: unknown;
  /** Which endpoint it was, in the API's method names (`values.batchGet`...), or `unknown`. */
  readonly endpoint: Endpoint;
  /** The status the fake answered. */
  status: number;
}

export type Endpoint =
  | "values.batchGet"
  | "values.batchUpdate"
  | "values.append"
  | "spreadsheets.get"
  | "spreadsheets.batchUpdate"
  | "unknown";

export interface InjectedFailure {
  readonly status: number;
  /** How many matching requests fail before the fake answers normally again (default 1). */
  readonly times?: number;
  /** Seconds sent in `Retry-After`. */
  readonly retryAfterSeconds?: number;
  /** Only requests to this endpoint fail (default: any). */
  readonly endpoint?: Endpoint;
  /** How many matching requests go through before the first failure (default 0). */
  readonly after?: number;
  /** The request is carried out first, then answered with the error ("applied, then 500"). */
  readonly afterApplying?: boolean;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  404: "NOT_FOUND",
  403: "PERMISSION_DENIED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

const DEFAULT_ROWS = 1000;
const DEFAULT_COLUMNS = 26;

export class FakeSheetsServer {
  readonly requests: RecordedRequest[] = [];
  private readonly tabs: FakeTab[] = [];
  private readonly failures: { failure: InjectedFailure; left: number; skip: number }[] = [];
  private nextSheetId = 1;
  private nextProtectedRangeId = 1;
  /** Who makes the request being served: the functions' account, or an organizer. */
  private caller: "functions" | "organizer" = "functions";

  private constructor(
    private readonly server: Server,
    private readonly organizerServer: Server,
    readonly rootUrl: string,
    /** The API root of an organizer's requests (a second port): writes to a protected tab answer 403. */
    readonly organizerRootUrl: string,
    readonly spreadsheetId: string,
  ) {}

  static async start(spreadsheetId = "fake-spreadsheet-id"): Promise<FakeSheetsServer> {
    let fake: FakeSheetsServer | undefined;
    const listen = async (caller: "functions" | "organizer") => {
      const server = createServer((request, response) => {
        void fake?.handle(request, response, caller);
      });
      // Idle connections stay open until the client closes them, as Google's servers keep them far
      // longer than Node's 5 s default: a request sent as the server closed its idle connection
      // failed with a reset (an append is not retried then, and the step answered 503).
      server.keepAliveTimeout = 0;
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
    };
    const functions = await listen("functions");
    const organizer = await listen("organizer");
    fake = new FakeSheetsServer(
      functions.server,
      organizer.server,
      functions.url,
      organizer.url,
      spreadsheetId,
    );
    return fake;
  }

  /** The protected ranges of a tab. */
  protectedRanges(title: string): readonly FakeProtectedRange[] {
    return this.requireTab(title).protectedRanges;
  }

  async close(): Promise<void> {
    for (const server of [this.server, this.organizerServer]) {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    }
  }

  /** Adds a tab holding these rows (row 1 first); the grid is the default 1000 x 26, or larger to fit. */
  addTab(title: string, rows: readonly (readonly (FakeValue | null)[])[] = []): this {
    if (this.findTab(title)) throw new Error(`tab ${title} already exists`);
    const width = Math.max(0, ...rows.map((row) => row.length));
    this.tabs.push({
      sheetId: this.nextSheetId++,
      title,
      rowCount: Math.max(DEFAULT_ROWS, rows.length),
      columnCount: Math.max(DEFAULT_COLUMNS, width),
      cells: rows.map((row) => row.map((cell) => (cell === null || cell === "" ? undefined : cell))),
      protectedRanges: [],
    });
    return this;
  }

  /** Shrinks or grows a tab's grid, to test writes beyond it. */
  setGrid(title: string, rowCount: number, columnCount: number): this {
    const tab = this.requireTab(title);
    tab.rowCount = rowCount;
    tab.columnCount = columnCount;
    return this;
  }

  /** Renames a tab, as an organizer may at any time. */
  renameTab(title: string, to: string): this {
    this.requireTab(title).title = to;
    return this;
  }

  titles(): string[] {
    return this.tabs.map((tab) => tab.title);
  }

  /** The tab's rows as the unformatted values a reader sees (formulas shown as `{formula}`), trimmed. */
  rows(title: string): (FakeValue | { formula: string } | null)[][] {
    const tab = this.requireTab(title);
    return trimRows(tab.cells).map((row) => Array.from(row, (cell) => cell ?? null));
  }

  /** One cell, by A1 address (`C7`). */
  cell(title: string, address: string): FakeValue | { formula: string } | null {
    const parsed = parseCell(address);
    if (!parsed) throw new Error(`bad address ${address}`);
    return this.requireTab(title).cells[parsed.row - 1]?.[parsed.column - 1] ?? null;
  }

  /** The next matching requests answer this error instead of doing anything. */
  failNext(failure: InjectedFailure): this {
    this.failures.push({ failure, left: failure.times ?? 1, skip: failure.after ?? 0 });
    return this;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  count(endpoint?: Endpoint): number {
    return endpoint === undefined
      ? this.requests.length
      : this.requests.filter((request) => request.endpoint === endpoint).length;
  }

  private findTab(title: string): FakeTab | undefined {
    return this.tabs.find((tab) => tab.title === title);
  }

  private requireTab(title: string): FakeTab {
    const tab = this.findTab(title);
    if (!tab) throw new Error(`no tab ${title}`);
    return tab;
  }

  private async handle(
    request: IncomingMessage,
    response: ServerResponse,
    caller: "functions" | "organizer",
  ): Promise<void> {
    const url = new URL(request.url ?? "/", "http://fake");
    const path = decodeURIComponent(url.pathname);
    const query: Record<string, string[]> = {};
    for (const [key, value] of url.searchParams) query[key] = [...(query[key] ?? []), value];
    const raw = await readBody(request);
    let body: unknown;
    try {
      body = raw === "" ? undefined : JSON.parse(raw);
    } catch {
      body = raw;
    }
    const method = request.method ?? "GET";
    const route = this.route(method, path);
    const recorded: RecordedRequest = { method, path, query, body, endpoint: route.endpoint, status: 0 };
    this.requests.push(recorded);

    const matching = this.failures.find(
      ({ failure, left }) =>
        left > 0 && (failure.endpoint === undefined || failure.endpoint === route.endpoint),
    );
    const injected = matching && matching.skip-- <= 0 ? matching : undefined;
    if (injected) {
      injected.left--;
      if (injected.failure.afterApplying) {
        try {
          route.run(query, body);
        } catch {
          // The answer is the injected error whatever happened.
        }
      }
      const headers: Record<string, string> = {};
      if (injected.failure.retryAfterSeconds !== undefined)
        headers["retry-after"] = String(injected.failure.retryAfterSeconds);
      recorded.status = injected.failure.status;
      sendError(response, injected.failure.status, "Injected failure.", headers);
      return;
    }
    try {
      this.caller = caller;
      const result = route.run(query, body);
      recorded.status = 200;
      response.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
      response.end(result instanceof JsonBytes ? result.bytes : JSON.stringify(result));
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 500;
      recorded.status = status;
      sendError(response, status, error instanceof Error ? error.message : "Internal error.");
    }
  }

  private route(
    method: string,
    path: string,
  ): { endpoint: Endpoint; run: (query: Record<string, string[]>, body: unknown) => unknown } {
    const prefix = `/v4/spreadsheets/${this.spreadsheetId}`;
    const unknown = { endpoint: "unknown" as const, run: () => notFound() };
    if (!path.startsWith("/v4/spreadsheets/")) return unknown;
    if (!path.startsWith(prefix)) return { endpoint: "unknown", run: () => notFound() };
    const rest = path.slice(prefix.length);
    if (method === "GET" && rest === "/values:batchGet")
      return { endpoint: "values.batchGet", run: (query) => this.batchGet(query) };
    if (method === "POST" && rest === "/values:batchUpdate")
      return { endpoint: "values.batchUpdate", run: (_, body) => this.valuesBatchUpdate(body) };
    if (method === "POST" && rest.startsWith("/values/") && rest.endsWith(":append"))
      return {
        endpoint: "values.append",
        run: (query, body) => this.append(rest.slice("/values/".length, -":append".length), query, body),
      };
    if (method === "GET" && rest === "")
      return { endpoint: "spreadsheets.get", run: (query) => this.metadata(query) };
    if (method === "POST" && rest === ":batchUpdate")
      return { endpoint: "spreadsheets.batchUpdate", run: (_, body) => this.batchUpdate(body) };
    return unknown;
  }

  /** Refuses an organizer's write to a protected tab, as the API does (403 PERMISSION_DENIED). */
  private guard(tab: FakeTab): void {
    if (this.caller !== "organizer") return;
    if (tab.protectedRanges.some((range) => !range.warningOnly))
      throw new ApiError(
        403,
        "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit.",
      );
  }

  private resolve(range: string): { tab: FakeTab; area: Area } {
    const parsed = parseRange(range);
    if (!parsed) throw new ApiError(400, `Unable to parse range: ${range}`);
    const tab = parsed.title === undefined ? this.tabs[0] : this.findTab(parsed.title);
    if (!tab) throw new ApiError(400, `Unable to parse range: ${range}`);
    return { tab, area: parsed.area };
  }

  /**
   * The values of the ranges asked for, as the API answers them: each row's trailing empty cells
   * and the trailing empty rows left out, the range's title quoted. Made into the same JSON as
   * `JSON.stringify` of that answer, from the rows' JSON kept on the tab (`FakeTab.answered`).
   */
  private batchGet(query: Record<string, string[]>): JsonBytes {
    const ranges = query.ranges ?? [];
    const render = query.valueRenderOption?.[0] ?? "FORMATTED_VALUE";
    const major = query.majorDimension?.[0] ?? "ROWS";
    if (major !== "ROWS") throw new ApiError(400, "The fake only serves majorDimension=ROWS.");
    const parts: Buffer[] = [
      Buffer.from(`{"spreadsheetId":${JSON.stringify(this.spreadsheetId)},"valueRanges":[`),
    ];
    ranges.forEach((range, index) => {
      const { tab, area } = this.resolve(range);
      const top = area.top ?? 1;
      const left = area.left ?? 1;
      const bottom = Math.min(area.bottom ?? tab.rowCount, tab.rowCount);
      const right = Math.min(area.right ?? tab.columnCount, tab.columnCount);
      const rows: AnsweredRow[] = [];
      for (let row = top; row <= bottom; row++) rows.push(answeredRow(tab, row, left, right, render));
      let last = rows.length;
      while (last > 0 && rows[last - 1]!.empty) last--;
      const head = `${index === 0 ? "" : ","}{"range":${JSON.stringify(`${quoteTitle(tab.title)}!${a1(top, left)}:${a1(bottom, right)}`)},"majorDimension":"ROWS"`;
      if (last === 0) {
        parts.push(Buffer.from(`${head}}`));
        return;
      }
      parts.push(Buffer.from(`${head},"values":[`));
      for (let row = 0; row < last; row++) {
        if (row > 0) parts.push(COMMA);
        parts.push(rows[row]!.json);
      }
      parts.push(Buffer.from("]}"));
    });
    parts.push(Buffer.from("]}"));
    return new JsonBytes(Buffer.concat(parts));
  }

  private valuesBatchUpdate(body: unknown): unknown {
    const request = asRecord(body);
    const input = request.valueInputOption;
    if (input !== "RAW" && input !== "USER_ENTERED")
      throw new ApiError(400, "Invalid valueInputOption: 'valueInputOption' is required but not specified");
    const data = Array.isArray(request.data) ? request.data : [];
    // Every range is checked before anything is written: the real API applies all or nothing.
    const planned = data.map((entry) => {
      const valueRange = asRecord(entry);
      const range = String(valueRange.range ?? "");
      const { tab, area } = this.resolve(range);
      this.guard(tab);
      const values = Array.isArray(valueRange.values) ? (valueRange.values as unknown[][]) : [];
      const columns = valueRange.majorDimension === "COLUMNS";
      const height = columns ? Math.max(0, ...values.map((line) => line.length)) : values.length;
      const width = columns ? values.length : Math.max(0, ...values.map((line) => line.length));
      const top = area.top ?? 1;
      const left = area.left ?? 1;
      if (top + height - 1 > tab.rowCount || left + width - 1 > tab.columnCount)
        throw new ApiError(
          400,
          `Range (${range}) exceeds grid limits. Max rows: ${tab.rowCount}, max columns: ${tab.columnCount}`,
        );
      return { tab, top, left, values, columns, range };
    });
    const responses = planned.map(({ tab, top, left, values, columns }) => {
      let cells = 0;
      let rows = 0;
      let width = 0;
      values.forEach((line, i) => {
        line.forEach((value, j) => {
          const row = columns ? top + j : top + i;
          const column = columns ? left + i : left + j;
          if (setCell(tab, row, column, value, input)) cells++;
          rows = Math.max(rows, row - top + 1);
          width = Math.max(width, column - left + 1);
        });
      });
      return {
        spreadsheetId: this.spreadsheetId,
        updatedRange: `${quoteTitle(tab.title)}!${a1(top, left)}:${a1(top + Math.max(rows, 1) - 1, left + Math.max(width, 1) - 1)}`,
        updatedRows: rows,
        updatedColumns: width,
        updatedCells: cells,
      };
    });
    return {
      spreadsheetId: this.spreadsheetId,
      totalUpdatedRows: responses.reduce((sum, r) => sum + r.updatedRows, 0),
      totalUpdatedColumns: responses.reduce((sum, r) => sum + r.updatedColumns, 0),
      totalUpdatedCells: responses.reduce((sum, r) => sum + r.updatedCells, 0),
      totalUpdatedSheets: new Set(planned.map((p) => p.tab)).size,
      responses,
    };
  }

  private append(range: string, query: Record<string, string[]>, body: unknown): unknown {
    const input = query.valueInputOption?.[0];
    if (input !== "RAW" && input !== "USER_ENTERED")
      throw new ApiError(400, "Invalid valueInputOption: 'valueInputOption' is required but not specified");
    const { tab, area } = this.resolve(range);
    this.guard(tab);
    const values = (Array.isArray(asRecord(body).values) ? asRecord(body).values : []) as unknown[][];
    const left = area.left ?? 1;
    const lastRow = filledRows(tab.cells);
    const top = lastRow + 1;
    const width = Math.max(1, ...values.map((line) => line.length));
    // INSERT_ROWS (and OVERWRITE at the end of the grid) adds the rows the new data needs.
    tab.rowCount = Math.max(tab.rowCount, lastRow + values.length);
    tab.columnCount = Math.max(tab.columnCount, left + width - 1);
    let cells = 0;
    values.forEach((line, i) => {
      line.forEach((value, j) => {
        if (setCell(tab, top + i, left + j, value, input)) cells++;
      });
    });
    return {
      spreadsheetId: this.spreadsheetId,
      tableRange: lastRow > 0 ? `${quoteTitle(tab.title)}!A1:${a1(lastRow, width)}` : undefined,
      updates: {
        spreadsheetId: this.spreadsheetId,
        updatedRange: `${quoteTitle(tab.title)}!${a1(top, left)}:${a1(top + values.length - 1, left + width - 1)}`,
        updatedRows: values.length,
        updatedColumns: width,
        updatedCells: cells,
      },
    };
  }

  private metadata(query: Record<string, string[]>): unknown {
    const sheets = this.tabs.map((tab, index) => ({
      properties: {
        sheetId: tab.sheetId,
        title: tab.title,
        index,
        sheetType: "GRID",
        gridProperties: { rowCount: tab.rowCount, columnCount: tab.columnCount },
      },
      protectedRanges: tab.protectedRanges.map(({ editors, ...range }) => ({
        ...range,
        range: { sheetId: tab.sheetId },
        editors: { users: [...editors] },
      })),
    }));
    const full = {
      spreadsheetId: this.spreadsheetId,
      properties: { title: "Fake spreadsheet", locale: "fr_FR", timeZone: "Europe/Paris" },
      sheets,
    };
    const fields = query.fields?.[0];
    return fields === undefined ? full : applyFieldMask(full, fields);
  }

  private batchUpdate(body: unknown): unknown {
    const requests = Array.isArray(asRecord(body).requests) ? (asRecord(body).requests as unknown[]) : [];
    // Checked first, applied after: the real batchUpdate is atomic.
    const staged: FakeTab[] = [];
    const grows: { tab: FakeTab; dimension: string; length: number }[] = [];
    const protections: { tab: FakeTab; added: FakeProtectedRange }[] = [];
    const replies = requests.map((entry) => {
      const request = asRecord(entry);
      if (request.addSheet !== undefined) {
        const properties = asRecord(asRecord(request.addSheet).properties);
        const title = typeof properties.title === "string" ? properties.title : `Feuille ${this.nextSheetId}`;
        const taken = [...this.tabs, ...staged].some(
          (tab) => tab.title.toLowerCase() === title.toLowerCase(),
        );
        if (taken)
          throw new ApiError(
            400,
            `Invalid requests[${requests.indexOf(entry)}].addSheet: A sheet with the name "${title}" already exists. Please enter another name.`,
          );
        const tab: FakeTab = {
          sheetId: this.nextSheetId + staged.length,
          title,
          rowCount: DEFAULT_ROWS,
          columnCount: DEFAULT_COLUMNS,
          cells: [],
          protectedRanges: [],
        };
        staged.push(tab);
        return {
          addSheet: {
            properties: {
              sheetId: tab.sheetId,
              title,
              index: this.tabs.length + staged.length - 1,
              sheetType: "GRID",
              gridProperties: { rowCount: tab.rowCount, columnCount: tab.columnCount },
            },
          },
        };
      }
      if (request.appendDimension !== undefined) {
        const append = asRecord(request.appendDimension);
        const tab = this.tabs.find((candidate) => candidate.sheetId === append.sheetId);
        if (!tab) throw new ApiError(400, `No grid with id: ${String(append.sheetId)}`);
        grows.push({ tab, dimension: String(append.dimension), length: Number(append.length) });
        return {};
      }
      if (request.addProtectedRange !== undefined) {
        const range = asRecord(asRecord(request.addProtectedRange).protectedRange);
        const area = asRecord(range.range);
        const tab = [...this.tabs, ...staged].find((candidate) => candidate.sheetId === area.sheetId);
        if (!tab) throw new ApiError(400, `No grid with id: ${String(area.sheetId)}`);
        const users = asRecord(range.editors).users;
        const added: FakeProtectedRange = {
          protectedRangeId: this.nextProtectedRangeId++,
          description: typeof range.description === "string" ? range.description : "",
          warningOnly: range.warningOnly === true,
          editors: Array.isArray(users) ? users.map(String) : [],
        };
        protections.push({ tab, added });
        return { addProtectedRange: { protectedRange: { ...added, range: { sheetId: tab.sheetId } } } };
      }
      throw new ApiError(400, `The fake does not serve this request: ${Object.keys(request).join(", ")}`);
    });
    this.tabs.push(...staged);
    this.nextSheetId += staged.length;
    for (const { tab, added } of protections) tab.protectedRanges.push(added);
    for (const { tab, dimension, length } of grows) {
      if (dimension === "ROWS") tab.rowCount += length;
      else tab.columnCount += length;
    }
    return { spreadsheetId: this.spreadsheetId, replies };
  }
}

function notFound(): never {
  throw new ApiError(404, "Requested entity was not found.");
}

function sendError(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
  response.end(
    JSON.stringify({ error: { code: status, message, status: STATUS_NAMES[status] ?? "UNKNOWN" } }),
  );
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

const COMMA = Buffer.from(",");

/** Row `row` (1-based) of the tab, columns `left` to `right`, as `batchGet` answers it; kept on the tab. */
function answeredRow(tab: FakeTab, row: number, left: number, right: number, render: string): AnsweredRow {
  tab.answered ??= new Map();
  const shape = `${render}|${left}|${right}`;
  let rows = tab.answered.get(shape);
  if (!rows) {
    rows = [];
    tab.answered.set(shape, rows);
  }
  const known = rows[row - 1];
  if (known) return known;
  const cells = (tab.cells[row - 1] ?? []).slice(left - 1, right);
  let end = cells.length;
  while (end > 0 && cells[end - 1] === undefined) end--;
  const values = Array.from(cells.slice(0, end), (cell) => render_(cell, render));
  const answered = { json: Buffer.from(JSON.stringify(values)), empty: end === 0 };
  rows[row - 1] = answered;
  return answered;
}

/** Writes one input value; `null` leaves the cell as it is, `""` clears it (as the real API does). */
function setCell(tab: FakeTab, row: number, column: number, value: unknown, input: string): boolean {
  if (value === null || value === undefined) return false;
  for (const rows of tab.answered?.values() ?? []) rows[row - 1] = undefined;
  const line = tab.cells[row - 1] ?? [];
  tab.cells[row - 1] = line;
  let stored: StoredCell;
  if (value === "") stored = undefined;
  else if (typeof value === "string" && input === "USER_ENTERED" && value.startsWith("="))
    stored = { formula: value };
  else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    stored = value;
  else throw new ApiError(400, `Invalid value at 'data.values' (${typeof value})`);
  line[column - 1] = stored;
  return true;
}

function render_(cell: StoredCell, option: string): FakeValue {
  if (cell === undefined) return "";
  if (typeof cell === "object") return option === "FORMULA" ? cell.formula : "#ERROR!";
  if (option === "FORMATTED_VALUE")
    return typeof cell === "boolean" ? (cell ? "TRUE" : "FALSE") : String(cell);
  return cell;
}

/** Drops trailing empty cells of each row and trailing empty rows, as the API does in its answers. */
function trimRows(rows: readonly StoredCell[][]): StoredCell[][] {
  const trimmed = rows.map((row) => {
    let end = row.length;
    while (end > 0 && row[end - 1] === undefined) end--;
    return row.slice(0, end);
  });
  let last = trimmed.length;
  while (last > 0 && trimmed[last - 1]!.length === 0) last--;
  return trimmed.slice(0, last);
}

/** How many rows `trimRows` keeps: up to the last with a cell, without copying any. */
function filledRows(rows: readonly StoredCell[][]): number {
  let last = rows.length;
  while (last > 0 && (rows[last - 1] ?? []).every((cell) => cell === undefined)) last--;
  return last;
}

interface Area {
  top?: number | undefined;
  left?: number | undefined;
  bottom?: number | undefined;
  right?: number | undefined;
}

export function columnLetters(column: number): string {
  let letters = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function a1(row: number, column: number): string {
  return `${columnLetters(column)}${row}`;
}

function quoteTitle(title: string): string {
  return /^[A-Za-z0-9_]+$/.test(title) ? title : `'${title.replace(/'/g, "''")}'`;
}

function parseCell(text: string): { row: number; column: number } | undefined {
  const match = /^([A-Z]+)(\d+)$/i.exec(text);
  if (!match) return undefined;
  return { column: lettersToColumn(match[1]!), row: Number(match[2]) };
}

function lettersToColumn(letters: string): number {
  return [...letters.toUpperCase()].reduce((sum, letter) => sum * 26 + letter.charCodeAt(0) - 64, 0);
}

/** `'Tab''s'!A1:C3`, `Tab!B2`, `Tab!A:C`, `Tab!2:5`, `'Tab'`, or `A1:B2` (the first tab). */
export function parseRange(range: string): { title: string | undefined; area: Area } | undefined {
  let title: string | undefined;
  let rest = range;
  if (range.startsWith("'")) {
    let index = 1;
    let name = "";
    for (; index < range.length; index++) {
      const char = range[index]!;
      if (char === "'") {
        if (range[index + 1] === "'") {
          name += "'";
          index++;
          continue;
        }
        break;
      }
      name += char;
    }
    if (index >= range.length) return undefined;
    title = name;
    rest = range.slice(index + 1);
    if (rest === "") return { title, area: {} };
    if (!rest.startsWith("!")) return undefined;
    rest = rest.slice(1);
  } else {
    const bang = range.lastIndexOf("!");
    if (bang >= 0) {
      title = range.slice(0, bang);
      rest = range.slice(bang + 1);
    } else if (!/^([A-Z]+\d+|[A-Z]+\d*:[A-Z]+\d*|\d+:\d+)$/i.test(range)) {
      // Not a cell or range reference: a bare tab title, as the API reads it.
      return { title: range, area: {} };
    }
  }
  const match = /^([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?$/i.exec(rest);
  if (!match || rest === "") return rest === "" ? { title, area: {} } : undefined;
  const [, c1 = "", r1 = "", c2, r2] = match;
  const area: Area = {};
  if (c1) area.left = lettersToColumn(c1);
  if (r1) area.top = Number(r1);
  if (c2 === undefined && r2 === undefined) {
    area.right = area.left;
    area.bottom = area.top;
  } else {
    if (c2) area.right = lettersToColumn(c2);
    if (r2) area.bottom = Number(r2);
  }
  return { title, area };
}

/** A small subset of field masks: comma-separated dotted paths (`sheets.properties.title`). */
function applyFieldMask(value: unknown, mask: string): unknown {
  const paths = mask
    .replace(/\s+/g, "")
    .split(",")
    .map((path) => path.split("."));
  return pick(value, paths);
}

function pick(value: unknown, paths: string[][]): unknown {
  if (Array.isArray(value)) return value.map((item) => pick(item, paths));
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [head, ...tail] of paths) {
    if (head === undefined) continue;
    const child = (value as Record<string, unknown>)[head];
    if (child === undefined) continue;
    const deeper = paths.filter((path) => path[0] === head && path.length > 1).map((path) => path.slice(1));
    out[head] = tail.length === 0 || deeper.length === 0 ? child : pick(child, deeper);
  }
  return out;
}
