/**
 * The local workflow runner: executes Cloud Workflows definitions on one machine, keeps every
 * execution on disk, and resumes after a restart.
 *
 * Durability is event-sourced: an execution journals each non-deterministic result (time read,
 * HTTP answer, sleep deadline, callback received or timed out) before using it. To resume, the
 * runner re-runs the definition from the start, answering those calls from the journal, then
 * continues live once the journal is exhausted. An HTTP call in flight when the process died was
 * never journaled, so it is made again (the workflow's steps are idempotent).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, extname, resolve } from "node:path";
import { RealClock, type SchedulerClock } from "./clock.js";
import { type Definition, loadDefinition } from "./definition.js";
import { type Effects, type HttpRequest, Interpreter } from "./interpreter.js";
import { type Delivery, ExecutionStore, type HttpResponse, type JournalEntry } from "./store.js";
import { isMap, type MapValue, RaisedError, runtimeError, toValue, type Value } from "./values.js";

export type ExecutionState = "ACTIVE" | "SUCCEEDED" | "FAILED";

export interface ExecutionInfo {
  readonly id: string;
  readonly workflow: string;
  readonly args: Value;
  readonly state: ExecutionState;
  /** True while this runner is driving it; an ACTIVE execution that is not running awaits `resume`. */
  readonly running: boolean;
  readonly createdAt: Date;
  readonly endedAt?: Date;
  readonly result?: Value;
  readonly error?: Value;
}

/** What happens, live (never during a replay): for a timeline, a log, a test. */
export type RunnerEvent =
  | {
      readonly type: "step";
      readonly executionId: string;
      readonly subworkflow: string;
      readonly step: string;
    }
  | { readonly type: "log"; readonly executionId: string; readonly severity: string; readonly payload: Value }
  | { readonly type: "http"; readonly executionId: string; readonly method: string; readonly url: string }
  | { readonly type: "sleep"; readonly executionId: string; readonly until: Date }
  | {
      readonly type: "await";
      readonly executionId: string;
      readonly callbackId: string;
      readonly deadline: Date;
    }
  | { readonly type: "callback"; readonly executionId: string; readonly callbackId: string }
  | { readonly type: "end"; readonly executionId: string; readonly state: ExecutionState };

export interface RunnerOptions {
  /** Where executions are kept; a runner opened on the same folder resumes them. */
  readonly stateDir: string;
  readonly clock?: SchedulerClock;
  /** Interface and port of the callback server (default 127.0.0.1, a free port). */
  readonly host?: string;
  readonly port?: number;
  readonly onEvent?: (event: RunnerEvent) => void;
}

export interface ExecutionFilter {
  /** Executions whose arguments carry this `event` id. */
  readonly event?: string;
  readonly workflow?: string;
  readonly state?: ExecutionState;
}

/** Thrown inside an execution when its runner is closed (the process "dies"): nothing more is written. */
class Stopped extends Error {
  override name = "Stopped";
}

interface Waiter {
  readonly callback: string;
  deliver(delivery: Delivery): void;
}

interface Live {
  readonly id: string;
  readonly journal: JournalEntry[];
  readonly deliveries: Delivery[];
  stopped: boolean;
  release: () => void;
  waiter?: Waiter | undefined;
  abort?: ((error: Error) => void) | undefined;
  done?: Promise<ExecutionInfo>;
}

const MAX_CALLBACK_BODY = 1024 * 1024;

function responseValue(response: HttpResponse): Value {
  return { body: response.body, code: response.code, headers: response.headers };
}

function httpError(response: HttpResponse): RaisedError {
  return new RaisedError({
    message: `HTTP server responded with error code ${response.code}`,
    code: response.code,
    headers: response.headers,
    body: response.body,
    tags: ["HttpError"],
  });
}

function parseBody(text: string, contentType: string | null | undefined): Value {
  if (text.length === 0) return null;
  if (contentType?.includes("json")) {
    try {
      return toValue(JSON.parse(text));
    } catch {
      return text;
    }
  }
  return text;
}

/** The journal and the world, seen from one execution. */
class JournaledEffects implements Effects {
  private pos = 0;
  private readonly callbacks = new Map<string, string>();
  private readonly consumed = new Set<number>();

  constructor(
    private readonly runner: WorkflowRunner,
    private readonly live: Live,
    private readonly clock: SchedulerClock,
  ) {}

  get replaying(): boolean {
    return this.pos < this.live.journal.length;
  }

  private check(): void {
    if (this.live.stopped) throw new Stopped();
  }

  private take<K extends JournalEntry["k"]>(...kinds: K[]): Extract<JournalEntry, { k: K }> | undefined {
    this.check();
    const entry = this.live.journal[this.pos];
    if (!entry) return undefined;
    if (!kinds.includes(entry.k as K)) {
      throw new Error(
        `Le journal de ${this.live.id} diverge : « ${entry.k} » enregistré, « ${kinds.join("|")} » attendu`,
      );
    }
    this.pos++;
    return entry as Extract<JournalEntry, { k: K }>;
  }

  record<E extends JournalEntry>(entry: E): E {
    this.check();
    this.runner.store.append(this.live.id, entry);
    this.live.journal.push(entry);
    this.pos = this.live.journal.length;
    return entry;
  }

  private emit(event: RunnerEvent): void {
    if (!this.replaying) this.runner.emit(event);
  }

  now(): number {
    const entry = this.take("now") ?? this.record({ k: "now", at: this.clock.now() });
    return entry.at / 1000;
  }

  env(name: string): Value {
    if (name === "GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID") return this.live.id;
    if (name === "GOOGLE_CLOUD_WORKFLOW_ID") return this.live.id.split("-")[0] ?? null;
    return null;
  }

  step(subworkflow: string, step: string): void {
    this.check();
    this.emit({ type: "step", executionId: this.live.id, subworkflow, step });
  }

  log(severity: string, payload: Value): void {
    this.emit({ type: "log", executionId: this.live.id, severity, payload });
  }

  async http(request: HttpRequest): Promise<Value> {
    const replayed = this.take("http");
    if (replayed) {
      if (replayed.method !== request.method || replayed.url !== request.url) {
        throw new Error(
          `Le journal de ${this.live.id} diverge : ${replayed.method} ${replayed.url} enregistré`,
        );
      }
      return this.outcome(replayed);
    }
    this.emit({ type: "http", executionId: this.live.id, method: request.method, url: request.url });
    const outcome = await this.fetch(request);
    return this.outcome(this.record({ k: "http", method: request.method, url: request.url, ...outcome }));
  }

  private outcome(entry: Extract<JournalEntry, { k: "http" }>): Value {
    if (entry.response) {
      if (entry.response.code < 200 || entry.response.code > 299) throw httpError(entry.response);
      return responseValue(entry.response);
    }
    throw new RaisedError(entry.error ?? null);
  }

  private async fetch(request: HttpRequest): Promise<{ response: HttpResponse } | { error: Value }> {
    const headers: Record<string, string> = { ...request.headers };
    let body: string | undefined;
    if (request.body !== undefined && request.body !== null) {
      body = typeof request.body === "string" ? request.body : JSON.stringify(request.body);
      if (
        typeof request.body !== "string" &&
        !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")
      ) {
        headers["Content-Type"] = "application/json";
      }
    }
    try {
      const res = await fetch(request.url, {
        method: request.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(request.timeoutSeconds * 1000),
      });
      const text = await res.text();
      return {
        response: {
          code: res.status,
          headers: Object.fromEntries(res.headers.entries()),
          body: parseBody(text, res.headers.get("content-type")),
        },
      };
    } catch (error) {
      this.check();
      const name = error instanceof Error ? error.name : "";
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (name === "TimeoutError" || name === "AbortError") {
        return { error: { message: `HTTP request timed out: ${request.url}`, tags: ["TimeoutError"] } };
      }
      const tag = code === "ECONNREFUSED" ? "ConnectionFailedError" : "ConnectionError";
      return { error: { message: `HTTP request failed (${code ?? name}): ${request.url}`, tags: [tag] } };
    }
  }

  async sleep(seconds: number): Promise<void> {
    const entry = this.take("sleep") ?? this.record({ k: "sleep", until: this.clock.now() + seconds * 1000 });
    await this.waitUntil(entry.until);
  }

  async sleepUntil(epochMs: number): Promise<void> {
    const entry = this.take("sleep") ?? this.record({ k: "sleep", until: epochMs });
    await this.waitUntil(entry.until);
  }

  private async waitUntil(until: number): Promise<void> {
    if (until <= this.clock.now()) return;
    this.emit({ type: "sleep", executionId: this.live.id, until: new Date(until) });
    await this.runner.idle(this.live, (wake) => this.clock.setTimer(until, () => wake(undefined)));
    this.check();
  }

  createCallback(method: string): Value {
    const entry =
      this.take("callback-endpoint") ??
      this.record({ k: "callback-endpoint", id: randomBytes(12).toString("hex"), method });
    this.callbacks.set(entry.id, entry.method);
    return { url: this.runner.callbackUrl(this.live.id, entry.id) };
  }

  async awaitCallback(callback: Value, timeoutSeconds: number): Promise<Value> {
    const url = isMap(callback) ? callback.url : undefined;
    const id = typeof url === "string" ? url.split("/").pop() : undefined;
    if (id === undefined || !this.callbacks.has(id)) {
      throw runtimeError(
        "ValueError",
        "events.await_callback : « callback » ne vient pas de create_callback_endpoint",
      );
    }
    const started =
      this.take("await") ??
      this.record({ k: "await", callback: id, deadline: this.clock.now() + timeoutSeconds * 1000 });
    const replayed = this.take("callback", "callback-timeout");
    if (replayed) return this.callbackOutcome(replayed);
    const queued = this.live.deliveries.find((d) => d.callback === id && !this.consumed.has(d.delivery));
    if (queued) return this.callbackOutcome(this.received(queued));
    this.emit({
      type: "await",
      executionId: this.live.id,
      callbackId: id,
      deadline: new Date(started.deadline),
    });
    const outcome = await this.runner.idle<Delivery | "timeout">(this.live, (wake) => {
      const cancel = this.clock.setTimer(started.deadline, () => {
        this.live.waiter = undefined;
        wake("timeout");
      });
      this.live.waiter = {
        callback: id,
        deliver: (delivery) => {
          cancel();
          this.live.waiter = undefined;
          wake(delivery);
        },
      };
      return () => {
        cancel();
        this.live.waiter = undefined;
      };
    });
    this.check();
    if (outcome === "timeout")
      return this.callbackOutcome(this.record({ k: "callback-timeout", callback: id }));
    this.emit({ type: "callback", executionId: this.live.id, callbackId: id });
    return this.callbackOutcome(this.received(outcome));
  }

  private received(delivery: Delivery): Extract<JournalEntry, { k: "callback" }> {
    return this.record({
      k: "callback",
      callback: delivery.callback,
      delivery: delivery.delivery,
      request: delivery.request,
    });
  }

  private callbackOutcome(entry: Extract<JournalEntry, { k: "callback" | "callback-timeout" }>): Value {
    if (entry.k === "callback-timeout") {
      throw runtimeError("TimeoutError", "Timeout waiting for a callback", { callback: entry.callback });
    }
    this.consumed.add(entry.delivery);
    return entry.request;
  }
}

export class WorkflowRunner {
  readonly store: ExecutionStore;
  private readonly clock: SchedulerClock;
  private readonly live = new Map<string, Live>();
  private readonly onEvent: ((event: RunnerEvent) => void) | undefined;
  private server?: Server | undefined;
  private base = "";

  private constructor(options: RunnerOptions) {
    this.store = new ExecutionStore(options.stateDir);
    this.clock = options.clock ?? new RealClock();
    this.onEvent = options.onEvent;
  }

  /** Opens the state folder and starts the callback server. Executions stay paused until `resume`. */
  static async open(options: RunnerOptions): Promise<WorkflowRunner> {
    const runner = new WorkflowRunner(options);
    await runner.listen(options.host ?? "127.0.0.1", options.port ?? 0);
    return runner;
  }

  /** The base of callback URLs, e.g. `http://127.0.0.1:8089`. */
  get baseUrl(): string {
    return this.base;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  callbackUrl(executionId: string, callbackId: string): string {
    return `${this.base}/callbacks/${executionId}/${callbackId}`;
  }

  emit(event: RunnerEvent): void {
    this.onEvent?.(event);
  }

  /**
   * Starts an execution of the definition with the given runtime arguments. The definition is
   * checked first: anything outside the supported subset is refused here, nothing is written.
   */
  startExecution(definitionPath: string, args: Value): ExecutionInfo {
    const path = resolve(definitionPath);
    const source = readFileSync(path, "utf8");
    loadDefinition(source, basename(path));
    const workflow = basename(path, extname(path)).replace(/[^A-Za-z0-9]+/g, "_");
    const createdAt = this.clock.now();
    const stamp = new Date(createdAt).toISOString().replace(/[-:]/g, "").slice(0, 15);
    const id = `${workflow}-${stamp}-${randomBytes(4).toString("hex")}`;
    this.store.create({ id, workflow, definitionPath: basename(path), args, createdAt }, source);
    this.launch(id);
    return this.status(id);
  }

  /** Resumes an execution left ACTIVE by a previous process: replays its journal, then goes on live. */
  resume(executionId: string): ExecutionInfo {
    const info = this.status(executionId);
    if (info.state === "ACTIVE" && !this.live.has(executionId)) this.launch(executionId);
    return this.status(executionId);
  }

  /** Resumes every execution left ACTIVE. */
  resumeAll(): ExecutionInfo[] {
    return this.list({ state: "ACTIVE" }).map((info) => this.resume(info.id));
  }

  status(executionId: string): ExecutionInfo {
    const record = this.store.record(executionId);
    const journal = this.live.get(executionId)?.journal ?? this.store.journal(executionId);
    const end = journal.at(-1);
    const ended = end?.k === "end" ? end : undefined;
    return {
      id: record.id,
      workflow: record.workflow,
      args: record.args,
      state: ended?.state ?? "ACTIVE",
      running: this.live.has(executionId),
      createdAt: new Date(record.createdAt),
      ...(ended ? { endedAt: new Date(ended.at) } : {}),
      ...(ended?.result !== undefined ? { result: ended.result } : {}),
      ...(ended?.error !== undefined ? { error: ended.error } : {}),
    };
  }

  list(filter: ExecutionFilter = {}): ExecutionInfo[] {
    return this.store
      .ids()
      .map((id) => this.status(id))
      .filter(
        (info) =>
          (filter.state === undefined || info.state === filter.state) &&
          (filter.workflow === undefined || info.workflow === filter.workflow) &&
          (filter.event === undefined || (isMap(info.args) && info.args.event === filter.event)),
      );
  }

  /** Resolves when the execution ends (or when this runner is closed while it runs). */
  async wait(executionId: string): Promise<ExecutionInfo> {
    const live = this.live.get(executionId);
    return live?.done ?? this.status(executionId);
  }

  /**
   * Stops at once, as a killed process would: the server closes, running executions stop where
   * they are and write nothing more; their state on disk is what a new runner resumes from.
   */
  async close(): Promise<void> {
    for (const live of this.live.values()) {
      live.stopped = true;
      live.abort?.(new Stopped());
      live.release();
    }
    this.live.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
  }

  /**
   * Waits, idle (simulated time may move), until `arm`'s wake-up fires. The execution holds the
   * clock again inside the wake-up itself, so time cannot move between the wake-up and its work.
   */
  async idle<T>(live: Live, arm: (wake: (value: T) => void) => () => void): Promise<T> {
    live.release();
    try {
      return await new Promise<T>((resolvePromise, reject) => {
        const disarm = arm((value) => {
          live.abort = undefined;
          if (live.stopped) return;
          live.release = this.clock.hold();
          resolvePromise(value);
        });
        live.abort = (error) => {
          disarm();
          reject(error);
        };
      });
    } finally {
      live.abort = undefined;
    }
  }

  private launch(id: string): void {
    const live: Live = {
      id,
      journal: this.store.journal(id),
      deliveries: this.store.deliveries(id),
      stopped: false,
      release: this.clock.hold(),
    };
    this.live.set(id, live);
    live.done = this.drive(live);
  }

  private async drive(live: Live): Promise<ExecutionInfo> {
    const effects = new JournaledEffects(this, live, this.clock);
    const finish = (entry: Omit<Extract<JournalEntry, { k: "end" }>, "k" | "at">) => {
      effects.record({ k: "end", at: this.clock.now(), ...entry });
      this.emit({ type: "end", executionId: live.id, state: entry.state });
    };
    try {
      const record = this.store.record(live.id);
      const definition: Definition = loadDefinition(
        this.store.definitionSource(live.id),
        record.definitionPath,
      );
      // Let the caller of startExecution/resume get its answer before the first step runs.
      await Promise.resolve();
      const result = await new Interpreter(definition, effects).run(record.args);
      finish({ state: "SUCCEEDED", result });
    } catch (error) {
      if (!(error instanceof Stopped) && !live.stopped) {
        const value: Value =
          error instanceof RaisedError
            ? error.value
            : { message: error instanceof Error ? error.message : String(error), tags: ["RunnerError"] };
        try {
          finish({ state: "FAILED", error: value });
        } catch (recordError) {
          if (!(recordError instanceof Stopped)) throw recordError;
        }
      }
    } finally {
      live.release();
      if (this.live.get(live.id) === live) this.live.delete(live.id);
    }
    return this.status(live.id);
  }

  private async listen(host: string, port: number): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: error instanceof Error ? error.message : "erreur interne" }));
      });
    });
    await new Promise<void>((resolveListen, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolveListen());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.base = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.base);
    const match = /^\/callbacks\/([A-Za-z0-9_-]+)\/([a-f0-9]+)$/.exec(url.pathname);
    const answer = (code: number, body: MapValue) => {
      res.writeHead(code, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (!match) return answer(404, { error: "not found" });
    const [, executionId, callbackId] = match as unknown as [string, string, string];
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_CALLBACK_BODY) return answer(413, { error: "body too large" });
      chunks.push(chunk as Buffer);
    }
    if (!this.store.exists(executionId)) return answer(404, { error: "unknown execution" });
    const live = this.live.get(executionId);
    const journal = live?.journal ?? this.store.journal(executionId);
    if (journal.at(-1)?.k === "end") return answer(404, { error: "execution ended" });
    const endpoint = journal.find((e) => e.k === "callback-endpoint" && e.id === callbackId);
    if (endpoint?.k !== "callback-endpoint") return answer(404, { error: "unknown callback" });
    if (endpoint.method !== req.method) return answer(405, { error: `expected ${endpoint.method}` });
    const text = Buffer.concat(chunks).toString("utf8");
    const headers: MapValue = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(", ") : value;
    }
    const query: MapValue = {};
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key);
    const deliveries = live?.deliveries ?? this.store.deliveries(executionId);
    const delivery: Delivery = {
      delivery: deliveries.length,
      callback: callbackId,
      request: {
        http_request: {
          body: parseBody(text, req.headers["content-type"]),
          headers,
          method: req.method ?? "POST",
          query,
          url: url.pathname + url.search,
        },
        received_time: new Date(this.clock.now()).toISOString(),
        type: "HTTP",
      },
    };
    this.store.addDelivery(executionId, delivery);
    if (live) {
      live.deliveries.push(delivery);
      if (live.waiter?.callback === callbackId) live.waiter.deliver(delivery);
    }
    return answer(200, {});
  }
}
