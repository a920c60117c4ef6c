import { parseBytes, parseDuration, splitCommand } from "../units.js";
import type { StringMap } from "./model.js";

// Typed reads of a schema-checked compose value. The schema lets many fields be strings (so that
// `${VAR}` can stand in them); these insist on what the field means and name the field when it
// is something else.

/** A value that is not what its field needs; `path` is the field, as `services.web.deploy.replicas`. */
export class ComposeProblem extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

export const join = (path: string, key: string | number): string =>
  typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function mapping(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) throw new ComposeProblem(path, "must be a mapping");
  return value;
}

export function text(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new ComposeProblem(path, "must be a string");
}

export function integer(value: unknown, path: string, options: { min?: number } = {}): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number))
    throw new ComposeProblem(path, "must be an integer");
  if (options.min !== undefined && number < options.min)
    throw new ComposeProblem(path, `must be at least ${options.min}`);
  return number;
}

export function decimal(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || Number.isNaN(number)) throw new ComposeProblem(path, "must be a number");
  return number;
}

export function boolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const lower = value.toLowerCase();
    if (["y", "yes", "true", "on"].includes(lower)) return true;
    if (["n", "no", "false", "off"].includes(lower)) return false;
  }
  throw new ComposeProblem(path, "must be a boolean");
}

/** A duration as written (`10s`, `1m30s`), checked to be one. */
export function duration(value: unknown, path: string): string | undefined {
  const written = text(value, path);
  if (written === undefined) return undefined;
  try {
    parseDuration(written, path);
  } catch {
    throw new ComposeProblem(path, `"${written}" is not a duration (write 10s, 1m30s, 500ms)`);
  }
  return written;
}

export function nanoseconds(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseDuration(value);
}

/** A size in bytes, from a number or `512m`, `1g`. */
export function bytes(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" && typeof value !== "string")
    throw new ComposeProblem(path, "must be a size");
  try {
    return parseBytes(value, path);
  } catch {
    throw new ComposeProblem(path, `"${value}" is not a size (write 512m, 1g or a number of bytes)`);
  }
}

/** A string or a list of strings, as a list. */
export function stringList(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) throw new ComposeProblem(path, "must be a string or a list of strings");
  return value.map((item, i) => text(item, join(path, i)) ?? "");
}

/** A command as a string (split as a shell would, without expanding) or a list of words. */
export function command(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") {
    try {
      return splitCommand(value, path);
    } catch (error) {
      throw new ComposeProblem(path, (error as Error).message.replace(/^invalid option: [^:]*: /, ""));
    }
  }
  return stringList(value, path);
}

/** A mapping, or a list of `KEY<sep>VALUE` entries; a key alone maps to "" (or null when `allowNull`). */
export function keyValues(
  value: unknown,
  path: string,
  sep: string,
  allowNull: true,
): Record<string, string | null>;
export function keyValues(value: unknown, path: string, sep: string, allowNull?: false): StringMap;
export function keyValues(
  value: unknown,
  path: string,
  sep: string,
  allowNull = false,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (value === undefined || value === null) return out;
  if (Array.isArray(value)) {
    value.forEach((entry, i) => {
      const line = text(entry, join(path, i)) ?? "";
      const at = line.indexOf(sep);
      if (at === -1) out[line] = allowNull ? null : "";
      else out[line.slice(0, at)] = line.slice(at + sep.length);
    });
    return out;
  }
  for (const [key, item] of Object.entries(mapping(value, path))) {
    out[key] =
      item === null || item === undefined ? (allowNull ? null : "") : (text(item, join(path, key)) ?? "");
  }
  return out;
}
