import type { Argument, Option } from "commander";

// Every option or operand that is more than free text is marked here with how its text is read.
// The action runner reads all of them (options/option-values.ts, loaded only when a command
// runs) before the action starts, so a bad value is refused before anything is sent, whatever
// the command does first. The mark is a table, not a commander argParser, so that registering a
// command loads no parser: start-up stays as cheap as the command tree alone.

/** How a marked value is read; option-values.ts has a reader for each, and the compiler checks both agree. */
export type ValueKind =
  | "seconds"
  | "interval"
  | "count"
  | "bytes"
  | "cpus"
  | "duration"
  | "ratio"
  | "port"
  | "portNumber"
  | "volume"
  | "mount"
  | "secret"
  | "affinity"
  | "words"
  | "pair"
  | "env"
  | "nonEmpty"
  | "mode"
  | "strategy"
  | "restartCondition"
  | "updateFailureAction"
  | "rollbackFailureAction"
  | "order"
  | "placementPref"
  | "apiVersion"
  | "refused";

const kinds = new WeakMap<Option | Argument, ValueKind>();

/** Marks `target` to be read as `kind` before the action runs; returns it for chaining. */
export function typed<T extends Option | Argument>(target: T, kind: ValueKind): T {
  kinds.set(target, kind);
  return target;
}

export function kindOf(target: Option | Argument): ValueKind | undefined {
  return kinds.get(target);
}
