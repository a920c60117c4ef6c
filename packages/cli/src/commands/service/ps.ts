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
    const filters = options.all ? {} : { desiredState: "running" };
    const tasks = await client.tasks.listAttrs({ service: service.id, ...filters });
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
