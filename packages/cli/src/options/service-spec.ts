import { applyPatch, type ServicePatch } from "@flotilla/client";
import type { ContainerSpec, EndpointPortConfig, ServiceSpec, TaskSpec } from "@flotilla/types";
import { UsageError } from "../errors.js";
import type { ImageVolumes } from "./image-volumes.js";
import { applySecretEnv, type ImageCommand } from "./secret-env.js";
import type { ServiceFlags } from "./service-flags.js";
import { applyRollout } from "./service-spec-rollout.js";

// Command-line options, already read into values (see option-values.ts) → ServiceSpec. `create` starts from a bare spec, `update` from the current
// one; both apply the same options, so `-e` means the same in each (it replaces the list), and
// the -add/-rm deltas of `update` edit what is there. What the client's ServicePatch says in the
// same words (command, image, env and labels with their -add/-rm) goes through its applyPatch;
// the rest arrives here already in the engine's units and shapes (nanoseconds, Mount, ports).

export const LABELS = {
  stateful: "io.flotilla.stateful",
  link: "io.flotilla.link",
  /** Kontena's --deploy-min-health, kept so every update and scale derives parallelism from it. */
  minHealth: "io.flotilla.min-health",
} as const;

/** `declared`: the volumes the image declares, for --stateful (see image-volumes.ts). */
export function newServiceSpec(
  name: string,
  image: string,
  flags: ServiceFlags,
  declared: ImageVolumes = [],
  imageCommand?: ImageCommand | "not-on-engine",
): ServiceSpec {
  const bare: ServiceSpec = { Name: name, TaskTemplate: { ContainerSpec: { Image: image } } };
  bare.Mode = initialMode(flags);
  const spec = applyFlags(bare, flags, imageCommand);
  if (flags.stateful) makeStateful(spec, image, declared);
  return spec;
}

/** A job runs its tasks to completion once; `--replicas` then counts completions, as in docker. */
function initialMode(flags: ServiceFlags): ServiceSpec["Mode"] {
  if (flags.mode === "replicated-job") return { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } };
  if (flags.mode === "global-job") return { GlobalJob: {} };
  const global = flags.mode === "global" || flags.deployStrategy === "daemon";
  return global ? { Global: {} } : { Replicated: { Replicas: 1 } };
}

/** `image`: the image's entrypoint and command, for `:env` secrets (see secret-env.ts). */
export function applyFlags(
  given: ServiceSpec,
  flags: ServiceFlags,
  image?: ImageCommand | "not-on-engine",
): ServiceSpec {
  const spec = applyPatch(given, containerPatch(flags));
  spec.TaskTemplate ??= {};
  const task: TaskSpec = spec.TaskTemplate;
  task.ContainerSpec ??= {};
  const container: ContainerSpec = task.ContainerSpec;
  applyInstances(spec, flags);
  applyContainer(container, flags);
  applySecretEnv(container, flags, image);
  applyPlacement(task, flags);
  applyResources(task, flags);
  applyNetworking(spec, task, flags);
  applyRollout(spec, flags);
  keepMinHealth(spec, flags);
  const labelled = applyPatch(spec, labelPatch(flags));
  if (labelled.Labels !== undefined) spec.Labels = labelled.Labels;
  applyMinHealth(spec);
  if (flags.logDriver !== undefined || flags.logOpt) {
    task.LogDriver = {
      Name: flags.logDriver ?? task.LogDriver?.Name ?? "json-file",
      Options: { ...task.LogDriver?.Options, ...Object.fromEntries(flags.logOpt ?? []) },
    };
  }
  return spec;
}

function applyInstances(spec: ServiceSpec, flags: ServiceFlags): void {
  const count = flags.instances ?? flags.replicas;
  if (count === undefined) return;
  const option = flags.instances !== undefined ? "--instances" : "--replicas";
  if (spec.Mode?.Global || spec.Mode?.GlobalJob)
    throw new UsageError(
      `${option} does not apply to a global${spec.Mode.GlobalJob ? " job" : " (daemon) service"}: it runs one instance per node`,
    );
  if (spec.Mode?.ReplicatedJob) {
    spec.Mode = { ReplicatedJob: { MaxConcurrent: count, TotalCompletions: count } };
    return;
  }
  spec.Mode = { Replicated: { Replicas: count } };
}

/** The flags the client's ServicePatch names, for the container; first, as secret-env.ts reads them. */
function containerPatch(flags: ServiceFlags): ServicePatch {
  return defined({
    image: flags.image,
    args: flags.cmd,
    command: flags.entrypoint,
    user: flags.user,
    hostname: flags.hostname,
    workdir: flags.workdir,
    env: flags.env,
    envAdd: flags.envAdd,
    envRemove: flags.envRm,
    containerLabels: flags.containerLabel && Object.fromEntries(flags.containerLabel),
    capAdd: flags.capAdd,
    capDrop: flags.capDrop,
  });
}

/** Service labels, after --deploy-min-health wrote its own, so a --label-rm of it wins. */
function labelPatch(flags: ServiceFlags): ServicePatch {
  return defined({
    labels: flags.label && Object.fromEntries(flags.label),
    labelsAdd: flags.labelAdd && Object.fromEntries(flags.labelAdd),
    labelsRemove: flags.labelRm,
  });
}

function defined(patch: ServicePatch): ServicePatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}

function applyContainer(container: ContainerSpec, flags: ServiceFlags): void {
  if (flags.volume || flags.mount) {
    container.Mounts = [...(flags.volume ?? []), ...(flags.mount ?? [])];
  }
  if (flags.mountAdd) container.Mounts = [...(container.Mounts ?? []), ...flags.mountAdd];
  if (flags.mountRm)
    container.Mounts = container.Mounts?.filter((m) => !flags.mountRm!.includes(m.Target ?? ""));
  if (flags.secret) container.Secrets = flags.secret;
  if (flags.secretAdd) container.Secrets = [...(container.Secrets ?? []), ...flags.secretAdd];
  if (flags.secretRm)
    container.Secrets = container.Secrets?.filter((s) => !flags.secretRm!.includes(s.SecretName ?? ""));
  applyHealth(container, flags);
}

function applyHealth(container: ContainerSpec, flags: ServiceFlags): void {
  if (flags.deployWaitForPort !== undefined) {
    if (flags.healthCmd !== undefined)
      throw new UsageError("--deploy-wait-for-port conflicts with --health-cmd: give one");
    if (flags.healthcheck === false)
      throw new UsageError("--deploy-wait-for-port conflicts with --no-healthcheck");
    container.Healthcheck = portCheck(flags.deployWaitForPort);
  }
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
  if (flags.healthInterval !== undefined) check.Interval = flags.healthInterval;
  if (flags.healthTimeout !== undefined) check.Timeout = flags.healthTimeout;
  if (flags.healthRetries !== undefined) check.Retries = flags.healthRetries;
  if (flags.healthStartPeriod !== undefined) check.StartPeriod = flags.healthStartPeriod;
  container.Healthcheck = check;
}

/**
 * Kontena's wait_for_port as a swarm health check: a task counts as running only once healthy, so
 * a deploy (and each step of a rolling update) waits until the port takes a connection. It stays
 * a health check afterwards: a port that stops answering makes the task unhealthy and swarm
 * replaces it. The check runs inside the container, so the image needs `sh` and an `nc` that
 * takes `-w` (busybox, netcat-openbsd and ncat do); the server must listen on 127.0.0.1 or all
 * addresses. Checked every 2 s, so the wait ends soon after the port opens; failures in the first
 * minute do not count (a slow start is not a failure). --health-* options given with it override.
 */
function portCheck(port: number): NonNullable<ContainerSpec["Healthcheck"]> {
  const second = 1_000_000_000;
  return {
    Test: ["CMD-SHELL", `nc -w 2 127.0.0.1 ${port} </dev/null >/dev/null 2>&1`],
    Interval: 2 * second,
    Timeout: 3 * second,
    Retries: 3,
    StartPeriod: 60 * second,
  };
}

function applyPlacement(task: TaskSpec, flags: ServiceFlags): void {
  const placement = { ...task.Placement };
  const constraints = [...(flags.affinity ?? []), ...(flags.constraint ?? [])];
  if (flags.affinity || flags.constraint) placement.Constraints = constraints;
  if (flags.constraintAdd) placement.Constraints = [...(placement.Constraints ?? []), ...flags.constraintAdd];
  if (flags.constraintRm)
    placement.Constraints = placement.Constraints?.filter((c) => !flags.constraintRm!.includes(c));
  if (flags.deployStrategy !== undefined) {
    // ha spreads over availability zones (node label `az`) as Kontena did; swarm spreads over nodes anyway.
    if (flags.deployStrategy === "ha")
      placement.Preferences = [{ Spread: { SpreadDescriptor: "node.labels.az" } }];
    if (flags.deployStrategy === "random") placement.Preferences = [];
  }
  if (flags.placementPref) placement.Preferences = flags.placementPref;
  if (Object.keys(placement).length > 0) task.Placement = placement;
}

function applyResources(task: TaskSpec, flags: ServiceFlags): void {
  const limits = { ...task.Resources?.Limits };
  const reservations = { ...task.Resources?.Reservations };
  const memory = flags.memory ?? flags.limitMemory;
  if (memory !== undefined) limits.MemoryBytes = memory;
  if (flags.limitCpu !== undefined) limits.NanoCPUs = flags.limitCpu;
  if (flags.reserveMemory !== undefined) reservations.MemoryBytes = flags.reserveMemory;
  if (flags.reserveCpu !== undefined) reservations.NanoCPUs = flags.reserveCpu;
  if (Object.keys(limits).length + Object.keys(reservations).length > 0) {
    task.Resources = { Limits: limits, Reservations: reservations };
  }
  const restart = { ...task.RestartPolicy };
  if (flags.restartCondition !== undefined) restart.Condition = flags.restartCondition;
  if (flags.restartDelay !== undefined) restart.Delay = flags.restartDelay;
  if (flags.restartMaxAttempts !== undefined) restart.MaxAttempts = flags.restartMaxAttempts;
  if (flags.restartWindow !== undefined) restart.Window = flags.restartWindow;
  if (Object.keys(restart).length > 0) task.RestartPolicy = restart;
}

function applyNetworking(spec: ServiceSpec, task: TaskSpec, flags: ServiceFlags): void {
  const networks = [...(flags.net ? [flags.net] : []), ...(flags.network ?? [])];
  if (networks.length > 0) task.Networks = networks.map((Target) => ({ Target }));
  // Removals first, as the docker CLI does: `--network-rm N --network-add N` re-attaches N.
  if (flags.networkRm)
    task.Networks = task.Networks?.filter((n) => !flags.networkRm!.includes(n.Target ?? ""));
  if (flags.networkAdd)
    task.Networks = [...(task.Networks ?? []), ...flags.networkAdd.map((Target) => ({ Target }))];
  let ports: EndpointPortConfig[] | undefined = spec.EndpointSpec?.Ports;
  if (flags.ports) ports = flags.ports;
  if (flags.publishAdd) ports = [...(ports ?? []), ...flags.publishAdd];
  if (flags.publishRm) {
    const removed = new Set(flags.publishRm.map((p) => (p.includes("/") ? p : `${p}/tcp`)));
    ports = ports?.filter((p) => !removed.has(`${p.TargetPort}/${p.Protocol ?? "tcp"}`));
  }
  if (ports !== spec.EndpointSpec?.Ports) spec.EndpointSpec = { ...spec.EndpointSpec, Ports: ports };
}

/**
 * --deploy-min-health is kept as a label; an explicit --update-parallelism replaces it (the user
 * chose a fixed number), and both at once is a contradiction.
 */
function keepMinHealth(spec: ServiceSpec, flags: ServiceFlags): void {
  if (flags.deployMinHealth !== undefined && flags.updateParallelism !== undefined)
    throw new UsageError("--deploy-min-health conflicts with --update-parallelism: give one");
  if (flags.deployMinHealth !== undefined)
    spec.Labels = { ...spec.Labels, [LABELS.minHealth]: String(flags.deployMinHealth) };
  else if (flags.updateParallelism !== undefined) delete spec.Labels?.[LABELS.minHealth];
}

/**
 * Kontena's min health: the share of instances kept up, so at most the rest are replaced at once.
 * Derived again from the instance count at every change (update, scale), so the share holds after
 * a scale. A global service's instance count is its node count, which the spec does not hold: it
 * rolls one at a time.
 */
export function applyMinHealth(spec: ServiceSpec): ServiceSpec {
  const text = spec.Labels?.[LABELS.minHealth];
  if (text === undefined) return spec;
  const replicas = spec.Mode?.Replicated?.Replicas ?? 1;
  const parallelism = Math.max(1, Math.floor(replicas * (1 - Number(text))));
  spec.UpdateConfig = { ...spec.UpdateConfig, Parallelism: parallelism };
  return spec;
}

/**
 * Kontena's stateful services keep data per instance. Every anonymous volume (`-v /data`, and each
 * volume the image declares) becomes a named volume per task slot (per node for global services),
 * through swarm's mount templates.
 */
function makeStateful(spec: ServiceSpec, image: string, declared: ImageVolumes): void {
  const container = spec.TaskTemplate!.ContainerSpec!;
  const mounted = new Set((container.Mounts ?? []).map((m) => m.Target));
  const fromImage = declared === "not-on-engine" ? [] : declared.filter((path) => !mounted.has(path));
  if (fromImage.length > 0)
    container.Mounts = [
      ...(container.Mounts ?? []),
      ...fromImage.map((Target) => ({ Type: "volume" as const, Target })),
    ];
  const mounts = container.Mounts ?? [];
  const anonymous = mounts.filter((m) => m.Type === "volume" && m.Source === undefined);
  if (anonymous.length === 0) {
    const why =
      declared === "not-on-engine"
        ? `image "${image}" is not on this engine, so the volumes it declares cannot be read`
        : `image "${image}" declares none`;
    throw new UsageError(
      `--stateful needs at least one volume without a source, such as -v /data, to keep per instance; ${why}`,
    );
  }
  const instance = spec.Mode?.Global ? "{{.Node.ID}}" : "{{.Task.Slot}}";
  for (const mount of anonymous) {
    const path = mount.Target!.replace(/^\/+|\/+$/g, "").replace(/[^A-Za-z0-9_.-]+/g, "-") || "root";
    mount.Source = `${spec.Name}-${instance}-${path}`;
  }
  spec.Labels = { ...spec.Labels, [LABELS.stateful]: "true" };
}
