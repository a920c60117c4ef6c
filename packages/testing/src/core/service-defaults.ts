import type { ServiceSpec } from "@flotilla/types";

// `GET /services/{id}?insertDefaults=true` (what `docker service inspect` asks for): swarmkit
// fills what the spec leaves out with its defaults. Checked against Docker 20.10. The fields come
// back in the order of Go's structs, so the filled-in ones land where the engine puts them.

const SECOND = 1_000_000_000;
const UPDATE_DEFAULTS: NonNullable<ServiceSpec["UpdateConfig"]> = {
  Parallelism: 1,
  FailureAction: "pause",
  Monitor: 5 * SECOND,
  MaxFailureRatio: 0,
  Order: "stop-first",
};

const CONTAINER_ORDER = [
  "Image",
  "Labels",
  "Command",
  "Args",
  "Hostname",
  "Env",
  "Dir",
  "User",
  "Groups",
  "Privileges",
  "Init",
  "StopSignal",
  "TTY",
  "OpenStdin",
  "ReadOnly",
  "Mounts",
  "StopGracePeriod",
  "Healthcheck",
  "Hosts",
  "DNSConfig",
  "Secrets",
  "Configs",
  "Isolation",
  "Sysctls",
  "CapabilityAdd",
  "CapabilityDrop",
  "Ulimits",
];
const TASK_ORDER = [
  "PluginSpec",
  "ContainerSpec",
  "NetworkAttachmentSpec",
  "Resources",
  "RestartPolicy",
  "Placement",
  "Networks",
  "LogDriver",
  "ForceUpdate",
  "Runtime",
];
const UPDATE_ORDER = ["Parallelism", "Delay", "FailureAction", "Monitor", "MaxFailureRatio", "Order"];
const RESTART_ORDER = ["Condition", "Delay", "MaxAttempts", "Window"];

/** `object` with its keys in `order` (keys it does not know keep their place after those). */
function ordered<T extends object>(object: T, order: readonly string[]): T {
  const source = object as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of order) if (key in source) out[key] = source[key];
  for (const key of Object.keys(source)) if (!(key in out)) out[key] = source[key];
  return out as T;
}

function updateConfig(config: ServiceSpec["UpdateConfig"]): ServiceSpec["UpdateConfig"] {
  if (!config) return { ...UPDATE_DEFAULTS };
  return ordered({ ...config, Monitor: config.Monitor || UPDATE_DEFAULTS.Monitor }, UPDATE_ORDER);
}

export function withDefaults<T extends ServiceSpec>(spec: T): T {
  const task = { ...spec.TaskTemplate };
  if (task.ContainerSpec) {
    const container = { ...task.ContainerSpec };
    container.StopGracePeriod ??= 10 * SECOND;
    container.DNSConfig ??= {};
    task.ContainerSpec = ordered(container, CONTAINER_ORDER);
  }
  task.Resources ??= {};
  task.RestartPolicy = task.RestartPolicy
    ? ordered({ ...task.RestartPolicy, Delay: task.RestartPolicy.Delay ?? 5 * SECOND }, RESTART_ORDER)
    : { Condition: "any", Delay: 5 * SECOND, MaxAttempts: 0 };
  task.Placement ??= {};
  return {
    ...spec,
    TaskTemplate: ordered(task, TASK_ORDER),
    UpdateConfig: updateConfig(spec.UpdateConfig),
    RollbackConfig: updateConfig(spec.RollbackConfig),
  };
}
