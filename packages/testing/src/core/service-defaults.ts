import type { ServiceSpec } from "@flotilla/types";

// `GET /services/{id}?insertDefaults=true` (what `docker service inspect` asks for): swarmkit
// fills what the spec leaves out with its defaults. Checked against Docker 20.10. The encoder
// (api/encode.ts) writes the filled-in fields where Go's structs put them.

const SECOND = 1_000_000_000;
const UPDATE_DEFAULTS: NonNullable<ServiceSpec["UpdateConfig"]> = {
  Parallelism: 1,
  FailureAction: "pause",
  Monitor: 5 * SECOND,
  MaxFailureRatio: 0,
  Order: "stop-first",
};

function updateConfig(config: ServiceSpec["UpdateConfig"]): ServiceSpec["UpdateConfig"] {
  if (!config) return { ...UPDATE_DEFAULTS };
  return { ...config, Monitor: config.Monitor || UPDATE_DEFAULTS.Monitor };
}

export function withDefaults<T extends ServiceSpec>(spec: T): T {
  const task = { ...spec.TaskTemplate };
  if (task.ContainerSpec) {
    const container = { ...task.ContainerSpec };
    container.StopGracePeriod ??= 10 * SECOND;
    container.DNSConfig ??= {};
    task.ContainerSpec = container;
  }
  task.Resources ??= {};
  task.RestartPolicy = task.RestartPolicy
    ? { ...task.RestartPolicy, Delay: task.RestartPolicy.Delay ?? 5 * SECOND }
    : { Condition: "any", Delay: 5 * SECOND, MaxAttempts: 0 };
  task.Placement ??= {};
  return {
    ...spec,
    TaskTemplate: task,
    UpdateConfig: updateConfig(spec.UpdateConfig),
    RollbackConfig: updateConfig(spec.RollbackConfig),
  };
}
