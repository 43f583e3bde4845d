/** Matching participants to host structures and tutors: the public API. */

export { describeChange, placementChanges } from "./changes.js";
export { checkHardRules } from "./check.js";
export { generateInstance } from "./generator.js";
export { LEVELS, type LevelKey, levelGap } from "./levels.js";
export { greedyPlacements, solvePlacements } from "./solve.js";
export {
  type LinearSolver,
  type SolveRequest,
  SolverUnavailableError,
} from "./solver.js";
export { summarize } from "./summary.js";
export type * from "./types.js";
