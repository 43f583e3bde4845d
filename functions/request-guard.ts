/**
 * What every function does with a request before any of its code sees it: the body is read here,
 * raw, within a hard limit, and never inflated.
 *
 * Why here: the functions framework (5.x, `build/src/server.js`) puts body-parser in front of every
 * function with a 1024 MB limit and gzip/deflate/br inflation, and has no option to change either;
 * its error handlers print the parser's error (with the body it was parsing) to stderr and, outside
 * production, answer with the error's message. So the server the framework builds for a guarded
 * function is given a first listener of its own: it answers 415 to a compressed body, 413 to a body
 * over the function's limit (as declared, or as counted while reading, without keeping more than
 * the limit), and otherwise reads the body into `request.rawBody` and hands the request on.
 * body-parser then finds the request finished and parses nothing: each function parses its own
 * bytes. Errors a function throws are answered 500 with a fixed French message; only the error's
 * class name is logged. Nothing from the request (body, header values, URL) is logged or echoed.
 *
 * `register` is how index.ts (the cloud) and the local host register the three functions; the
 * framework builds its server after loading the function module, in the cloud as under
 * `getTestServer`, and the guard is installed on `getServer` the first time `register` is called.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import * as functions from "@google-cloud/functions-framework";
import type { Log } from "./ports.js";

/** The body limit of each function, in bytes (SNS carries 256 KB at most). */
export const BODY_LIMITS = {
  sheetEdit: 64 * 1024,
  workflowStep: 64 * 1024,
  inboundMail: 256 * 1024,
} as const;

/**
 * How much of a refused body is read and thrown away (so that the client reads the answer) before
 * the connection is cut: Cloud Run's own request limit, 32 MiB.
 */
const MAX_DRAINED_BYTES = 32 * 1024 * 1024;

export interface GuardOptions {
  /** Largest body accepted, in bytes. */
  readonly limitBytes: number;
  /** The log name prefix (`sheet-edit`, …) of the guard's own lines. */
  readonly name: string;
  readonly log: Log;
}

/**
 * Why a function refuses a request before its use case runs (too large, unreadable, unsigned):
 * the status, the French answer, and the log line (its event and a few counts or reasons, never
 * what the request carries).
 */
export interface Refusal {
  readonly status: number;
  readonly error: string;
  readonly log: string;
  readonly fields?: Readonly<Record<string, string | number>>;
}

/** The function's answer to a refused request: a status and a French message, never an echo. */
const REFUSALS = {
  413: "Requête trop volumineuse.",
  415: "Corps compressé refusé : envoyez-le sans Content-Encoding.",
  400: "Requête illisible.",
} as const;

const guarded = new WeakMap<HttpFunction, GuardOptions>();

/**
 * A function that catches whatever its handler throws (500, logged by class name only) and that
 * `register` serves behind the body guard.
 */
export function guardedFunction(handler: HttpFunction, options: GuardOptions): HttpFunction {
  const wrapped: HttpFunction = async (request: Request, response: Response) => {
    try {
      await handler(request, response);
    } catch (error) {
      options.log.error(`${options.name}.crashed`, {
        error: error instanceof Error ? error.name : typeof error,
      });
      if (!response.headersSent)
        response.status(500).json({ error: "Erreur interne : la demande sera refaite au prochain essai." });
    }
  };
  guarded.set(wrapped, options);
  return wrapped;
}

/** Registers a guarded function with the functions framework under `name`. */
export function register(name: string, handler: HttpFunction, options: GuardOptions): void {
  installGuard();
  functions.http(name, guardedFunction(handler, options));
}

let installed = false;

/** Wraps the framework's `getServer` so that the servers of guarded functions read bodies here first. */
function installGuard(): void {
  if (installed) return;
  const require = createRequire(import.meta.url);
  // The package exports only `.` and `./testing`: its server module is reached by its file, the
  // one both `main.js` (the cloud) and `testing.js` (`getTestServer`) require.
  const serverModule = require(
    join(dirname(require.resolve("@google-cloud/functions-framework")), "server.js"),
  ) as { getServer: (userFunction: unknown, options: unknown) => Server };
  const original = serverModule.getServer;
  serverModule.getServer = (userFunction, options) => {
    const server = original(userFunction, options);
    const guard = guarded.get(userFunction as HttpFunction);
    if (guard) guardServer(server, guard);
    return server;
  };
  installed = true;
}

type Listener = (request: IncomingMessage, response: ServerResponse) => void;

function guardServer(server: Server, options: GuardOptions): void {
  const listeners = server.listeners("request") as Listener[];
  server.removeAllListeners("request");
  const app = listeners[0] as (Listener & { use?: (handler: unknown) => void }) | undefined;
  // An error that reaches the framework's router (a middleware of its own failing) is answered here,
  // not by its default handler, which would print the error and its stack.
  app?.use?.((error: unknown, _request: IncomingMessage, response: ServerResponse, _next: unknown) => {
    options.log.error(`${options.name}.framework-error`, {
      error: error instanceof Error ? error.name : typeof error,
    });
    if (!response.headersSent) answer(response, 500, "Erreur interne.");
    else response.end();
  });
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    readBounded(request, response, options, () => {
      for (const listener of listeners) listener(request, response);
    });
  });
}

/**
 * Reads the body within the limit into `request.rawBody`, then calls `next`; answers 415 or 413
 * (and reads nothing more than needed) otherwise.
 */
export function readBounded(
  request: IncomingMessage,
  response: ServerResponse,
  options: GuardOptions,
  next: () => void,
): void {
  const encoding = String(request.headers["content-encoding"] ?? "identity")
    .trim()
    .toLowerCase();
  if (encoding !== "identity" && encoding !== "") {
    refuse(request, response, options, 415, "compressed");
    return;
  }
  const declared = request.headers["content-length"];
  if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > options.limitBytes)) {
    refuse(request, response, options, /^\d+$/.test(declared) ? 413 : 400, "declared-length");
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  const onData = (chunk: Buffer) => {
    if (done) return;
    size += chunk.length;
    if (size > options.limitBytes) {
      done = true;
      chunks.length = 0;
      request.off("data", onData);
      refuse(request, response, options, 413, "counted-length");
      return;
    }
    chunks.push(chunk);
  };
  request.on("data", onData);
  request.once("error", () => {
    if (done) return;
    done = true;
    chunks.length = 0;
    if (!response.headersSent) answer(response, 400, REFUSALS[400]);
  });
  request.once("end", () => {
    if (done) return;
    done = true;
    (request as IncomingMessage & { rawBody?: Buffer }).rawBody = Buffer.concat(chunks, size);
    next();
  });
}

function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  options: GuardOptions,
  status: 400 | 413 | 415,
  reason: string,
): void {
  options.log.warn(`${options.name}.refused-body`, { status, reason, limitBytes: options.limitBytes });
  response.setHeader("connection", "close");
  const send = () => {
    if (!response.headersSent) answer(response, status, REFUSALS[status]);
  };
  if (request.readableEnded) {
    send();
    return;
  }
  // What is still coming is read and dropped, then answered (a client reads an answer only once it
  // has sent its body); past the bound the answer goes at once and the connection is cut.
  let drained = 0;
  request.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAINED_BYTES) {
      send();
      request.destroy();
    }
  });
  request.once("end", send);
  request.resume();
}

function answer(response: ServerResponse, status: number, error: string): void {
  response.statusCode = status;
  response.setHeader("content-type", "application/json; charset=utf-8");
  response.end(JSON.stringify({ error }));
}
