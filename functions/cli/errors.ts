/** The two expected failures of a command: a wrong command line (exit 2), a refused action (exit 1). */

export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The command ran but could not do what was asked; the message says why, in French. */
export class Refusal extends Error {
  override readonly name = "Refusal";

  /** What to print on the standard output anyway (the JSON of a partial result, for one). */
  constructor(
    message: string,
    readonly output?: string,
  ) {
    super(message);
  }
}
