import type { Client, TaskListFilters } from "@flotilla/client";
import type { Node, Task } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { NotFoundInSwarmError, UsageError } from "../../errors.js";
import { parseCount } from "../../options/units.js";
import { compareNatural } from "../../output/compare.js";
import { printList, printObject } from "../../output/format.js";
import { findService } from "../service/lookup.js";
import { TASK_LIST_VIEW, type TaskRow, taskRows } from "../service/task-rows.js";
import { parseSince } from "../service/time-option.js";
import { parseFilters } from "../shared/filters.js";
import { orNotFound, serviceNames } from "../shared/lookup.js";

const TASK_FILTERS = {
  service: "service",
  node: "node",
  "desired-state": "desiredState",
  name: "name",
  id: "id",
  label: "label",
} as const;

export async function ls(
  context: CommandContext,
  _operands: string[],
  flags: { quiet?: boolean; format?: string; filter?: string[]; trunc?: boolean },
): Promise<void> {
  const filters = parseFilters(flags.filter, TASK_FILTERS);
  const client = await context.client();
  const [nodes, names] = await Promise.all([
    client.nodes.list().then((list) => list.map((n) => n.attrs)),
    serviceNames(client),
  ]);
  // The engine filters services and nodes by ID; people type names.
  if (filters.service)
    filters.service = await Promise.all(filters.service.map(async (s) => (await findService(client, s)).id));
  if (filters.node) filters.node = filters.node.map((n) => findNodeId(n, nodes));
  const tasks = await client.tasks.listAttrs(filters as TaskListFilters);
  const byService = new Map<string, Task[]>();
  for (const task of tasks) {
    const id = task.ServiceID ?? "";
    byService.set(id, [...(byService.get(id) ?? []), task]);
  }
  const rows: TaskRow[] = [];
  const services = [...byService].sort(([a], [b]) => compareNatural(names.get(a) ?? a, names.get(b) ?? b));
  for (const [serviceId, serviceTasks] of services) {
    rows.push(
      ...taskRows(names.get(serviceId) ?? serviceId, serviceTasks, nodes, {
        now: context.now(),
        trunc: flags.trunc !== false,
      }),
    );
  }
  printList(context.stdout, rows, TASK_LIST_VIEW, { format: flags.format, quiet: flags.quiet });
}

function findNodeId(ref: string, nodes: readonly Node[]): string {
  const node = nodes.find((n) => n.ID === ref || n.Description?.Hostname === ref);
  return node?.ID ?? ref;
}

/** A task by ID or unambiguous ID prefix. */
export async function findTask(client: Client, ref: string): Promise<Task> {
  try {
    return await orNotFound("task", ref, async () => (await client.tasks.get(ref)).attrs);
  } catch (error) {
    if (!(error instanceof NotFoundInSwarmError)) throw error;
    const matches = (await client.tasks.listAttrs()).filter((t) => t.ID?.startsWith(ref));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new UsageError(`task "${ref}" is ambiguous: ${matches.length} match it`);
    throw error;
  }
}

export async function inspect(
  context: CommandContext,
  refs: string[],
  flags: { format?: string },
): Promise<void> {
  const client = await context.client();
  const tasks: Task[] = [];
  for (const ref of refs) tasks.push(await findTask(client, ref));
  if (flags.format && flags.format !== "json") {
    for (const task of tasks) printObject(context.stdout, task, flags.format);
    return;
  }
  printObject(context.stdout, tasks, undefined);
}

export async function logs(
  context: CommandContext,
  [ref]: string[],
  flags: { follow?: boolean; tail: string; since?: string; timestamps?: boolean },
): Promise<void> {
  const tail = flags.tail === "all" ? undefined : parseCount(flags.tail, "--tail");
  const since = flags.since === undefined ? undefined : parseSince(flags.since, context.now());
  const client = await context.client();
  const task = await findTask(client, ref!);
  const source = client.tasks.logs(task.ID!, {
    follow: flags.follow,
    tail,
    since,
    timestamps: flags.timestamps,
    signal: context.signal,
  });
  try {
    for await (const line of source) {
      const stamp = flags.timestamps && line.timestamp ? `${line.timestamp} ` : "";
      (line.stream === "stderr" ? context.stderr : context.stdout).write(`${stamp}${line.line}\n`);
    }
  } catch (error) {
    if (context.signal?.aborted) return;
    throw error;
  }
}
