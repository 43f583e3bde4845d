/**
 * Runs HiGHS off the main thread, behind matching's `LinearSolver` port (`core/matching/solver.ts`):
 * a `worker_threads` Worker that loads the WebAssembly solver once and answers solve requests, so
 * the caller's event loop stays free and a solve that overruns its time limit is stopped by
 * terminating the worker.
 *
 * The worker's code is a small CommonJS string evaluated in the worker, and it loads `highs` by
 * its resolved path: no `.ts` file has to be loaded in the worker, so the same code runs under
 * tsx, vitest and compiled JavaScript.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { solvePlacements } from "../core/matching/solve.js";
import {
  type LinearSolver,
  type SolveAnswer,
  type SolveRequest,
  SolverUnavailableError,
} from "../core/matching/solver.js";
import type { MatchingProblem, MatchingResult, SolveOptions } from "../core/matching/types.js";

const WORKER_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const ready = require(workerData.highsPath)();
parentPort.on("message", async (request) => {
  try {
    const highs = await ready;
    const m = request.model;
    const model = highs.createModel({
      numCols: m.numCols,
      numRows: m.numRows,
      colCost: m.colCost,
      colLower: m.colLower,
      colUpper: m.colUpper,
      rowLower: m.rowLower,
      rowUpper: m.rowUpper,
      matrix: { format: m.format || "csr", numRows: m.numRows, numCols: m.numCols, starts: m.starts, indices: m.indices, values: m.values },
      integrality: request.kind === "mip" ? m.integrality : undefined,
    });
    try {
      const options = { output_flag: false, time_limit: request.timeLimitSeconds, random_seed: 0 };
      if (request.kind === "lp") options.solver = request.method === "ipm" ? "ipm" : "simplex";
      options.presolve = request.presolve ?? (request.kind === "lp" ? "off" : "choose");
      if (request.mipAbsGap !== undefined) options.mip_abs_gap = request.mipAbsGap;
      if (request.mipRelGap !== undefined) options.mip_rel_gap = request.mipRelGap;
      model.options.set(options);
      if (request.start) model.setSolution({ colValue: request.start });
      if (request.basis) model.setBasis(request.basis);
      const started = Date.now();
      model.run();
      const status = model.getModelStatus();
      const solution = model.getSolution();
      const info = (name) => { try { return Number(model.info.get(name)); } catch { return NaN; } };
      const hasSolution = request.kind === "mip" ? info("primal_solution_status") === 2 : status === 7;
      parentPort.postMessage({
        ok: true,
        status,
        objective: model.getObjectiveValue(),
        colValue: solution.colValue,
        rowDual: solution.rowDual,
        mipDualBound: request.kind === "mip" ? info("mip_dual_bound") : model.getObjectiveValue(),
        runSeconds: (Date.now() - started) / 1000,
        hasSolution,
        basis: request.kind === "lp" && status === 7 ? model.getBasis() : undefined,
      });
    } finally {
      model.dispose();
    }
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.stack || error) });
  }
});
`;

/**
 * A single worker, created on first use and reused: loading the WebAssembly module costs more
 * than solving a small instance. It does not keep the process alive.
 */
export class WorkerLinearSolver implements LinearSolver {
  #worker: Worker | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /** Grace period, beyond the request's own time limit, before the worker is terminated. */
  constructor(private readonly graceSeconds = 10) {}

  solve(request: SolveRequest): Promise<SolveAnswer> {
    const run = this.#queue.then(() => this.#run(request));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #run(request: SolveRequest): Promise<SolveAnswer> {
    const worker = this.#ensure();
    return new Promise<SolveAnswer>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        worker.unref();
      };
      const onMessage = (answer: { ok: boolean; error?: string } & SolveAnswer) => {
        cleanup();
        if (answer.ok) resolve(answer);
        else reject(new SolverUnavailableError(`HiGHS failed: ${answer.error}`));
      };
      const onError = (error: Error) => {
        cleanup();
        this.#worker = undefined;
        reject(new SolverUnavailableError("the HiGHS worker crashed", { cause: error }));
      };
      const onExit = (code: number) => {
        cleanup();
        this.#worker = undefined;
        reject(new SolverUnavailableError(`the HiGHS worker exited (${code})`));
      };
      const timer = setTimeout(
        () => {
          cleanup();
          this.#worker = undefined;
          void worker.terminate();
          reject(new SolverUnavailableError("HiGHS did not answer within its time limit"));
        },
        (request.timeLimitSeconds + this.graceSeconds) * 1000,
      );
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.ref();
      worker.postMessage(request);
    });
  }

  #ensure(): Worker {
    if (!this.#worker) {
      const highsPath = createRequire(import.meta.url).resolve("highs");
      this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { highsPath } });
      this.#worker.unref();
    }
    return this.#worker;
  }

  /** Stops the worker (tests and scripts that want a clean exit). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
  }
}

let shared: WorkerLinearSolver | undefined;

/** The process-wide solver worker. */
export function sharedSolver(): WorkerLinearSolver {
  shared ??= new WorkerLinearSolver();
  return shared;
}

/** Seconds on the process's monotonic clock: the wall clock the time limits of matching follow. */
export function monotonicSeconds(): number {
  return performance.now() / 1000;
}

/**
 * `solvePlacements` with the process-wide HiGHS worker, its time limit on the wall clock: what
 * the composition roots call.
 */
export function highsPlacements(
  problem: MatchingProblem,
  options: SolveOptions = {},
): Promise<MatchingResult> {
  return solvePlacements(problem, { clock: monotonicSeconds, ...options }, sharedSolver());
}
