import { stringify } from "yaml";
import { parseDuration } from "../units.js";
import type { ComposeDocument, ComposeService } from "./model.js";

// `docker stack config` prints its loaded document as Go marshals its types: fields in their
// declared order, map keys sorted, false and empty fields left out, sizes as strings of bytes,
// durations as Go writes them (2m0s). The same here, so the two outputs compare line by line;
// keys the docker CLI keeps but ignores (build, depends_on, container_name, env_file, x-) are
// not kept.

const SERVICE_ORDER = [
  "cap_add",
  "cap_drop",
  "command",
  "configs",
  "credential_spec",
  "deploy",
  "dns",
  "dns_opt",
  "dns_search",
  "entrypoint",
  "environment",
  "extra_hosts",
  "hostname",
  "healthcheck",
  "image",
  "init",
  "isolation",
  "labels",
  "logging",
  "networks",
  "ports",
  "read_only",
  "restart",
  "secrets",
  "stdin_open",
  "stop_grace_period",
  "stop_signal",
  "sysctls",
  "tty",
  "ulimits",
  "user",
  "oom_score_adj",
  "volumes",
  "working_dir",
];

const HEALTHCHECK_ORDER = [
  "test",
  "timeout",
  "interval",
  "retries",
  "start_period",
  "start_interval",
  "disable",
];
const NETWORK_ORDER = [
  "name",
  "driver",
  "driver_opts",
  "ipam",
  "external",
  "internal",
  "attachable",
  "labels",
];
const VOLUME_ORDER = ["name", "driver", "driver_opts", "external", "labels"];
const OMIT_WHEN_FALSE = new Set(["read_only", "tty", "stdin_open", "disable"]);
// Fields that are maps in the docker CLI's types, whose keys Go prints sorted.
const MAPS = new Set(["environment", "labels", "sysctls", "options", "driver_opts", "networks", "ulimits"]);
const DURATIONS = new Set([
  "stop_grace_period",
  "interval",
  "timeout",
  "start_period",
  "start_interval",
  "delay",
  "monitor",
  "window",
]);

function inOrder(value: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const rank = (key: string) => (order.indexOf(key) === -1 ? order.length : order.indexOf(key));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort((a, b) => rank(a) - rank(b))) out[key] = value[key];
  return out;
}

/** A duration as Go's time.Duration prints it: 1m30s, 2m0s, 500ms, 1h0m0s. */
export function goDuration(text: string): string {
  const ns = parseDuration(text);
  if (ns === 0) return "0s";
  if (ns < 1e9) {
    const [unit, size] = ns < 1e3 ? ["ns", 1] : ns < 1e6 ? ["µs", 1e3] : ["ms", 1e6];
    return `${ns / (size as number)}${unit}`;
  }
  const hours = Math.floor(ns / 3600e9);
  const minutes = Math.floor((ns % 3600e9) / 60e9);
  const seconds = (ns % 60e9) / 1e9;
  const s = `${Number(seconds.toFixed(9))}s`;
  if (hours > 0) return `${hours}h${minutes}m${s}`;
  if (minutes > 0) return `${minutes}m${s}`;
  return s;
}

function goStyle(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((item) => goStyle(item, ""));
  if (value === null || typeof value !== "object") {
    if (typeof value === "string" && DURATIONS.has(key)) return goDuration(value);
    if (key === "memory" && typeof value === "number") return String(value);
    return value;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([k, v]) => v !== undefined && !(v === false && OMIT_WHEN_FALSE.has(k)),
  );
  if (MAPS.has(key)) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    // A single ulimit value prints as the number it was written as.
    if (key === "ulimits" && v && typeof v === "object" && "single" in v)
      out[k] = (v as { single: number }).single;
    else out[k] = goStyle(v, k);
  }
  if (key === "healthcheck") return inOrder(out, HEALTHCHECK_ORDER);
  return out;
}

function ordered(service: ComposeService): Record<string, unknown> {
  const known = Object.fromEntries(Object.entries(service).filter(([key]) => !key.startsWith("x-")));
  return goStyle(inOrder(known, SERVICE_ORDER), "") as Record<string, unknown>;
}

function sortedEntries<T>(section: Record<string, T>, each: (value: T) => unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(section)
      .sort()
      .map((name) => [name, each(section[name]!)]),
  );
}

/** The merged document as YAML (`docker stack config`); empty sections are left out. */
export function composeYaml(document: ComposeDocument): string {
  const out: Record<string, unknown> = { version: document.version };
  out.services = sortedEntries(document.services, ordered);
  const sections = {
    networks: (n: object) => goStyle(inOrder(n as Record<string, unknown>, NETWORK_ORDER), ""),
    volumes: (v: object) => goStyle(inOrder(v as Record<string, unknown>, VOLUME_ORDER), ""),
    secrets: (s: object) => goStyle(s, ""),
    configs: (c: object) => goStyle(c, ""),
  };
  for (const [section, each] of Object.entries(sections) as [
    keyof typeof sections,
    (v: object) => unknown,
  ][]) {
    if (Object.keys(document[section]).length > 0) out[section] = sortedEntries(document[section], each);
  }
  return stringify(out, { lineWidth: 0, keepUndefined: false });
}
