import { setTimeout as sleep } from "node:timers/promises";
import { AbortError } from "@flotilla/transport";
import type { Service, Task } from "@flotilla/types";
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

/** What one poll sees. */
export interface Snapshot {
  service: Service;
  tasks: Task[];
}

export type Verdict =
  | { kind: "converged" | "waiting"; progress: ConvergenceProgress }
  | { kind: "failed"; progress: ConvergenceProgress; error: ConvergenceError };

const FAILED = new Set(["failed", "rejected", "orphaned"]);

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

/** Judges one poll. `sawNoTasks` counts earlier polls that found no current tasks at all. */
export function assess(snapshot: Snapshot, options: ConvergenceOptions = {}, sawNoTasks = 0): Verdict {
  const { service } = snapshot;
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
  const update = service.UpdateStatus?.State
    ? {
        state: service.UpdateStatus.State,
        ...(service.UpdateStatus.Message && { message: service.UpdateStatus.Message }),
      }
    : undefined;
  const updating = update?.state === "updating" || update?.state === "rollback_started";

  // Old tasks of the previous spec still running mean a replicated update has not finished.
  const stale = snapshot.tasks.some(
    (t) => !current.includes(t) && t.DesiredState === "running" && t.Status?.State === "running",
  );
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
  converged &&= !updating;
  const progress: ConvergenceProgress = {
    mode,
    desired,
    running,
    completed,
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

/** Polls with `poll` until `assess` settles. */
export async function waitForConvergence(
  poll: (signal: AbortSignal) => Promise<Snapshot>,
  options: ConvergenceOptions = {},
): Promise<ConvergenceProgress> {
  const timeout = options.timeout ?? 300_000;
  const deadline = AbortSignal.timeout(timeout);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  let sawNoTasks = 0;
  let last: ConvergenceProgress | undefined;
  let convergedAt: number | undefined;
  try {
    for (;;) {
      const snapshot = await poll(signal);
      const verdict = assess(snapshot, options, sawNoTasks);
      last = verdict.progress;
      options.onProgress?.(verdict.progress);
      if (verdict.kind === "failed") throw verdict.error;
      if (verdict.kind === "converged") {
        const stableFor = verdict.progress.mode.endsWith("job") ? 0 : (options.stableFor ?? 1000);
        convergedAt ??= Date.now();
        if (Date.now() - convergedAt >= stableFor) return verdict.progress;
      } else {
        convergedAt = undefined;
      }
      if (verdict.progress.tasks.length === 0) sawNoTasks++;
      await sleep(options.interval ?? 500, undefined, { signal });
    }
  } catch (error) {
    if (deadline.aborted && !options.signal?.aborted) {
      const rows = (last?.tasks ?? []).map((t) => ({
        id: t.taskId,
        state: t.state,
        error: t.error ?? t.message ?? "",
      }));
      throw new ConvergenceError(
        "timeout",
        `not converged after ${timeout} ms (${last?.running ?? 0}/${last?.desired ?? "?"} running)`,
        rows,
      );
    }
    if (options.signal?.aborted && !(error instanceof ConvergenceError)) {
      throw new AbortError("waiting for the service to converge", { cause: options.signal.reason });
    }
    throw error;
  }
}
