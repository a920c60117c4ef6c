import type { Cluster } from "./cluster.js";
import { nanosToMillis } from "./duration.js";
import { allocateEndpoint } from "./endpoint.js";
import { isLive, isTerminal, type StoredService, type StoredTask, type UpdateRun } from "./model.js";
import { createTask } from "./orchestrator/new-task.js";
import { specChangeAttributes } from "./service-events.js";

// swarmkit's rolling updater: `Parallelism` workers each take a slot whose tasks run an older
// spec, replace them (stop-first or start-first), wait for the new task to run, then sleep
// `Delay`. Failures while starting or within `Monitor` of running count against MaxFailureRatio;
// past it, FailureAction pauses, rolls back or carries on. Once every slot is done and the last
// monitor window has passed, the update is completed.

interface UpdateSettings {
  parallelism: number;
  delay: number;
  failureAction: string;
  monitor: number;
  maxFailureRatio: number;
  order: string;
}

function settings(service: StoredService, rollback: boolean): UpdateSettings {
  const c = (rollback ? service.Spec.RollbackConfig : service.Spec.UpdateConfig) ?? {};
  return {
    parallelism: c.Parallelism ?? 1,
    delay: nanosToMillis(c.Delay, 0),
    failureAction: c.FailureAction ?? "pause",
    monitor: nanosToMillis(c.Monitor || undefined, 5000),
    maxFailureRatio: c.MaxFailureRatio ?? 0,
    order: c.Order ?? "stop-first",
  };
}

/** Starts (or restarts) a rolling update of `service` toward its current spec. */
export function beginUpdate(
  cluster: Cluster,
  service: StoredService,
  rollback: boolean,
  message: string,
): void {
  service.UpdateStatus = {
    State: rollback ? "rollback_started" : "updating",
    StartedAt: cluster.iso(),
    Message: message,
  };
  cluster.store.data.updates.set(service.ID, {
    rollback,
    queue: [],
    workers: [],
    inFlight: [],
    watching: {},
    failures: 0,
    total: -1,
  });
  cluster.dirtyUpdates.add(service.ID);
}

export function pumpUpdate(cluster: Cluster, serviceId: string): void {
  const run = cluster.store.data.updates.get(serviceId);
  const service = cluster.store.data.services.get(serviceId);
  if (!run) return;
  if (!service) {
    cluster.store.data.updates.delete(serviceId);
    return;
  }
  const config = settings(service, run.rollback);
  const spec = cluster.store.data.taskSpecs.get(service.ID);
  const groups = liveGroups(cluster, service);
  if (run.total < 0) {
    run.queue = [...groups].filter(([, tasks]) => tasks.some((t) => t.Spec !== spec)).map(([key]) => key);
    run.total = run.queue.length;
    const workers = config.parallelism === 0 ? Math.max(1, run.total) : config.parallelism;
    run.workers = new Array(workers).fill(cluster.now);
  }

  for (const flight of [...run.inFlight]) {
    const task = cluster.store.data.tasks.get(flight.newTaskId);
    if (task?.DesiredState === "ready") {
      const stopped = flight.oldTaskIds.every((id) => {
        const old = cluster.store.data.tasks.get(id);
        return !old || isTerminal(old.Status.State);
      });
      if (stopped) cluster.setDesired(task, "running");
    }
    // A slot scaled away while its new task was starting is no failure: the update moves on.
    if (!task || task.DesiredState === "remove") {
      run.inFlight.splice(run.inFlight.indexOf(flight), 1);
      continue;
    }
    const outcome =
      task.Status.State === "running" ? "running" : isTerminal(task.Status.State) ? "failed" : undefined;
    if (!outcome) continue;
    run.inFlight.splice(run.inFlight.indexOf(flight), 1);
    run.workers[flight.worker] = cluster.now + config.delay;
    if (config.delay > 0) cluster.after(config.delay, "updater", service.ID);
    if (outcome === "running") {
      if (config.order === "start-first") {
        for (const id of flight.oldTaskIds) {
          const old = cluster.store.data.tasks.get(id);
          if (old) cluster.setDesired(old, "shutdown");
        }
      }
      run.watching[task!.ID] = cluster.now + config.monitor;
      cluster.after(config.monitor, "updater", service.ID);
    } else if (failed(cluster, service, run, config, flight.newTaskId)) {
      return;
    }
  }

  for (const [id, until] of Object.entries(run.watching)) {
    const task = cluster.store.data.tasks.get(id);
    if (task && isTerminal(task.Status.State) && task.Status.State !== "complete" && cluster.now <= until) {
      delete run.watching[id];
      if (failed(cluster, service, run, config, id)) return;
    } else if (!task || cluster.now >= until) {
      delete run.watching[id];
    }
  }

  const busy = new Set(run.inFlight.map((f) => f.worker));
  for (let worker = 0; worker < run.workers.length && run.queue.length > 0; worker++) {
    if (busy.has(worker) || run.workers[worker]! > cluster.now) continue;
    const key = run.queue.shift()!;
    const old = (groups.get(key) ?? []).filter((t) => t.Spec !== spec);
    if (old.length === 0) {
      worker--;
      continue;
    }
    run.inFlight.push(replaceSlot(cluster, service, key, old, worker, config.order));
    busy.add(worker);
  }

  if (run.queue.length === 0 && run.inFlight.length === 0) {
    run.completeAt ??= Math.max(cluster.now, ...run.workers) + config.monitor;
    if (cluster.now >= run.completeAt) finish(cluster, service, run);
    else cluster.timers.add(run.completeAt, "updater", service.ID);
  }
}

function replaceSlot(
  cluster: Cluster,
  service: StoredService,
  key: string,
  old: StoredTask[],
  worker: number,
  order: string,
): UpdateRun["inFlight"][number] {
  const global = Boolean(service.Spec.Mode?.Global);
  const where = global ? { nodeId: key } : { slot: Number(key) };
  const running = old.filter((t) => !isTerminal(t.Status.State));
  let task: StoredTask;
  if (order === "start-first") {
    task = createTask(cluster, service, { ...where, desired: "running" });
  } else {
    for (const t of old) cluster.setDesired(t, "shutdown");
    task = createTask(cluster, service, { ...where, desired: running.length > 0 ? "ready" : "running" });
  }
  return { key, worker, newTaskId: task.ID, oldTaskIds: old.map((t) => t.ID) };
}

/** Counts a failure; returns true when the failure action ended this run. */
function failed(
  cluster: Cluster,
  service: StoredService,
  run: UpdateRun,
  config: UpdateSettings,
  taskId: string,
): boolean {
  run.failures++;
  if (run.failures <= config.maxFailureRatio * run.total) return false;
  const why = `due to failure or early termination of task ${taskId}`;
  if (config.failureAction === "continue") return false;
  const old = service.UpdateStatus?.State;
  if (config.failureAction === "rollback" && !run.rollback) {
    rollbackService(cluster, service, `update rolled back ${why}`);
    return true;
  }
  cluster.store.data.updates.delete(service.ID);
  service.UpdateStatus = {
    State: run.rollback ? "rollback_paused" : "paused",
    ...(service.UpdateStatus?.StartedAt && { StartedAt: service.UpdateStatus.StartedAt }),
    Message: `${run.rollback ? "rollback" : "update"} paused ${why}`,
  };
  touchService(cluster, service, old);
  return true;
}

function finish(cluster: Cluster, service: StoredService, run: UpdateRun): void {
  cluster.store.data.updates.delete(service.ID);
  const old = service.UpdateStatus?.State;
  service.UpdateStatus = {
    State: run.rollback ? "rollback_completed" : "completed",
    ...(service.UpdateStatus?.StartedAt && { StartedAt: service.UpdateStatus.StartedAt }),
    CompletedAt: cluster.iso(),
    Message: run.rollback ? "rollback completed" : "update completed",
  };
  touchService(cluster, service, old);
}

/** Swaps Spec and PreviousSpec and rolls the tasks back, as `update?rollback=previous` does. */
export function rollbackService(cluster: Cluster, service: StoredService, message: string): void {
  const { taskSpecs, previousTaskSpecs } = cluster.store.data;
  const previous = service.PreviousSpec as StoredService["Spec"];
  service.PreviousSpec = service.Spec;
  service.Spec = previous;
  allocateEndpoint(cluster, service);
  const current = taskSpecs.get(service.ID);
  taskSpecs.set(service.ID, previousTaskSpecs.get(service.ID) ?? previous.TaskTemplate);
  if (current) previousTaskSpecs.set(service.ID, current);
  const old = service.UpdateStatus?.State;
  beginUpdate(cluster, service, true, message);
  cluster.dirtyServices.add(service.ID);
  // The rollback changes spec and state in one write, so one event names both.
  touchService(
    cluster,
    service,
    old,
    specChangeAttributes(service.PreviousSpec as StoredService["Spec"], previous),
  );
}

function touchService(
  cluster: Cluster,
  service: StoredService,
  oldState: string | undefined,
  specAttributes: Record<string, string> = {},
): void {
  cluster.store.touch(service, cluster.iso());
  const attributes: Record<string, string> = { name: service.Spec.Name ?? "", ...specAttributes };
  const state = service.UpdateStatus?.State;
  if (state && state !== oldState) {
    attributes["updatestate.new"] = state;
    if (oldState) attributes["updatestate.old"] = oldState;
  }
  cluster.emit("service", "update", service.ID, attributes);
}

/** Live tasks by slot (replicated) or node (global): what the updater walks through. */
function liveGroups(cluster: Cluster, service: StoredService): Map<string, StoredTask[]> {
  const global = Boolean(service.Spec.Mode?.Global);
  const groups = new Map<string, StoredTask[]>();
  for (const task of cluster.store.tasksOf(service.ID)) {
    if (!isLive(task)) continue;
    const key = global
      ? (task.NodeID ?? cluster.store.data.runtime.get(task.ID)?.preassigned)
      : String(task.Slot);
    if (key === undefined) continue;
    const list = groups.get(key);
    if (list) list.push(task);
    else groups.set(key, [task]);
  }
  return groups;
}
