import type { ComposeDocument, ComposeService } from "./model.js";

// Several files (`-c a.yml -c b.yml`) merge as the docker CLI merges them: a service in a later
// file merges into the one of the same name; top-level networks, volumes, secrets and configs of
// the same name are replaced whole. Within a service, mappings merge key by key, a later scalar
// wins unless it is empty (false, 0, "") and the field is not one the CLI keeps as "set or not"
// (replicas, retries, ...), lists append, except:
// - ports are keyed by published port, volumes by target, secrets and configs by source; the later
//   entry wins and the result is sorted by that key;
// - command, entrypoint and healthcheck test are replaced when the later file gives one;
// - a service network's entry replaces its aliases when given;
// - logging options merge when the drivers agree (or one is unset); another driver replaces all.

type Value = unknown;
type Rule = (base: Value, override: Value, path: string) => Value;

// Fields that count as given when present, even as 0 or false.
const PRESENCE = new Set([
  "deploy.replicas",
  "deploy.restart_policy.max_attempts",
  "deploy.update_config.parallelism",
  "deploy.rollback_config.parallelism",
  "healthcheck.retries",
  "init",
  "stop_grace_period",
]);

const isObject = (v: Value): v is Record<string, Value> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function keyedList(key: string): Rule {
  return (base, override) => {
    const merged = new Map<unknown, Record<string, Value>>();
    for (const item of [
      ...((base as Record<string, Value>[]) ?? []),
      ...((override as Record<string, Value>[]) ?? []),
    ])
      merged.set(item[key] ?? 0, item);
    return [...merged.values()].sort((a, b) => {
      const x = a[key] ?? 0;
      const y = b[key] ?? 0;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  };
}

const replaceWhenGiven: Rule = (base, override) =>
  Array.isArray(override) && override.length > 0 ? override : base;

const RULES: Record<string, Rule> = {
  ports: keyedList("published"),
  volumes: keyedList("target"),
  secrets: keyedList("source"),
  configs: keyedList("source"),
  command: replaceWhenGiven,
  entrypoint: replaceWhenGiven,
  "healthcheck.test": replaceWhenGiven,
  networks: (base, override) => {
    const out: Record<string, Value> = { ...(base as Record<string, Value>) };
    for (const [name, entry] of Object.entries((override as Record<string, Value>) ?? {})) {
      const before = out[name];
      if (entry === null || entry === undefined) out[name] = before ?? null;
      else if (isObject(before)) out[name] = { ...before, ...(isObject(entry) && entry) };
      else out[name] = entry;
    }
    return out;
  },
  logging: (base, override) => {
    if (!isObject(override)) return base;
    if (!isObject(base)) return override;
    const a = base.driver;
    const b = override.driver;
    if (a !== b && a && b) return override;
    return {
      driver: a || b,
      options: { ...(base.options as object), ...(override.options as object) },
    };
  },
};

function mergeValue(base: Value, override: Value, path: string): Value {
  const rule = RULES[path];
  if (rule) return rule(base, override, path);
  if (override === undefined || override === null) return base;
  if (/^ulimits\./.test(path)) return override;
  if (isObject(base) && isObject(override)) {
    const out: Record<string, Value> = { ...base };
    for (const [key, value] of Object.entries(override))
      out[key] = mergeValue(base[key], value, path ? `${path}.${key}` : key);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(override)) return [...base, ...override];
  const empty = override === false || override === 0 || override === "";
  if (empty && !PRESENCE.has(path) && base !== undefined) return base;
  return override;
}

export function mergeServices(base: ComposeService, override: ComposeService): ComposeService {
  return mergeValue(base, override, "") as ComposeService;
}

/** The files' documents merged in order; all must have the same version. */
export function mergeDocuments(documents: readonly ComposeDocument[]): ComposeDocument {
  const [first, ...rest] = documents;
  if (!first) throw new Error("no compose document to merge");
  const merged: ComposeDocument = structuredClone(first);
  for (const next of rest) {
    for (const [name, service] of Object.entries(next.services)) {
      const before = merged.services[name];
      merged.services[name] = before ? mergeServices(before, service) : service;
    }
    for (const kind of ["networks", "volumes", "secrets", "configs"] as const) {
      Object.assign(merged[kind], next[kind]);
    }
  }
  merged.services = Object.fromEntries(Object.entries(merged.services).sort(([a], [b]) => (a < b ? -1 : 1)));
  return merged;
}
