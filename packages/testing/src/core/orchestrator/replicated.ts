import type { Cluster } from "../cluster.js";
import { isLive, type StoredService, type StoredTask } from "../model.js";
import { createTask } from "./new-task.js";

// Replicated services keep slots 1..N: scale up fills the lowest free slot numbers, scale down
// stops the highest slots, and tasks built from an older spec go to the updater.

export function orchestrateReplicated(cluster: Cluster, service: StoredService): void {
  const want = service.Spec.Mode?.Replicated?.Replicas ?? 1;
  const slots = new Map<number, StoredTask[]>();
  for (const task of cluster.store.tasksOf(service.ID)) {
    if (!isLive(task) || task.Slot === undefined) continue;
    const list = slots.get(task.Slot);
    if (list) list.push(task);
    else slots.set(task.Slot, [task]);
  }
  if (slots.size > want) {
    const extra = [...slots.keys()].sort((a, b) => b - a).slice(0, slots.size - want);
    for (const slot of extra) {
      for (const task of slots.get(slot)!) cluster.setDesired(task, "shutdown");
      slots.delete(slot);
    }
  }
  for (let slot = 1; slots.size < want; slot++) {
    if (slots.has(slot)) continue;
    slots.set(slot, [createTask(cluster, service, { slot, desired: "running" })]);
  }
}
