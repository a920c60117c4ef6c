import type { Cluster } from "../cluster.js";
import { isLive, type StoredService, type StoredTask } from "../model.js";
import { createTask } from "./new-task.js";

// Replicated services keep slots 1..N: scale up fills the lowest free slot numbers, scale down
// stops the highest slots (desired state remove, so the task reaper deletes them once stopped),
// and tasks built from an older spec go to the updater. Checked against Docker 20.10.

export function orchestrateReplicated(cluster: Cluster, service: StoredService): void {
  const want = service.Spec.Mode?.Replicated?.Replicas ?? 1;
  const slots = new Map<number, StoredTask[]>();
  const tasks = cluster.store.tasksOf(service.ID);
  for (const task of tasks) {
    if (!isLive(task) || task.Slot === undefined) continue;
    const list = slots.get(task.Slot);
    if (list) list.push(task);
    else slots.set(task.Slot, [task]);
  }
  // Slots where no task is meant to run any more, as they were before this pass.
  const dead = tasks.filter((t) => t.Slot !== undefined && !slots.has(t.Slot));
  if (slots.size > want) {
    const extra = [...slots.keys()].sort((a, b) => b - a).slice(0, slots.size - want);
    for (const slot of extra) {
      for (const task of slots.get(slot)!) cluster.setDesired(task, "remove");
      slots.delete(slot);
    }
  }
  for (let slot = 1; slots.size < want; slot++) {
    if (slots.has(slot)) continue;
    slots.set(slot, [createTask(cluster, service, { slot, desired: "running" })]);
  }
  // Dead slots (scaled away earlier) go with their history, unless a new task took the slot's
  // number over: swarmkit deletes them each time it reconciles the service.
  for (const task of dead) if (!slots.has(task.Slot!)) cluster.dropTask(task);
}
