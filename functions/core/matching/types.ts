import type { LevelReport } from "./levels.js";

/**
 * The matching domain: what the solver needs from the workbook, and what it answers.
 * The lead maps the rows of `Participants`, `Structures`, `Tuteurs`, `Programme` and
 * `Affectations` to these types; nothing here knows about cells or headers.
 */

/** A registration taking part in the immersion (`Inscription: Confirmée`, no blocking problem). */
export interface Participant {
  /** The participant's email, their stable identity. */
  readonly id: string;
  /** `Organisme`: the employer; never placed at a structure of the same organisme. */
  readonly organisme: string;
  /** `Public`: the category used to mix groups. */
  readonly public: string;
  /** `Vœu 1`, `Vœu 2`, `Vœu 3`, in order: each a structure type or a structure name. */
  readonly wishes: readonly string[];
  /** `Besoins` mentions `PMR`: only at a structure with step-free access. */
  readonly needsStepFree: boolean;
  /** Position in registration order (row order); used by the greedy baseline and for ties. */
  readonly order: number;
}

export interface Structure {
  /** `Structure`: unique name. */
  readonly name: string;
  /** `Type`: `CAF`, `CPAM`, `CCAS`, `Urgences`, `CHRS`, `France Travail`, `Autre`. */
  readonly type: string;
  /** `Organisme`: the employer the structure belongs to. */
  readonly organisme: string;
  /** `Situations` offered by the structure. */
  readonly situations: readonly string[];
  /** `Accessible PMR: Oui`. */
  readonly stepFree: boolean;
}

export interface Tutor {
  /** The tutor's email, their stable identity. */
  readonly id: string;
  readonly structure: string;
  readonly situation: string;
  /** Slot names the tutor covers, or `"all"` for `Tous`. */
  readonly slots: readonly string[] | "all";
  /** Participants per slot (`Capacité`, default 2). */
  readonly capacity: number;
  /** `Confirmation: Décliné`: never given anyone. */
  readonly declined: boolean;
}

/** One placement of one participant in one immersion slot. */
export interface Placement {
  readonly participant: string;
  readonly slot: string;
  readonly structure: string;
  readonly situation: string;
  readonly tutor: string;
}

/** A row of `Affectations` with `Verrouillé: Oui`: kept exactly as it is. */
export type LockedPlacement = Placement;

export interface MatchingProblem {
  readonly participants: readonly Participant[];
  readonly structures: readonly Structure[];
  readonly tutors: readonly Tutor[];
  /** The `Intitulé` of each immersion row of `Programme`, in timetable order (`Matin`, `Après-midi`). */
  readonly slots: readonly string[];
  readonly locked?: readonly LockedPlacement[];
  /** The placements of the last run (the `Affectations` tab), to move as few people as possible. */
  readonly previous?: readonly Placement[];
}

/**
 * Why a placement was made, as written to `Motif` (French): `Vœu 1`, `Vœu 2` or `Vœu 3` when it
 * meets that wish; `verrouillé` for a locked row; `hors vœux (aucun vœu exprimé)`; otherwise
 * `hors vœux — ` and, for each wish, the rule that prevented it in this slot (already met in the
 * other slot, capacity, conflict of interest, step-free access, already at that structure).
 */
export type Motif = string;

export interface PlacementWithMotif extends Placement {
  readonly motif: Motif;
  readonly locked: boolean;
}

/** A participant left without a placement in a slot, with the reason in French. */
export interface Unplaced {
  readonly participant: string;
  readonly slot: string;
  readonly reason: string;
}

export interface SolveStats {
  readonly participants: number;
  /** Model size after the hard filters and the pool aggregation. */
  readonly columns: number;
  readonly rows: number;
  /** Candidate columns added by pricing beyond the initial sparse lists. */
  readonly pricedColumns: number;
  readonly pricingRounds: number;
  /** Value of the LP relaxation over every candidate, proven by pricing (a lower bound on any placement). */
  readonly lpBound: number;
  readonly solveSeconds: number;
  /** `optimal`, `time limit`, `fallback` (the solver did not answer and the greedy result is returned). */
  readonly solverStatus: string;
  /**
   * In a re-run solved around the change (`held-rerun.ts`), the previous placements held where
   * they were; absent when the whole problem was solved.
   */
  readonly held?: number;
}

export interface MatchingResult {
  readonly placements: readonly PlacementWithMotif[];
  readonly unplaced: readonly Unplaced[];
  /** Every level of the lexicographic objective (`levels.ts`), in order: value, bound, proven. */
  readonly levels: readonly LevelReport[];
  /** The weighted score of `weights.ts` (lower is better): what the aggregated model of large instances minimises. */
  readonly objective: number;
  /** Every level proven optimal (each with the levels above at their values). */
  readonly optimal: boolean;
  /** The largest relative gap of a level to its bound: |value − bound| / max(1, |bound|). */
  readonly gap: number;
  readonly stats: SolveStats;
}

export interface SolveOptions {
  /** Wall-clock limit for the solver, in seconds (default 50). */
  readonly timeLimitSeconds?: number;
  /** Stop when the relative gap falls below this (default 0: prove the optimum). */
  readonly relativeGap?: number;
  /**
   * A monotonic clock in seconds (any origin), read by the caller: the time limit is then wall
   * time. Without it, the limit counts the solver's own time (the core reads no clock).
   */
  readonly clock?: () => number;
  /**
   * Above this many eligible placements (participant × slot × pool) the aggregated model is used
   * (default 120,000). Tests set 0 to check the aggregated model on instances small enough to
   * enumerate.
   */
  readonly aggregateAbove?: number;
  /**
   * In a re-run (`previous` given), first try with every placement that can stay held, and keep
   * that answer when it places everyone and moves nobody else (`held-rerun.ts`); default true.
   * False solves the whole re-run at once (tests compare both).
   */
  readonly holdPrevious?: boolean;
}

/** A hard rule broken by a set of placements. */
export interface Violation {
  readonly rule:
    | "unknown-reference"
    | "one-per-slot"
    | "tutor-capacity"
    | "tutor-slot"
    | "tutor-structure"
    | "tutor-situation"
    | "tutor-declined"
    | "structure-situation"
    | "conflict-of-interest"
    | "step-free"
    | "same-structure-twice"
    | "locked-changed";
  readonly participant?: string;
  readonly slot?: string;
  readonly message: string;
}
