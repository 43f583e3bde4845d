/**
 * Reading a tab by its headers: columns are found by name (aliases, case, accents and spacing
 * tolerated), never by position, and columns the organizer added are left alone.
 */
import type { z } from "zod";
import type { Cell, TabValues } from "../../ports.js";
import { cellText, isBlank, normalizeKey } from "./cells.js";
import { type ColumnMeta, columnMeta } from "./fields.js";
import { type RowSchema, SETTINGS_HEADERS, type TabSpec } from "./schemas.js";

export interface Column {
  readonly key: string;
  readonly meta: ColumnMeta;
  /** 1-based column of the sheet, or `undefined` when the header is missing. */
  readonly index: number | undefined;
}

export interface ParsedRow<T> {
  /** The row number the organizer sees (the header is row 1). */
  readonly row: number;
  /** The typed record when every field could be read, `null` otherwise. */
  readonly value: T | null;
  /** The fields that could be read, for checks that still make sense on a partly wrong row. */
  readonly partial: Partial<T>;
  readonly problems: string[];
  readonly cells: Readonly<Record<string, Cell>>;
}

export interface ParsedTable<T> {
  readonly spec: TabSpec;
  /** The tab's title as it stands in the workbook. */
  readonly title: string;
  readonly columns: readonly Column[];
  /** Problems of the tab itself (a missing required column...), also copied on each row. */
  readonly problems: string[];
  readonly rows: readonly ParsedRow<T>[];
  /** Where the next added column goes (after the last non-empty header). */
  readonly nextColumn: number;
}

export function columnsOf(schema: RowSchema): { key: string; meta: ColumnMeta; schema: z.ZodType }[] {
  return Object.entries(schema.shape).map(([key, field]) => ({
    key,
    meta: columnMeta(field),
    schema: field,
  }));
}

export function headersOf(schema: RowSchema): string[] {
  return columnsOf(schema).map((column) => column.meta.header);
}

function headerKeys(meta: ColumnMeta): string[] {
  return [meta.header, ...(meta.aliases ?? [])].map(normalizeKey);
}

/** Matches the header row against the schema's columns; the first header that matches wins. */
export function locateColumns(schema: RowSchema, headerRow: readonly Cell[]): Column[] {
  const positions = new Map<string, number>();
  headerRow.forEach((cell, index) => {
    const key = normalizeKey(cellText(cell));
    if (key !== "" && !positions.has(key)) positions.set(key, index + 1);
  });
  return columnsOf(schema).map(({ key, meta }) => {
    const index = headerKeys(meta)
      .map((candidate) => positions.get(candidate))
      .find((position) => position !== undefined);
    return { key, meta, index };
  });
}

function lastNonEmpty(row: readonly Cell[]): number {
  for (let index = row.length - 1; index >= 0; index--) if (!isBlank(row[index])) return index + 1;
  return 0;
}

/** Turns zod issues into French sentences naming the column. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], columns: readonly Column[]): string[] {
  return issues.map((issue) => {
    const key = issue.path[0];
    const header = columns.find((column) => column.key === key)?.meta.header ?? String(key ?? "");
    return `${header} : ${issue.message}.`;
  });
}

/** Tables already parsed, by the very tab object read (a write makes a new one) and spec. */
const parsedTables = new WeakMap<TabValues, Map<TabSpec, ParsedTable<unknown>>>();

/**
 * What a check says when a tab the event needs is absent from the workbook: its name and what to
 * do, in French. The name is the public one of `SHEETS.md`.
 */
export function missingTabProblem(name: string): string {
  return `Onglet « ${name} » introuvable : ajoutez-le (voir le modèle).`;
}

/**
 * Reads a tab of rows. A row whose input cells are all empty is skipped (any cell, for a tab with none).
 * The same tab object is parsed once: the table is kept for it, so a request's use cases that read
 * one snapshot share it. The table answered is shared: never change it, nor the tab it was read from.
 */
export function parseTable<T>(spec: TabSpec, tab: TabValues | undefined): ParsedTable<T> {
  if (tab === undefined) return readTable<T>(spec, tab);
  let bySpec = parsedTables.get(tab);
  if (!bySpec) {
    bySpec = new Map();
    parsedTables.set(tab, bySpec);
  }
  const known = bySpec.get(spec);
  if (known) return known as ParsedTable<T>;
  const table = readTable<T>(spec, tab);
  bySpec.set(spec, table);
  return table;
}

function readTable<T>(spec: TabSpec, tab: TabValues | undefined): ParsedTable<T> {
  const schema = spec.schema;
  if (tab === undefined) {
    return {
      spec,
      title: spec.name,
      columns: locateColumns(schema, []),
      problems: [],
      rows: [],
      nextColumn: 1,
    };
  }
  const header = tab.rows[0] ?? [];
  const columns = locateColumns(schema, header);
  const problems = columns
    .filter((column) => column.index === undefined && column.meta.required && column.meta.io === "in")
    .map(
      (column) =>
        `Colonne « ${column.meta.header} » introuvable dans l'onglet ${spec.name} : ajoutez-la en ligne 1 ou rétablissez son titre.`,
    );
  const inputColumns = columns.filter((column) => column.index !== undefined && column.meta.io === "in");
  const rows: ParsedRow<T>[] = [];
  for (let index = 1; index < tab.rows.length; index++) {
    const raw = tab.rows[index] ?? [];
    // A tab the system writes alone (Journal) has no input columns: any filled cell keeps the row.
    const watched =
      inputColumns.length > 0 ? inputColumns : columns.filter((column) => column.index !== undefined);
    if (watched.every((column) => isBlank(raw[column.index! - 1]))) continue;
    const cells: Record<string, Cell> = {};
    for (const column of columns) {
      cells[column.key] = column.index === undefined ? null : (raw[column.index - 1] ?? null);
    }
    const parsed = parseRecord<T>(schema, cells, columns);
    // A missing column is said once per row, not as an empty cell.
    const missing = new Set(
      columns.filter((column) => column.index === undefined).map((c) => `${c.meta.header} :`),
    );
    const rowProblems = [
      ...problems,
      ...parsed.problems.filter((p) => ![...missing].some((m) => p.startsWith(m))),
    ];
    rows.push({ row: index + 1, value: parsed.value, partial: parsed.partial, problems: rowProblems, cells });
  }
  return {
    spec,
    title: tab.title,
    columns,
    problems,
    rows,
    nextColumn: lastNonEmpty(header) + 1,
  };
}

/**
 * Rows of one schema read without a problem, by their input cells (JSON), each value frozen; the
 * columns Passerelle writes (`Statut`...) are read anew each time, since they change between
 * requests while the organizer's input does not.
 */
interface ParsedRows {
  /** Each output column: its key, and its values by cell (a `Statut` repeats from row to row). */
  readonly outputs: readonly (readonly [string, z.ZodType, Map<Cell, unknown>])[];
  readonly inputKeys: readonly string[];
  readonly rows: Map<string, Record<string, unknown>>;
}
const parsedRows = new WeakMap<RowSchema, ParsedRows>();
/** Distinct rows remembered per schema before starting again. */
const PARSED_ROWS_LIMIT = 20_000;

function parsedRowsOf(schema: RowSchema): ParsedRows {
  let known = parsedRows.get(schema);
  if (!known) {
    const columns = columnsOf(schema);
    known = {
      outputs: columns
        .filter((column) => column.meta.io === "out")
        .map((column) => [column.key, column.schema, new Map<Cell, unknown>()] as const),
      inputKeys: columns.filter((column) => column.meta.io !== "out").map((column) => column.key),
      rows: new Map(),
    };
    parsedRows.set(schema, known);
  }
  return known;
}

function parseRecord<T>(
  schema: RowSchema,
  cells: Record<string, Cell>,
  columns: readonly Column[],
): { value: T | null; partial: Partial<T>; problems: string[] } {
  // A row comes back unchanged in every request of a warm instance: its input is parsed once (a
  // pure function of the schema and the cells), and frozen so that no reader changes another's.
  const known = parsedRowsOf(schema);
  const key = JSON.stringify(known.inputKeys.map((name) => cells[name] ?? null));
  const hit = known.rows.get(key);
  if (hit !== undefined) {
    const value = { ...hit };
    const fresh = known.outputs.every(([name, field, values]) => {
      const cell = cells[name] ?? null;
      if (values.has(cell)) {
        value[name] = values.get(cell);
        return true;
      }
      const output = field.safeParse(cell);
      if (!output.success) return false;
      if (values.size >= PARSED_ROWS_LIMIT) values.clear();
      values.set(cell, output.data);
      value[name] = output.data;
      return true;
    });
    if (fresh) {
      Object.freeze(value);
      return { value: value as T, partial: value as Partial<T>, problems: [] };
    }
  }
  const result = schema.safeParse(cells);
  if (result.success) {
    if (known.rows.size >= PARSED_ROWS_LIMIT) known.rows.clear();
    known.rows.set(key, deepFreeze(result.data as Record<string, unknown>));
    return { value: result.data as T, partial: result.data as Partial<T>, problems: [] };
  }
  // Read the fields one by one so the checks that need only the good ones can still run.
  const partial: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const one = (field as z.ZodType).safeParse(cells[key] ?? null);
    if (one.success) partial[key] = one.data;
  }
  return {
    value: null,
    partial: partial as Partial<T>,
    problems: describeIssues(result.error.issues, columns),
  };
}

/** Freezes plain objects and arrays, all the way down (dates and other objects are left as they are). */
export function deepFreeze<V>(value: V): V {
  if (
    Array.isArray(value) ||
    (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
  ) {
    for (const inner of Object.values(value as object)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export interface SettingsLine {
  readonly row: number;
  /** 1-based column of the `Valeur` cell. */
  readonly valueColumn: number;
}

export interface ParsedSettings<T> {
  readonly spec: TabSpec;
  readonly title: string;
  readonly value: T | null;
  readonly partial: Partial<T>;
  readonly problems: string[];
  /** Where each parameter stands, by key (absent when the organizer has no such line). */
  readonly lines: ReadonlyMap<string, SettingsLine>;
  /** The row where a missing parameter line can be added. */
  readonly nextRow: number;
  readonly valueColumn: number;
  readonly nameColumn: number;
}

/** Reads a tab of parameters: the `Paramètre` column names a field, the `Valeur` column holds it. */
export function parseSettings<T>(spec: TabSpec, tab: TabValues | undefined): ParsedSettings<T> {
  const schema = spec.schema;
  const fields = columnsOf(schema);
  if (tab === undefined) {
    return {
      spec,
      title: spec.name,
      value: null,
      partial: {},
      problems: [missingTabProblem(spec.name)],
      lines: new Map(),
      nextRow: 2,
      valueColumn: 2,
      nameColumn: 1,
    };
  }
  const header = (tab.rows[0] ?? []).map((cell) => normalizeKey(cellText(cell)));
  const nameIndex = header.indexOf(normalizeKey(SETTINGS_HEADERS.name));
  const valueIndex = header.indexOf(normalizeKey(SETTINGS_HEADERS.value));
  const nameColumn = nameIndex >= 0 ? nameIndex + 1 : 1;
  const valueColumn = valueIndex >= 0 ? valueIndex + 1 : 2;
  const byKey = new Map<string, string>();
  for (const field of fields) for (const name of headerKeys(field.meta)) byKey.set(name, field.key);
  const lines = new Map<string, SettingsLine>();
  const cells: Record<string, Cell> = {};
  let lastRow = 1;
  for (let index = 1; index < tab.rows.length; index++) {
    const raw = tab.rows[index] ?? [];
    const name = normalizeKey(cellText(raw[nameColumn - 1] ?? null));
    if (name === "") continue;
    lastRow = index + 1;
    const key = byKey.get(name);
    if (key === undefined || lines.has(key)) continue;
    lines.set(key, { row: index + 1, valueColumn });
    cells[key] = raw[valueColumn - 1] ?? null;
  }
  for (const field of fields) cells[field.key] ??= null;
  const columns: Column[] = fields.map((field) => ({ key: field.key, meta: field.meta, index: undefined }));
  const parsed = parseRecord<T>(schema, cells, columns);
  const problems = [...parsed.problems];
  if (nameIndex < 0 || valueIndex < 0) {
    problems.unshift(
      `Onglet ${spec.name} : la ligne 1 doit porter les titres « ${SETTINGS_HEADERS.name} » et « ${SETTINGS_HEADERS.value} ».`,
    );
  }
  return {
    spec,
    title: tab.title,
    value: parsed.value,
    partial: parsed.partial,
    problems,
    lines,
    nextRow: lastRow + 1,
    valueColumn,
    nameColumn,
  };
}
