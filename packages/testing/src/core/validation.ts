import { ENGINE_NAMES, type HealthConfig, type ServiceSpec, type SwarmSpec } from "@flotilla/types";
import { parseConstraints } from "./constraints.js";
import { checkContainerConversion } from "./container-convert.js";
import { EngineError, grpc } from "./errors.js";
import { base64ErrorOffset } from "./go-json.js";
import { isNormalizedNamed } from "./image-reference.js";
import { checkRequestSize } from "./message-size.js";
import type { Store } from "./store.js";

// Service specs checked as dockerd and swarmkit check them, in their order, with their messages.
// Only what a test is likely to hit; anything else is accepted as the engine would accept it.

const MOUNT_TYPES = new Set(["bind", "volume", "tmpfs", "npipe", "cluster"]);

/** A swarm spec as dockerd and swarmkit refuse it, before its version is compared. */
export function validateSwarmSpec(spec: SwarmSpec): void {
  if (spec.Name && spec.Name !== "default")
    throw new EngineError("InvalidParameter", 'swarm spec must be named "default"');
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
    throw new EngineError("InvalidParameter", `invalid RestartCondition: ${JSON.stringify(condition)}`);
  const mode = spec.EndpointSpec?.Mode;
  if (mode && !RESOLUTION_MODES.has(mode))
    throw new EngineError("InvalidParameter", `invalid resolution mode: ${JSON.stringify(mode)}`);
  // The rollback config goes through the same conversion, and its errors say "update" too.
  for (const config of [spec.UpdateConfig, spec.RollbackConfig]) {
    if (config?.FailureAction && !FAILURE_ACTIONS.has(config.FailureAction))
      throw new EngineError("InvalidParameter", `unrecognized update failure action ${config.FailureAction}`);
    if (config?.Order && !UPDATE_ORDERS.has(config.Order))
      throw new EngineError("InvalidParameter", `unrecognized update order ${config.Order}`);
  }
}

/**
 * `spec` as dockerd checks it, then gRPC its size (`unreadBytes` more than the spec holds, see
 * readJson), then swarmkit its fields.
 */
export function validateServiceSpec(spec: ServiceSpec, store: Store, unreadBytes = 0): void {
  const modes = Object.entries(spec.Mode ?? {}).filter(([, v]) => v !== undefined && v !== null);
  if (modes.length > 1) throw new EngineError("InvalidParameter", "must specify only one service mode");
  for (const mount of spec.TaskTemplate?.ContainerSpec?.Mounts ?? []) {
    if (!MOUNT_TYPES.has(String(mount.Type)))
      throw new EngineError("InvalidParameter", `invalid MountType: ${JSON.stringify(mount.Type)}`);
  }
  checkContainerConversion(spec.TaskTemplate?.ContainerSpec);
  checkConversions(spec);
  for (const network of [...(spec.TaskTemplate?.Networks ?? []), ...(spec.Networks ?? [])]) {
    const target = network.Target ?? "";
    try {
      store.network(target);
    } catch {
      throw new EngineError("Unknown", `network ${target} not found`);
    }
  }
  checkRequestSize("ServiceSpec", spec, unreadBytes);
  if (!spec.Name || !ENGINE_NAMES.service.test(spec.Name))
    throw grpc.invalid("name must be valid as a DNS name component");
  if (spec.Name.length > ENGINE_NAMES.serviceMaxLength)
    throw grpc.invalid(`name must be ${ENGINE_NAMES.serviceMaxLength} characters or fewer`);
  const task = spec.TaskTemplate ?? {};
  checkResources(task.Resources?.Limits);
  checkResources(task.Resources?.Reservations);
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
  if (task.ContainerSpec && !isNormalizedNamed(task.ContainerSpec.Image!)) {
    throw grpc.invalid(
      `ContainerSpec: ${JSON.stringify(task.ContainerSpec.Image)} is not a valid repository/tag`,
    );
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

/** swarmkit's floor on a CPU or memory limit or reservation (0 is none). */
function checkResources(resources: { NanoCPUs?: number; MemoryBytes?: number } | undefined): void {
  const cpus = resources?.NanoCPUs ?? 0;
  if (cpus !== 0 && cpus < 1e6)
    throw grpc.invalid(`invalid cpu value ${goFloat(cpus / 1e9)}: Must be at least 0.001`);
  const memory = resources?.MemoryBytes ?? 0;
  if (memory !== 0 && memory < 4 * 1024 * 1024)
    throw grpc.invalid(`invalid memory value ${memory}: Must be at least 4MiB`);
}

/** A float as Go's %g prints it: `-5e-09`, `0.0005`, `1e+06`. */
function goFloat(n: number): string {
  const exponent = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
  if (exponent < -4 || exponent >= 6) {
    const [mantissa, power] = n.toExponential().split("e") as [string, string];
    const sign = power.startsWith("-") ? "-" : "+";
    return `${mantissa}e${sign}${power.replace(/^[-+]/, "").padStart(2, "0")}`;
  }
  return String(n);
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
  if (offset !== undefined)
    throw new EngineError("InvalidParameter", `illegal base64 data at input byte ${offset}`);
}

/** A version query parameter as dockerd parses it (uint64), per kind of object. */
export function parseVersion(kind: string, raw: string | null): number {
  const value = raw ?? "";
  if (!/^\d+$/.test(value)) {
    throw new EngineError(
      "InvalidParameter",
      `invalid ${kind} version '${value}': strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`,
    );
  }
  return Number(value);
}
