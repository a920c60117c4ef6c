import { parseBytes as bytes, parseDuration as duration, parseCpus } from "@flotilla/client";
import type { ValidationError } from "@flotilla/types";
import { UsageError } from "../errors.js";

// Sizes, durations and CPU counts as people type them, read the way the docker CLI reads them,
// with a message naming the option when the text cannot be read. Sizes, durations and CPUs go
// through the client's own parsers, so a flag takes exactly what the library takes.

function asOption(parse: (text: string, path: string) => number, text: string, option: string): number {
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

/** `512m`, `1.5g`, `64k`, `1048576`, `256MiB`: binary units, as `docker --memory` takes them. */
export const parseBytes = (text: string, option: string): number => asOption(bytes, text, option);

/** Go durations (`10s`, `1m30s`, `500ms`) in nanoseconds, as the engine counts time. */
export const parseDuration = (text: string, option: string): number => asOption(duration, text, option);

/** CPUs as a decimal (`0.5`), in the billionths the engine takes. */
export const parseNanoCpus = (text: string, option: string): number => asOption(parseCpus, text, option);

/** Seconds, or a duration, for --timeout and --interval: milliseconds. */
export function parseSeconds(text: string, option: string): number {
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Math.round(Number(text) * 1000);
  return Math.round(parseDuration(text, option) / 1e6);
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
