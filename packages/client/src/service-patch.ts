import type { ServiceSpec } from "@flotilla/types";
import { ValidationError } from "@flotilla/types";
import { toEnv } from "./service-option-parts.js";
import { type ServicePatch, specFromOptions } from "./service-options.js";

// How a partial change lands on a service's current spec: what the patch sets replaces what was
// there (objects merge field by field, lists are replaced whole), and the add/remove options edit
// env and labels in place, as `docker service update --env-add/--label-rm` do.

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Objects merge; arrays and scalars from `change` replace. */
export function deepMerge<T>(base: T, change: unknown): T {
  if (!isPlain(base) || !isPlain(change)) return (change === undefined ? base : change) as T;
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(change)) {
    if (value !== undefined) out[key] = deepMerge(base[key], value);
  }
  return out as T;
}

function envName(entry: string): string {
  const eq = entry.indexOf("=");
  return eq === -1 ? entry : entry.slice(0, eq);
}

function editEnv(env: string[], add: string[], remove: readonly string[]): string[] {
  const drop = new Set([...remove, ...add.map(envName)]);
  return [...env.filter((entry) => !drop.has(envName(entry))), ...add];
}

function editLabels(labels: Record<string, string> | undefined, add = {}, remove: readonly string[] = []) {
  const out: Record<string, string> = { ...labels, ...add };
  for (const key of remove) delete out[key];
  return out;
}

/** The spec to send: `current` with `patch` applied. `current` is not modified. */
export function applyPatch(current: ServiceSpec, patch: ServicePatch): ServiceSpec {
  if (patch.replicas !== undefined && patch.mode === undefined && !current.Mode?.Replicated) {
    throw new ValidationError("service patch", [
      { path: "replicas", message: "only a replicated service has replicas; this one is not replicated" },
    ]);
  }
  const change = specFromOptions(patch);
  // A mode is one of four shapes: a new one replaces the old rather than sitting beside it.
  const base = change.Mode && patch.mode !== undefined ? { ...current, Mode: undefined } : current;
  const next = deepMerge(base, change);
  const container = { ...next.TaskTemplate?.ContainerSpec };
  if (patch.envAdd !== undefined || patch.envRemove !== undefined) {
    container.Env = editEnv(container.Env ?? [], toEnv(patch.envAdd ?? []), patch.envRemove ?? []);
  }
  if (patch.containerLabelsAdd !== undefined || patch.containerLabelsRemove !== undefined) {
    container.Labels = editLabels(container.Labels, patch.containerLabelsAdd, patch.containerLabelsRemove);
  }
  if (patch.labelsAdd !== undefined || patch.labelsRemove !== undefined) {
    next.Labels = editLabels(next.Labels, patch.labelsAdd, patch.labelsRemove);
  }
  const task = { ...next.TaskTemplate, ContainerSpec: container };
  if (patch.forceUpdate) task.ForceUpdate = (current.TaskTemplate?.ForceUpdate ?? 0) + 1;
  return { ...next, TaskTemplate: task };
}
