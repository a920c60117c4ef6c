import type { ContainerSpec, EndpointPortConfig, ServiceSpec, TaskSpec } from "@flotilla/types";
import { UsageError } from "../errors.js";
import { affinityToConstraint } from "./affinity.js";
import { mergeEnv, parseKeyValue, toRecord } from "./key-values.js";
import { parseMount, parseVolume } from "./mounts.js";
import { parsePort } from "./ports.js";
import { refuseUnsupported } from "./refused.js";
import { parseSecret } from "./secrets.js";
import type { ServiceFlags } from "./service-flags.js";
import { applyRollout } from "./service-spec-rollout.js";
import { splitCommand } from "./split-command.js";
import { parseBytes, parseCount, parseDuration, parseNanoCpus } from "./units.js";

// Command-line options → ServiceSpec. `create` starts from a bare spec, `update` from the current
// one; both apply the same options, so `-e` means the same in each (it replaces the list), and
// the -add/-rm deltas of `update` edit what is there.

export const LABELS = {
  stateful: "io.flotilla.stateful",
  link: "io.flotilla.link",
} as const;

export interface SpecEnvironment {
  /** The caller's environment, for `-e NAME` without a value. */
  env: Readonly<Record<string, string | undefined>>;
}

export function newServiceSpec(
  name: string,
  image: string,
  flags: ServiceFlags,
  environment: SpecEnvironment,
): ServiceSpec {
  const spec: ServiceSpec = { Name: name, TaskTemplate: { ContainerSpec: { Image: image } } };
  const global = flags.mode === "global" || flags.deployStrategy === "daemon";
  if (flags.mode !== undefined && flags.mode !== "global" && flags.mode !== "replicated") {
    throw new UsageError(`--mode: "${flags.mode}" is not a mode; use replicated or global`);
  }
  spec.Mode = global ? { Global: {} } : { Replicated: { Replicas: 1 } };
  applyFlags(spec, flags, environment);
  if (flags.stateful) makeStateful(spec);
  return spec;
}

export function applyFlags(
  spec: ServiceSpec,
  flags: ServiceFlags,
  environment: SpecEnvironment,
): ServiceSpec {
  refuseUnsupported(flags as Record<string, unknown>);
  spec.TaskTemplate ??= {};
  const task: TaskSpec = spec.TaskTemplate;
  task.ContainerSpec ??= {};
  const container: ContainerSpec = task.ContainerSpec;
  if (flags.image !== undefined) container.Image = flags.image;
  applyInstances(spec, flags);
  applyContainer(container, flags, environment);
  applyPlacement(task, flags);
  applyResources(task, flags);
  applyNetworking(spec, task, flags);
  applyRollout(spec, flags as Record<string, string | undefined>);
  if (flags.deployMinHealth !== undefined) applyMinHealth(spec, flags.deployMinHealth);
  if (flags.label) spec.Labels = { ...spec.Labels, ...toRecord(flags.label, "--label") };
  if (flags.labelAdd) spec.Labels = { ...spec.Labels, ...toRecord(flags.labelAdd, "--label-add") };
  for (const key of flags.labelRm ?? []) delete spec.Labels?.[key];
  if (flags.logDriver !== undefined || flags.logOpt) {
    task.LogDriver = {
      Name: flags.logDriver ?? task.LogDriver?.Name ?? "json-file",
      Options: { ...task.LogDriver?.Options, ...toRecord(flags.logOpt, "--log-opt") },
    };
  }
  return spec;
}

function applyInstances(spec: ServiceSpec, flags: ServiceFlags): void {
  const count = flags.instances ?? flags.replicas;
  if (count === undefined) return;
  const option = flags.instances !== undefined ? "--instances" : "--replicas";
  if (spec.Mode?.Global)
    throw new UsageError(
      `${option} does not apply to a global (daemon) service: it runs one instance per node`,
    );
  spec.Mode = { Replicated: { Replicas: parseCount(count, option) } };
}

function applyContainer(container: ContainerSpec, flags: ServiceFlags, environment: SpecEnvironment): void {
  if (flags.cmd !== undefined) container.Args = splitCommand(flags.cmd, "--cmd");
  if (flags.entrypoint !== undefined) container.Command = splitCommand(flags.entrypoint, "--entrypoint");
  if (flags.user !== undefined) container.User = flags.user;
  if (flags.hostname !== undefined) container.Hostname = flags.hostname;
  if (flags.workdir !== undefined) container.Dir = flags.workdir;
  if (flags.env) container.Env = flags.env.map((e) => parseKeyValue(e, "--env", environment.env).join("="));
  if (flags.envAdd || flags.envRm) {
    const additions = (flags.envAdd ?? []).map((e) =>
      parseKeyValue(e, "--env-add", environment.env).join("="),
    );
    container.Env = mergeEnv(container.Env ?? [], additions, flags.envRm ?? []);
  }
  if (flags.containerLabel)
    container.Labels = { ...container.Labels, ...toRecord(flags.containerLabel, "--container-label") };
  if (flags.capAdd) container.CapabilityAdd = flags.capAdd;
  if (flags.capDrop) container.CapabilityDrop = flags.capDrop;
  if (flags.volume || flags.mount) {
    container.Mounts = [...(flags.volume ?? []).map(parseVolume), ...(flags.mount ?? []).map(parseMount)];
  }
  if (flags.mountAdd) container.Mounts = [...(container.Mounts ?? []), ...flags.mountAdd.map(parseMount)];
  if (flags.mountRm)
    container.Mounts = container.Mounts?.filter((m) => !flags.mountRm!.includes(m.Target ?? ""));
  if (flags.secret) container.Secrets = flags.secret.map(parseSecret);
  if (flags.secretAdd)
    container.Secrets = [...(container.Secrets ?? []), ...flags.secretAdd.map(parseSecret)];
  if (flags.secretRm)
    container.Secrets = container.Secrets?.filter((s) => !flags.secretRm!.includes(s.SecretName ?? ""));
  applyHealth(container, flags);
}

function applyHealth(container: ContainerSpec, flags: ServiceFlags): void {
  if (flags.healthcheck === false) {
    if (flags.healthCmd !== undefined) throw new UsageError("--no-healthcheck conflicts with --health-cmd");
    container.Healthcheck = { Test: ["NONE"] };
    return;
  }
  const given = [
    flags.healthCmd,
    flags.healthInterval,
    flags.healthTimeout,
    flags.healthRetries,
    flags.healthStartPeriod,
  ];
  if (given.every((value) => value === undefined)) return;
  const check = { ...container.Healthcheck };
  if (flags.healthCmd !== undefined) check.Test = ["CMD-SHELL", flags.healthCmd];
  if (flags.healthInterval !== undefined)
    check.Interval = parseDuration(flags.healthInterval, "--health-interval");
  if (flags.healthTimeout !== undefined)
    check.Timeout = parseDuration(flags.healthTimeout, "--health-timeout");
  if (flags.healthRetries !== undefined) check.Retries = parseCount(flags.healthRetries, "--health-retries");
  if (flags.healthStartPeriod !== undefined) {
    check.StartPeriod = parseDuration(flags.healthStartPeriod, "--health-start-period");
  }
  container.Healthcheck = check;
}

const STRATEGIES = new Set(["ha", "random", "daemon"]);

function applyPlacement(task: TaskSpec, flags: ServiceFlags): void {
  const placement = { ...task.Placement };
  const constraints = [...(flags.affinity ?? []).map(affinityToConstraint), ...(flags.constraint ?? [])];
  if (flags.affinity || flags.constraint) placement.Constraints = constraints;
  if (flags.constraintAdd) placement.Constraints = [...(placement.Constraints ?? []), ...flags.constraintAdd];
  if (flags.constraintRm)
    placement.Constraints = placement.Constraints?.filter((c) => !flags.constraintRm!.includes(c));
  if (flags.deployStrategy !== undefined) {
    if (!STRATEGIES.has(flags.deployStrategy)) {
      throw new UsageError(
        `--deploy-strategy: "${flags.deployStrategy}" is not a strategy; use ha, random or daemon`,
      );
    }
    // ha spreads over availability zones (node label `az`) as Kontena did; swarm spreads over nodes anyway.
    if (flags.deployStrategy === "ha")
      placement.Preferences = [{ Spread: { SpreadDescriptor: "node.labels.az" } }];
    if (flags.deployStrategy === "random") placement.Preferences = [];
  }
  if (flags.placementPref) {
    placement.Preferences = flags.placementPref.map((pref) => {
      const match = /^spread=(.+)$/.exec(pref);
      if (!match)
        throw new UsageError(`--placement-pref: "${pref}" is not a preference; write spread=node.labels.KEY`);
      return { Spread: { SpreadDescriptor: match[1] } };
    });
  }
  if (Object.keys(placement).length > 0) task.Placement = placement;
}

function applyResources(task: TaskSpec, flags: ServiceFlags): void {
  const limits = { ...task.Resources?.Limits };
  const reservations = { ...task.Resources?.Reservations };
  const memory = flags.memory ?? flags.limitMemory;
  if (memory !== undefined)
    limits.MemoryBytes = parseBytes(memory, flags.memory !== undefined ? "--memory" : "--limit-memory");
  if (flags.limitCpu !== undefined) limits.NanoCPUs = parseNanoCpus(flags.limitCpu, "--limit-cpu");
  if (flags.reserveMemory !== undefined)
    reservations.MemoryBytes = parseBytes(flags.reserveMemory, "--reserve-memory");
  if (flags.reserveCpu !== undefined)
    reservations.NanoCPUs = parseNanoCpus(flags.reserveCpu, "--reserve-cpu");
  if (Object.keys(limits).length + Object.keys(reservations).length > 0) {
    task.Resources = { Limits: limits, Reservations: reservations };
  }
  const restart = { ...task.RestartPolicy };
  if (flags.restartCondition !== undefined) {
    if (!/^(none|on-failure|any)$/.test(flags.restartCondition)) {
      throw new UsageError(
        `--restart-condition: "${flags.restartCondition}" must be none, on-failure or any`,
      );
    }
    restart.Condition = flags.restartCondition as "any";
  }
  if (flags.restartDelay !== undefined) restart.Delay = parseDuration(flags.restartDelay, "--restart-delay");
  if (flags.restartMaxAttempts !== undefined) {
    restart.MaxAttempts = parseCount(flags.restartMaxAttempts, "--restart-max-attempts");
  }
  if (flags.restartWindow !== undefined)
    restart.Window = parseDuration(flags.restartWindow, "--restart-window");
  if (Object.keys(restart).length > 0) task.RestartPolicy = restart;
}

function applyNetworking(spec: ServiceSpec, task: TaskSpec, flags: ServiceFlags): void {
  const networks = [...(flags.net ? [flags.net] : []), ...(flags.network ?? [])];
  if (networks.length > 0) task.Networks = networks.map((Target) => ({ Target }));
  if (flags.networkAdd)
    task.Networks = [...(task.Networks ?? []), ...flags.networkAdd.map((Target) => ({ Target }))];
  if (flags.networkRm)
    task.Networks = task.Networks?.filter((n) => !flags.networkRm!.includes(n.Target ?? ""));
  let ports: EndpointPortConfig[] | undefined = spec.EndpointSpec?.Ports;
  if (flags.ports) ports = flags.ports.map((p) => parsePort(p, "--ports"));
  if (flags.publishAdd)
    ports = [...(ports ?? []), ...flags.publishAdd.map((p) => parsePort(p, "--publish-add"))];
  if (flags.publishRm) {
    const removed = new Set(flags.publishRm.map((p) => (p.includes("/") ? p : `${p}/tcp`)));
    ports = ports?.filter((p) => !removed.has(`${p.TargetPort}/${p.Protocol ?? "tcp"}`));
  }
  if (ports !== spec.EndpointSpec?.Ports) spec.EndpointSpec = { ...spec.EndpointSpec, Ports: ports };
}

/** Kontena's min health: the share of instances kept up, so at most the rest are replaced at once. */
function applyMinHealth(spec: ServiceSpec, text: string): void {
  const fraction = Number(text);
  if (!/^\d*\.?\d+$/.test(text) || fraction > 1) {
    throw new UsageError(`--deploy-min-health: "${text}" is not a fraction between 0 and 1 (0.8)`);
  }
  const replicas = spec.Mode?.Replicated?.Replicas ?? 1;
  const parallelism = Math.max(1, Math.floor(replicas * (1 - fraction)));
  spec.UpdateConfig = { ...spec.UpdateConfig, Parallelism: parallelism };
}

/**
 * Kontena's stateful services keep data per instance. Every anonymous volume (`-v /data`) becomes
 * a named volume per task slot (per node for global services), through swarm's mount templates.
 */
function makeStateful(spec: ServiceSpec): void {
  const mounts = spec.TaskTemplate?.ContainerSpec?.Mounts ?? [];
  const anonymous = mounts.filter((m) => m.Type === "volume" && m.Source === undefined);
  if (anonymous.length === 0) {
    throw new UsageError(
      "--stateful needs at least one volume without a source, such as -v /data, to keep per instance",
    );
  }
  const instance = spec.Mode?.Global ? "{{.Node.ID}}" : "{{.Task.Slot}}";
  for (const mount of anonymous) {
    const path = mount.Target!.replace(/^\/+|\/+$/g, "").replace(/[^A-Za-z0-9_.-]+/g, "-") || "root";
    mount.Source = `${spec.Name}-${instance}-${path}`;
  }
  spec.Labels = { ...spec.Labels, [LABELS.stateful]: "true" };
}
