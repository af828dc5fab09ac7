/** A problem with what the user asked for: printed as one line, exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** A problem found while doing the work (unparsable config, failed install): exit code 1. */
export class CliError extends Error {
  readonly exitCode: number = 1;
}

export class CancelledError extends Error {
  readonly exitCode = 130;
  constructor() {
    super("Cancelled");
  }
}
