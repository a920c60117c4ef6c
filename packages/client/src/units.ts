import { ValidationError } from "@flotilla/types";

// The engine counts time in nanoseconds, memory in bytes and CPUs in billionths; people write
// "10s", "512m" and 0.5. These turn the second into the first, naming the option when they can't.

/**
 * Go-style duration text (`"1m30s"`, `"500ms"`), or a number of milliseconds. Every bare number
 * of time in the client is milliseconds, as in setTimeout: durations in options, and the waits'
 * `timeout`, `interval` and `stableFor`. Only engine documents (`createFromSpec`, `raw`) hold
 * nanoseconds, because that is what the engine reads.
 */
export type Duration = string | number;
/** `"512m"`, `"1.5g"`, `"64k"` (binary units, as `docker --memory` reads them) or a number of bytes. */
export type ByteSize = string | number;
/** A number of CPUs (`0.5`) or the same as text. */
export type Cpus = string | number;

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

function invalid(path: string, message: string): ValidationError {
  return new ValidationError("option", [{ path, message }]);
}

/** The engine holds nanoseconds, bytes and nano-CPUs in Go's int64: 2^63 and more cannot be sent. */
const INT64_LIMIT = 2 ** 63;

/** `value` if the engine's int64 holds it; otherwise an error naming the option. */
function int64(value: number, path: string, given: unknown, what: string): number {
  if (!(value < INT64_LIMIT))
    throw invalid(path, `${describe(given)} is too large; the engine holds ${what} in an int64`);
  return value;
}

/** The input as an error message quotes it: text in quotes, anything else as JSON would show it. */
function describe(given: unknown): string {
  if (typeof given === "string") return `"${given.length > 80 ? `${given.slice(0, 80)}...` : given}"`;
  if (typeof given === "number") return String(given);
  return typeof given === "object"
    ? given === null
      ? "null"
      : Array.isArray(given)
        ? "a list"
        : "an object"
    : `a ${typeof given}`;
}

/** Nanoseconds (what the engine holds) from a duration; `path` names the option in the error. */
export function parseDuration(value: Duration, path = "duration"): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0)
      throw invalid(path, `${value} is not a number of milliseconds, 0 or more`);
    return int64(Math.round(value * 1e6), path, value, "nanoseconds");
  }
  if (typeof value !== "string")
    throw invalid(path, `must be text such as "10s", or milliseconds, not ${describe(value)}`);
  const text = value.trim();
  if (text === "0") return 0;
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const start = DURATION_PART.lastIndex;
    const match = DURATION_PART.exec(text);
    if (!match || match.index !== start) {
      throw invalid(
        path,
        `"${value}" is not a duration; write a number with a unit such as 500ms, 10s or 1m30s`,
      );
    }
    total += Number(match[1]) * DURATION_UNITS[match[2]!]!;
  }
  if (text === "") throw invalid(path, "a duration is required");
  return int64(Math.round(total), path, value, "nanoseconds");
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};
const BYTE_SIZE = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i;

/** Bytes from a size; `path` names the option in the error. */
export function parseBytes(value: ByteSize, path = "size"): number {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0) throw invalid(path, `${value} is not a whole number of bytes`);
    return int64(value, path, value, "bytes");
  }
  if (typeof value !== "string")
    throw invalid(path, `must be text such as "512m", or a number of bytes, not ${describe(value)}`);
  const match = BYTE_SIZE.exec(value.trim());
  if (!match)
    throw invalid(
      path,
      `"${value}" is not a size; write a number with an optional unit b, k, m, g, t or p (512m, 1g)`,
    );
  return int64(Math.floor(Number(match[1]) * BYTE_UNITS[match[2]!.toLowerCase()]!), path, value, "bytes");
}

/** Nano-CPUs (what `NanoCPUs` holds) from a number of CPUs. */
export function parseCpus(value: Cpus, path = "cpus"): number {
  // Decimal text only (with an exponent, as Go's ParseFloat reads it): Number() would also take
  // "0x10", "Infinity" and "  ", which no CPU count is written as.
  const cpus =
    typeof value === "number"
      ? value
      : typeof value === "string" && CPUS.test(value.trim())
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(cpus) || cpus < 0) {
    throw invalid(path, `${describe(value)} is not a number of CPUs (0.5, 2)`);
  }
  return int64(Math.round(cpus * 1e9), path, value, "nano-CPUs");
}
const CPUS = /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Splits a command line into words as a POSIX shell would (quotes and backslashes), without expanding anything. */
export function splitCommand(line: string, path = "command"): string[] {
  if (typeof line !== "string") throw invalid(path, `must be text, not ${describe(line)}`);
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = (word ?? "") + c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!))
        word = (word ?? "") + line[++i];
      else word = (word ?? "") + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) throw invalid(path, `unterminated ${quote} quote in "${line}"`);
  if (word !== undefined) words.push(word);
  return words;
}
