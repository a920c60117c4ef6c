import type { Client } from "@flotilla/client";
import type { Task } from "@flotilla/types";

/** Names tasks as the docker CLI prefixes their output: `web.2.<task id>@<node>`. */
export async function instanceNamer(client: Client, serviceName: string, tasks: readonly Task[]) {
  const nodes = await client.nodes.list();
  const hostname = new Map(nodes.map((n) => [n.id, n.attrs.Description?.Hostname ?? n.id]));
  const byId = new Map(tasks.map((t) => [t.ID ?? "", t]));
  return (taskId: string | undefined, nodeId: string | undefined): string => {
    const task = byId.get(taskId ?? "");
    const slot = task?.Slot ? String(task.Slot) : (task?.NodeID ?? nodeId ?? "");
    const node = hostname.get(nodeId ?? task?.NodeID ?? "") ?? nodeId ?? "";
    return `${serviceName}.${slot}.${(taskId ?? "").slice(0, 12)}@${node}`;
  };
}
