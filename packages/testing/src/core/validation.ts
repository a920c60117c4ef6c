import type { HealthConfig, ServiceSpec, SwarmSpec } from "@flotilla/types";
import { parseConstraints } from "./constraints.js";
import { checkContainerConversion } from "./container-convert.js";
import { EngineError, grpc } from "./errors.js";
import { base64ErrorOffset, goKind } from "./go-json.js";
import type { Store } from "./store.js";

// Service specs checked as dockerd and swarmkit check them, in their order, with their messages.
// Only what a test is likely to hit; anything else is accepted as the engine would accept it.

const MOUNT_TYPES = new Set(["bind", "volume", "tmpfs", "npipe", "cluster"]);
// swarmkit allows `-` and `_` inside a name (stacks name services `stack_service`), then checks length.
const DNS_LABEL = /^[a-zA-Z0-9](?:[-_a-zA-Z0-9]*[a-zA-Z0-9])?$/;

type GoType = "string" | "int" | "uint64" | "float32" | "time.Duration" | "[]string" | "map[string]string";

/**
 * Fields whose JSON type Go's decoder checks as it reads a ServiceSpec: the path, the Go struct
 * holding the field (Go names it in the message), and the field's Go type.
 */
const TYPED: [path: string[], goStruct: string, goType: GoType][] = [
  [["Name"], "ServiceSpec", "string"],
  [["Labels"], "ServiceSpec", "map[string]string"],
  [["Mode", "Replicated", "Replicas"], "ReplicatedService", "uint64"],
  [["Mode", "ReplicatedJob", "MaxConcurrent"], "ReplicatedJob", "uint64"],
  [["Mode", "ReplicatedJob", "TotalCompletions"], "ReplicatedJob", "uint64"],
  [["TaskTemplate", "ContainerSpec", "Image"], "ContainerSpec", "string"],
  [["TaskTemplate", "ContainerSpec", "Command"], "ContainerSpec", "[]string"],
  [["TaskTemplate", "ContainerSpec", "Args"], "ContainerSpec", "[]string"],
  [["TaskTemplate", "ContainerSpec", "Env"], "ContainerSpec", "[]string"],
  [["TaskTemplate", "ContainerSpec", "Labels"], "ContainerSpec", "map[string]string"],
  [["TaskTemplate", "ContainerSpec", "StopGracePeriod"], "ContainerSpec", "time.Duration"],
  [["TaskTemplate", "ContainerSpec", "Healthcheck", "Test"], "HealthConfig", "[]string"],
  [["TaskTemplate", "ContainerSpec", "Healthcheck", "Interval"], "HealthConfig", "time.Duration"],
  [["TaskTemplate", "ContainerSpec", "Healthcheck", "Timeout"], "HealthConfig", "time.Duration"],
  [["TaskTemplate", "ContainerSpec", "Healthcheck", "StartPeriod"], "HealthConfig", "time.Duration"],
  [["TaskTemplate", "ContainerSpec", "Healthcheck", "Retries"], "HealthConfig", "int"],
  [["TaskTemplate", "RestartPolicy", "Delay"], "RestartPolicy", "time.Duration"],
  [["TaskTemplate", "RestartPolicy", "MaxAttempts"], "RestartPolicy", "uint64"],
  [["TaskTemplate", "RestartPolicy", "Window"], "RestartPolicy", "time.Duration"],
  [["TaskTemplate", "Placement", "MaxReplicas"], "Placement", "uint64"],
  ...updateConfigFields("UpdateConfig"),
  ...updateConfigFields("RollbackConfig"),
];

function updateConfigFields(config: string): [string[], string, GoType][] {
  return [
    [[config, "Parallelism"], "UpdateConfig", "uint64"],
    [[config, "Delay"], "UpdateConfig", "time.Duration"],
    [[config, "Monitor"], "UpdateConfig", "time.Duration"],
    [[config, "MaxFailureRatio"], "UpdateConfig", "float32"],
  ];
}

/** What Go says when `value` does not fit `goType`, or undefined when it does. */
function misfit(value: unknown, goType: GoType): { what: string; type: string } | undefined {
  if (value === null || value === undefined) return undefined;
  const kind = goKind(value);
  switch (goType) {
    case "string":
      return kind === "string" ? undefined : { what: kind, type: goType };
    case "int":
    case "uint64":
    case "time.Duration":
    case "float32": {
      if (kind !== "number") return { what: kind, type: goType };
      const n = value as number;
      const whole = goType === "float32" || Number.isInteger(n);
      return whole && (goType !== "uint64" || n >= 0) ? undefined : { what: `number ${n}`, type: goType };
    }
    case "[]string":
    case "map[string]string": {
      const container = goType === "[]string" ? "array" : "object";
      if (kind !== container) return { what: kind, type: goType };
      const bad = Object.values(value as object).find((v) => v !== null && typeof v !== "string");
      return bad === undefined ? undefined : { what: goKind(bad), type: "string" };
    }
  }
}

const SWARM_TYPED: [path: string[], goStruct: string, goType: GoType][] = [
  [["Name"], "Spec", "string"],
  [["Raft", "SnapshotInterval"], "RaftConfig", "uint64"],
  [["Raft", "KeepOldSnapshots"], "RaftConfig", "uint64"],
  [["Raft", "LogEntriesForSlowFollowers"], "RaftConfig", "uint64"],
  [["Dispatcher", "HeartbeatPeriod"], "DispatcherConfig", "time.Duration"],
  [["CAConfig", "NodeCertExpiry"], "CAConfig", "time.Duration"],
];

/** A body as Go's JSON decoder reads it into `goValue`: the wrong JSON type for a field is refused. */
function checkGoTypes(body: unknown, goValue: string, fields: typeof TYPED): void {
  if (body !== null && goKind(body) !== "object") {
    throw new EngineError(400, `json: cannot unmarshal ${goKind(body)} into Go value of type ${goValue}`);
  }
  for (const [path, goStruct, goType] of fields) {
    let value: unknown = body;
    for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
    const wrong = misfit(value, goType);
    if (wrong) {
      throw new EngineError(
        400,
        `json: cannot unmarshal ${wrong.what} into Go struct field ${goStruct}.${path.join(".")} of type ${wrong.type}`,
      );
    }
  }
}

/**
 * A service body as dockerd decodes it: the wrong JSON type for a field, or a negative or
 * fractional count, is refused before anything else runs.
 */
export function checkDecodes(body: unknown): void {
  checkGoTypes(body, "swarm.ServiceSpec", TYPED);
}

/** A swarm spec body as dockerd decodes it. */
export function checkSwarmDecodes(body: unknown): void {
  checkGoTypes(body, "swarm.Spec", SWARM_TYPED);
}

/** A swarm spec as dockerd and swarmkit refuse it, before its version is compared. */
export function validateSwarmSpec(spec: SwarmSpec): void {
  if (spec.Name && spec.Name !== "default") throw new EngineError(400, 'swarm spec must be named "default"');
  if ((spec.Dispatcher?.HeartbeatPeriod ?? 0) < 0)
    throw grpc.invalid("heartbeat time period cannot be a negative duration");
  const expiry = spec.CAConfig?.NodeCertExpiry ?? 0;
  if (expiry > 0 && expiry < 3600e9) throw grpc.invalid("minimum certificate expiry time is: 1h0m0s");
}

const RESTART_CONDITIONS = new Set(["none", "on-failure", "any"]);
const FAILURE_ACTIONS = new Set(["pause", "continue", "rollback"]);
const UPDATE_ORDERS = new Set(["stop-first", "start-first"]);
const RESOLUTION_MODES = new Set(["vip", "dnsrr"]);

/** Enumerations dockerd converts for swarmkit, refusing unknown values in its own words. */
function checkConversions(spec: ServiceSpec): void {
  const condition = spec.TaskTemplate?.RestartPolicy?.Condition;
  if (condition && !RESTART_CONDITIONS.has(condition))
    throw new EngineError(400, `invalid RestartCondition: ${JSON.stringify(condition)}`);
  const mode = spec.EndpointSpec?.Mode;
  if (mode && !RESOLUTION_MODES.has(mode))
    throw new EngineError(400, `invalid resolution mode: ${JSON.stringify(mode)}`);
  // The rollback config goes through the same conversion, and its errors say "update" too.
  for (const config of [spec.UpdateConfig, spec.RollbackConfig]) {
    if (config?.FailureAction && !FAILURE_ACTIONS.has(config.FailureAction))
      throw new EngineError(400, `unrecognized update failure action ${config.FailureAction}`);
    if (config?.Order && !UPDATE_ORDERS.has(config.Order))
      throw new EngineError(400, `unrecognized update order ${config.Order}`);
  }
}

export function validateServiceSpec(spec: ServiceSpec, store: Store): void {
  const modes = Object.entries(spec.Mode ?? {}).filter(([, v]) => v !== undefined && v !== null);
  if (modes.length > 1) throw new EngineError(400, "must specify only one service mode");
  for (const mount of spec.TaskTemplate?.ContainerSpec?.Mounts ?? []) {
    if (!MOUNT_TYPES.has(String(mount.Type)))
      throw new EngineError(400, `invalid MountType: ${JSON.stringify(mount.Type)}`);
  }
  checkContainerConversion(spec.TaskTemplate?.ContainerSpec);
  checkConversions(spec);
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
  if (spec.Name.length > 63) throw grpc.invalid("name must be 63 characters or fewer");
  const task = spec.TaskTemplate ?? {};
  const restart = task.RestartPolicy;
  if ((restart?.Delay ?? 0) < 0) throw grpc.invalid("TaskSpec: restart-delay cannot be negative");
  if ((restart?.Window ?? 0) < 0) throw grpc.invalid("TaskSpec: restart-window cannot be negative");
  // swarmkit checks the update config only: a rollback config with a negative delay is stored.
  const update = spec.UpdateConfig;
  if ((update?.Delay ?? 0) < 0) throw grpc.invalid("TaskSpec: update-delay cannot be negative");
  if ((update?.Monitor ?? 0) < 0) throw grpc.invalid("TaskSpec: update-monitor cannot be negative");
  const ratio = update?.MaxFailureRatio ?? 0;
  if (ratio < 0 || ratio > 1)
    throw grpc.invalid("TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1");
  if (task.ContainerSpec && !task.ContainerSpec.Image) {
    throw grpc.invalid("ContainerSpec: image reference must be provided");
  }
  const targets = new Set<string>();
  for (const mount of task.ContainerSpec?.Mounts ?? []) {
    const target = mount.Target ?? "";
    if (targets.has(target)) throw grpc.invalid(`ContainerSpec: duplicate mount point: ${target}`);
    targets.add(target);
  }
  checkHealthcheck(task.ContainerSpec?.Healthcheck);
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

/** swarmkit's limits on a health check, checked even when its test is `NONE`. */
function checkHealthcheck(check: HealthConfig | undefined): void {
  for (const field of ["Interval", "Timeout", "StartPeriod"] as const) {
    const nanos = check?.[field] ?? 0;
    if (nanos !== 0 && nanos < 1e6)
      throw grpc.invalid(`ContainerSpec: ${field} in HealthConfig cannot be less than 1ms`);
  }
  if ((check?.Retries ?? 0) < 0)
    throw grpc.invalid("ContainerSpec: Retries in HealthConfig cannot be negative");
}

/** Secret and config data is base64 that dockerd decodes before anything else looks at it. */
export function checkObjectData(body: unknown): void {
  const data = (body as { Data?: unknown } | null)?.Data;
  if (typeof data !== "string") return;
  const offset = base64ErrorOffset(data);
  if (offset !== undefined) throw new EngineError(400, `illegal base64 data at input byte ${offset}`);
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
