import type { Node, Service, Task } from "@flotilla/client";
import type { NodeView, ServiceDetail, ServiceView, SwarmView, TaskView } from "./wire.js";

// Engine documents turned into what the page shows (wire.ts). Only named fields are copied, so
// whatever the engine adds later (or a secret's data, were it ever there) never reaches the page.

type ServiceAttrs = Service["attrs"];
type TaskAttrs = Task["attrs"];
type NodeAttrs = Node["attrs"];

const STACK_LABEL = "com.docker.stack.namespace";
const ROLLOUT_STATES = new Set(["updating", "rollback_started"]);

/** The image as a person wrote it: without the digest the engine pinned it to. */
export function imageName(image: string | undefined): string {
  return (image ?? "").replace(/@sha256:[0-9a-f]+$/, "");
}

export function nodeView(node: NodeAttrs): NodeView {
  return {
    id: node.ID ?? "",
    hostname: node.Description?.Hostname ?? node.ID ?? "",
    role: node.Spec?.Role ?? "",
    availability: node.Spec?.Availability ?? "",
    state: node.Status?.State ?? "",
    leader: node.ManagerStatus?.Leader === true,
    addr: node.Status?.Addr ?? "",
  };
}

export function taskView(task: TaskAttrs, serviceNames: ReadonlyMap<string, string>): TaskView {
  const status = task.Status ?? {};
  const exitCode = status.ContainerStatus?.ExitCode;
  return {
    id: task.ID ?? "",
    serviceId: task.ServiceID ?? "",
    serviceName: serviceNames.get(task.ServiceID ?? "") ?? task.ServiceID ?? "",
    ...(task.Slot !== undefined && { slot: task.Slot }),
    ...(task.NodeID && { nodeId: task.NodeID }),
    state: status.State ?? "",
    desiredState: task.DesiredState ?? "",
    message: status.Message ?? "",
    ...(status.Err && { error: status.Err }),
    ...(exitCode !== undefined && exitCode !== 0 && { exitCode }),
    image: imageName(task.Spec?.ContainerSpec?.Image),
    since: status.Timestamp ?? task.UpdatedAt ?? "",
    createdAt: task.CreatedAt ?? "",
  };
}

function modeOf(service: ServiceAttrs): string {
  const mode = service.Spec?.Mode ?? {};
  if (mode.Global) return "global";
  if (mode.ReplicatedJob) return "replicated-job";
  if (mode.GlobalJob) return "global-job";
  return "replicated";
}

const isLive = (task: TaskAttrs) => task.DesiredState === "running" && task.Status?.State === "running";

export function serviceView(service: ServiceAttrs, tasks: readonly TaskAttrs[]): ServiceView {
  const mode = modeOf(service);
  const wanted = tasks.filter((t) => t.DesiredState === "running");
  const running = wanted.filter(isLive).length;
  const desired =
    mode === "replicated"
      ? (service.Spec?.Mode?.Replicated?.Replicas ?? 1)
      : mode === "replicated-job"
        ? (service.Spec?.Mode?.ReplicatedJob?.TotalCompletions ?? undefined)
        : (service.ServiceStatus?.DesiredTasks ?? wanted.length);
  const status = service.UpdateStatus;
  const update = status?.State
    ? {
        state: status.State,
        message: status.Message ?? "",
        ...(status.StartedAt && { startedAt: status.StartedAt }),
        ...(ROLLOUT_STATES.has(status.State) && { progress: progressOf(status.StartedAt, wanted, desired) }),
      }
    : undefined;
  return {
    id: service.ID ?? "",
    name: service.Spec?.Name ?? service.ID ?? "",
    ...(service.Spec?.Labels?.[STACK_LABEL] && { stack: service.Spec.Labels[STACK_LABEL] }),
    mode,
    image: imageName(service.Spec?.TaskTemplate?.ContainerSpec?.Image),
    ...(desired !== undefined && { desired }),
    running,
    ...(update && { update }),
    canRollback: service.PreviousSpec !== undefined,
  };
}

/** Running tasks made since the rollout started, over those wanted: how far the rollout is. */
function progressOf(startedAt: string | undefined, wanted: readonly TaskAttrs[], desired?: number): number {
  const total = desired ?? wanted.length;
  if (!startedAt || total === 0) return 0;
  const since = Date.parse(startedAt);
  const renewed = wanted.filter((t) => isLive(t) && Date.parse(t.CreatedAt ?? "") >= since).length;
  return Math.min(1, renewed / total);
}

export function swarmView(
  nodes: readonly NodeAttrs[],
  services: readonly ServiceAttrs[],
  tasks: readonly TaskAttrs[],
): SwarmView {
  const names = new Map(services.map((s) => [s.ID ?? "", s.Spec?.Name ?? ""]));
  const byService = new Map<string, TaskAttrs[]>();
  for (const task of tasks) {
    const id = task.ServiceID ?? "";
    const list = byService.get(id);
    if (list) list.push(task);
    else byService.set(id, [task]);
  }
  return {
    nodes: nodes.map(nodeView).sort((a, b) => compare(a.hostname, b.hostname)),
    services: services
      .map((s) => serviceView(s, byService.get(s.ID ?? "") ?? []))
      .sort((a, b) => compare(a.name, b.name)),
    tasks: tasks.map((t) => taskView(t, names)),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The service page's spec summary: names of env, secrets and configs, never their values. */
export function serviceDetail(service: ServiceAttrs, tasks: readonly TaskAttrs[]): ServiceDetail {
  const spec = service.Spec ?? {};
  const template = spec.TaskTemplate ?? {};
  const container = template.ContainerSpec ?? {};
  const update = spec.UpdateConfig;
  const restart = template.RestartPolicy;
  return {
    service: serviceView(service, tasks),
    command: [...(container.Command ?? []), ...(container.Args ?? [])],
    envNames: (container.Env ?? []).map((entry) => entry.split("=")[0] ?? ""),
    secrets: (container.Secrets ?? []).map((s) => `${s.SecretName ?? s.SecretID} → ${s.File?.Name ?? ""}`),
    configs: (container.Configs ?? []).map((c) => `${c.ConfigName ?? c.ConfigID} → ${c.File?.Name ?? ""}`),
    ports: (spec.EndpointSpec?.Ports ?? service.Endpoint?.Ports ?? []).map(
      (p) => `${p.PublishedPort ?? "?"}:${p.TargetPort ?? "?"}/${p.Protocol ?? "tcp"}`,
    ),
    networks: (template.Networks ?? spec.Networks ?? []).map((n) => n.Target ?? ""),
    mounts: (container.Mounts ?? []).map(
      (m) => `${m.Type ?? "volume"} ${m.Source ?? ""} → ${m.Target ?? ""}`,
    ),
    labels: { ...(spec.Labels ?? {}) },
    constraints: [...(template.Placement?.Constraints ?? [])],
    updateConfig: update
      ? `parallelism ${update.Parallelism ?? 1}, delay ${seconds(update.Delay)}, on failure ${update.FailureAction ?? "pause"}, order ${update.Order ?? "stop-first"}`
      : "engine defaults",
    restartPolicy: restart
      ? `on ${restart.Condition ?? "any"}, delay ${seconds(restart.Delay)}${restart.MaxAttempts ? `, at most ${restart.MaxAttempts} attempts` : ""}`
      : "engine defaults",
    createdAt: service.CreatedAt ?? "",
    updatedAt: service.UpdatedAt ?? "",
  };
}

function seconds(nanos: number | undefined): string {
  return `${(nanos ?? 0) / 1e9}s`;
}
