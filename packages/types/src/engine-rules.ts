import type { ValidationIssue } from "./errors.js";
import type { RequestBodyName } from "./generated/zod.js";

// What the engine refuses that spec/ cannot say: counts that are unsigned, durations that
// cannot be negative, names the engine's patterns refuse, sizes it limits, values that only
// make sense together. Checked against Docker 20.10 (see test/bad-input/). Some of these the
// engine takes at create time and only fails on when a task starts (mount paths); refusing them
// up front spares a service that can never run.

type Json = Record<string, unknown>;
type Check = (body: Json, issue: (path: string, message: string) => void) => void;

/**
 * The names the engine takes, shared with the fake swarm so both refuse the same ones. A service
 * name is a DNS label (swarmkit allows `-` and `_` inside: stacks name services `stack_service`),
 * checked for its length after; a secret or config name is 1 to 64 of these characters.
 */
export const ENGINE_NAMES = {
  service: /^[a-zA-Z0-9](?:[-_a-zA-Z0-9]*[a-zA-Z0-9])?$/,
  serviceMaxLength: 63,
  object: /^[a-zA-Z0-9](?:[a-zA-Z0-9-_.]{0,62}[a-zA-Z0-9])?$/,
} as const;

/** The bytes a secret's or config's data must stay below (and be more than 0). */
export const DATA_LIMITS = { secret: 500 * 1024, config: 1000 * 1024 } as const;

const SERVICE_NAME = ENGINE_NAMES.service;
const OBJECT_NAME = ENGINE_NAMES.object;
const HOUR_NS = 3600e9;
/** `/data`, or on Windows nodes `C:\data` and `\\.\pipe\x`. */
const ABSOLUTE = /^(?:\/|[a-zA-Z]:[\\/]|\\\\)/;

const object = (value: unknown): Json | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const isNumber = (value: unknown): value is number => typeof value === "number";

function unsigned(value: unknown, path: string, issue: (path: string, message: string) => void): void {
  if (isNumber(value) && value < 0) issue(path, `cannot be negative (it is a count): ${value}`);
}

function notNegative(value: unknown, path: string, issue: (path: string, message: string) => void): void {
  if (isNumber(value) && value < 0) issue(path, `cannot be a negative duration: ${value}`);
}

function checkMounts(container: Json, base: string, issue: (path: string, message: string) => void) {
  const targets = new Set<string>();
  list(container.Mounts).forEach((value, i) => {
    const mount = object(value) ?? {};
    const at = `${base}.Mounts[${i}]`;
    const target = typeof mount.Target === "string" ? mount.Target : "";
    if (target === "") issue(`${at}.Target`, "is required");
    else if (!ABSOLUTE.test(target)) issue(`${at}.Target`, `must be an absolute path, not "${target}"`);
    else if (targets.has(target)) issue(`${at}.Target`, `is already the target of another mount: ${target}`);
    targets.add(target);
    const source = typeof mount.Source === "string" ? mount.Source : "";
    if (mount.Type === "bind") {
      if (source === "") issue(`${at}.Source`, "is required for a bind mount");
      else if (!ABSOLUTE.test(source)) issue(`${at}.Source`, `must be an absolute path, not "${source}"`);
    }
    if (mount.Type === "tmpfs" && source !== "") issue(`${at}.Source`, "must be empty for a tmpfs mount");
    if (mount.BindOptions && mount.Type !== "bind")
      issue(`${at}.BindOptions`, `only applies to bind mounts, not ${String(mount.Type)}`);
    if (mount.VolumeOptions && mount.Type !== "volume")
      issue(`${at}.VolumeOptions`, `only applies to volume mounts, not ${String(mount.Type)}`);
    if (mount.TmpfsOptions && mount.Type !== "tmpfs")
      issue(`${at}.TmpfsOptions`, `only applies to tmpfs mounts, not ${String(mount.Type)}`);
  });
}

function checkUpdateConfig(value: unknown, base: string, issue: (path: string, message: string) => void) {
  const config = object(value);
  if (!config) return;
  unsigned(config.Parallelism, `${base}.Parallelism`, issue);
  notNegative(config.Delay, `${base}.Delay`, issue);
  notNegative(config.Monitor, `${base}.Monitor`, issue);
  const ratio = config.MaxFailureRatio;
  if (isNumber(ratio) && (ratio < 0 || ratio > 1))
    issue(`${base}.MaxFailureRatio`, `must be from 0 to 1, not ${ratio}`);
}

function checkEndpoint(value: unknown, issue: (path: string, message: string) => void) {
  const endpoint = object(value);
  if (!endpoint) return;
  const published = new Set<string>();
  list(endpoint.Ports).forEach((entry, i) => {
    const port = object(entry) ?? {};
    const at = `EndpointSpec.Ports[${i}]`;
    for (const field of ["TargetPort", "PublishedPort"]) {
      const n = port[field];
      if (isNumber(n) && (n < 0 || n > 65535))
        issue(`${at}.${field}`, `must be a port from 0 to 65535, not ${n}`);
    }
    const mode = port.PublishMode ?? "ingress";
    if (endpoint.Mode === "dnsrr" && mode === "ingress")
      issue(
        `${at}.PublishMode`,
        "ingress publishing needs a virtual IP; use host publishing with dnsrr mode",
      );
    if (!port.PublishedPort) return;
    const key = `${String(port.Protocol ?? "tcp")}/${String(port.PublishedPort)}`;
    if (published.has(key)) issue(`${at}.PublishedPort`, `${key} is published twice`);
    published.add(key);
  });
}

const checkServiceSpec: Check = (spec, issue) => {
  const name = spec.Name;
  if (typeof name === "string" && name !== "") {
    if (!SERVICE_NAME.test(name))
      issue("Name", `must be a DNS name component (letters and digits, - or _ between them), not "${name}"`);
    else if (name.length > ENGINE_NAMES.serviceMaxLength)
      issue("Name", `must be ${ENGINE_NAMES.serviceMaxLength} characters or fewer (it has ${name.length})`);
  }
  const modes = Object.entries(object(spec.Mode) ?? {}).filter(([, v]) => v !== undefined && v !== null);
  if (modes.length > 1)
    issue("Mode", `must set one service mode, not ${modes.map(([k]) => k).join(" and ")}`);
  const mode = object(spec.Mode) ?? {};
  unsigned(object(mode.Replicated)?.Replicas, "Mode.Replicated.Replicas", issue);
  unsigned(object(mode.ReplicatedJob)?.MaxConcurrent, "Mode.ReplicatedJob.MaxConcurrent", issue);
  unsigned(object(mode.ReplicatedJob)?.TotalCompletions, "Mode.ReplicatedJob.TotalCompletions", issue);
  const task = object(spec.TaskTemplate);
  if (!task?.ContainerSpec && !task?.PluginSpec && !task?.NetworkAttachmentSpec) {
    issue("TaskTemplate", "needs a ContainerSpec (or a PluginSpec or NetworkAttachmentSpec)");
  }
  const container = object(task?.ContainerSpec);
  if (container) {
    const base = "TaskTemplate.ContainerSpec";
    if (!container.Image) issue(`${base}.Image`, "is required");
    notNegative(container.StopGracePeriod, `${base}.StopGracePeriod`, issue);
    checkMounts(container, base, issue);
    const health = object(container.Healthcheck) ?? {};
    for (const field of ["Interval", "Timeout", "StartPeriod"])
      notNegative(health[field], `${base}.Healthcheck.${field}`, issue);
    list(container.Secrets).forEach((ref, i) => {
      if (!object(ref)?.File) issue(`${base}.Secrets[${i}].File`, "is required: the file the secret becomes");
    });
    list(container.Configs).forEach((ref, i) => {
      const config = object(ref);
      if (!config?.File && !config?.Runtime)
        issue(`${base}.Configs[${i}].File`, "is required: the file the config becomes");
    });
  }
  const restart = object(task?.RestartPolicy) ?? {};
  unsigned(restart.MaxAttempts, "TaskTemplate.RestartPolicy.MaxAttempts", issue);
  notNegative(restart.Delay, "TaskTemplate.RestartPolicy.Delay", issue);
  notNegative(restart.Window, "TaskTemplate.RestartPolicy.Window", issue);
  const placement = object(task?.Placement) ?? {};
  unsigned(placement.MaxReplicas, "TaskTemplate.Placement.MaxReplicas", issue);
  list(placement.Constraints).forEach((constraint, i) => {
    if (typeof constraint === "string" && !/==|!=/.test(constraint))
      issue(
        `TaskTemplate.Placement.Constraints[${i}]`,
        `needs == or != (as in node.role==manager): "${constraint}"`,
      );
  });
  checkUpdateConfig(spec.UpdateConfig, "UpdateConfig", issue);
  checkUpdateConfig(spec.RollbackConfig, "RollbackConfig", issue);
  checkEndpoint(spec.EndpointSpec, issue);
};

/** Bytes that base64 text decodes to, without decoding it. */
function base64Size(text: string): number {
  const bare = text.replace(/[\r\n]/g, "");
  const padding = bare.endsWith("==") ? 2 : bare.endsWith("=") ? 1 : 0;
  return Math.floor((bare.length * 3) / 4) - padding;
}

function checkData(kind: "secret" | "config", limit: number): Check {
  return (spec, issue) => {
    const name = spec.Name;
    if (typeof name === "string" && !OBJECT_NAME.test(name)) {
      issue(
        "Name",
        `must be 1 to 64 of a-z, A-Z, 0-9, -, _ and ., starting and ending with a letter or digit, not "${name}"`,
      );
    }
    if (kind === "secret" && spec.Driver) return;
    if (typeof spec.Data !== "string") return;
    const size = base64Size(spec.Data);
    if (size === 0 || size >= limit)
      issue("Data", `${kind} data must be more than 0 and less than ${limit} bytes, not ${size}`);
  };
}

const checkSwarmSpec: Check = (spec, issue) => {
  if (typeof spec.Name === "string" && spec.Name !== "" && spec.Name !== "default")
    issue("Name", `a swarm is always named "default", not "${spec.Name}"`);
  const raft = object(spec.Raft) ?? {};
  for (const field of ["SnapshotInterval", "KeepOldSnapshots", "LogEntriesForSlowFollowers"])
    unsigned(raft[field], `Raft.${field}`, issue);
  notNegative(object(spec.Dispatcher)?.HeartbeatPeriod, "Dispatcher.HeartbeatPeriod", issue);
  const expiry = object(spec.CAConfig)?.NodeCertExpiry;
  if (isNumber(expiry) && expiry > 0 && expiry < HOUR_NS)
    issue("CAConfig.NodeCertExpiry", `must be at least 1h (3600000000000 ns), not ${expiry}`);
};

const RULES: Partial<Record<RequestBodyName, Check>> = {
  ServiceSpec: checkServiceSpec,
  SecretSpec: checkData("secret", DATA_LIMITS.secret),
  ConfigSpec: checkData("config", DATA_LIMITS.config),
  SwarmSpec: checkSwarmSpec,
};

/** The issues the engine would raise for a body that already fits spec/. */
export function engineRuleIssues(name: RequestBodyName, body: unknown): ValidationIssue[] {
  const check = RULES[name];
  const value = object(body);
  if (!check || !value) return [];
  const issues: ValidationIssue[] = [];
  check(value, (path, message) => issues.push({ path, message }));
  return issues;
}
