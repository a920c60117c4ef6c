import type { Cluster } from "../cluster.js";
import { isLive, isTerminal, type StoredService, type StoredTask } from "../model.js";
import { eligible } from "./global.js";
import { createTask } from "./new-task.js";

// Jobs run to completion. A replicated job runs TotalCompletions tasks, at most MaxConcurrent at
// a time, in slots 0..TotalCompletions-1; a global job runs once on every eligible node. Each
// service update starts a new iteration (JobIteration); earlier iterations are left alone.

function iterationTasks(cluster: Cluster, service: StoredService): StoredTask[] {
  const iteration = service.JobStatus?.JobIteration.Index ?? 0;
  return cluster.store.tasksOf(service.ID).filter((t) => (t.JobIteration?.Index ?? 0) === iteration);
}

/** What a slot's task says about the slot: done, still busy, or free for a new task. */
function slotState(cluster: Cluster, task: StoredTask): "done" | "busy" | "free" {
  if (task.Status.State === "complete") return "done";
  if (!isTerminal(task.Status.State) && isLive(task)) return "busy";
  // Failed: the restart supervisor either replaces it (busy meanwhile) or gave up (done).
  return cluster.store.data.runtime.get(task.ID)?.declined === true ? "done" : "free";
}

export function orchestrateReplicatedJob(cluster: Cluster, service: StoredService): void {
  const mode = service.Spec.Mode!.ReplicatedJob!;
  const maxConcurrent = mode.MaxConcurrent ?? 1;
  const total = mode.TotalCompletions ?? maxConcurrent;
  const taken = new Set<number>();
  let busy = 0;
  for (const task of iterationTasks(cluster, service)) {
    const state = slotState(cluster, task);
    if (state === "free") continue;
    taken.add(task.Slot ?? 0);
    if (state === "busy") busy++;
  }
  for (let slot = 0; slot < total && busy < maxConcurrent; slot++) {
    if (taken.has(slot)) continue;
    createTask(cluster, service, { slot, desired: "complete" });
    busy++;
  }
}

export function orchestrateGlobalJob(cluster: Cluster, service: StoredService): void {
  const covered = new Set<string>();
  for (const task of iterationTasks(cluster, service)) {
    const nodeId = task.NodeID ?? cluster.store.data.runtime.get(task.ID)?.preassigned;
    if (nodeId && slotState(cluster, task) !== "free") covered.add(nodeId);
  }
  for (const node of cluster.store.data.nodes.values()) {
    if (covered.has(node.ID) || !eligible(node, service) || node.Spec.Availability !== "active") continue;
    createTask(cluster, service, { nodeId: node.ID, desired: "complete" });
  }
}
