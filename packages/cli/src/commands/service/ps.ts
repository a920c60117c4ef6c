import type { Service } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { printList } from "../../output/format.js";
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
    const tasks = await client.tasks.listAttrs({
      service: service.id,
      ...(!options.all && { desiredState: wantedStates(service.attrs) }),
    });
    rows.push(
      ...taskRows(
        service.name ?? name,
        tasks,
        nodes.map((n) => n.attrs),
        { now: context.now(), trunc: options.trunc !== false },
      ),
    );
  }
  printList(context.stdout, rows, TASK_LIST_VIEW, { format: options.format, quiet: options.quiet });
}

/**
 * The desired states of the tasks a service has now, not its history. A job's tasks are wanted
 * "complete" (or "ready" while a failed run waits to be retried), never "running", so a
 * running-only filter would hide every task of a finished job, which `docker service ps` shows.
 */
function wantedStates(service: Service): string[] {
  const mode = service.Spec?.Mode;
  const job = mode?.ReplicatedJob !== undefined || mode?.GlobalJob !== undefined;
  return job ? ["running", "ready", "complete"] : ["running"];
}
