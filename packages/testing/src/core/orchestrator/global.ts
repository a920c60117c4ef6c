import type { Cluster } from "../cluster.js";
import { parseConstraints, satisfies } from "../constraints.js";
import { isLive, type StoredNode, type StoredService, type StoredTask } from "../model.js";
import { createTask } from "./new-task.js";

// Global services run one task on every node that is ready, not drained and matches the
// constraints; a node that stops qualifying has its task shut down.

export function orchestrateGlobal(cluster: Cluster, service: StoredService): void {
  const byNode = liveTasksByNode(cluster, service);
  for (const node of cluster.store.data.nodes.values()) {
    const tasks = byNode.get(node.ID) ?? [];
    if (!eligible(node, service)) {
      for (const task of tasks) cluster.setDesired(task, "shutdown");
      continue;
    }
    if (tasks.length === 0 && node.Spec.Availability === "active") {
      tasks.push(createTask(cluster, service, { nodeId: node.ID, desired: "running" }));
    }
  }
}

export function liveTasksByNode(cluster: Cluster, service: StoredService): Map<string, StoredTask[]> {
  const byNode = new Map<string, StoredTask[]>();
  for (const task of cluster.store.tasksOf(service.ID)) {
    const nodeId = task.NodeID ?? cluster.store.data.runtime.get(task.ID)?.preassigned;
    if (!isLive(task) || !nodeId) continue;
    const list = byNode.get(nodeId);
    if (list) list.push(task);
    else byNode.set(nodeId, [task]);
  }
  return byNode;
}

export function eligible(node: StoredNode, service: StoredService): boolean {
  if (node.Status.State !== "ready" || node.Spec.Availability === "drain") return false;
  try {
    return satisfies(node, parseConstraints(service.Spec.TaskTemplate.Placement?.Constraints));
  } catch {
    return false;
  }
}
