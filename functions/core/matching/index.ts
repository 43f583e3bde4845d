/** Matching participants to host structures and tutors: the public API. */

export { describeChange, type PlacementChange, placementChanges } from "./changes.js";
export { checkHardRules } from "./check.js";
export { generateInstance, type InstanceOptions } from "./generator.js";
export {
  type LinearSolver,
  SolverUnavailableError,
  sharedSolver,
  WorkerLinearSolver,
} from "./highs-runner.js";
export { LEVELS, type LevelKey, type LevelReport, levelGap, WISH_POINTS } from "./levels.js";
export { greedyPlacements, solvePlacements } from "./solve.js";
export { type MatchingSummary, summarize } from "./summary.js";
export type * from "./types.js";
export { WEIGHTS } from "./weights.js";
