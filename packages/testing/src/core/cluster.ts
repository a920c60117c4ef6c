import { advanceTask, onNodeBackUp } from "./agent.js";
import { CommandTraces } from "./container.js";
import { joinLoadBalancers, leaveLoadBalancers } from "./endpoint.js";
import { EventLog, eventAt, type SwarmEvent } from "./events.js";
import type { IdSource } from "./ids.js";
import type { ImageRegistry } from "./images.js";
import { isTerminal, rank, type StoredTask, type TaskState, wantsStop } from "./model.js";
import { electLeader } from "./nodes.js";
import { reapHistoryOf } from "./orchestrator/new-task.js";
import { orchestrate } from "./orchestrator/orchestrate.js";
import { onTaskFinished, startDelayedTask } from "./restart.js";
import { schedulePending } from "./scheduler.js";
import { Store } from "./store.js";
import { type Timer, type TimerKind, TimerQueue } from "./timers.js";
import { pumpUpdate } from "./updater.js";

// The swarm below the API: state, time, and the loop that lets the orchestrators, scheduler,
// updater and agents react to what changed. Nothing here knows about HTTP.

export interface Timings {
  /** How long the agent takes for each step from assigned to running. */
  step: number;
  /** How long a container takes to stop. */
  stop: number;
  /** How long the managers left take to elect a leader after losing theirs. */
  election: number;
}

export class Cluster {
  readonly store: Store;
  readonly timers = new TimerQueue();
  readonly events = new EventLog();
  /** What the commands of running tasks print and when they exit, worked out as time needs it. */
  readonly traces = new CommandTraces();
  readonly ids: IdSource;
  readonly images: ImageRegistry;
  readonly timings: Timings;
  now: number;

  /** Work waiting for the next reconcile pass; each set holds only what changed. */
  readonly dirtyServices = new Set<string>();
  readonly dirtyUpdates = new Set<string>();
  readonly pending = new Set<string>();
  /** Tasks the orchestrator asked to remove that have stopped: the task reaper deletes them. */
  readonly reapable = new Set<string>();
  /** Something freed capacity or changed a node: unschedulable tasks get another try. */
  retryUnschedulable = false;
  /** Active task count and reservations per node, kept as tasks come and go. */
  readonly load = new Map<string, { tasks: number; cpu: number; memory: number }>();

  constructor(options: {
    ids: IdSource;
    images: ImageRegistry;
    now: number;
    timings: Timings;
    store?: Store;
  }) {
    this.ids = options.ids;
    this.images = options.images;
    this.now = options.now;
    this.timings = options.timings;
    this.store = options.store ?? new Store();
  }

  #isoAt = Number.NaN;
  #iso = "";

  /** The current time as the engine writes it; thousands of changes share an instant, so it is cached. */
  iso(): string {
    if (this.now !== this.#isoAt) {
      this.#isoAt = this.now;
      this.#iso = new Date(this.now).toISOString();
    }
    return this.#iso;
  }

  emit(
    type: SwarmEvent["Type"],
    action: SwarmEvent["Action"],
    id: string,
    attributes: Record<string, string>,
  ): void {
    this.events.emit(eventAt(this.now, type, action, id, attributes));
  }

  after(ms: number, kind: TimerKind, ref: string, token = 0): void {
    this.timers.add(this.now + ms, kind, ref, token);
  }

  /** Moves a task to a new observed state, keeping node load and dependants in step. */
  setState(task: StoredTask, state: TaskState, message: string, err?: string): void {
    const wasActive = isActive(task);
    task.Status.State = state;
    task.Status.Message = message;
    // Assigned, never deleted: the key keeps its place (Go's field order) for when it is set again.
    task.Status.Err = err;
    task.Status.Timestamp = this.iso();
    this.store.touch(task, task.Status.Timestamp);
    this.#account(task, wasActive);
    if (this.store.data.updates.has(task.ServiceID)) this.dirtyUpdates.add(task.ServiceID);
    if (isTerminal(state)) {
      this.retryUnschedulable = true;
      this.pending.delete(task.ID);
      if (wasActive) leaveLoadBalancers(this.store, task, isActive);
      if (task.DesiredState === "remove") this.reapable.add(task.ID);
      else if (task.DesiredState === "shutdown") reapHistoryOf(this, task);
      onTaskFinished(this, task);
    }
  }

  setDesired(task: StoredTask, desired: TaskState): void {
    if (task.DesiredState === desired) return;
    task.DesiredState = desired;
    this.store.touch(task, this.iso());
    if (desired === "remove" && isTerminal(task.Status.State)) {
      this.reapable.add(task.ID);
      return;
    }
    // A task that never reached a node has nothing to stop.
    if (wantsStop(desired) && rank(task.Status.State) < rank("assigned")) {
      this.setState(task, "shutdown", "shutdown");
      return;
    }
    this.wakeAgent(task, wantsStop(desired) ? this.timings.stop : this.timings.step);
  }

  assign(task: StoredTask, nodeId: string): void {
    this.store.assignTask(task, nodeId);
    joinLoadBalancers(this.store, task, nodeId);
    this.pending.delete(task.ID);
    this.setState(task, "assigned", "scheduler assigned task to node");
    this.wakeAgent(task, this.timings.step);
  }

  /** Schedules the task's next agent step; any step scheduled before is void. */
  wakeAgent(task: StoredTask, delay: number): void {
    if (!task.NodeID) return;
    const runtime = this.store.data.runtime.get(task.ID);
    if (!runtime) return;
    runtime.token++;
    this.after(delay, "task-step", task.ID, runtime.token);
  }

  /** Runs timers up to `target`, reconciling after each instant, and leaves the clock there. */
  advanceTo(target: number): void {
    this.reconcile();
    for (let timer = this.timers.peek(); timer && timer.at <= target; timer = this.timers.peek()) {
      this.timers.pop();
      this.now = Math.max(this.now, timer.at);
      this.#fire(timer);
      const next = this.timers.peek();
      if (!next || next.at !== timer.at) this.reconcile();
    }
    this.now = Math.max(this.now, target);
    this.reconcile();
  }

  /** Lets every component react to what changed, until nothing more changes. */
  reconcile(): void {
    if (this.reapable.size > 0) this.#reap();
    for (let rounds = 0; rounds < 100; rounds++) {
      if (this.dirtyServices.size === 0 && this.dirtyUpdates.size === 0 && this.pending.size === 0) return;
      if (this.dirtyServices.size > 0) {
        const services = [...this.dirtyServices];
        this.dirtyServices.clear();
        for (const id of services) orchestrate(this, id);
      }
      if (this.dirtyUpdates.size > 0) {
        const runs = [...this.dirtyUpdates];
        this.dirtyUpdates.clear();
        for (const id of runs) pumpUpdate(this, id);
      }
      const before = this.pending.size;
      if (before > 0) schedulePending(this);
      if (this.dirtyServices.size === 0 && this.dirtyUpdates.size === 0) return;
    }
  }

  #fire(timer: Timer): void {
    const task =
      timer.kind === "updater" || timer.kind === "wake" ? undefined : this.store.data.tasks.get(timer.ref);
    switch (timer.kind) {
      case "task-step":
        if (task && this.store.data.runtime.get(task.ID)?.token === timer.token) advanceTask(this, task);
        return;
      case "task-exit":
      case "task-unhealthy":
        if (task && this.store.data.runtime.get(task.ID)?.runningAt === timer.token) {
          advanceTask(this, task, timer.kind === "task-exit" ? "exit" : "unhealthy");
        }
        return;
      case "restart":
        if (task) startDelayedTask(this, task);
        return;
      case "updater":
        this.dirtyUpdates.add(timer.ref);
        return;
      case "election":
        electLeader(this);
        return;
      case "wake":
        return;
    }
  }

  nodeBackUp(nodeId: string): void {
    onNodeBackUp(this, nodeId);
  }

  #account(task: StoredTask, wasActive: boolean): void {
    const active = isActive(task);
    if (active === wasActive || !task.NodeID) return;
    const reservations = task.Spec.Resources?.Reservations;
    const sign = active ? 1 : -1;
    let load = this.load.get(task.NodeID);
    if (!load) {
      load = { tasks: 0, cpu: 0, memory: 0 };
      this.load.set(task.NodeID, load);
    }
    load.tasks += sign;
    load.cpu += sign * (reservations?.NanoCPUs ?? 0);
    load.memory += sign * (reservations?.MemoryBytes ?? 0);
  }

  /** Deletes a task outright (its service is gone), releasing what it held on its node. */
  dropTask(task: StoredTask): void {
    if (isActive(task)) {
      task.Status.State = "remove";
      this.#account(task, true);
      leaveLoadBalancers(this.store, task, isActive);
    }
    this.pending.delete(task.ID);
    this.store.deleteTask(task.ID);
  }

  /**
   * swarmkit's task reaper: a task whose desired state is remove (its slot was scaled away) is
   * deleted once it has stopped. The slot's history stays until the orchestrator next looks at
   * the service (see orchestrator/replicated.ts).
   */
  #reap(): void {
    for (const id of this.reapable) {
      const task = this.store.data.tasks.get(id);
      if (task?.DesiredState === "remove" && isTerminal(task.Status.State)) this.store.deleteTask(id);
    }
    this.reapable.clear();
  }

  /** Recomputes node load from the tasks, after a restore. */
  rebuildLoad(): void {
    this.load.clear();
    for (const task of this.store.data.tasks.values()) {
      if (!isActive(task) || !task.NodeID) continue;
      const load = this.load.get(task.NodeID) ?? { tasks: 0, cpu: 0, memory: 0 };
      load.tasks++;
      load.cpu += task.Spec.Resources?.Reservations?.NanoCPUs ?? 0;
      load.memory += task.Spec.Resources?.Reservations?.MemoryBytes ?? 0;
      this.load.set(task.NodeID, load);
    }
  }
}

/** A task holding a place on its node: assigned and not yet finished. */
export function isActive(task: StoredTask): boolean {
  const r = rank(task.Status.State);
  return task.NodeID !== undefined && r >= rank("assigned") && r <= rank("running");
}
