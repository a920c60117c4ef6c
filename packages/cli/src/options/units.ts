import { UsageError } from "../errors.js";

// Sizes, durations and CPU counts as people type them, read the way the docker CLI reads them,
// with a message naming the option when the text cannot be read.

const BYTE_UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `512m`, `1.5g`, `64k`, `1048576`, `256MiB`: binary units, as `docker --memory` takes them. */
export function parseBytes(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?$/i.exec(text.trim());
  const unit = match?.[2]?.toLowerCase();
  if (!match || unit === undefined || !(unit in BYTE_UNITS)) {
    throw new UsageError(
      `${option}: "${text}" is not a size; write a number with an optional unit b, k, m, g or t (512m, 1g)`,
    );
  }
  return Math.round(Number(match[1]) * BYTE_UNITS[unit]!);
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go durations (`10s`, `1m30s`, `500ms`) in nanoseconds, as the engine counts time. */
export function parseDuration(text: string, option: string): number {
  const value = text.trim();
  if (value === "0") return 0;
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  while (part.lastIndex < value.length) {
    const match = part.exec(value);
    if (!match) {
      throw new UsageError(
        `${option}: "${text}" is not a duration; write a number with a unit such as 500ms, 10s, 1m30s`,
      );
    }
    total += Number(match[1]) * DURATION_UNITS[match[2]!]!;
  }
  if (value === "") throw new UsageError(`${option}: a duration is required`);
  return Math.round(total);
}

/** Seconds, or a duration, for --timeout and --interval: milliseconds. */
export function parseSeconds(text: string, option: string): number {
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Math.round(Number(text) * 1000);
  return Math.round(parseDuration(text, option) / 1e6);
}

/** CPUs as a decimal (`0.5`), in the billionths the engine takes. */
export function parseNanoCpus(text: string, option: string): number {
  if (!/^\d+(\.\d+)?$/.test(text.trim()))
    throw new UsageError(`${option}: "${text}" is not a number of CPUs (0.5, 2)`);
  return Math.round(Number(text) * 1e9);
}

export function parseCount(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${option}: "${text}" is not a whole number`);
  return Number(text);
}

export function parseRatio(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d*\.?\d+$/.test(text.trim()) || value > 1) {
    throw new UsageError(`${option}: "${text}" is not a fraction between 0 and 1 (0.5)`);
  }
  return value;
}
