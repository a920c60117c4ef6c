import type { Client } from "@flotilla/client";
import type { Service } from "@flotilla/types";
import { formatPort } from "../../options/ports.js";
import { compareText } from "../../output/compare.js";
import type { ListView } from "../../output/format.js";
import { instanceFailures } from "./failures.js";
import { type Lifecycle, lifecycleOf, rememberedInstances } from "./lifecycle.js";

/**
 * What a service is doing, one word for `service ls` and `service show` alike:
 * - registered, stopped: parked by flotilla (`service create` without --deploy, `service stop`)
 * - running: every task it wants is running (a job: some of its tasks are running)
 * - starting: fewer tasks running than it wants, none of them being updated (placed, pulled or
 *   started: `service ps` says which), and none of the missing ones failed
 * - failing: fewer tasks running than it wants, and an instance that is not running failed last
 *   time it ran (or was rejected): a crash loop, a bad image; `service show` and `ps` say why
 * - updating, rolling back: an update or rollback is under way (UpdateStatus)
 * - update paused, rollback paused: it stopped part way, after tasks failed (FailureAction pause)
 * - complete: a job whose tasks have all completed
 * - scaled to 0: replicated at 0 replicas, by choice (not parked by flotilla)
 * - no nodes: global (or a global job) that no node can run: none ready, active and matching
 */
export type ServiceState =
  | Exclude<Lifecycle, "deployed">
  | "running"
  | "starting"
  | "failing"
  | "updating"
  | "rolling back"
  | "update paused"
  | "rollback paused"
  | "complete"
  | "scaled to 0"
  | "no nodes";

/** Task counts as the engine's ServiceStatus gives them (completed: jobs only). */
export interface TaskCounts {
  running: number;
  desired: number;
  completed: number;
}

const UPDATE_STATES: Partial<Record<string, ServiceState>> = {
  updating: "updating",
  paused: "update paused",
  rollback_started: "rolling back",
  rollback_paused: "rollback paused",
};

/** One line of `service ls`. */
export interface ServiceRow {
  ID: string;
  Name: string;
  Mode: string;
  Replicas: string;
  State: ServiceState;
  Image: string;
  Ports: string;
}

export async function serviceRows(client: Client, services: readonly Service[]): Promise<ServiceRow[]> {
  const counts = await taskCounts(client, services);
  const failing = await failingServices(client, services, counts);
  return services
    .map((service) => toRow(service, counts.get(service.ID ?? ""), failing.has(service.ID ?? "")))
    .sort((a, b) => compareText(a.Name, b.Name));
}

/**
 * The services short of running tasks whose missing instances failed. Only those short (they
 * would read "starting") need their tasks read, all in one request; a swarm where everything
 * runs costs `service ls` no request more.
 */
async function failingServices(
  client: Client,
  services: readonly Service[],
  counted: Map<string, Partial<TaskCounts>>,
): Promise<Set<string>> {
  const short = services.filter(
    (s) => serviceState(s, countsOf(s, counted.get(s.ID ?? ""))) === "starting" && s.ID !== undefined,
  );
  if (short.length === 0) return new Set();
  const tasks = await client.tasks.listAttrs({ service: short.map((s) => s.ID!) });
  return new Set(
    short
      .map((s) => s.ID!)
      .filter((id) => instanceFailures(tasks.filter((t) => t.ServiceID === id)).size > 0),
  );
}

/** Running, wanted and completed tasks, from ServiceStatus or (without it) counted tasks. */
export function countsOf(service: Service, counted: Partial<TaskCounts> = {}): TaskCounts {
  const spec = service.Spec ?? {};
  const status = service.ServiceStatus;
  let desired = status?.DesiredTasks ?? counted.desired ?? 0;
  const replicas = spec.Mode?.Replicated?.Replicas;
  if (replicas !== undefined && lifecycleOf(spec) === "deployed") desired = replicas;
  // The engine counts containers still stopping after an update or stop as running: count at most what is wanted.
  const running = Math.min(status?.RunningTasks ?? counted.running ?? 0, desired);
  return { running, desired, completed: status?.CompletedTasks ?? counted.completed ?? 0 };
}

/** `failing` says the instances that are not running failed last time (see instanceFailures). */
export function serviceState(service: Service, counts: TaskCounts, failing = false): ServiceState {
  const spec = service.Spec ?? {};
  const lifecycle = lifecycleOf(spec);
  if (lifecycle !== "deployed") return lifecycle;
  const updating = UPDATE_STATES[service.UpdateStatus?.State ?? ""];
  if (updating) return updating;
  const mode = spec.Mode ?? {};
  if (mode.ReplicatedJob || mode.GlobalJob) {
    if (counts.running > 0) return "running";
    const total = jobCompletions(service);
    if (total !== undefined ? counts.completed >= total : counts.desired === 0 && counts.completed > 0)
      return "complete";
    if (mode.GlobalJob && counts.desired === 0) return "no nodes";
    return failing ? "failing" : "starting";
  }
  if (counts.desired === 0) return mode.Global ? "no nodes" : "scaled to 0";
  if (counts.running >= counts.desired) return "running";
  return failing ? "failing" : "starting";
}

/** RUNNING/WANTED, and for jobs how many completed, as `docker service ls` writes them. */
export function replicasText(service: Service, counts: TaskCounts): string {
  const spec = service.Spec ?? {};
  const lifecycle = lifecycleOf(spec);
  if (lifecycle !== "deployed")
    return spec.Mode?.Global !== undefined ? "0/0" : `0/${rememberedInstances(spec) ?? 0}`;
  const text = `${counts.running}/${counts.desired}`;
  if (spec.Mode?.ReplicatedJob) return `${text} (${counts.completed}/${jobCompletions(service)} completed)`;
  if (spec.Mode?.GlobalJob) return `${text} (${counts.completed} completed)`;
  return text;
}

/** A replicated job's completions (TotalCompletions, which defaults to MaxConcurrent, 1). */
function jobCompletions(service: Service): number | undefined {
  const job = service.Spec?.Mode?.ReplicatedJob;
  return job && (job.TotalCompletions ?? job.MaxConcurrent ?? 1);
}

function toRow(service: Service, counted: Partial<TaskCounts> | undefined, failing: boolean): ServiceRow {
  const spec = service.Spec ?? {};
  const counts = countsOf(service, counted);
  return {
    ID: (service.ID ?? "").slice(0, 12),
    Name: spec.Name ?? "",
    Mode: modeWord(spec.Mode),
    Replicas: replicasText(service, counts),
    State: serviceState(service, counts, failing),
    Image: (spec.TaskTemplate?.ContainerSpec?.Image ?? "").replace(/@sha256:[0-9a-f]+$/, ""),
    Ports: (service.Endpoint?.Ports ?? spec.EndpointSpec?.Ports ?? []).map(formatPort).join(", "),
  };
}

function modeWord(mode: NonNullable<Service["Spec"]>["Mode"]): string {
  if (mode?.Global) return "global";
  if (mode?.ReplicatedJob) return "replicated job";
  if (mode?.GlobalJob) return "global job";
  return "replicated";
}

/** Running and desired task counts, for engines (and fakes) that do not send ServiceStatus. */
async function taskCounts(client: Client, services: readonly Service[]) {
  const counts = new Map<string, { running: number; desired: number }>();
  if (services.every((s) => s.ServiceStatus !== undefined)) return counts;
  const tasks = await client.tasks.listAttrs({ desiredState: "running" });
  for (const task of tasks) {
    const entry = counts.get(task.ServiceID ?? "") ?? { running: 0, desired: 0 };
    entry.desired += 1;
    if (task.Status?.State === "running") entry.running += 1;
    counts.set(task.ServiceID ?? "", entry);
  }
  return counts;
}

export const SERVICE_LIST_VIEW: ListView<ServiceRow> = {
  columns: [
    { header: "ID", value: (r) => r.ID },
    { header: "NAME", value: (r) => r.Name },
    { header: "MODE", value: (r) => r.Mode },
    { header: "REPLICAS", value: (r) => r.Replicas },
    { header: "STATE", value: (r) => r.State },
    { header: "IMAGE", value: (r) => r.Image },
    { header: "PORTS", value: (r) => r.Ports },
  ],
  id: (r) => r.ID,
  fields: (r) => ({ ...r }),
};
