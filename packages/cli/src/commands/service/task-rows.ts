import type { Node, Task } from "@flotilla/types";
import { compareNatural } from "../../output/compare.js";
import type { ListView } from "../../output/format.js";
import { exitCodeOf, instanceKey, newestFirst } from "./failures.js";

export { instanceKey };

/** One line of `service ps`, named as the docker CLI names its columns. */
export interface TaskRow {
  ID: string;
  Name: string;
  Image: string;
  Node: string;
  DesiredState: string;
  CurrentState: string;
  Error: string;
  ExitCode: string;
  Ports: string;
}

/** `web.2` for a replicated task, `web.<node id>` for a global one; replaced tasks indented as `\_ web.2`. */
export function taskRows(
  serviceName: string,
  tasks: readonly Task[],
  nodes: readonly Node[],
  options: { now: number; trunc: boolean },
): TaskRow[] {
  const hostname = new Map(nodes.map((n) => [n.ID ?? "", n.Description?.Hostname ?? n.ID ?? ""]));
  const sorted = [...tasks].sort(
    (a, b) => compareNatural(instanceKey(a), instanceKey(b)) || newestFirst(a, b),
  );
  let previous = "";
  return sorted.map((task) => {
    const key = instanceKey(task);
    const name = `${serviceName}.${key}`;
    const row: TaskRow = {
      ID: options.trunc ? (task.ID ?? "").slice(0, 12) : (task.ID ?? ""),
      Name: key === previous ? ` \\_ ${name}` : name,
      Image: (task.Spec?.ContainerSpec?.Image ?? "").replace(/@sha256:[0-9a-f]+$/, ""),
      Node: hostname.get(task.NodeID ?? "") ?? "",
      DesiredState: capitalise(task.DesiredState ?? ""),
      CurrentState:
        `${capitalise(task.Status?.State ?? "")} ${ago(task.Status?.Timestamp, options.now)}`.trim(),
      Error: truncateError(task.Status?.Err ?? "", options.trunc),
      // A running container's status says 0 too: only a task that has ended has exited.
      ExitCode: String(exitCodeOf(task) ?? ""),
      Ports: "",
    };
    previous = key;
    return row;
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function truncateError(text: string, trunc: boolean): string {
  if (!trunc || text.length <= 30) return text ? `"${text}"` : "";
  return `"${text.slice(0, 29)}…"`;
}

/** `3 minutes ago`, as the docker CLI words the age of a state. */
export function ago(timestamp: string | undefined, now: number): string {
  if (!timestamp) return "";
  const seconds = Math.max(0, Math.round((now - Date.parse(timestamp)) / 1000));
  if (seconds < 1) return "less than a second ago";
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"} ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? "" : "s"} ago`;
  return `${Math.round(hours / 24)} days ago`;
}

export const TASK_LIST_VIEW: ListView<TaskRow> = {
  columns: [
    { header: "ID", value: (r) => r.ID },
    { header: "NAME", value: (r) => r.Name },
    { header: "IMAGE", value: (r) => r.Image },
    { header: "NODE", value: (r) => r.Node },
    { header: "DESIRED STATE", value: (r) => r.DesiredState },
    { header: "CURRENT STATE", value: (r) => r.CurrentState },
    { header: "ERROR", value: (r) => r.Error },
    { header: "EXIT", value: (r) => r.ExitCode },
  ],
  id: (r) => r.ID,
  fields: (r) => ({ ...r }),
};
