import type { ServiceSpec } from "@flotilla/types";
import { parseConstraints } from "./constraints.js";
import { EngineError, grpc } from "./errors.js";
import type { Store } from "./store.js";

// Service specs checked as dockerd and swarmkit check them, in their order, with their messages.
// Only what a test is likely to hit; anything else is accepted as the engine would accept it.

const MOUNT_TYPES = new Set(["bind", "volume", "tmpfs", "npipe", "cluster"]);
const DNS_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/** Go's JSON decoder rejects negative numbers for unsigned fields before anything else runs. */
const UNSIGNED: [path: string[], goType: string][] = [
  [["Mode", "Replicated", "Replicas"], "ReplicatedService"],
  [["Mode", "ReplicatedJob", "MaxConcurrent"], "ReplicatedJob"],
  [["Mode", "ReplicatedJob", "TotalCompletions"], "ReplicatedJob"],
  [["UpdateConfig", "Parallelism"], "UpdateConfig"],
  [["RollbackConfig", "Parallelism"], "UpdateConfig"],
  [["TaskTemplate", "RestartPolicy", "MaxAttempts"], "RestartPolicy"],
  [["TaskTemplate", "Placement", "MaxReplicas"], "Placement"],
];

export function checkUnsigned(body: unknown): void {
  for (const [path, goType] of UNSIGNED) {
    let value: unknown = body;
    for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
    if (typeof value === "number" && value < 0) {
      throw new EngineError(
        400,
        `json: cannot unmarshal number ${value} into Go struct field ${goType}.${path.join(".")} of type uint64`,
      );
    }
  }
}

export function validateServiceSpec(spec: ServiceSpec, store: Store): void {
  const modes = Object.entries(spec.Mode ?? {}).filter(([, v]) => v !== undefined && v !== null);
  if (modes.length > 1) throw new EngineError(400, "must specify only one service mode");
  for (const mount of spec.TaskTemplate?.ContainerSpec?.Mounts ?? []) {
    if (!MOUNT_TYPES.has(String(mount.Type)))
      throw new EngineError(400, `invalid MountType: ${JSON.stringify(mount.Type)}`);
  }
  for (const network of [...(spec.TaskTemplate?.Networks ?? []), ...(spec.Networks ?? [])]) {
    const target = network.Target ?? "";
    try {
      store.network(target);
    } catch {
      throw new EngineError(500, `network ${target} not found`);
    }
  }
  if (!spec.Name || !DNS_LABEL.test(spec.Name))
    throw grpc.invalid("name must be valid as a DNS name component");
  const task = spec.TaskTemplate ?? {};
  const restart = task.RestartPolicy;
  if ((restart?.Delay ?? 0) < 0) throw grpc.invalid("TaskSpec: restart-delay cannot be negative");
  if ((restart?.Window ?? 0) < 0) throw grpc.invalid("TaskSpec: restart-window cannot be negative");
  for (const [config, what] of [
    [spec.UpdateConfig, "update"],
    [spec.RollbackConfig, "rollback"],
  ] as const) {
    if ((config?.Delay ?? 0) < 0) throw grpc.invalid(`TaskSpec: ${what}-delay cannot be negative`);
    if ((config?.Monitor ?? 0) < 0) throw grpc.invalid(`TaskSpec: ${what}-monitor cannot be negative`);
    const ratio = config?.MaxFailureRatio ?? 0;
    if (ratio < 0 || ratio > 1)
      throw grpc.invalid(`TaskSpec: ${what}-maxfailureratio cannot be less than 0 or bigger than 1`);
  }
  if (task.ContainerSpec && !task.ContainerSpec.Image) {
    throw grpc.invalid("ContainerSpec: image reference must be provided");
  }
  if (!task.ContainerSpec && !task.PluginSpec && !task.NetworkAttachmentSpec) {
    throw grpc.invalid("ContainerSpec: image reference must be provided");
  }
  for (const ref of task.ContainerSpec?.Secrets ?? []) {
    if (!ref.File) throw grpc.invalid("malformed secret reference, no target provided");
    if (!ref.SecretID || !store.data.secrets.has(ref.SecretID)) {
      throw grpc.invalid(`secret not found: ${ref.SecretName ?? ref.SecretID}`);
    }
  }
  for (const ref of task.ContainerSpec?.Configs ?? []) {
    if (!ref.File && !ref.Runtime) throw grpc.invalid("malformed config reference, no target provided");
    if (!ref.ConfigID || !store.data.configs.has(ref.ConfigID)) {
      throw grpc.invalid(`config not found: ${ref.ConfigName ?? ref.ConfigID}`);
    }
  }
  parseConstraints(task.Placement?.Constraints);
}

/** A version query parameter as dockerd parses it (uint64), per kind of object. */
export function parseVersion(kind: string, raw: string | null): number {
  const value = raw ?? "";
  if (!/^\d+$/.test(value)) {
    throw new EngineError(
      400,
      `invalid ${kind} version '${value}': strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`,
    );
  }
  return Number(value);
}
