import { EngineError } from "../core/errors.js";
import { goKind, scanJson } from "../core/go-json.js";

// The `filters` query parameter as dockerd reads it: {"key": ["v1", "v2"]} or the older
// {"key": {"v1": true}} form. A value list matches when any value matches.

export type Filters = Map<string, string[]>;

export function parseFilters(raw: string | null): Filters {
  const filters: Filters = new Map();
  if (!raw) return filters;
  const scanned = scanJson(raw, "unmarshal");
  if ("error" in scanned) throw new EngineError("InvalidParameter", scanned.error);
  const parsed: unknown = JSON.parse(raw);
  for (const [key, value] of Object.entries((parsed ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(value)) filters.set(key, value.map(String));
    else if (value && typeof value === "object") filters.set(key, Object.keys(value));
    // Neither form: Go reports the older one's type, the last it tried.
    else if (value !== null)
      throw new EngineError(
        "InvalidParameter",
        `json: cannot unmarshal ${goKind(value)} into Go value of type map[string]bool`,
      );
  }
  return filters;
}

export function checkKeys(filters: Filters, allowed: readonly string[]): void {
  for (const key of filters.keys()) {
    if (!allowed.includes(key)) throw new EngineError("InvalidParameter", `Invalid filter '${key}'`);
  }
}

/** `key` or `key=value` against a label map. */
export function labelsMatch(
  wanted: string[] | undefined,
  labels: Record<string, string> | null | undefined,
): boolean {
  if (!wanted) return true;
  return wanted.every((w) => {
    const [key, value] = w.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!labels || !(key in labels)) return false;
    return value === undefined || labels[key] === value;
  });
}

export function anyPrefix(wanted: string[] | undefined, value: string): boolean {
  return !wanted || wanted.some((w) => value.startsWith(w));
}

export function anyEqual(wanted: string[] | undefined, ...values: (string | undefined)[]): boolean {
  return !wanted || wanted.some((w) => values.includes(w));
}

/**
 * swarmkit's store walks its ID index, so the engine lists swarm objects in ID order, whatever
 * order they were made in (`docker stack rm` removes networks in that order, and dockerode and
 * docker-py hand the list over as it came).
 */
export function inIdOrder<T>(objects: T[], id: (object: T) => string): T[] {
  return objects.sort((a, b) => {
    const x = id(a);
    const y = id(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
