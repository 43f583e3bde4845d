/** Matching participants to host structures and tutors: the public API. */

export { describeChange, type PlacementChange, placementChanges } from "./changes.js";
export { checkHardRules } from "./check.js";
export { generateInstance, type InstanceOptions } from "./generator.js";
export { LEVELS, type LevelKey, type LevelReport, levelGap, WISH_POINTS } from "./levels.js";
export { greedyPlacements, solvePlacements } from "./solve.js";
export {
  type LinearSolver,
  type SolveAnswer,
  type SolveRequest,
  SolverUnavailableError,
  TimeBudget,
} from "./solver.js";
export { type MatchingSummary, summarize } from "./summary.js";
export type * from "./types.js";
export { WEIGHTS } from "./weights.js";
