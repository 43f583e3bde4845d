/**
 * Field schemas: a zod schema per kind of column, reading one raw cell into a typed value and
 * explaining in French what is wrong and how to fix it. Each carries its column's metadata
 * (header, aliases, in/out, allowed values), from which the templates are generated.
 */
import { IANAZone } from "luxon";
import { z } from "zod";
import type { Cell } from "../../ports.js";
import { DEFAULT_ZONE } from "../settings/event-settings.js";
import { webLink } from "../text/safe-text.js";
import {
  cellText,
  type DateTimeValue,
  type IsoDate,
  isBlank,
  isErrorValue,
  normalizeKey,
  parseDate,
  parseDateTime,
  parseEmail,
  parseList,
  parseTime,
  quote,
  type WallTime,
} from "./cells.js";

export interface ColumnMeta {
  /** The canonical header, written in templates and when a missing output column is added. */
  readonly header: string;
  /** Other spellings accepted when reading (case, accents and spacing are always tolerated). */
  readonly aliases?: readonly string[];
  /** `in`: typed by organizers; `out`: written by the system. */
  readonly io: "in" | "out";
  readonly required?: boolean;
  /** Allowed values, for dropdowns (data validation) in the templates. */
  readonly choices?: readonly string[];
  /** A one-line help shown as a note on the header in templates. */
  readonly help?: string;
  /** Personal data: erased by the purge once the event is over. */
  readonly personal?: boolean;
}

declare module "zod" {
  interface GlobalMeta {
    header?: string;
    aliases?: readonly string[];
    io?: "in" | "out";
    required?: boolean;
    choices?: readonly string[];
    help?: string;
    personal?: boolean;
  }
}

type Ctx = z.core.$RefinementCtx<Cell>;

function fail(ctx: Ctx, input: Cell, message: string): never {
  ctx.addIssue({ code: "custom", message, input });
  return z.NEVER as never;
}

/** The problems every kind of column shares: an error value, a formula result gone wrong, a huge cell. */
function commonProblem(cell: Cell): string | null {
  if (isErrorValue(cell)) {
    return `la cellule affiche l'erreur ${quote(cell)} : corrigez la formule ou tapez la valeur`;
  }
  return null;
}

const cellInput = z.custom<Cell>(
  (value) => value === null || ["string", "number", "boolean"].includes(typeof value),
);

function field<T>(meta: ColumnMeta, read: (cell: Cell, ctx: Ctx) => T) {
  return cellInput
    .transform((cell, ctx): T => {
      const common = commonProblem(cell);
      if (common !== null) return fail(ctx, cell, common);
      return read(cell, ctx);
    })
    .meta({ ...meta });
}

export interface TextOptions {
  readonly max?: number;
  /** A person's name: must contain a letter (a number typed in a name column is a mistake). */
  readonly name?: boolean;
}

export function text(meta: ColumnMeta, options: TextOptions = {}) {
  const max = options.max ?? 200;
  return field<string | undefined>(meta, (cell, ctx) => {
    if (isBlank(cell)) {
      if (meta.required) return fail(ctx, cell, "est vide : renseignez-la");
      return undefined;
    }
    const value = cellText(cell);
    if (value.length > max) {
      return fail(
        ctx,
        cell,
        `est trop longue (${value.length.toLocaleString("fr-FR")} caractères, ${max} au plus) : raccourcissez-la`,
      );
    }
    if (options.name && !/\p{L}/u.test(value)) {
      return fail(ctx, cell, `${quote(cell)} n'est pas un nom : tapez des lettres`);
    }
    if (/[\r\n]/.test(value) && options.name) {
      return fail(ctx, cell, "contient un retour à la ligne : gardez le nom sur une seule ligne");
    }
    return value;
  });
}

export function requiredText(meta: Omit<ColumnMeta, "required">, options: TextOptions = {}) {
  return text({ ...meta, required: true }, options) as unknown as z.ZodType<string, Cell>;
}

export function email(meta: ColumnMeta) {
  return field<string | undefined>(meta, (cell, ctx) => {
    if (isBlank(cell)) {
      if (meta.required) return fail(ctx, cell, "est vide : renseignez l'adresse électronique");
      return undefined;
    }
    const address = parseEmail(cell);
    if (address === null) {
      const hint = /[\r\n]/.test(String(cell))
        ? "elle contient un retour à la ligne"
        : /\s/.test(cellText(cell))
          ? "elle contient une espace"
          : !cellText(cell).includes("@")
            ? "il manque le @"
            : "vérifiez l'orthographe";
      return fail(ctx, cell, `${quote(cell)} n'est pas une adresse valide (${hint}) : corrigez-la`);
    }
    return address;
  });
}

/** A mailbox with an optional display name: `Séminaire <seminaire@example.org>`. */
export interface Mailbox {
  readonly name?: string;
  readonly address: string;
}

export function mailbox(meta: ColumnMeta) {
  return field<Mailbox | undefined>(meta, (cell, ctx) => {
    if (isBlank(cell)) {
      if (meta.required)
        return fail(ctx, cell, "est vide : tapez par exemple Séminaire <seminaire@exemple.fr>");
      return undefined;
    }
    const raw = cellText(cell);
    const match = /^(.*?)\s*<([^<>]+)>$/.exec(raw);
    const address = parseEmail(match ? match[2]! : raw);
    const name = match ? match[1]!.replace(/^"(.*)"$/, "$1").trim() : undefined;
    if (address === null || /[\r\n]/.test(String(cell))) {
      return fail(ctx, cell, `${quote(cell)} n'est pas une adresse valide : tapez Nom <adresse@domaine.fr>`);
    }
    return name ? { name, address } : { address };
  });
}

/** Reads a value among `choices`, tolerating case, accents and spacing; writes nothing back. */
export function choice<const C extends string>(
  meta: Omit<ColumnMeta, "choices">,
  choices: readonly C[],
  options: { default?: C; aliases?: Readonly<Record<string, C>> } = {},
) {
  const byKey = new Map<string, C>();
  for (const value of choices) byKey.set(normalizeKey(value), value);
  for (const [alias, value] of Object.entries(options.aliases ?? {})) byKey.set(normalizeKey(alias), value);
  return field<C | undefined>({ ...meta, choices }, (cell, ctx) => {
    if (isBlank(cell)) {
      if (options.default !== undefined) return options.default;
      if (meta.required) return fail(ctx, cell, `est vide : choisissez ${listChoices(choices)}`);
      return undefined;
    }
    const value = byKey.get(normalizeKey(cellText(cell)));
    if (value === undefined) {
      return fail(
        ctx,
        cell,
        `${quote(cell)} n'est pas une valeur possible : choisissez ${listChoices(choices)}`,
      );
    }
    return value;
  });
}

export function listChoices(choices: readonly string[]): string {
  if (choices.length <= 1) return choices.join("");
  return `${choices.slice(0, -1).join(", ")} ou ${choices.at(-1)}`;
}

export const YES_NO = ["Oui", "Non"] as const;
const yesNoAliases = {
  O: "Oui",
  Yes: "Oui",
  Vrai: "Oui",
  True: "Oui",
  X: "Oui",
  N: "Non",
  No: "Non",
  Faux: "Non",
  False: "Non",
} as const;

export function yesNo(meta: Omit<ColumnMeta, "choices">, defaultValue?: "Oui" | "Non") {
  return choice(meta, YES_NO, {
    ...(defaultValue ? { default: defaultValue } : {}),
    aliases: yesNoAliases,
  });
}

/** A comma list whose every item is one of `choices` (e.g. the situations a structure offers). */
export function choiceList<const C extends string>(meta: Omit<ColumnMeta, "choices">, choices: readonly C[]) {
  const byKey = new Map(choices.map((value) => [normalizeKey(value), value] as const));
  return field<C[]>({ ...meta, choices }, (cell, ctx) => {
    const items = parseList(cell);
    if (items.length === 0 && meta.required)
      return fail(ctx, cell, `est vide : indiquez ${listChoices(choices)}`);
    const values: C[] = [];
    for (const item of items) {
      const value = byKey.get(normalizeKey(item));
      if (value === undefined) {
        return fail(
          ctx,
          cell,
          `${quote(item)} n'est pas une valeur possible : utilisez ${listChoices(choices)}, séparées par des virgules`,
        );
      }
      if (!values.includes(value)) values.push(value);
    }
    return values;
  });
}

/** A free comma list (slot names...). */
export function list(meta: ColumnMeta) {
  return field<string[]>(meta, (cell, ctx) => {
    const items = parseList(cell);
    if (items.length === 0 && meta.required) return fail(ctx, cell, "est vide : renseignez-la");
    return items;
  });
}

export function date(meta: ColumnMeta) {
  return field<IsoDate | undefined>(meta, (cell, ctx) => {
    if (isBlank(cell)) {
      if (meta.required) return fail(ctx, cell, "est vide : tapez une date comme 17/03/2027");
      return undefined;
    }
    const value = parseDate(cell);
    if (value === null)
      return fail(
        ctx,
        cell,
        /\d[T ]\d{1,2}:\d{2}/.test(cellText(cell)) || (typeof cell === "number" && cell % 1 !== 0)
          ? `${quote(cell)} contient aussi une heure : tapez seulement la date, comme 17/03/2027`
          : `${quote(cell)} n'est pas une date : tapez-la comme 17/03/2027`,
      );
    return value;
  });
}

export function time(meta: ColumnMeta, defaultValue?: WallTime) {
  return field<WallTime | undefined>(meta, (cell, ctx) => {
    if (isBlank(cell)) {
      if (defaultValue !== undefined) return defaultValue;
      if (meta.required) return fail(ctx, cell, "est vide : tapez une heure comme 8:30 ou 8h30");
      return undefined;
    }
    const value = parseTime(cell);
    if (value === null)
      return fail(
        ctx,
        cell,
        typeof cell === "number" && cell >= 1
          ? `${quote(cell)} contient aussi une date : tapez seulement l'heure, comme 8:30`
          : /:\d{2}:\d{2}/.test(cellText(cell))
            ? `${quote(cell)} a des secondes : tapez l'heure à la minute, comme 8:30`
            : `${quote(cell)} n'est pas une heure : tapez-la comme 8:30 ou 8h30`,
      );
    return value;
  });
}

/** A date-time cell's value (see `DateTimeValue`: an offset, when typed, is kept for the conversion). */
export type DateAndTime = DateTimeValue;

export function dateTime(meta: ColumnMeta) {
  return field<DateAndTime | undefined>(meta, (cell, ctx) => {
    if (isBlank(cell)) {
      if (meta.required)
        return fail(ctx, cell, "est vide : tapez une date et une heure comme 15/03/2027 12:00");
      return undefined;
    }
    const value = parseDateTime(cell);
    if (value === null) {
      return fail(
        ctx,
        cell,
        `${quote(cell)} n'est pas une date et heure lisible en entier : tapez-la comme 2027-03-15 12:00 ou 15/03/2027 12:00`,
      );
    }
    return value;
  });
}

export function integer(meta: ColumnMeta, options: { min: number; max: number; default?: number }) {
  return field<number | undefined>(meta, (cell, ctx) => {
    if (isBlank(cell)) {
      if (options.default !== undefined) return options.default;
      if (meta.required) return fail(ctx, cell, "est vide : tapez un nombre entier");
      return undefined;
    }
    const value = typeof cell === "number" ? cell : Number(cellText(cell).replace(",", "."));
    if (!Number.isInteger(value)) return fail(ctx, cell, `${quote(cell)} n'est pas un nombre entier`);
    if (value < options.min || value > options.max) {
      return fail(ctx, cell, `${quote(cell)} doit être compris entre ${options.min} et ${options.max}`);
    }
    return value;
  });
}

export function url(meta: ColumnMeta) {
  return field<string | undefined>(meta, (cell, ctx) => {
    if (isBlank(cell)) return undefined;
    const value = cellText(cell);
    // The rule the messages apply when they write the link (messages/text.ts): one rule, checked here.
    if (webLink(value) !== null) return value;
    return fail(
      ctx,
      cell,
      `${quote(cell)} n'est pas un lien web utilisable dans un courriel : tapez l'adresse complète, qui commence par https://, sans espace ni guillemet (une espace s'écrit %20)`,
    );
  });
}

export function timeZone(meta: ColumnMeta) {
  return field<string>(meta, (cell, ctx) => {
    if (isBlank(cell)) return DEFAULT_ZONE;
    const value = cellText(cell);
    if (!IANAZone.isValidZone(value)) {
      return fail(
        ctx,
        cell,
        `${quote(cell)} n'est pas un fuseau horaire connu : tapez par exemple Europe/Paris`,
      );
    }
    return value;
  });
}

/** An output column: read as text, never checked (the system writes it). */
export function output(meta: Omit<ColumnMeta, "io">, choices?: readonly string[]) {
  return cellInput
    .transform((cell) => (isBlank(cell) ? undefined : cellText(cell)))
    .meta({ ...meta, io: "out", ...(choices ? { choices } : {}) });
}

/** The metadata a field schema carries (the header, in/out, choices). */
export function columnMeta(schema: z.ZodType): ColumnMeta {
  const meta = schema.meta();
  if (!meta?.header || !meta.io) throw new Error("A tab field is missing its column metadata");
  return meta as ColumnMeta;
}

/** For a field that is required or has a default: its value is never `undefined` once read. */
export function must<S extends z.ZodType>(schema: S): z.ZodType<NonNullable<z.output<S>>, z.input<S>> {
  return schema as unknown as z.ZodType<NonNullable<z.output<S>>, z.input<S>>;
}
