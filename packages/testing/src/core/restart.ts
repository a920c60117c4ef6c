import type { Cluster } from "./cluster.js";
import { nanosToMillis } from "./duration.js";
import { isLive, type StoredService, type StoredTask } from "./model.js";
import { createTask, reapHistory } from "./orchestrator/new-task.js";

// swarmkit's restart supervisor: when a task that should be running ends, it is shut down and,
// if the restart policy allows, replaced in the same slot (or on the same node for global
// services) once the restart delay has passed. Defaults as the engine's: condition any, delay 5s.

const DEFAULT_DELAY_MS = 5000;

export function onTaskFinished(cluster: Cluster, task: StoredTask): void {
  const service = cluster.store.data.services.get(task.ServiceID);
  if (!service) return;
  const mode = service.Spec.Mode ?? {};
  const job = Boolean(mode.ReplicatedJob || mode.GlobalJob);
  if (job) cluster.dirtyServices.add(service.ID);
  if (!isLive(task)) return;
  if (job && task.Status.State === "complete") return;
  restartTask(cluster, service, task, false);
}

/** Shuts `task` down and, policy permitting (or `forced`, as for a drained node), replaces it. */
export function restartTask(
  cluster: Cluster,
  service: StoredService,
  task: StoredTask,
  forced: boolean,
): void {
  cluster.setDesired(task, "shutdown");
  const policy = task.Spec.RestartPolicy ?? {};
  const key = instanceKey(cluster, task);
  if (!forced && !mayRestart(cluster, task, key, policy)) {
    cluster.store.data.runtime.get(task.ID)!.declined = true;
    return;
  }
  const history = cluster.store.data.restarts.get(key) ?? [];
  history.push(cluster.now);
  cluster.store.data.restarts.set(key, history);

  const nodeId = service.Spec.Mode?.Global || service.Spec.Mode?.GlobalJob ? task.NodeID : undefined;
  const replacement = createTask(cluster, service, {
    ...(task.Slot !== undefined && { slot: task.Slot }),
    ...(nodeId && { nodeId }),
    desired: "ready",
  });
  if (task.JobIteration) replacement.JobIteration = { ...task.JobIteration };
  const delay = nanosToMillis(policy.Delay, DEFAULT_DELAY_MS);
  cluster.store.data.runtime.get(replacement.ID)!.restartAt = cluster.now + delay;
  cluster.after(delay, "restart", replacement.ID);
  reapHistory(cluster, siblings(cluster, task));
}

/** The restart delay ran out: let the replacement run (or run to completion, for jobs). */
export function startDelayedTask(cluster: Cluster, task: StoredTask): void {
  if (task.DesiredState !== "ready") return;
  const service = cluster.store.data.services.get(task.ServiceID);
  const job = Boolean(service?.Spec.Mode?.ReplicatedJob || service?.Spec.Mode?.GlobalJob);
  cluster.setDesired(task, job ? "complete" : "running");
}

function mayRestart(
  cluster: Cluster,
  task: StoredTask,
  key: string,
  policy: { Condition?: string; MaxAttempts?: number; Window?: number },
): boolean {
  const condition = policy.Condition ?? "any";
  if (condition === "none") return false;
  if (condition === "on-failure" && task.Status.State === "complete") return false;
  const max = policy.MaxAttempts ?? 0;
  if (max === 0) return true;
  const window = nanosToMillis(policy.Window, 0);
  const since = window > 0 ? cluster.now - window : Number.NEGATIVE_INFINITY;
  const recent = (cluster.store.data.restarts.get(key) ?? []).filter((at) => at >= since);
  return recent.length < max;
}

function instanceKey(cluster: Cluster, task: StoredTask): string {
  const service = cluster.store.data.services.get(task.ServiceID);
  const perNode = service?.Spec.Mode?.Global || service?.Spec.Mode?.GlobalJob;
  return `${task.ServiceID}/${perNode ? task.NodeID : task.Slot}`;
}

function siblings(cluster: Cluster, task: StoredTask): StoredTask[] {
  return cluster.store
    .tasksOf(task.ServiceID)
    .filter((t) => (task.Slot !== undefined ? t.Slot === task.Slot : t.NodeID === task.NodeID));
}

/** Forgets restart counts for a service, as swarmkit does when its spec changes. */
export function forgetRestarts(cluster: Cluster, serviceId: string): void {
  for (const key of cluster.store.data.restarts.keys()) {
    if (key.startsWith(`${serviceId}/`)) cluster.store.data.restarts.delete(key);
  }
}
