/**
 * Runs a loaded definition. The interpreter itself is deterministic: everything that is not
 * (time, HTTP, sleeps, callbacks) goes through `Effects`, which the runner journals and replays.
 */
import type { Action, Definition, RetryPolicy, Step, Subworkflow, Template } from "./definition.js";
import { asMap, type Expr, type ExpressionContext, evaluate, getKey } from "./expression.js";
import { hasTag, isMap, type MapValue, RaisedError, runtimeError, typeName, type Value } from "./values.js";

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Value;
  readonly timeoutSeconds: number;
}

export interface Effects {
  /** Seconds since the epoch. */
  now(): number;
  /** Answers `{body, code, headers}`; raises an `HttpError` map for a non-2xx answer, as the cloud does. */
  http(request: HttpRequest): Promise<Value>;
  sleep(seconds: number): Promise<void>;
  sleepUntil(epochMs: number): Promise<void>;
  createCallback(method: string): Value;
  awaitCallback(callback: Value, timeoutSeconds: number): Promise<Value>;
  log(severity: string, payload: Value): void;
  env(name: string): Value;
  /** Told of every step about to run (name of the subworkflow and of the step). */
  step(subworkflow: string, step: string): void;
}

type Signal =
  | { readonly t: "normal" }
  | { readonly t: "goto"; readonly target: string }
  | { readonly t: "break" }
  | { readonly t: "continue" }
  | { readonly t: "end" }
  | { readonly t: "return"; readonly value: Value };

const NORMAL: Signal = { t: "normal" };
const MAX_STEPS = 100_000;
const RETRYABLE_CODES = new Set([429, 502, 503, 504]);
const RETRYABLE_TAGS = ["ConnectionError", "ConnectionFailedError", "TimeoutError"];

class Scope {
  private readonly vars = new Map<string, Value>();

  constructor(private readonly parent?: Scope) {}

  find(name: string): Scope | undefined {
    if (this.vars.has(name)) return this;
    return this.parent?.find(name);
  }

  get(name: string): Value {
    const owner = this.find(name);
    if (!owner) throw runtimeError("KeyError", `variable non définie : ${name}`);
    return owner.vars.get(name)!;
  }

  /** Updates the variable where it lives; a new variable belongs to this scope (a loop body's are local). */
  set(name: string, value: Value): void {
    (this.find(name) ?? this).vars.set(name, value);
  }

  define(name: string, value: Value): void {
    this.vars.set(name, value);
  }
}

function clone(value: Value): Value {
  return value === null || typeof value !== "object" ? value : structuredClone(value);
}

export class Interpreter {
  private steps = 0;

  constructor(
    private readonly definition: Definition,
    private readonly effects: Effects,
  ) {}

  /** Runs `main` with the execution's arguments; answers its result, or throws a `RaisedError`. */
  async run(args: Value): Promise<Value> {
    const main = this.definition.subworkflows.get("main")!;
    const params: MapValue = {};
    if (main.params[0]) params[main.params[0].name] = args;
    return this.callSubworkflow(main, params);
  }

  private context(scope: Scope): ExpressionContext {
    return {
      lookup: (name) => scope.get(name),
      now: () => this.effects.now(),
      env: (name) => this.effects.env(name),
    };
  }

  private eval(expr: Expr, scope: Scope): Value {
    return evaluate(expr, this.context(scope));
  }

  private template(template: Template, scope: Scope): Value {
    switch (template.kind) {
      case "literal":
        return clone(template.value);
      case "expr":
        return clone(this.eval(template.expr, scope));
      case "list":
        return template.items.map((item) => this.template(item, scope));
      case "map": {
        const out: MapValue = {};
        for (const [key, item] of template.entries) out[key] = this.template(item, scope);
        return out;
      }
    }
  }

  private async callSubworkflow(sub: Subworkflow, args: MapValue): Promise<Value> {
    const scope = new Scope();
    for (const key of Object.keys(args)) {
      if (!sub.params.some((p) => p.name === key)) {
        throw runtimeError("TypeError", `${sub.name} : paramètre inconnu « ${key} »`);
      }
    }
    for (const param of sub.params) {
      if (Object.hasOwn(args, param.name)) scope.define(param.name, args[param.name]!);
      else if (param.default) scope.define(param.name, this.template(param.default, scope));
      else throw runtimeError("TypeError", `${sub.name} : paramètre « ${param.name} » manquant`);
    }
    const signal = await this.runSteps(sub.steps, scope, sub.name);
    return signal.t === "return" ? signal.value : null;
  }

  private async runSteps(steps: readonly Step[], scope: Scope, sub: string): Promise<Signal> {
    let i = 0;
    while (i < steps.length) {
      const step = steps[i]!;
      if (++this.steps > MAX_STEPS) {
        throw runtimeError("ResourceLimitError", `plus de ${MAX_STEPS} étapes exécutées`);
      }
      this.effects.step(sub, step.name);
      let signal = await this.runAction(step.action, scope, sub);
      if (signal.t === "normal" && step.next !== undefined) signal = jump(step.next);
      if (signal.t === "normal") {
        i++;
        continue;
      }
      if (signal.t === "goto") {
        const target = steps.findIndex((s) => s.name === signal.target);
        if (target >= 0) {
          i = target;
          continue;
        }
      }
      return signal;
    }
    return NORMAL;
  }

  private async runAction(action: Action, scope: Scope, sub: string): Promise<Signal> {
    switch (action.kind) {
      case "none":
        return NORMAL;
      case "assign":
        for (const item of action.items) this.assign(item.target, this.template(item.value, scope), scope);
        return NORMAL;
      case "call": {
        const result = await this.call(action.fn, action.args ? this.template(action.args, scope) : null);
        if (action.result) scope.set(action.result, result);
        return NORMAL;
      }
      case "switch":
        for (const branch of action.branches) {
          const condition = this.eval(branch.condition, scope);
          if (typeof condition !== "boolean") {
            throw runtimeError(
              "TypeError",
              `condition de type ${typeName(condition)} (ligne ${branch.line})`,
            );
          }
          if (!condition) continue;
          const signal = await this.runAction(branch.action, scope, sub);
          if (signal.t === "normal" && branch.next !== undefined) return jump(branch.next);
          return signal;
        }
        return NORMAL;
      case "for":
        return this.runFor(action, scope, sub);
      case "try":
        return this.runTry(action, scope, sub);
      case "raise":
        throw new RaisedError(this.template(action.value, scope));
      case "return":
        return { t: "return", value: this.template(action.value, scope) };
      case "steps":
        return this.runSteps(action.steps, scope, sub);
    }
  }

  private assign(target: Expr, value: Value, scope: Scope): void {
    if (target.kind === "variable") {
      scope.set(target.name, value);
      return;
    }
    if (target.kind !== "member" && target.kind !== "index")
      throw runtimeError("TypeError", "cible invalide");
    const container = this.eval(target.object, scope);
    const key = target.kind === "member" ? target.name : this.eval(target.index, scope);
    if (Array.isArray(container)) {
      if (typeof key !== "number" || !Number.isInteger(key) || key < 0 || key >= container.length) {
        throw runtimeError("IndexError", `index de liste hors limites : ${JSON.stringify(key)}`);
      }
      container[key] = value;
      return;
    }
    if (!isMap(container) || typeof key !== "string") {
      throw runtimeError("TypeError", `affectation dans une valeur de type ${typeName(container)}`);
    }
    container[key] = value;
  }

  private async runFor(action: Extract<Action, { kind: "for" }>, scope: Scope, sub: string): Promise<Signal> {
    let items: Value[];
    if (action.in) {
      const list = this.template(action.in, scope);
      if (!Array.isArray(list))
        throw runtimeError("TypeError", `« for ... in » sur une valeur de type ${typeName(list)}`);
      items = list;
    } else {
      const [from, to] = action.range!.map((t) => this.template(t, scope));
      if (typeof from !== "number" || typeof to !== "number")
        throw runtimeError("TypeError", "« range » non numérique");
      items = [];
      for (let v = from; v <= to; v++) items.push(v);
    }
    for (const [index, item] of items.entries()) {
      const body = new Scope(scope);
      body.define(action.value, item);
      if (action.index) body.define(action.index, index);
      const signal = await this.runSteps(action.steps, body, sub);
      if (signal.t === "break") break;
      if (signal.t === "normal" || signal.t === "continue") continue;
      return signal;
    }
    return NORMAL;
  }

  private async runTry(action: Extract<Action, { kind: "try" }>, scope: Scope, sub: string): Promise<Signal> {
    let attempt = 0;
    for (;;) {
      try {
        return await this.runSteps(action.body, scope, sub);
      } catch (error) {
        if (!(error instanceof RaisedError)) throw error;
        if (
          action.retry &&
          attempt < action.retry.maxRetries &&
          (await this.retryable(action.retry, error.value))
        ) {
          const { initialDelay, multiplier, maxDelay } = action.retry;
          await this.effects.sleep(Math.min(initialDelay * multiplier ** attempt, maxDelay));
          attempt++;
          continue;
        }
        if (!action.except) throw error;
        if (action.except.as) scope.set(action.except.as, error.value);
        return this.runSteps(action.except.steps, scope, sub);
      }
    }
  }

  private async retryable(policy: RetryPolicy, error: Value): Promise<boolean> {
    const predicate = policy.predicate;
    if (predicate.kind === "subworkflow") {
      const sub = this.definition.subworkflows.get(predicate.name)!;
      const param = sub.params[0];
      const verdict = await this.callSubworkflow(sub, param ? { [param.name]: error } : {});
      if (typeof verdict !== "boolean") {
        throw runtimeError("TypeError", `le prédicat ${predicate.name} doit renvoyer un booléen`);
      }
      return verdict;
    }
    const code = isMap(error) ? error.code : undefined;
    if (predicate.kind === "non-idempotent") return code === 429 || code === 503;
    return (
      (typeof code === "number" && RETRYABLE_CODES.has(code)) || RETRYABLE_TAGS.some((t) => hasTag(error, t))
    );
  }

  private async call(fn: string, argsValue: Value): Promise<Value> {
    const args = argsValue === null ? {} : asMap(argsValue, "args");
    const sub = this.definition.subworkflows.get(fn);
    if (sub) return this.callSubworkflow(sub, args);
    switch (fn) {
      case "http.get":
      case "http.post":
      case "http.put":
      case "http.patch":
      case "http.delete":
      case "http.request":
        return this.effects.http(httpRequest(fn, args));
      case "sys.sleep": {
        const seconds = args.seconds;
        if (typeof seconds !== "number" || seconds < 0)
          throw runtimeError("ValueError", "sys.sleep : « seconds » invalide");
        await this.effects.sleep(seconds);
        return null;
      }
      case "sys.sleep_until": {
        const time = args.time;
        if (typeof time !== "string")
          throw runtimeError("TypeError", "sys.sleep_until : « time » doit être une chaîne");
        const at = this.eval(
          { kind: "call", fn: "time.parse", args: [{ kind: "literal", value: time }] },
          new Scope(),
        );
        await this.effects.sleepUntil((at as number) * 1000);
        return null;
      }
      case "sys.now":
        return this.effects.now();
      case "sys.log":
        this.effects.log(
          typeof args.severity === "string" ? args.severity : "DEFAULT",
          args.text ?? args.json ?? args.data ?? null,
        );
        return null;
      case "events.create_callback_endpoint": {
        const method = args.http_callback_method ?? "POST";
        if (typeof method !== "string")
          throw runtimeError("TypeError", "http_callback_method doit être une chaîne");
        return this.effects.createCallback(method.toUpperCase());
      }
      case "events.await_callback": {
        const timeout = args.timeout ?? 43_200;
        if (typeof timeout !== "number" || timeout < 0)
          throw runtimeError("ValueError", "await_callback : « timeout » invalide");
        return this.effects.awaitCallback(args.callback ?? null, timeout);
      }
      default:
        throw runtimeError("TypeError", `appel inconnu ${fn}`);
    }
  }
}

function jump(target: string): Signal {
  if (target === "end") return { t: "end" };
  if (target === "break") return { t: "break" };
  if (target === "continue") return { t: "continue" };
  return { t: "goto", target };
}

function httpRequest(fn: string, args: MapValue): HttpRequest {
  const method =
    fn === "http.request" ? String(getKey(args, "method")).toUpperCase() : fn.slice(5).toUpperCase();
  const url = args.url;
  if (typeof url !== "string") throw runtimeError("TypeError", `${fn} : « url » doit être une chaîne`);
  const target = new URL(url);
  if (args.query !== undefined && args.query !== null) {
    for (const [key, value] of Object.entries(asMap(args.query, "query"))) {
      target.searchParams.append(key, typeof value === "string" ? value : JSON.stringify(value));
    }
  }
  const headers: Record<string, string> = {};
  if (args.headers !== undefined && args.headers !== null) {
    for (const [key, value] of Object.entries(asMap(args.headers, "headers"))) {
      headers[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  // The cloud signs the request with an OIDC or OAuth2 token; locally the function trusts the runner.
  if (args.auth !== undefined && args.auth !== null) {
    const type = asMap(args.auth, "auth").type;
    if (type !== "OIDC" && type !== "OAuth2")
      throw runtimeError("ValueError", "auth.type doit être OIDC ou OAuth2");
  }
  const timeout = args.timeout ?? 300;
  if (typeof timeout !== "number" || timeout <= 0 || timeout > 1800) {
    throw runtimeError("ValueError", `${fn} : « timeout » doit être entre 0 et 1800 secondes`);
  }
  return {
    method,
    url: target.toString(),
    headers,
    ...(args.body !== undefined ? { body: args.body } : {}),
    timeoutSeconds: timeout,
  };
}
