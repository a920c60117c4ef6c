import { EngineError, type ErrorKind } from "../core/errors.js";
import { goKind, scanJson } from "../core/go-json.js";

// The `filters` query parameter as dockerd reads it (moby's filters.FromJSON): first as
// {"key": {"v1": true}}, then as the older {"key": ["v1", "v2"]}; when neither reads, the first
// form's error. A value list matches when any value matches.

export type Filters = Map<string, string[]>;

/**
 * How a route reports filters it cannot read: most pass on the bare JSON error, an error of no
 * kind (a 500); the services list calls it a bad parameter (400), the volumes list adds its own words.
 */
export interface FilterErrors {
  kind?: ErrorKind;
  prefix?: string;
}

export function parseFilters(
  raw: string | null,
  { kind = "Unknown", prefix = "" }: FilterErrors = {},
): Filters {
  const filters: Filters = new Map();
  if (!raw) return filters;
  const scanned = scanJson(raw, "unmarshal");
  if ("error" in scanned) throw new EngineError("InvalidParameter", scanned.error);
  const parsed: unknown = JSON.parse(raw);
  if (parsed === null) return filters;
  const error = mapFormError(parsed);
  if (error === undefined) {
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>))
      if (value !== null) filters.set(key, Object.keys(value as object));
    return filters;
  }
  if (!isLegacyForm(parsed)) throw new EngineError(kind, `${prefix}json: cannot unmarshal ${error}`);
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>))
    if (value !== null)
      filters.set(
        key,
        (value as (string | null)[]).map((v) => v ?? ""),
      );
  return filters;
}

/** Go's first type error reading `map[string]map[string]bool`, as "<kind> into Go value of type <type>". */
function mapFormError(parsed: unknown): string | undefined {
  const into = (value: unknown, type: string) => `${goKind(value)} into Go value of type ${type}`;
  if (typeof parsed !== "object" || Array.isArray(parsed)) return into(parsed, "map[string]map[string]bool");
  for (const value of Object.values(parsed as object)) {
    if (value === null) continue;
    if (typeof value !== "object" || Array.isArray(value)) return into(value, "map[string]bool");
    for (const flag of Object.values(value))
      if (flag !== null && typeof flag !== "boolean") return into(flag, "bool");
  }
  return undefined;
}

/** Whether `map[string][]string` reads it (null stands for an empty value). */
function isLegacyForm(parsed: unknown): boolean {
  if (typeof parsed !== "object" || Array.isArray(parsed) || parsed === null) return false;
  return Object.values(parsed).every(
    (value) =>
      value === null || (Array.isArray(value) && value.every((v) => v === null || typeof v === "string")),
  );
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
    // The object's own labels: `label=constructor` asks for a label of that name, not Object.prototype's.
    if (!labels || !Object.hasOwn(labels, key)) return false;
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
