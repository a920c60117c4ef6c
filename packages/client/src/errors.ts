import { ApiError } from "@flotilla/transport";
import { FlotillaError } from "@flotilla/types";

// The client's own additions to the one error tree; everything the engine says arrives as the
// transport's ApiError family, and is kept as `cause` when one of these explains it better.

/** An update carried a version the object has moved past: someone else changed it since it was read. */
export class StaleVersionError extends FlotillaError {
  readonly kind: string;
  readonly id: string;
  readonly version: number | undefined;

  constructor(
    init: { kind: string; id: string; version?: number; hint: string },
    options?: { cause?: unknown },
  ) {
    const at = init.version === undefined ? "" : ` (version ${init.version})`;
    super(
      "ERR_STALE_VERSION",
      `${init.kind} ${init.id} changed since it was read${at}; ${init.hint}`,
      options,
    );
    this.kind = init.kind;
    this.id = init.id;
    this.version = init.version;
  }
}

/** Whether an error is the engine refusing an update for its version ("update out of sequence"). */
export function isOutOfSequence(error: unknown): boolean {
  return error instanceof ApiError && /update out of sequence/i.test(error.engineMessage);
}

export interface FailedTask {
  id: string;
  slot?: number;
  nodeId?: string;
  state: string;
  error: string;
}

export type ConvergenceFailure = "task-failures" | "update-paused" | "rolled-back" | "timeout";

/** A service did not reach its desired state: tasks kept failing, its update paused or rolled back, or time ran out. */
export class ConvergenceError extends FlotillaError {
  readonly reason: ConvergenceFailure;
  readonly tasks: readonly FailedTask[];

  constructor(reason: ConvergenceFailure, message: string, tasks: readonly FailedTask[] = []) {
    const errors = tasks.map((t) => `task ${t.id.slice(0, 12)}: ${t.error || t.state}`);
    super("ERR_NOT_CONVERGED", [message, ...errors.slice(0, 5)].join("; "));
    this.reason = reason;
    this.tasks = tasks;
  }
}

/** Credentials for a registry could not be read; the message never holds a secret. */
export class RegistryAuthError extends FlotillaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_REGISTRY_AUTH", message, options);
  }
}
