/**
 * The `${...}` expression language of Cloud Workflows, the subset the definitions use:
 * literals (numbers, double-quoted strings, true/false/null), variables, `.field` and `[index]`
 * access, calls of the known functions, `+ - * / // %`, comparisons, `in`, `and/or/not`.
 * Parsing happens at load time so that an unknown function is refused before anything runs.
 */
import { DateTime } from "luxon";
import {
  deepEqual,
  isMap,
  type MapValue,
  RaisedError,
  runtimeError,
  typeName,
  type Value,
} from "./values.js";

export type Expr =
  | { readonly kind: "literal"; readonly value: Value }
  | { readonly kind: "variable"; readonly name: string }
  | { readonly kind: "member"; readonly object: Expr; readonly name: string }
  | { readonly kind: "index"; readonly object: Expr; readonly index: Expr }
  | { readonly kind: "call"; readonly fn: string; readonly args: readonly Expr[] }
  | { readonly kind: "unary"; readonly op: "-" | "not"; readonly operand: Expr }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr };

type BinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "//"
  | "%"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "in"
  | "and"
  | "or";

/** Thrown at load time for an expression outside the subset; the loader adds the line. */
export class ExpressionSyntaxError extends Error {
  override name = "ExpressionSyntaxError";
}

/** What an expression may ask of the execution running it. */
export interface ExpressionContext {
  lookup(name: string): Value;
  /** `sys.now()`: seconds since the epoch, journaled by the runner so a replay sees the same instant. */
  now(): number;
  env(name: string): Value;
}

type Token =
  | { type: "num"; value: number; pos: number }
  | { type: "str"; value: string; pos: number }
  | { type: "id"; value: string; pos: number }
  | { type: "op"; value: string; pos: number };

const OPERATORS = [
  "//",
  "==",
  "!=",
  "<=",
  ">=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "<",
  ">",
  "(",
  ")",
  "[",
  "]",
  ",",
  ".",
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
    if (num) {
      tokens.push({ type: "num", value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (id) {
      tokens.push({ type: "id", value: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === "\\" ? 2 : 1;
      if (j >= source.length) throw new ExpressionSyntaxError(`chaîne non terminée dans « ${source} »`);
      const raw = source.slice(i, j + 1);
      try {
        tokens.push({ type: "str", value: JSON.parse(raw) as string, pos: i });
      } catch (cause) {
        throw new ExpressionSyntaxError(`chaîne invalide ${raw}`, { cause });
      }
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new ExpressionSyntaxError(`caractère inattendu « ${c} » dans « ${source} »`);
    tokens.push({ type: "op", value: op, pos: i });
    i += op.length;
  }
  return tokens;
}

/** The functions an expression may call, with their accepted number of arguments. */
const FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  len: [1, 1],
  default: [2, 2],
  keys: [1, 1],
  int: [1, 1],
  double: [1, 1],
  string: [1, 1],
  "map.get": [2, 2],
  "text.to_lower": [1, 1],
  "text.to_upper": [1, 1],
  "text.split": [2, 2],
  "text.replace_all": [3, 3],
  "text.substring": [3, 3],
  "json.encode_to_string": [1, 1],
  "json.decode": [1, 1],
  "time.format": [1, 2],
  "time.parse": [1, 1],
  "sys.now": [0, 0],
  "sys.get_env": [1, 1],
};

export const SUPPORTED_FUNCTIONS: readonly string[] = Object.keys(FUNCTIONS);

class Parser {
  private pos = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parse(): Expr {
    const expr = this.or();
    const extra = this.tokens[this.pos];
    if (extra) throw this.error(`« ${String(extra.value)} » inattendu`);
    return expr;
  }

  private error(message: string): ExpressionSyntaxError {
    return new ExpressionSyntaxError(`${message} dans l'expression « ${this.source} »`);
  }

  private peekOp(...ops: string[]): string | undefined {
    const t = this.tokens[this.pos];
    if (!t) return undefined;
    if (t.type === "op" && ops.includes(t.value)) return t.value;
    if (t.type === "id" && ops.includes(t.value)) return t.value;
    return undefined;
  }

  private expect(op: string): void {
    if (this.peekOp(op) === undefined) throw this.error(`« ${op} » attendu`);
    this.pos++;
  }

  private or(): Expr {
    let left = this.and();
    while (this.peekOp("or")) {
      this.pos++;
      left = { kind: "binary", op: "or", left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.peekOp("and")) {
      this.pos++;
      left = { kind: "binary", op: "and", left, right: this.not() };
    }
    return left;
  }

  private not(): Expr {
    if (this.peekOp("not")) {
      this.pos++;
      return { kind: "unary", op: "not", operand: this.not() };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    let left = this.additive();
    for (;;) {
      const op = this.peekOp("==", "!=", "<", "<=", ">", ">=", "in");
      if (!op) return left;
      this.pos++;
      left = { kind: "binary", op: op as BinaryOp, left, right: this.additive() };
    }
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const op = this.peekOp("+", "-");
      if (!op) return left;
      this.pos++;
      left = { kind: "binary", op: op as BinaryOp, left, right: this.multiplicative() };
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const op = this.peekOp("*", "/", "//", "%");
      if (!op) return left;
      this.pos++;
      left = { kind: "binary", op: op as BinaryOp, left, right: this.unary() };
    }
  }

  private unary(): Expr {
    if (this.peekOp("-")) {
      this.pos++;
      return { kind: "unary", op: "-", operand: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private primary(): Expr {
    const t = this.tokens[this.pos];
    if (!t) throw this.error("fin inattendue");
    this.pos++;
    if (t.type === "num" || t.type === "str") return { kind: "literal", value: t.value };
    if (t.type === "op" && t.value === "(") {
      const inner = this.or();
      this.expect(")");
      return inner;
    }
    if (t.type === "id") {
      if (t.value === "true") return { kind: "literal", value: true };
      if (t.value === "false") return { kind: "literal", value: false };
      if (t.value === "null") return { kind: "literal", value: null };
      if (["and", "or", "not", "in"].includes(t.value)) throw this.error(`« ${t.value} » mal placé`);
      return this.callOrVariable(t.value);
    }
    throw this.error(`« ${t.value} » inattendu (listes et maps littérales non prises en charge)`);
  }

  /** `a.b.c(...)` is a call of the function `a.b.c`; without parentheses it is variable access. */
  private callOrVariable(first: string): Expr {
    const path = [first];
    let look = this.pos;
    while (
      this.tokens[look]?.type === "op" &&
      this.tokens[look]?.value === "." &&
      this.tokens[look + 1]?.type === "id"
    ) {
      path.push(String(this.tokens[look + 1]!.value));
      look += 2;
    }
    const next = this.tokens[look];
    if (next?.type === "op" && next.value === "(") {
      const fn = path.join(".");
      const arity = FUNCTIONS[fn];
      if (!arity) throw this.error(`fonction inconnue ou non prise en charge « ${fn} »`);
      this.pos = look + 1;
      const args: Expr[] = [];
      if (!this.peekOp(")")) {
        args.push(this.or());
        while (this.peekOp(",")) {
          this.pos++;
          args.push(this.or());
        }
      }
      this.expect(")");
      if (args.length < arity[0] || args.length > arity[1]) {
        throw this.error(`${fn} attend ${arity[0]}${arity[1] > arity[0] ? `-${arity[1]}` : ""} argument(s)`);
      }
      return { kind: "call", fn, args };
    }
    return { kind: "variable", name: first };
  }

  private postfix(base: Expr): Expr {
    let expr = base;
    for (;;) {
      if (this.peekOp(".")) {
        this.pos++;
        const name = this.tokens[this.pos];
        if (name?.type !== "id") throw this.error("nom de champ attendu après « . »");
        this.pos++;
        expr = { kind: "member", object: expr, name: name.value };
      } else if (this.peekOp("[")) {
        this.pos++;
        const index = this.or();
        this.expect("]");
        expr = { kind: "index", object: expr, index };
      } else {
        return expr;
      }
    }
  }
}

export function parseExpression(source: string): Expr {
  return new Parser(tokenize(source), source).parse();
}

/** The variables an expression reads at its root (for assignment targets and load-time checks). */
export function rootVariable(expr: Expr): string | undefined {
  if (expr.kind === "variable") return expr.name;
  if (expr.kind === "member" || expr.kind === "index") return rootVariable(expr.object);
  return undefined;
}

export function evaluate(expr: Expr, ctx: ExpressionContext): Value {
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "variable":
      return ctx.lookup(expr.name);
    case "member":
      return getKey(evaluate(expr.object, ctx), expr.name);
    case "index":
      return getIndex(evaluate(expr.object, ctx), evaluate(expr.index, ctx));
    case "unary": {
      const v = evaluate(expr.operand, ctx);
      if (expr.op === "not") return !requireBool(v, "not");
      if (typeof v !== "number") throw typeError(`opérande de « - » : ${typeName(v)}`);
      return -v;
    }
    case "binary":
      return binary(expr.op, expr.left, expr.right, ctx);
    case "call":
      return callFunction(
        expr.fn,
        expr.args.map((a) => evaluate(a, ctx)),
        ctx,
      );
  }
}

function typeError(message: string): RaisedError {
  return runtimeError("TypeError", message);
}

function requireBool(v: Value, op: string): boolean {
  if (typeof v !== "boolean") throw typeError(`« ${op} » attend un booléen, reçu ${typeName(v)}`);
  return v;
}

export function getKey(object: Value, key: string): Value {
  if (!isMap(object)) throw typeError(`accès au champ « ${key} » d'une valeur de type ${typeName(object)}`);
  if (!Object.hasOwn(object, key)) throw runtimeError("KeyError", `key not found: ${key}`);
  return object[key]!;
}

function getIndex(object: Value, index: Value): Value {
  if (Array.isArray(object)) {
    if (typeof index !== "number" || !Number.isInteger(index)) throw typeError("index de liste non entier");
    const item = object[index < 0 ? object.length + index : index];
    if (item === undefined) throw runtimeError("IndexError", `list index out of range: ${index}`);
    return item;
  }
  if (typeof index !== "string") throw typeError(`clé de type ${typeName(index)}`);
  return getKey(object, index);
}

function binary(op: BinaryOp, leftExpr: Expr, rightExpr: Expr, ctx: ExpressionContext): Value {
  if (op === "and" || op === "or") {
    const left = requireBool(evaluate(leftExpr, ctx), op);
    if (op === "and" ? !left : left) return left;
    return requireBool(evaluate(rightExpr, ctx), op);
  }
  const a = evaluate(leftExpr, ctx);
  const b = evaluate(rightExpr, ctx);
  switch (op) {
    case "==":
      return deepEqual(a, b);
    case "!=":
      return !deepEqual(a, b);
    case "in":
      if (Array.isArray(b)) return b.some((item) => deepEqual(item, a));
      if (isMap(b) && typeof a === "string") return Object.hasOwn(b, a);
      throw typeError(`« in » sur une valeur de type ${typeName(b)}`);
    case "<":
    case "<=":
    case ">":
    case ">=": {
      if (
        !(
          (typeof a === "number" && typeof b === "number") ||
          (typeof a === "string" && typeof b === "string")
        )
      ) {
        throw typeError(`comparaison « ${op} » entre ${typeName(a)} et ${typeName(b)}`);
      }
      if (op === "<") return a < b;
      if (op === "<=") return a <= b;
      if (op === ">") return a > b;
      return a >= b;
    }
    case "+":
      if (typeof a === "string" && typeof b === "string") return a + b;
      if (typeof a === "number" && typeof b === "number") return a + b;
      throw typeError(`« + » entre ${typeName(a)} et ${typeName(b)}`);
    default: {
      if (typeof a !== "number" || typeof b !== "number") {
        throw typeError(`« ${op} » entre ${typeName(a)} et ${typeName(b)}`);
      }
      if (op === "-") return a - b;
      if (op === "*") return a * b;
      if (b === 0) throw runtimeError("ZeroDivisionError", "division by zero");
      if (op === "/") return a / b;
      if (op === "//") return Math.floor(a / b);
      return a - b * Math.floor(a / b);
    }
  }
}

function requireString(v: Value, fn: string): string {
  if (typeof v !== "string") throw typeError(`${fn} attend une chaîne, reçu ${typeName(v)}`);
  return v;
}

function requireNumber(v: Value, fn: string): number {
  if (typeof v !== "number") throw typeError(`${fn} attend un nombre, reçu ${typeName(v)}`);
  return v;
}

/** Formats seconds since the epoch as Cloud Workflows does: RFC 3339 with microseconds. */
export function formatInstant(seconds: number, zone = "UTC"): string {
  const dt = DateTime.fromMillis(Math.round(seconds * 1000), { zone });
  if (!dt.isValid) throw runtimeError("ValueError", `fuseau horaire invalide : ${zone}`);
  const base = dt.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'000'");
  return zone === "UTC" ? `${base}Z` : `${base}${dt.toFormat("ZZ")}`;
}

/** Parses an ISO 8601 instant into seconds since the epoch; an instant without offset is UTC. */
export function parseInstant(text: string): number {
  const dt = DateTime.fromISO(text, { zone: "UTC", setZone: true });
  if (!dt.isValid) throw runtimeError("ValueError", `horodatage ISO 8601 invalide : « ${text} »`);
  return dt.toMillis() / 1000;
}

function callFunction(fn: string, args: Value[], ctx: ExpressionContext): Value {
  const [a = null, b = null, c = null] = args;
  switch (fn) {
    case "len":
      if (typeof a === "string" || Array.isArray(a)) return a.length;
      if (isMap(a)) return Object.keys(a).length;
      throw typeError(`len d'une valeur de type ${typeName(a)}`);
    case "default":
      return a ?? b;
    case "keys":
      if (!isMap(a)) throw typeError(`keys d'une valeur de type ${typeName(a)}`);
      return Object.keys(a);
    case "int": {
      const n = typeof a === "string" ? Number(a) : a;
      if (typeof n !== "number" || Number.isNaN(n))
        throw runtimeError("ValueError", `int(${JSON.stringify(a)})`);
      return Math.trunc(n);
    }
    case "double": {
      const n = typeof a === "string" ? Number(a) : a;
      if (typeof n !== "number" || Number.isNaN(n))
        throw runtimeError("ValueError", `double(${JSON.stringify(a)})`);
      return n;
    }
    case "string":
      if (typeof a === "string") return a;
      if (typeof a === "number" || typeof a === "boolean") return String(a);
      throw typeError(`string d'une valeur de type ${typeName(a)}`);
    case "map.get": {
      if (!isMap(a)) throw typeError(`map.get sur une valeur de type ${typeName(a)}`);
      const path = Array.isArray(b) ? b : [b];
      let current: Value = a;
      for (const key of path) {
        if (!isMap(current) || typeof key !== "string" || !Object.hasOwn(current, key)) return null;
        current = current[key]!;
      }
      return current;
    }
    case "text.to_lower":
      return requireString(a, fn).toLowerCase();
    case "text.to_upper":
      return requireString(a, fn).toUpperCase();
    case "text.split":
      return requireString(a, fn).split(requireString(b, fn));
    case "text.replace_all":
      return requireString(a, fn).split(requireString(b, fn)).join(requireString(c, fn));
    case "text.substring":
      return requireString(a, fn).slice(requireNumber(b, fn), requireNumber(c, fn));
    case "json.encode_to_string":
      return JSON.stringify(a);
    case "json.decode":
      try {
        return JSON.parse(requireString(a, fn)) as Value;
      } catch (cause) {
        if (cause instanceof RaisedError) throw cause;
        throw runtimeError("ValueError", "json.decode : JSON invalide");
      }
    case "time.format":
      return formatInstant(requireNumber(a, fn), b === null ? "UTC" : requireString(b, fn));
    case "time.parse":
      return parseInstant(requireString(a, fn));
    case "sys.now":
      return ctx.now();
    case "sys.get_env":
      return ctx.env(requireString(a, fn));
    default:
      throw typeError(`fonction inconnue ${fn}`);
  }
}

/** Evaluates to a map, for arguments such as `args:` whose value must be a map. */
export function asMap(value: Value, what: string): MapValue {
  if (!isMap(value)) throw typeError(`${what} doit être une map, reçu ${typeName(value)}`);
  return value;
}
