import type { Task } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { printList } from "../../output/format.js";
import { instanceFailures } from "./failures.js";
import { findService } from "./lookup.js";
import { TASK_LIST_VIEW, type TaskRow, taskRows } from "./task-rows.js";

export async function run(
  context: CommandContext,
  names: string[],
  options: { quiet?: boolean; format?: string; all?: boolean; trunc?: boolean },
): Promise<void> {
  const client = await context.client();
  const nodes = await client.nodes.list();
  const rows: TaskRow[] = [];
  for (const name of names) {
    const service = await findService(client, name);
    // One request for the history too: the last failure of an instance is in an older task.
    const tasks = await client.tasks.listAttrs({ service: service.id });
    rows.push(
      ...taskRows(
        service.name ?? name,
        options.all ? tasks : currentTasks(tasks),
        nodes.map((n) => n.attrs),
        { now: context.now(), trunc: options.trunc !== false },
      ),
    );
  }
  printList(context.stdout, rows, TASK_LIST_VIEW, { format: options.format, quiet: options.quiet });
}

/**
 * What each instance is doing now: tasks wanted running, or "ready" (a restart waiting out its
 * --restart-delay), or "complete" (a job's task: never wanted running, so a running-only view
 * would hide every task of a finished job, which `docker service ps` shows), and for an instance
 * that is failing the task that failed last, so its error and exit code show without --all.
 */
export function currentTasks(tasks: readonly Task[]): Task[] {
  const failed = new Set([...instanceFailures(tasks).values()].map((f) => f.task));
  return tasks.filter((t) => CURRENT.has(t.DesiredState ?? "") || failed.has(t));
}

const CURRENT = new Set(["running", "ready", "complete"]);
