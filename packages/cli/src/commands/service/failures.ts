import type { Task } from "@flotilla/types";

// Why an instance is not running, read from its task history: swarm replaces a task that exits
// with a new one (after --restart-delay, wanted "ready" while it waits), so the failure is in the
// older task, not the current one. The engine keeps a few ended tasks per instance
// (TaskHistoryRetentionLimit, 5 by default), so the count of failures is at most that.

/** An instance's newest failure, when nothing it ran since has run or ended otherwise. */
export interface InstanceFailure {
  /** The instance key: the slot of a replicated task, the node of a global one. */
  instance: string;
  /** The task that failed. */
  task: Task;
  /** The engine's error, e.g. `task: non-zero exit (3)`. */
  error: string;
  /** The container's exit code, when it ran and exited. */
  exitCode?: number;
  /** When it failed (the failed task's Status.Timestamp). */
  at?: string;
  /** Failed tasks that swarm replaced with a new one, of those the engine still keeps. */
  restarts: number;
}

/** Task states that mean a task ran or was refused and is over. */
const ENDED = new Set(["complete", "shutdown", "failed", "rejected", "orphaned", "remove"]);
const FAILED = new Set(["failed", "rejected"]);

/** States of tasks that have not ended: an exit code read from one is not an exit. */
export function hasEnded(task: Task): boolean {
  return ENDED.has(task.Status?.State ?? "");
}

/** The exit code of a task whose container has exited; undefined for one still starting or running. */
export function exitCodeOf(task: Task): number | undefined {
  return hasEnded(task) ? task.Status?.ContainerStatus?.ExitCode : undefined;
}

export function instanceKey(task: Task): string {
  return task.Slot !== undefined && task.Slot !== 0 ? String(task.Slot) : (task.NodeID ?? "");
}

/** Newest first: by creation (an ended task's version still moves when it is cleaned up). */
export function newestFirst(a: Task, b: Task): number {
  const created = Date.parse(b.CreatedAt ?? "") - Date.parse(a.CreatedAt ?? "");
  return Number.isNaN(created) || created === 0 ? (b.Version?.Index ?? 0) - (a.Version?.Index ?? 0) : created;
}

/**
 * For each instance (of all a service's tasks, history included) that is failing: nothing running,
 * and the newest task that has ended failed or was rejected. Newer tasks that are still waiting,
 * placed or starting do not hide it: they are the restart after it.
 */
export function instanceFailures(tasks: readonly Task[]): Map<string, InstanceFailure> {
  const byInstance = new Map<string, Task[]>();
  for (const task of tasks) {
    const key = instanceKey(task);
    byInstance.set(key, [...(byInstance.get(key) ?? []), task]);
  }
  const failures = new Map<string, InstanceFailure>();
  for (const [instance, history] of byInstance) {
    if (history.some((t) => t.Status?.State === "running")) continue;
    const last = [...history].sort(newestFirst).find(hasEnded);
    if (!last || !FAILED.has(last.Status?.State ?? "")) continue;
    failures.set(instance, {
      instance,
      task: last,
      error: last.Status?.Err || last.Status?.Message || last.Status?.State || "",
      exitCode: exitCodeOf(last),
      at: last.Status?.Timestamp,
      restarts: history.filter(
        (t) => FAILED.has(t.Status?.State ?? "") && history.some((n) => newestFirst(n, t) < 0),
      ).length,
    });
  }
  return failures;
}

/** `task: non-zero exit (3), exit code 3, 4 restarts`: one failure in a line. */
export function failureText(failure: InstanceFailure): string {
  const parts = [failure.error];
  if (failure.exitCode !== undefined) parts.push(`exit code ${failure.exitCode}`);
  parts.push(`${failure.restarts} ${failure.restarts === 1 ? "restart" : "restarts"}`);
  return parts.join(", ");
}
