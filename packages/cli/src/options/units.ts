import {
  parseBytes as bytes,
  parseDuration as duration,
  parseCpus,
  splitCommand as words,
} from "@flotilla/client";
import type { ValidationError } from "@flotilla/types";
import { UsageError } from "../errors.js";

// Sizes, durations and CPU counts as people type them, read the way the docker CLI reads them,
// with a message naming the option when the text cannot be read. Sizes, durations and CPUs go
// through the client's own parsers, so a flag takes exactly what the library takes.

function asOption<T>(parse: (text: string, path: string) => T, text: string, option: string): T {
  try {
    return parse(text, option);
  } catch (error) {
    // By code, not class: the types package's runtime (zod) stays out of the CLI's start-up.
    const issue =
      (error as Partial<ValidationError>).code === "ERR_VALIDATION" && (error as ValidationError).issues[0];
    if (issue) throw new UsageError(`${option}: ${issue.message}`);
    throw error;
  }
}

/**
 * `512m`, `1.5g`, `64k`, `1048576`, `256MiB`: binary units, as `docker --memory` takes them. A size
 * that is not 0 but rounds down to no byte is refused: to the engine 0 means "no limit".
 */
export function parseBytes(text: string, option: string): number {
  const value = asOption(bytes, text, option);
  if (value === 0 && /[1-9]/.test(text)) {
    throw new UsageError(`${option}: "${text}" is less than one byte (0 would mean no limit)`);
  }
  return value;
}

/** A command line split into words as a POSIX shell would, with nothing expanded (the client's reading). */
export const splitCommand = (text: string, option: string): string[] => asOption(words, text, option);

/** Go durations (`10s`, `1m30s`, `500ms`) in nanoseconds, as the engine counts time. */
export const parseDuration = (text: string, option: string): number => asOption(duration, text, option);

/**
 * CPUs as a decimal (`0.5`), in the billionths the engine takes. More precision than a billionth
 * is refused, as the docker CLI refuses it: rounding would change the value, down to 0 ("no
 * limit") for anything under half a billionth.
 */
export function parseNanoCpus(text: string, option: string): number {
  const value = asOption(parseCpus, text, option);
  const exact = Number(text) * 1e9;
  if (Math.abs(exact - value) > Math.max(1e-6, exact * 1e-12)) {
    throw new UsageError(`${option}: "${text}" is too precise; the engine counts CPUs in billionths`);
  }
  return value;
}

/** Seconds, or a duration, for --timeout and --interval: milliseconds. */
export function parseSeconds(text: string, option: string): number {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) return Math.round(parseDuration(text, option) / 1e6);
  const ms = Math.round(Number(text) * 1000);
  // The same bound as a duration: the engine's int64 of nanoseconds.
  if (!(ms * 1e6 < 2 ** 63)) throw new UsageError(`${option}: "${text}" is too long a time`);
  return ms;
}

/** A whole number no larger than a JavaScript number holds exactly (the engine's are uint64). */
export function parseCount(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${option}: "${text}" is not a whole number`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new UsageError(`${option}: "${text}" is too large; the most is ${Number.MAX_SAFE_INTEGER}`);
  }
  return value;
}

/**
 * The shortest pause between two refreshes of a live view. 0 would poll the engine in a tight
 * loop; `watch` (procps) holds intervals to the same floor.
 */
export const MIN_INTERVAL_MS = 100;

/** --interval of the live views: seconds (or a duration), at least MIN_INTERVAL_MS. */
export function parseInterval(text: string, option: string): number {
  const ms = parseSeconds(text, option);
  if (ms < MIN_INTERVAL_MS) {
    throw new UsageError(`${option}: "${text}" is too short; the least is ${MIN_INTERVAL_MS / 1000} s`);
  }
  return ms;
}

export function parseRatio(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d*\.?\d+$/.test(text.trim()) || value > 1) {
    throw new UsageError(`${option}: "${text}" is not a fraction between 0 and 1 (0.5)`);
  }
  return value;
}
