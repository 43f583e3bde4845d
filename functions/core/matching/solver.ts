/**
 * The port through which matching asks a linear solver for an answer: the request (a model in
 * arrays, an LP or a MIP, a time limit in seconds, optional starts and gaps) and the answer
 * (HiGHS's model status, objective, column values, row duals, dual bound). The core builds models
 * and reads answers; the adapter that runs HiGHS (worker thread, timers) lives in
 * `adapters/highs-solver.ts`, and tests may pass a hand-written fake.
 */
import type { ModelArrays } from "./model.js";

/** One solve: an LP (simplex) or a MIP over `model`, stopped after `timeLimitSeconds`. */
export interface SolveRequest {
  readonly kind: "lp" | "mip";
  readonly model: ModelArrays;
  readonly timeLimitSeconds: number;
  /** A feasible starting point for the MIP (the greedy assignment). */
  readonly start?: Float64Array;
  readonly mipAbsGap?: number;
  readonly mipRelGap?: number;
  /** A starting basis for the LP (an earlier answer's, with any rows added since marked basic). */
  readonly basis?: LpBasis;
  /** HiGHS presolve; off by default for LPs, whose presolve costs more than it saves on these models. */
  readonly presolve?: "off" | "on";
  /**
   * The LP method: the simplex (default), or the interior point followed by crossover (a basic
   * solution and its duals, as the simplex gives), faster on the degenerate mixing levels.
   */
  readonly method?: "simplex" | "ipm";
}

/** Simplex basis statuses (0 lower, 1 basic, 2 upper, 3 zero, 4 nonbasic). */
export interface LpBasis {
  readonly colStatus: Int32Array;
  readonly rowStatus: Int32Array;
}

/** What the solver answers; `runSeconds` is the solver's own time, which the core counts against its budget. */
export interface SolveAnswer {
  /** HiGHS model status (7 optimal, 13 time limit, ...). */
  readonly status: number;
  readonly objective: number;
  readonly colValue: Float64Array;
  readonly rowDual: Float64Array;
  readonly mipDualBound: number;
  readonly runSeconds: number;
  readonly hasSolution: boolean;
  /** The final basis of an LP. */
  readonly basis?: LpBasis;
}

/** HiGHS model statuses the core reads. */
/**
 * The tolerance of the solver's values: a column within it of 0 or 1 is taken as integral, a
 * level's value within it of an integer as that integer (HiGHS' default feasibility tolerance is
 * 1e-7; its answers are read no finer than this).
 */
export const EPSILON = 1e-6;

export const MODEL_STATUS = { optimal: 7, timeLimit: 13, interrupted: 17 } as const;

/** A solver that can be replaced by a fake in tests of the orchestration. */
export interface LinearSolver {
  solve(request: SolveRequest): Promise<SolveAnswer>;
}

/** Failures of the solver process itself (not an infeasible or time-limited model). */
export class SolverUnavailableError extends Error {
  override readonly name = "SolverUnavailableError";
}

/**
 * Time left of a limit, in seconds. The core never reads a clock: when the caller passes one
 * (`clock`, seconds on any monotonic origin, read in the adapters or the composition root), the
 * budget follows it; otherwise it counts the solver's own `runSeconds`, summed over the answers of
 * the solver returned by `counting`.
 */
export class TimeBudget {
  #solverSeconds = 0;
  readonly #origin: number | undefined;

  constructor(
    readonly limitSeconds: number,
    private readonly clock?: () => number,
  ) {
    this.#origin = clock?.();
  }

  /** Seconds spent since the budget was made (by `clock`, or in the solver). */
  spent(): number {
    return this.clock && this.#origin !== undefined ? this.clock() - this.#origin : this.#solverSeconds;
  }

  /** Seconds left, never below half a second (a solve always gets a chance). */
  remaining(): number {
    return Math.max(0.5, this.limitSeconds - this.spent());
  }

  /** `solver`, its answers' `runSeconds` added to this budget. */
  counting(solver: LinearSolver): LinearSolver {
    return {
      solve: async (request) => {
        const answer = await solver.solve(request);
        this.#solverSeconds += answer.runSeconds;
        return answer;
      },
    };
  }
}
