import { setTimeout as sleep } from "node:timers/promises";
import { AbortError } from "@flotilla/transport";
import type { Clock, Service, Task } from "@flotilla/types";
import { ConvergenceError, type FailedTask } from "./errors.js";

// Waiting for a service to reach its desired state, as `docker service create/update` do without
// --detach: poll the service and its tasks, report each slot (replicated) or node (global), and
// settle on converged, on failure (tasks failing, update paused or rolled back) or on timeout.
// `assess` is a pure function of one poll, so the rules are tested without an engine.

export type ServiceModeKind = "replicated" | "global" | "replicated-job" | "global-job";

export interface TaskProgress {
  /** The slot (replicated) or node ID (global) this row is about. */
  key: string;
  taskId: string;
  nodeId?: string;
  state: string;
  desiredState: string;
  message?: string;
  error?: string;
}

export interface ConvergenceProgress {
  mode: ServiceModeKind;
  /** Tasks wanted: replicas, nodes with a task, or job completions. */
  desired: number;
  running: number;
  /** Jobs: completions of the current run. */
  completed: number;
  /** Tasks told to stop (scaled down, stopped, replaced) whose containers are still stopping. */
  stopping: number;
  /** One row per slot or node, in order. */
  tasks: TaskProgress[];
  update?: { state: string; message?: string };
  converged: boolean;
}

export interface ConvergenceOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ConvergenceProgress) => void;
  /** Milliseconds before giving up; 5 minutes by default. */
  timeout?: number;
  /** Milliseconds between polls; 500 by default. */
  interval?: number;
  /** Failed tasks of the current spec tolerated before giving up; 3 by default. */
  maxFailures?: number;
  /** Waiting on a rollback the caller asked for, so a completed rollback is success. */
  rollback?: boolean;
  /**
   * Milliseconds a service must stay converged before it counts (the docker CLI verifies for the
   * update monitor period): a task that starts and then crashes is "running" for a moment. 1000 by
   * default; jobs need none, as completion is final.
   */
  stableFor?: number;
}

/** For checkOptionKeys: a misspelt `timout` would otherwise wait the default 5 minutes. */
export const CONVERGENCE_OPTION_KEYS = {
  signal: true,
  onProgress: true,
  timeout: true,
  interval: true,
  maxFailures: true,
  rollback: true,
  stableFor: true,
} satisfies Record<keyof Required<ConvergenceOptions>, true>;

/** What one poll sees. */
export interface Snapshot {
  service: Service;
  tasks: Task[];
}

/** What a wait learnt on its earlier polls, for judging the next one. */
export interface PollHistory {
  /** Earlier polls that found no current tasks at all. */
  sawNoTasks?: number;
  /**
   * The service's UpdateStatus (as JSON) on the wait's first poll, when that was a completed
   * rollback: it belongs to an earlier change, not to the one being waited on.
   */
  rollbackBefore?: string;
  /** Stopping tasks no longer waited for: they outlasted their stop grace period (see below). */
  givenUp?: ReadonlySet<string>;
}

export type Verdict =
  | { kind: "converged" | "waiting"; progress: ConvergenceProgress }
  | { kind: "failed"; progress: ConvergenceProgress; error: ConvergenceError };

const FAILED = new Set(["failed", "rejected", "orphaned"]);
/** Observed states in which a task's node holds, or is setting up, its container. */
const ON_NODE = new Set(["assigned", "accepted", "preparing", "ready", "starting", "running"]);
/** The engine's stop grace period when the spec sets none: 10 s. */
const DEFAULT_STOP_GRACE_MS = 10_000;
/**
 * How long past its stop grace period a stopping task is waited for. The engine kills a container
 * at the end of that period, so a task still not stopped long after is on a node that is down or
 * unreachable, and would hold the wait until its timeout.
 */
const STOP_SLACK_MS = 10_000;

/**
 * Tasks told to stop (DesiredState shutdown or remove: scaled down, stopped, replaced by an
 * update) that their node has not stopped yet. While a container stops, the engine reports such a
 * task `running` (for up to the stop grace period); it becomes shutdown or complete, or is deleted.
 */
export function stoppingTasks(tasks: readonly Task[]): Task[] {
  return tasks.filter(
    (t) =>
      (t.DesiredState === "shutdown" || t.DesiredState === "remove") && ON_NODE.has(t.Status?.State ?? ""),
  );
}

/** Milliseconds a stopping task is waited for, from when the wait first saw it stopping. */
function stopAllowance(task: Task): number {
  const grace = task.Spec?.ContainerSpec?.StopGracePeriod;
  return (grace === undefined ? DEFAULT_STOP_GRACE_MS : grace / 1e6) + STOP_SLACK_MS;
}

export function modeOf(service: Service): ServiceModeKind {
  const mode = service.Spec?.Mode ?? {};
  if (mode.Global) return "global";
  if (mode.ReplicatedJob) return "replicated-job";
  if (mode.GlobalJob) return "global-job";
  return "replicated";
}

/**
 * Keys sorted so two documents with the same content compare equal as text. The engine fills in
 * `Runtime` on the service's template but not on its tasks' copies, so it is left out.
 */
function canonicalTaskSpec(value: unknown): string {
  const { Runtime: _, ...rest } = (value ?? {}) as Record<string, unknown>;
  return canonical(rest);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function newestFirst(a: Task, b: Task): number {
  return (b.Version?.Index ?? 0) - (a.Version?.Index ?? 0);
}

function row(key: string, task: Task): TaskProgress {
  return {
    key,
    taskId: task.ID ?? "",
    ...(task.NodeID && { nodeId: task.NodeID }),
    state: task.Status?.State ?? "new",
    desiredState: task.DesiredState ?? "",
    ...(task.Status?.Message && { message: task.Status.Message }),
    ...(task.Status?.Err && { error: task.Status.Err }),
  };
}

function failedTask(task: Task): FailedTask {
  return {
    id: task.ID ?? "",
    ...(task.Slot !== undefined && { slot: task.Slot }),
    ...(task.NodeID && { nodeId: task.NodeID }),
    state: task.Status?.State ?? "",
    error: task.Status?.Err ?? task.Status?.Message ?? "",
  };
}

/**
 * The failed tasks behind an automatic rollback. Once it completes, the engine has put the old
 * spec back and dropped PreviousSpec, so they are known only as tasks that failed once the update
 * had started (the engine keeps UpdateStatus.StartedAt through the rollback).
 */
function failedSinceUpdate(snapshot: Snapshot): FailedTask[] {
  const started = Date.parse(snapshot.service.UpdateStatus?.StartedAt ?? "");
  return snapshot.tasks
    .filter((t) => FAILED.has(t.Status?.State ?? ""))
    .filter((t) => Number.isNaN(started) || Date.parse(t.Status?.Timestamp ?? "") >= started)
    .sort(newestFirst)
    .map(failedTask);
}

/** Judges one poll, given what earlier polls of the same wait saw. */
export function assess(
  snapshot: Snapshot,
  options: ConvergenceOptions = {},
  history: PollHistory = {},
): Verdict {
  const { service } = snapshot;
  const sawNoTasks = history.sawNoTasks ?? 0;
  const mode = modeOf(service);
  const template = canonicalTaskSpec(service.Spec?.TaskTemplate);
  const jobIteration = service.JobStatus?.JobIteration?.Index;
  const current = snapshot.tasks.filter((t) => {
    if (mode.endsWith("job")) return jobIteration === undefined || t.JobIteration?.Index === jobIteration;
    return canonicalTaskSpec(t.Spec) === template;
  });
  const failures = current.filter((t) => FAILED.has(t.Status?.State ?? ""));
  const live = current.filter((t) => t.DesiredState !== "shutdown" && t.DesiredState !== "remove");

  // One row per slot or node: its newest task still meant to run, else its newest at all.
  const byKey = new Map<string, Task>();
  for (const task of [...live].sort(newestFirst)) {
    const key =
      mode === "replicated" || mode === "replicated-job" ? String(task.Slot ?? task.ID) : (task.NodeID ?? "");
    if (!byKey.has(key)) byKey.set(key, task);
  }
  const tasks = [...byKey]
    .map(([key, task]) => row(key, task))
    .sort((a, b) => a.key.localeCompare(b.key, "en", { numeric: true }));
  const running = tasks.filter((t) => t.state === "running").length;
  const completed = current.filter((t) => t.Status?.State === "complete").length;
  const jobs = service.Spec?.Mode?.ReplicatedJob;
  const desired =
    mode === "replicated"
      ? (service.Spec?.Mode?.Replicated?.Replicas ?? 1)
      : mode === "replicated-job"
        ? (jobs?.TotalCompletions ?? jobs?.MaxConcurrent ?? 1)
        : tasks.length;
  // A rollback that completed before this wait says nothing about this change; a rollback of this
  // change is a new status. The fake keeps such a status through a scale or stop, which start no
  // rolling update; Docker 20.10 clears it on every service update, so there it never comes up.
  const status = service.UpdateStatus;
  const earlierRollback =
    status?.State === "rollback_completed" && history.rollbackBefore === JSON.stringify(status);
  const update =
    status?.State && !earlierRollback
      ? { state: status.State, ...(status.Message && { message: status.Message }) }
      : undefined;
  const updating = update?.state === "updating" || update?.state === "rollback_started";

  // Old tasks of the previous spec still running mean a replicated update has not finished.
  const stale = snapshot.tasks.some(
    (t) => !current.includes(t) && t.DesiredState === "running" && t.Status?.State === "running",
  );
  // A scale-down or stop is done when the containers have stopped, not when they were told to.
  const stopping = stoppingTasks(snapshot.tasks).filter((t) => !history.givenUp?.has(t.ID ?? "")).length;
  let converged: boolean;
  switch (mode) {
    case "replicated":
      converged = running === desired && tasks.length === desired && !stale;
      break;
    case "global":
      converged = (tasks.length > 0 || sawNoTasks >= 2) && running === tasks.length && !stale;
      break;
    case "replicated-job":
      converged = completed >= desired;
      break;
    case "global-job":
      converged =
        (current.length > 0 || sawNoTasks >= 2) &&
        current.every((t) => t.Status?.State === "complete" || FAILED.has(t.Status?.State ?? "")) &&
        failures.length === 0;
      break;
  }
  converged &&= !updating && stopping === 0;
  const progress: ConvergenceProgress = {
    mode,
    desired,
    running,
    completed,
    stopping,
    tasks,
    ...(update && { update }),
    converged,
  };

  if (update?.state === "paused" || update?.state === "rollback_paused") {
    const error = new ConvergenceError(
      "update-paused",
      `the update of service ${service.Spec?.Name} paused: ${update.message ?? ""}`,
      failures.map(failedTask),
    );
    return { kind: "failed", progress, error };
  }
  if (update?.state === "rollback_completed" && !options.rollback) {
    const error = new ConvergenceError(
      "rolled-back",
      `service ${service.Spec?.Name} was rolled back: ${update.message ?? ""}`,
      failedSinceUpdate(snapshot),
    );
    return { kind: "failed", progress, error };
  }
  // A finished job may have failed attempts behind it; a long-running service that keeps failing has not converged.
  const tooManyFailures = failures.length >= (options.maxFailures ?? 3);
  if (tooManyFailures && !(converged && mode.endsWith("job"))) {
    const error = new ConvergenceError(
      "task-failures",
      `${failures.length} tasks of service ${service.Spec?.Name} failed`,
      failures.map(failedTask),
    );
    return { kind: "failed", progress, error };
  }
  return { kind: converged ? "converged" : "waiting", progress };
}

/** The wall clock, for engines; a transport may carry another (see Clock). */
export const wallClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

/**
 * Polls with `poll` until `assess` settles. Intervals, `stableFor` and the timeout pass on `clock`;
 * a wall-clock deadline backs the timeout too, so a request that never answers cannot hold the wait.
 */
export async function waitForConvergence(
  poll: (signal: AbortSignal) => Promise<Snapshot>,
  options: ConvergenceOptions = {},
  clock: Clock = wallClock,
): Promise<ConvergenceProgress> {
  const timeout = options.timeout ?? 300_000;
  const deadline = AbortSignal.timeout(timeout);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const endsAt = clock.now() + timeout;
  let sawNoTasks = 0;
  let rollbackBefore: string | undefined;
  const stoppingSince = new Map<string, number>();
  let last: ConvergenceProgress | undefined;
  let convergedAt: number | undefined;
  const timedOut = () => {
    const rows = (last?.tasks ?? []).map((t) => ({
      id: t.taskId,
      state: t.state,
      error: t.error ?? t.message ?? "",
    }));
    return new ConvergenceError(
      "timeout",
      `not converged after ${timeout} ms (${last?.running ?? 0}/${last?.desired ?? "?"} running)`,
      rows,
    );
  };
  try {
    for (let first = true; ; first = false) {
      const snapshot = await poll(signal);
      const now = clock.now();
      const status = snapshot.service.UpdateStatus;
      // Waiting on a rollback the caller asked for, a completed one already there is that rollback
      // (a small one can finish before the first poll), not an earlier change's.
      if (first && !options.rollback && status?.State === "rollback_completed") {
        rollbackBefore = JSON.stringify(status);
      }
      const givenUp = new Set<string>();
      for (const task of stoppingTasks(snapshot.tasks)) {
        const id = task.ID ?? "";
        const since = stoppingSince.get(id) ?? now;
        stoppingSince.set(id, since);
        if (now - since > stopAllowance(task)) givenUp.add(id);
      }
      const verdict = assess(snapshot, options, { sawNoTasks, rollbackBefore, givenUp });
      last = verdict.progress;
      options.onProgress?.(verdict.progress);
      if (verdict.kind === "failed") throw verdict.error;
      if (verdict.kind === "converged") {
        const stableFor = verdict.progress.mode.endsWith("job") ? 0 : (options.stableFor ?? 1000);
        convergedAt ??= now;
        if (now - convergedAt >= stableFor) return verdict.progress;
      } else {
        convergedAt = undefined;
      }
      if (verdict.progress.tasks.length === 0) sawNoTasks++;
      if (now >= endsAt) throw timedOut();
      await clock.sleep(Math.min(options.interval ?? 500, endsAt - now), signal);
    }
  } catch (error) {
    if (deadline.aborted && !options.signal?.aborted) throw timedOut();
    if (options.signal?.aborted && !(error instanceof ConvergenceError)) {
      throw new AbortError("waiting for the service to converge", { cause: options.signal.reason });
    }
    throw error;
  }
}
