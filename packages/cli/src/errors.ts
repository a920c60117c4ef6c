import { FlotillaError, isFlotillaError } from "@flotilla/types";
import { sentenceFor } from "./error-sentences.js";

// What the CLI adds to the one error tree, and how any error becomes one line and an exit code:
// 1 for failure, 2 for usage (bad input, refused options), 3 for waits that did not converge,
// 130 and 143 for a run stopped by SIGINT (Ctrl-C) or SIGTERM, as a shell reports them.

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_CONVERGED = 3;

/** The command line asked for something that cannot be read or done as written. */
export class UsageError extends FlotillaError {
  constructor(message: string) {
    super("ERR_USAGE", message);
  }
}

/** An option with no swarm equivalent: refused, never silently dropped. */
export class UnsupportedOptionError extends FlotillaError {
  readonly option: string;

  constructor(option: string, why: string, instead: string) {
    super("ERR_UNSUPPORTED_OPTION", `${option} is not supported: ${why}; ${instead}`);
    this.option = option;
  }
}

/** A named object that does not exist; the message reads as `service "web" not found`. */
export class NotFoundInSwarmError extends FlotillaError {
  constructor(kind: string, name: string) {
    super("ERR_NOT_FOUND", `${kind} "${name}" not found`);
  }
}

/** The command ran but what it asked for cannot be done here (exit 1), e.g. no unlock key is set. */
export class CommandFailedError extends FlotillaError {
  constructor(message: string) {
    super("ERR_COMMAND_FAILED", message);
  }
}

/** A wait that ended before the service converged: time ran out, tasks kept failing, or the update paused. */
export class NotConvergedError extends FlotillaError {
  constructor(message: string, cause?: unknown) {
    super("ERR_NOT_CONVERGED", message, cause === undefined ? undefined : { cause });
  }
}

/** What the run's signal is aborted with when the process is told to stop. */
export class InterruptedError extends FlotillaError {
  readonly signal: "SIGINT" | "SIGTERM";

  constructor(signal: "SIGINT" | "SIGTERM") {
    super("ERR_INTERRUPTED", `stopped by ${signal}`);
    this.signal = signal;
  }

  /** 128 plus the signal's number. */
  get exitCode(): number {
    return this.signal === "SIGINT" ? 130 : 143;
  }
}

const USAGE_CODES = new Set(["ERR_USAGE", "ERR_UNSUPPORTED_OPTION", "ERR_VALIDATION"]);
const NOT_CONVERGED_CODES = new Set(["ERR_NOT_CONVERGED", "ERR_WAIT_TIMEOUT"]);

export function exitCodeFor(error: unknown): number {
  if (!isFlotillaError(error)) return EXIT_FAILURE;
  if (USAGE_CODES.has(error.code)) return EXIT_USAGE;
  if (NOT_CONVERGED_CODES.has(error.code)) return EXIT_NOT_CONVERGED;
  return EXIT_FAILURE;
}

/** The one line a user sees: the engine's own words when they say it plainly, else a sentence for them. */
export function describeError(error: unknown): string {
  return sentenceFor(rawMessage(error));
}

/** The message as the engine (or the code that failed) wrote it; `--debug` shows it when it was reworded. */
export function rawMessage(error: unknown): string {
  if (error instanceof Error) {
    const engineMessage = (error as { engineMessage?: unknown }).engineMessage;
    if (typeof engineMessage === "string" && engineMessage !== "") return engineMessage;
    return error.message;
  }
  return String(error);
}
