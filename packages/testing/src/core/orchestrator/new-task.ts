import type { Cluster } from "../cluster.js";
import { attachTask } from "../endpoint.js";
import type { StoredService, StoredTask, TaskState } from "../model.js";

// A new task for a service, as the orchestrators create them: state pending (the allocator has
// nothing to do in the fake), waiting for the scheduler.

export interface NewTask {
  slot?: number;
  /** Global services: the node the task belongs to. */
  nodeId?: string;
  desired: TaskState;
}

export function createTask(cluster: Cluster, service: StoredService, options: NewTask): StoredTask {
  const iso = cluster.iso();
  const spec = cluster.store.data.taskSpecs.get(service.ID) ?? service.Spec.TaskTemplate;
  // One literal with a fixed key order: 10,000 tasks share a shape, which keeps them small and fast.
  const task: StoredTask = {
    ID: cluster.ids.objectId(),
    Version: { Index: cluster.store.nextVersion() },
    CreatedAt: iso,
    UpdatedAt: iso,
    Labels: {},
    // Shared by reference with every task of this spec version: the updater compares by identity.
    Spec: spec,
    ServiceID: service.ID,
    Slot: options.slot,
    // Set later, in these places, as Go's structs order them.
    NodeID: undefined,
    Status: {
      Timestamp: iso,
      State: "pending",
      Message: "pending task scheduling",
      Err: undefined,
      ContainerStatus: undefined,
      PortStatus: {},
    },
    DesiredState: options.desired,
    NetworksAttachments: undefined,
    JobIteration: service.JobStatus ? { ...service.JobStatus.JobIteration } : undefined,
  };
  attachTask(cluster, service, task);
  cluster.store.addTask(task);
  if (options.nodeId) cluster.store.data.runtime.get(task.ID)!.preassigned = options.nodeId;
  cluster.pending.add(task.ID);
  return task;
}

/** Keeps at most the cluster's TaskHistoryRetentionLimit tasks per slot (or node), oldest finished first. */
export function reapHistory(cluster: Cluster, tasks: StoredTask[]): void {
  const limit = cluster.store.data.swarm?.Spec?.Orchestration?.TaskHistoryRetentionLimit ?? 5;
  if (tasks.length <= limit || limit < 0) return;
  const removable = tasks
    .filter((t) => t.DesiredState === "shutdown" || t.DesiredState === "remove")
    .filter((t) => t.Status.State !== "running" && t.Status.State !== "starting")
    .sort((a, b) => a.Version.Index - b.Version.Index);
  let excess = tasks.length - limit;
  for (const task of removable) {
    if (excess-- <= 0) break;
    cluster.store.deleteTask(task.ID);
  }
}

/**
 * swarmkit's task reaper looks at a slot (or a global service's node) again once one of its
 * tasks has stopped, so history left by updates and scaling is trimmed too, not only by restarts.
 */
export function reapHistoryOf(cluster: Cluster, task: StoredTask): void {
  const key = task.Slot ?? task.NodeID;
  if (key === undefined) return;
  const tasks = cluster.store.tasksOf(task.ServiceID);
  reapHistory(
    cluster,
    task.Slot !== undefined
      ? tasks.filter((t) => t.Slot === task.Slot)
      : tasks.filter((t) => t.NodeID === key),
  );
}
