/**
 * Loads a Cloud Workflows YAML definition into a checked tree. Everything outside the supported
 * subset (see workflows/README.md) is refused here, before anything runs, with the line.
 */
import {
  isScalar,
  isSeq,
  isMap as isYamlMap,
  LineCounter,
  type Node,
  parseDocument,
  type Scalar,
} from "yaml";
import { type Expr, ExpressionSyntaxError, parseExpression, rootVariable } from "./expression.js";
import type { Value } from "./values.js";

export type Template =
  | { readonly kind: "literal"; readonly value: Value }
  | { readonly kind: "expr"; readonly expr: Expr; readonly source: string }
  | { readonly kind: "list"; readonly items: readonly Template[] }
  | { readonly kind: "map"; readonly entries: readonly (readonly [string, Template])[] };

export interface Step {
  readonly name: string;
  readonly line: number;
  readonly action: Action;
  readonly next?: string;
}

export interface Branch {
  readonly line: number;
  readonly condition: Expr;
  readonly action: Action;
  readonly next?: string;
}

export interface RetryPolicy {
  readonly predicate:
    | { readonly kind: "default" }
    | { readonly kind: "non-idempotent" }
    | { readonly kind: "subworkflow"; readonly name: string };
  readonly maxRetries: number;
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly multiplier: number;
}

export type Action =
  | { readonly kind: "none" }
  | {
      readonly kind: "assign";
      readonly items: readonly { readonly target: Expr; readonly value: Template }[];
    }
  | { readonly kind: "call"; readonly fn: string; readonly args?: Template; readonly result?: string }
  | { readonly kind: "switch"; readonly branches: readonly Branch[] }
  | {
      readonly kind: "for";
      readonly value: string;
      readonly index?: string;
      readonly in?: Template;
      readonly range?: readonly [Template, Template];
      readonly steps: readonly Step[];
    }
  | {
      readonly kind: "try";
      readonly body: readonly Step[];
      readonly retry?: RetryPolicy;
      readonly except?: { readonly as?: string; readonly steps: readonly Step[] };
    }
  | { readonly kind: "raise"; readonly value: Template }
  | { readonly kind: "return"; readonly value: Template }
  | { readonly kind: "steps"; readonly steps: readonly Step[] };

export interface Param {
  readonly name: string;
  readonly default?: Template;
}

export interface Subworkflow {
  readonly name: string;
  readonly line: number;
  readonly params: readonly Param[];
  readonly steps: readonly Step[];
}

export interface Definition {
  readonly subworkflows: ReadonlyMap<string, Subworkflow>;
}

/** A definition outside the supported subset, or malformed; the message names the construct and line. */
export class DefinitionError extends Error {
  override name = "DefinitionError";
}

/** The standard library calls the runner implements, with the arguments each accepts (and requires). */
const CALLS: Readonly<
  Record<string, { readonly allowed: readonly string[]; readonly required: readonly string[] }>
> = {
  "http.get": { allowed: ["url", "headers", "query", "auth", "timeout", "body"], required: ["url"] },
  "http.post": { allowed: ["url", "headers", "query", "auth", "timeout", "body"], required: ["url"] },
  "http.put": { allowed: ["url", "headers", "query", "auth", "timeout", "body"], required: ["url"] },
  "http.patch": { allowed: ["url", "headers", "query", "auth", "timeout", "body"], required: ["url"] },
  "http.delete": { allowed: ["url", "headers", "query", "auth", "timeout", "body"], required: ["url"] },
  "http.request": {
    allowed: ["method", "url", "headers", "query", "auth", "timeout", "body"],
    required: ["method", "url"],
  },
  "sys.sleep": { allowed: ["seconds"], required: ["seconds"] },
  "sys.sleep_until": { allowed: ["time"], required: ["time"] },
  "sys.now": { allowed: [], required: [] },
  "sys.log": { allowed: ["text", "json", "data", "severity"], required: [] },
  "events.create_callback_endpoint": { allowed: ["http_callback_method"], required: [] },
  "events.await_callback": { allowed: ["callback", "timeout"], required: ["callback"] },
};

export const SUPPORTED_CALLS: readonly string[] = Object.keys(CALLS);

const STEP_KEYS = new Set([
  "assign",
  "call",
  "args",
  "result",
  "switch",
  "for",
  "try",
  "retry",
  "except",
  "raise",
  "return",
  "next",
  "steps",
]);
const ACTION_KEYS = ["assign", "call", "switch", "for", "try", "raise", "return", "steps"] as const;
const BRANCH_KEYS = new Set(["condition", "next", "steps", "assign", "return", "raise"]);
const DEFAULT_BACKOFF = { initialDelay: 1, maxDelay: 60, multiplier: 1.25 };

interface Block {
  readonly steps: readonly Step[];
  /** How this block is entered: jumps may cross `steps`/`switch` blocks, not loop or try bodies. */
  readonly boundary: "subworkflow" | "nested" | "for" | "try" | "except";
  readonly parent?: Block;
}

class Loader {
  constructor(
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  lineOf(node: Node | null | undefined): number {
    const offset = node?.range?.[0] ?? 0;
    return this.lines.linePos(offset).line;
  }

  fail(node: Node | null | undefined, message: string): DefinitionError {
    return new DefinitionError(`${this.file}, ligne ${this.lineOf(node)} : ${message}`);
  }

  /** The entries of a YAML map, keys as strings, in order. */
  entries(node: Node | null | undefined, what: string): [string, Node | null, Node][] {
    if (!isYamlMap(node)) throw this.fail(node, `${what} doit être une map`);
    return node.items.map((pair) => {
      const key = pair.key as Node;
      if (!isScalar(key) || typeof key.value !== "string") throw this.fail(key, `clé invalide dans ${what}`);
      return [key.value, pair.value as Node | null, key];
    });
  }

  expression(source: string, node: Node | null | undefined): Expr {
    try {
      return parseExpression(source);
    } catch (error) {
      if (error instanceof ExpressionSyntaxError) throw this.fail(node, error.message);
      throw error;
    }
  }

  /** `${...}` as the whole string is an expression; `${` anywhere else is refused (it would be literal text). */
  template(node: Node | null | undefined): Template {
    if (node === null || node === undefined) return { kind: "literal", value: null };
    if (isScalar(node)) {
      const value = (node as Scalar).value;
      if (typeof value === "string") {
        const m = /^\$\{([\s\S]*)\}$/.exec(value);
        if (m) return { kind: "expr", expr: this.expression(m[1]!, node), source: value };
        if (value.includes("${")) {
          throw this.fail(node, `« ${value} » : une expression doit occuper toute la valeur (« \${...} »)`);
        }
        return { kind: "literal", value };
      }
      if (value === null || typeof value === "number" || typeof value === "boolean")
        return { kind: "literal", value };
      throw this.fail(node, `valeur non prise en charge (${typeof value})`);
    }
    if (isSeq(node)) return { kind: "list", items: node.items.map((item) => this.template(item as Node)) };
    if (isYamlMap(node)) {
      return {
        kind: "map",
        entries: this.entries(node, "la valeur").map(([k, v]) => [k, this.template(v)] as const),
      };
    }
    throw this.fail(node, "valeur YAML non prise en charge (ancre, alias ou étiquette ?)");
  }

  name(node: Node | null | undefined, what: string): string {
    if (!isScalar(node) || typeof node.value !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(node.value)) {
      throw this.fail(node, `${what} doit être un nom de variable`);
    }
    return node.value;
  }

  number(node: Node | null | undefined, what: string): number {
    if (!isScalar(node) || typeof node.value !== "number")
      throw this.fail(node, `${what} doit être un nombre`);
    return node.value;
  }

  steps(node: Node | null | undefined, what: string): Step[] {
    if (!isSeq(node) || node.items.length === 0)
      throw this.fail(node, `${what} doit être une liste d'étapes non vide`);
    const seen = new Set<string>();
    return node.items.map((item) => {
      const entries = this.entries(item as Node, "une étape");
      if (entries.length !== 1)
        throw this.fail(item as Node, "une étape est une map à une seule clé (son nom)");
      const [name, body, keyNode] = entries[0]!;
      if (seen.has(name)) throw this.fail(keyNode, `nom d'étape en double « ${name} »`);
      seen.add(name);
      return this.step(name, body, keyNode);
    });
  }

  step(name: string, body: Node | null, keyNode: Node): Step {
    const fields = new Map<string, { node: Node | null; key: Node }>();
    for (const [key, value, k] of this.entries(body, `l'étape « ${name} »`)) {
      if (!STEP_KEYS.has(key)) {
        throw this.fail(k, `« ${key} » n'est pas pris en charge par le runner local (étape « ${name} »)`);
      }
      fields.set(key, { node: value, key: k });
    }
    const actions = ACTION_KEYS.filter((k) => fields.has(k));
    if (actions.length > 1) throw this.fail(keyNode, `l'étape « ${name} » combine ${actions.join(" et ")}`);
    const line = this.lineOf(keyNode);
    const action = this.action(actions[0], fields, name, keyNode);
    const next = fields.get("next");
    return { name, line, action, ...(next ? { next: this.nextTarget(next.node) } : {}) };
  }

  nextTarget(node: Node | null): string {
    if (!isScalar(node) || typeof node.value !== "string")
      throw this.fail(node, "« next » doit être un nom d'étape");
    return node.value;
  }

  action(
    kind: (typeof ACTION_KEYS)[number] | undefined,
    fields: Map<string, { node: Node | null; key: Node }>,
    name: string,
    keyNode: Node,
  ): Action {
    const allowedWith: Record<string, readonly string[]> = {
      none: ["next"],
      assign: ["assign", "next"],
      call: ["call", "args", "result", "next"],
      switch: ["switch", "next"],
      for: ["for", "next"],
      try: ["try", "retry", "except", "next"],
      raise: ["raise"],
      return: ["return"],
      steps: ["steps", "next"],
    };
    const allowed = allowedWith[kind ?? "none"]!;
    for (const [key, { key: k }] of fields) {
      if (!allowed.includes(key))
        throw this.fail(k, `« ${key} » n'est pas permis avec ${kind ?? "next"} (« ${name} »)`);
    }
    const get = (key: string) => fields.get(key)?.node ?? null;
    switch (kind) {
      case undefined:
        if (!fields.has("next")) throw this.fail(keyNode, `l'étape « ${name} » ne fait rien`);
        return { kind: "none" };
      case "assign":
        return this.assign(get("assign"));
      case "call":
        return this.call(get("call"), fields.get("args")?.node, fields.get("result")?.node);
      case "switch":
        return this.switchAction(get("switch"));
      case "for":
        return this.forAction(get("for"));
      case "try":
        return this.tryAction(get("try"), fields.get("retry")?.node, fields.get("except")?.node);
      case "raise":
        return { kind: "raise", value: this.template(get("raise")) };
      case "return":
        return { kind: "return", value: this.template(get("return")) };
      case "steps":
        return { kind: "steps", steps: this.steps(get("steps"), "« steps »") };
    }
  }

  assign(node: Node | null): Action {
    if (!isSeq(node) || node.items.length === 0)
      throw this.fail(node, "« assign » doit être une liste non vide");
    const items = node.items.map((item) => {
      const entries = this.entries(item as Node, "une affectation");
      if (entries.length !== 1) throw this.fail(item as Node, "une affectation est une map à une seule clé");
      const [target, value, keyNode] = entries[0]!;
      const expr = this.expression(target, keyNode);
      if (rootVariable(expr) === undefined)
        throw this.fail(keyNode, `cible d'affectation invalide « ${target} »`);
      return { target: expr, value: this.template(value) };
    });
    return { kind: "assign", items };
  }

  call(node: Node | null, argsNode: Node | null | undefined, resultNode: Node | null | undefined): Action {
    if (!isScalar(node) || typeof node.value !== "string")
      throw this.fail(node, "« call » doit nommer une fonction");
    const fn = node.value;
    const known = CALLS[fn];
    if (!known && fn.includes(".")) {
      throw this.fail(node, `appel non pris en charge par le runner local : « ${fn} »`);
    }
    const args = argsNode === undefined ? undefined : this.template(argsNode);
    if (known) {
      if (args && args.kind !== "map") throw this.fail(argsNode, `« args » de ${fn} doit être une map`);
      const names = args?.kind === "map" ? args.entries.map(([k]) => k) : [];
      for (const n of names) {
        if (!known.allowed.includes(n))
          throw this.fail(argsNode, `argument « ${n} » non pris en charge pour ${fn}`);
      }
      for (const n of known.required) {
        if (!names.includes(n)) throw this.fail(node, `argument « ${n} » manquant pour ${fn}`);
      }
    }
    const result = resultNode === undefined ? undefined : this.name(resultNode, "« result »");
    return { kind: "call", fn, ...(args ? { args } : {}), ...(result ? { result } : {}) };
  }

  switchAction(node: Node | null): Action {
    if (!isSeq(node) || node.items.length === 0)
      throw this.fail(node, "« switch » doit être une liste de conditions");
    const branches = node.items.map((item): Branch => {
      const fields = new Map<string, Node | null>();
      for (const [key, value, k] of this.entries(item as Node, "une condition")) {
        if (!BRANCH_KEYS.has(key))
          throw this.fail(k, `« ${key} » n'est pas pris en charge dans une condition`);
        fields.set(key, value);
      }
      const conditionNode = fields.get("condition");
      if (conditionNode === undefined) throw this.fail(item as Node, "« condition » manquante");
      const condition = this.template(conditionNode);
      const expr: Expr =
        condition.kind === "expr"
          ? condition.expr
          : condition.kind === "literal"
            ? { kind: "literal", value: condition.value }
            : (() => {
                throw this.fail(conditionNode, "« condition » doit être une expression");
              })();
      const actions = ["steps", "assign", "return", "raise"].filter((k) => fields.has(k));
      if (actions.length > 1) throw this.fail(item as Node, `une condition combine ${actions.join(" et ")}`);
      if (actions.length === 0 && !fields.has("next"))
        throw this.fail(item as Node, "une condition sans effet");
      const kind = actions[0];
      const v = kind ? (fields.get(kind) ?? null) : null;
      const action: Action =
        kind === "steps"
          ? { kind: "steps", steps: this.steps(v, "« steps »") }
          : kind === "assign"
            ? this.assign(v)
            : kind === "return"
              ? { kind: "return", value: this.template(v) }
              : kind === "raise"
                ? { kind: "raise", value: this.template(v) }
                : { kind: "none" };
      if ((kind === "return" || kind === "raise") && fields.has("next")) {
        throw this.fail(item as Node, `« next » est inutile après ${kind}`);
      }
      const next = fields.get("next");
      return {
        line: this.lineOf(item as Node),
        condition: expr,
        action,
        ...(next !== undefined ? { next: this.nextTarget(next) } : {}),
      };
    });
    return { kind: "switch", branches };
  }

  forAction(node: Node | null): Action {
    const fields = new Map<string, Node | null>();
    for (const [key, value, k] of this.entries(node, "« for »")) {
      if (!["value", "index", "in", "range", "steps"].includes(key)) {
        throw this.fail(k, `« ${key} » n'est pas pris en charge dans « for »`);
      }
      fields.set(key, value);
    }
    if (fields.has("in") === fields.has("range"))
      throw this.fail(node, "« for » demande soit « in », soit « range »");
    const value = this.name(fields.get("value"), "« value »");
    const index = fields.has("index") ? this.name(fields.get("index"), "« index »") : undefined;
    let range: [Template, Template] | undefined;
    if (fields.has("range")) {
      const r = fields.get("range") ?? null;
      if (!isSeq(r) || r.items.length !== 2) throw this.fail(r, "« range » doit être [début, fin]");
      range = [this.template(r.items[0] as Node), this.template(r.items[1] as Node)];
    }
    return {
      kind: "for",
      value,
      ...(index ? { index } : {}),
      ...(fields.has("in") ? { in: this.template(fields.get("in")) } : {}),
      ...(range ? { range } : {}),
      steps: this.steps(fields.get("steps"), "« steps » de « for »"),
    };
  }

  tryAction(
    node: Node | null,
    retryNode: Node | null | undefined,
    exceptNode: Node | null | undefined,
  ): Action {
    let body: Step[];
    const tryFields = this.entries(node, "« try »");
    if (tryFields.length === 1 && tryFields[0]![0] === "steps") {
      body = this.steps(tryFields[0]![1], "« steps » de « try »");
    } else {
      // A single-step body, as Cloud Workflows allows (`try: {call: ..., args: ..., result: ...}`).
      body = [this.step("try", node, node as Node)];
    }
    const retry = retryNode === undefined ? undefined : this.retry(retryNode);
    let except: { as?: string; steps: Step[] } | undefined;
    if (exceptNode !== undefined) {
      const fields = new Map<string, Node | null>();
      for (const [key, value, k] of this.entries(exceptNode, "« except »")) {
        if (key !== "as" && key !== "steps")
          throw this.fail(k, `« ${key} » n'est pas pris en charge dans « except »`);
        fields.set(key, value);
      }
      const as = fields.has("as") ? this.name(fields.get("as"), "« as »") : undefined;
      except = { ...(as ? { as } : {}), steps: this.steps(fields.get("steps"), "« steps » de « except »") };
    }
    if (!retry && !except) throw this.fail(node, "« try » sans « retry » ni « except »");
    return { kind: "try", body, ...(retry ? { retry } : {}), ...(except ? { except } : {}) };
  }

  predicate(node: Node | null | undefined): RetryPolicy["predicate"] {
    const inner = expressionText(node);
    if (inner === "http.default_retry_predicate") return { kind: "default" };
    if (inner === "http.default_retry_predicate_non_idempotent") return { kind: "non-idempotent" };
    if (inner !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(inner))
      return { kind: "subworkflow", name: inner };
    throw this.fail(node, "prédicat de « retry » non pris en charge");
  }

  retry(node: Node | null): RetryPolicy {
    if (isScalar(node) && typeof node.value === "string") {
      const inner = expressionText(node);
      if (inner === "http.default_retry")
        return { predicate: { kind: "default" }, maxRetries: 5, ...DEFAULT_BACKOFF };
      if (inner === "http.default_retry_non_idempotent") {
        return { predicate: { kind: "non-idempotent" }, maxRetries: 5, ...DEFAULT_BACKOFF };
      }
      throw this.fail(node, `politique de « retry » non prise en charge : « ${node.value} »`);
    }
    const fields = new Map<string, Node | null>();
    for (const [key, value, k] of this.entries(node, "« retry »")) {
      if (!["predicate", "max_retries", "backoff"].includes(key)) {
        throw this.fail(k, `« ${key} » n'est pas pris en charge dans « retry »`);
      }
      fields.set(key, value);
    }
    const backoff = { ...DEFAULT_BACKOFF };
    if (fields.has("backoff")) {
      for (const [key, value, k] of this.entries(fields.get("backoff"), "« backoff »")) {
        if (key === "initial_delay") backoff.initialDelay = this.number(value, key);
        else if (key === "max_delay") backoff.maxDelay = this.number(value, key);
        else if (key === "multiplier") backoff.multiplier = this.number(value, key);
        else throw this.fail(k, `« ${key} » n'est pas pris en charge dans « backoff »`);
      }
    }
    if (!fields.has("predicate")) throw this.fail(node, "« predicate » manquant dans « retry »");
    return {
      predicate: this.predicate(fields.get("predicate")),
      maxRetries: fields.has("max_retries") ? this.number(fields.get("max_retries"), "max_retries") : 5,
      ...backoff,
    };
  }

  params(node: Node | null | undefined): Param[] {
    if (node === undefined) return [];
    if (!isSeq(node)) throw this.fail(node, "« params » doit être une liste");
    return node.items.map((item) => {
      if (isScalar(item)) return { name: this.name(item, "un paramètre") };
      const entries = this.entries(item as Node, "un paramètre");
      if (entries.length !== 1)
        throw this.fail(item as Node, "un paramètre avec valeur par défaut s'écrit « nom: valeur »");
      const [, value, k] = entries[0]!;
      return { name: this.name(k, "un paramètre"), default: this.template(value) };
    });
  }
}

/** The text inside a whole-value `${...}`, without spaces; undefined for anything else. */
function expressionText(node: Node | null | undefined): string | undefined {
  if (!isScalar(node) || typeof node.value !== "string") return undefined;
  return /^\$\{([\s\S]*)\}$/.exec(node.value)?.[1]?.replace(/\s/g, "");
}

/** Checks every `next`, `break` and `continue` against the blocks that enclose it. */
function checkJumps(
  block: Block,
  subworkflows: ReadonlySet<string>,
  fail: (line: number, m: string) => Error,
): void {
  const inLoop = (b: Block | undefined): boolean => {
    for (let cur = b; cur; cur = cur.parent) {
      if (cur.boundary === "for") return true;
      if (cur.boundary === "subworkflow") return false;
    }
    return false;
  };
  const reachable = (b: Block, target: string): boolean => {
    for (let cur: Block | undefined = b; cur; cur = cur.parent) {
      if (cur.steps.some((s) => s.name === target)) return true;
      if (cur.boundary !== "nested") return false;
    }
    return false;
  };
  const checkNext = (b: Block, target: string | undefined, line: number) => {
    if (target === undefined || target === "end") return;
    if (target === "break" || target === "continue") {
      if (!inLoop(b)) throw fail(line, `« next: ${target} » hors d'une boucle « for »`);
      return;
    }
    if (!reachable(b, target)) {
      throw fail(
        line,
        `« next: ${target} » : étape introuvable dans ce bloc ou un bloc englobant accessible`,
      );
    }
  };
  const visitAction = (b: Block, action: Action, line: number) => {
    const child = (steps: readonly Step[], boundary: Block["boundary"]) =>
      checkJumps({ steps, boundary, parent: b }, subworkflows, fail);
    if (action.kind === "steps") child(action.steps, "nested");
    if (action.kind === "for") child(action.steps, "for");
    if (action.kind === "try") {
      child(action.body, "try");
      if (action.except) child(action.except.steps, "except");
      if (action.retry?.predicate.kind === "subworkflow" && !subworkflows.has(action.retry.predicate.name)) {
        throw fail(line, `prédicat « ${action.retry.predicate.name} » : sous-workflow introuvable`);
      }
    }
    if (action.kind === "switch") {
      for (const branch of action.branches) {
        checkNext(b, branch.next, branch.line);
        if (branch.action.kind === "steps") child(branch.action.steps, "nested");
      }
    }
    if (action.kind === "call" && !CALLS[action.fn] && !subworkflows.has(action.fn)) {
      throw fail(line, `« call: ${action.fn} » : ni fonction prise en charge ni sous-workflow`);
    }
  };
  for (const step of block.steps) {
    checkNext(block, step.next, step.line);
    visitAction(block, step.action, step.line);
  }
}

/** Parses and checks a definition; `file` only names it in error messages. */
export function loadDefinition(source: string, file = "workflow.yaml"): Definition {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true });
  const loader = new Loader(lines, file);
  const firstError = doc.errors[0];
  if (firstError) {
    const line = lines.linePos(firstError.pos[0]).line;
    throw new DefinitionError(
      `${file}, ligne ${line} : YAML invalide (${firstError.message.split("\n")[0]})`,
    );
  }
  const root = doc.contents as Node | null;
  const subworkflows = new Map<string, Subworkflow>();
  if (isSeq(root)) {
    subworkflows.set("main", {
      name: "main",
      line: loader.lineOf(root),
      params: [],
      steps: loader.steps(root, "main"),
    });
  } else {
    for (const [name, body, keyNode] of loader.entries(root, "la définition")) {
      const fields = new Map<string, Node | null>();
      for (const [key, value, k] of loader.entries(body, `le sous-workflow « ${name} »`)) {
        if (key !== "params" && key !== "steps") {
          throw loader.fail(k, `« ${key} » n'est pas pris en charge dans un sous-workflow`);
        }
        fields.set(key, value);
      }
      subworkflows.set(name, {
        name,
        line: loader.lineOf(keyNode),
        params: loader.params(fields.get("params")),
        steps: loader.steps(fields.get("steps"), `« steps » de « ${name} »`),
      });
    }
  }
  const main = subworkflows.get("main");
  if (!main) throw new DefinitionError(`${file} : sous-workflow « main » manquant`);
  if (main.params.length > 1)
    throw loader.fail(root, "« main » accepte au plus un paramètre (les arguments)");
  const names = new Set(subworkflows.keys());
  for (const sub of subworkflows.values()) {
    checkJumps({ steps: sub.steps, boundary: "subworkflow" }, names, (line, message) => {
      return new DefinitionError(`${file}, ligne ${line} : ${message}`);
    });
  }
  return { subworkflows };
}
