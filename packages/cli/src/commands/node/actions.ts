import type { NodeFilters } from "@flotilla/client";
import type { Node, Task } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { toRecord } from "../../options/key-values.js";
import { paintState } from "../../output/color.js";
import { compareNatural } from "../../output/compare.js";
import { type ListView, printList, printObject } from "../../output/format.js";
import { formatBytes } from "../../output/units.js";
import { TASK_LIST_VIEW, type TaskRow, taskRows } from "../service/task-rows.js";
import { parseFilters } from "../shared/filters.js";
import { findNode, selfNodeId, serviceNames } from "../shared/lookup.js";

interface NodeRow {
  ID: string;
  Self: boolean;
  Hostname: string;
  Status: string;
  Availability: string;
  ManagerStatus: string;
  EngineVersion: string;
}

const NODE_LIST_VIEW: ListView<NodeRow> = {
  columns: [
    { header: "ID", value: (r) => `${r.ID}${r.Self ? " *" : ""}` },
    { header: "HOSTNAME", value: (r) => r.Hostname },
    { header: "STATUS", value: (r) => r.Status },
    { header: "AVAILABILITY", value: (r) => r.Availability },
    { header: "MANAGER STATUS", value: (r) => r.ManagerStatus },
    { header: "ENGINE VERSION", value: (r) => r.EngineVersion },
  ],
  id: (r) => r.ID,
  fields: (r) => ({ ...r }),
};

const NODE_FILTERS = {
  id: "id",
  name: "name",
  label: "label",
  "node.label": "nodeLabel",
  membership: "membership",
  role: "role",
} as const;

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function managerStatus(node: Node): string {
  if (!node.ManagerStatus) return "";
  if (node.ManagerStatus.Leader) return "Leader";
  return capitalise(node.ManagerStatus.Reachability ?? "");
}

function nodeRow(node: Node, self: string | undefined): NodeRow {
  return {
    ID: node.ID ?? "",
    Self: node.ID === self,
    Hostname: node.Description?.Hostname ?? "",
    Status: capitalise(node.Status?.State ?? ""),
    Availability: capitalise(node.Spec?.Availability ?? ""),
    ManagerStatus: managerStatus(node),
    EngineVersion: node.Description?.Engine?.EngineVersion ?? "",
  };
}

export async function ls(
  context: CommandContext,
  _operands: string[],
  flags: { quiet?: boolean; format?: string; filter?: string[] },
): Promise<void> {
  const filters = parseFilters(flags.filter, NODE_FILTERS) as NodeFilters;
  const client = await context.client();
  const [nodes, self] = await Promise.all([client.nodes.list(filters), selfNodeId(client)]);
  const rows = nodes
    .map((n) => nodeRow(n.attrs, self))
    .sort((a, b) => compareNatural(a.Hostname, b.Hostname) || compareNatural(a.ID, b.ID));
  const statusColumn = NODE_LIST_VIEW.columns.findIndex((c) => c.header === "STATUS");
  printList(context.stdout, rows, NODE_LIST_VIEW, {
    format: flags.format,
    quiet: flags.quiet,
    paint: (row, column, text) =>
      row > 0 && column === statusColumn
        ? paintState(context.colors, rows[row - 1]!.Status === "Ready" ? "running" : "failed", text)
        : text,
  });
}

export async function inspect(
  context: CommandContext,
  refs: string[],
  flags: { pretty?: boolean; format?: string },
): Promise<void> {
  if (flags.pretty && flags.format) throw new UsageError("--pretty and --format cannot be used together");
  const client = await context.client();
  const all = (await client.nodes.list()).map((n) => n.attrs);
  const nodes: Node[] = [];
  for (const ref of refs) nodes.push(await findNode(client, ref, all));
  if (flags.pretty) {
    context.stdout.write(nodes.map(prettyNode).join("\n"));
    return;
  }
  if (flags.format && flags.format !== "json") {
    for (const node of nodes) printObject(context.stdout, node, flags.format);
    return;
  }
  printObject(context.stdout, nodes, undefined);
}

/** A node as a person reads it: identity, status, manager status, platform, resources, labels. */
export function prettyNode(node: Node): string {
  const lines: [string, string | undefined][] = [
    ["ID", node.ID],
    ["Hostname", node.Description?.Hostname],
    ["Joined at", node.CreatedAt],
    ["Status", ""],
    [" State", capitalise(node.Status?.State ?? "")],
    [" Availability", capitalise(node.Spec?.Availability ?? "")],
    [" Address", node.Status?.Addr],
  ];
  if (node.ManagerStatus) {
    lines.push(
      ["Manager Status", ""],
      [" Address", node.ManagerStatus.Addr],
      [" Raft Status", capitalise(node.ManagerStatus.Reachability ?? "")],
      [" Leader", node.ManagerStatus.Leader ? "Yes" : "No"],
    );
  }
  const resources = node.Description?.Resources;
  lines.push(
    ["Platform", ""],
    [" Operating System", node.Description?.Platform?.OS],
    [" Architecture", node.Description?.Platform?.Architecture],
    ["Resources", ""],
    [" CPUs", resources?.NanoCPUs === undefined ? undefined : String(resources.NanoCPUs / 1e9)],
    [" Memory", resources?.MemoryBytes === undefined ? undefined : formatBytes(resources.MemoryBytes)],
    ["Engine Version", node.Description?.Engine?.EngineVersion],
  );
  const labels = Object.entries(node.Spec?.Labels ?? {});
  const text = lines
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => (value === "" ? `${label}:` : `${`${label}:`.padEnd(24)}${value}`))
    .join("\n");
  const labelText =
    labels.length > 0 ? `\nLabels:\n${labels.map(([k, v]) => ` - ${k}=${v}`).join("\n")}` : "";
  return `${text}${labelText}\n`;
}

export async function update(
  context: CommandContext,
  [ref]: string[],
  flags: {
    availability?: "active" | "pause" | "drain";
    role?: "worker" | "manager";
    labelAdd?: string[];
    labelRm?: string[];
  },
): Promise<void> {
  if (!flags.availability && !flags.role && !flags.labelAdd && !flags.labelRm)
    throw new UsageError(
      "node update: nothing to change; give --availability, --role, --label-add or --label-rm",
    );
  const client = await context.client();
  const node = await findNode(client, ref!);
  await client.nodes.update(node.ID!, {
    availability: flags.availability,
    role: flags.role,
    labelsAdd: toRecord(flags.labelAdd, "--label-add"),
    labelsRemove: flags.labelRm,
  });
  context.stdout.write(`${ref}\n`);
}

async function setRole(context: CommandContext, refs: string[], role: "manager" | "worker"): Promise<void> {
  const client = await context.client();
  const all = (await client.nodes.list()).map((n) => n.attrs);
  for (const ref of refs) {
    const node = await findNode(client, ref, all);
    const name = node.Description?.Hostname ?? ref;
    if (node.Spec?.Role === role) {
      context.stdout.write(`Node ${name} is already a ${role}.\n`);
      continue;
    }
    await client.nodes.update(node.ID!, { role });
    context.stdout.write(
      role === "manager"
        ? `Node ${name} promoted to a manager in the swarm.\n`
        : `Manager ${name} demoted in the swarm.\n`,
    );
  }
}

export function promote(context: CommandContext, refs: string[]): Promise<void> {
  return setRole(context, refs, "manager");
}

export function demote(context: CommandContext, refs: string[]): Promise<void> {
  return setRole(context, refs, "worker");
}

export async function rm(context: CommandContext, refs: string[], flags: { force?: boolean }): Promise<void> {
  const client = await context.client();
  let failure: unknown;
  for (const ref of refs) {
    try {
      const node = await findNode(client, ref);
      await client.nodes.remove(node.ID!, { force: flags.force });
      context.stdout.write(`${ref}\n`);
    } catch (error) {
      failure ??= error;
      if (refs.length > 1) context.stderr.write(`flotilla: ${(error as Error).message}\n`);
    }
  }
  if (failure) throw failure;
}

export async function ps(
  context: CommandContext,
  refs: string[],
  flags: { quiet?: boolean; format?: string; all?: boolean; trunc?: boolean },
): Promise<void> {
  const client = await context.client();
  const [nodes, names] = await Promise.all([
    client.nodes.list().then((list) => list.map((n) => n.attrs)),
    serviceNames(client),
  ]);
  const rows: TaskRow[] = [];
  for (const ref of refs.length > 0 ? refs : ["self"]) {
    const node = await findNode(client, ref, nodes);
    const tasks = await client.tasks.listAttrs({
      node: node.ID!,
      ...(flags.all ? {} : { desiredState: "running" }),
    });
    const byService = new Map<string, Task[]>();
    for (const task of tasks) {
      const id = task.ServiceID ?? "";
      byService.set(id, [...(byService.get(id) ?? []), task]);
    }
    const services = [...byService].sort(([a], [b]) => compareNatural(names.get(a) ?? a, names.get(b) ?? b));
    for (const [serviceId, serviceTasks] of services) {
      rows.push(
        ...taskRows(names.get(serviceId) ?? serviceId, serviceTasks, nodes, {
          now: context.now(),
          trunc: flags.trunc !== false,
        }),
      );
    }
  }
  printList(context.stdout, rows, TASK_LIST_VIEW, { format: flags.format, quiet: flags.quiet });
}
