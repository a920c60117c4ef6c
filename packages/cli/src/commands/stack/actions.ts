import type { ConvergenceProgress, StackEvent } from "@flotilla/client";
import type { Task } from "@flotilla/types";
import { FlotillaError } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import type { OutputStream } from "../../io.js";
import { compareNatural } from "../../output/compare.js";
import { type ListView, printList, printObject } from "../../output/format.js";
import { createProgressView, type ProgressView } from "../../progress/progress-view.js";
import { SERVICE_LIST_VIEW, serviceRows } from "../service/service-rows.js";
import { TASK_LIST_VIEW, type TaskRow, taskRows } from "../service/task-rows.js";

interface DeployFlags {
  composeFile: string[];
  prune?: boolean;
  withRegistryAuth?: boolean;
  resolveImage: "always" | "changed" | "never";
  envFile?: string[];
  detach?: boolean;
  quiet?: boolean;
  timeout: string;
}

const VERBS = { create: "Creating", update: "Updating", remove: "Removing" } as const;

// Several services wait at once; their progress goes out as lines, one per change, so the views do
// not draw over each other on a terminal.
function lineStream(out: OutputStream): OutputStream {
  return Object.assign(Object.create(out) as OutputStream, {
    isTTY: false,
    write: (text: string) => out.write(text),
  });
}

export async function deploy(context: CommandContext, [name]: string[], flags: DeployFlags): Promise<void> {
  const { parseSeconds } = await import("../../options/units.js");
  const timeout = parseSeconds(flags.timeout, "--timeout");
  const client = await context.client();
  const views = new Map<string, ProgressView>();
  const done = new Set<string>();
  const onEvent = (event: StackEvent) => {
    if (event.kind === "warning") context.stderr.write(`${event.message}\n\n`);
    else if (event.kind === "progress") {
      if (flags.quiet || done.has(event.service)) return;
      let view = views.get(event.service);
      if (!view) {
        view = createProgressView(lineStream(context.stderr), event.service, context.colors);
        views.set(event.service, view);
      }
      view.update(event.progress as ConvergenceProgress);
      if (event.progress.converged) {
        done.add(event.service);
        view.finish("Service converged");
      }
    } else {
      // As the docker CLI: a secret or config that exists is updated without a word.
      if (event.kind === "update" && event.object !== "service") return;
      const id = event.kind === "update" ? ` (id: ${event.id})` : "";
      context.stdout.write(`${VERBS[event.kind]} ${event.object} ${event.name}${id}\n`);
    }
  };
  await client.stacks.deploy(name!, flags.composeFile, {
    env: context.io.env,
    envFile: flags.envFile,
    prune: flags.prune,
    registryAuth: flags.withRegistryAuth ?? false,
    resolveImage: flags.resolveImage,
    wait: !flags.detach,
    signal: context.signal,
    convergence: { timeout, interval: context.pollInterval, stableFor: context.io.convergedFor },
    onEvent,
  });
}

interface StackRow {
  Name: string;
  Services: number;
}

const STACK_LIST_VIEW: ListView<StackRow> = {
  columns: [
    { header: "NAME", value: (r) => r.Name },
    { header: "SERVICES", value: (r) => String(r.Services) },
  ],
  id: (r) => r.Name,
  fields: (r) => ({ ...r }),
};

export async function ls(
  context: CommandContext,
  _operands: string[],
  flags: { quiet?: boolean; format?: string },
) {
  const client = await context.client();
  const rows = (await client.stacks.list()).map((s) => ({ Name: s.name, Services: s.services }));
  printList(context.stdout, rows, STACK_LIST_VIEW, flags);
}

export async function services(
  context: CommandContext,
  [name]: string[],
  flags: { quiet?: boolean; format?: string },
) {
  const client = await context.client();
  const list = await client.stacks.services(name!);
  if (list.length === 0 && !flags.quiet && !flags.format) {
    context.stderr.write(`Nothing found in stack: ${name}\n`);
    return;
  }
  const rows = await serviceRows(
    client,
    list.map((s) => s.attrs),
  );
  printList(context.stdout, rows, SERVICE_LIST_VIEW, flags);
}

export async function ps(
  context: CommandContext,
  [name]: string[],
  flags: { quiet?: boolean; format?: string; trunc?: boolean },
) {
  const client = await context.client();
  const [tasks, list, nodes] = await Promise.all([
    client.stacks.tasks(name!),
    client.stacks.services(name!),
    client.nodes.list(),
  ]);
  if (tasks.length === 0) throw new FlotillaError("ERR_NOT_FOUND", `nothing found in stack: ${name}`);
  const names = new Map(list.map((s) => [s.id, s.name ?? s.id]));
  const byService = new Map<string, Task[]>();
  for (const task of tasks) {
    const id = task.attrs.ServiceID ?? "";
    byService.set(id, [...(byService.get(id) ?? []), task.attrs]);
  }
  const rows: TaskRow[] = [];
  const ordered = [...byService].sort(([a], [b]) => compareNatural(names.get(a) ?? a, names.get(b) ?? b));
  for (const [serviceId, serviceTasks] of ordered) {
    rows.push(
      ...taskRows(
        names.get(serviceId) ?? serviceId,
        serviceTasks,
        nodes.map((n) => n.attrs),
        { now: context.now(), trunc: flags.trunc !== false },
      ),
    );
  }
  printList(context.stdout, rows, TASK_LIST_VIEW, flags);
}

export async function rm(context: CommandContext, names: string[]) {
  const client = await context.client();
  const failures: string[] = [];
  for (const name of names) {
    try {
      const found = await client.stacks.remove(name, {
        onEvent: (event) => {
          if (event.kind === "remove") context.stdout.write(`Removing ${event.object} ${event.name}\n`);
        },
      });
      if (!found) context.stderr.write(`Nothing found in stack: ${name}\n`);
    } catch (error) {
      if (!(error instanceof FlotillaError)) throw error;
      failures.push(error.message);
    }
  }
  if (failures.length > 0) throw new FlotillaError("ERR_STACK_REMOVE", failures.join("; "));
}

export async function config(
  context: CommandContext,
  _operands: string[],
  flags: { composeFile: string[]; envFile?: string[] },
) {
  const { loadCompose, composeYaml } = await import("@flotilla/client");
  const loaded = await loadCompose(flags.composeFile, { env: context.io.env, envFile: flags.envFile });
  for (const warning of loaded.warnings) context.stderr.write(`${warning}\n\n`);
  context.stdout.write(await composeYaml(loaded.document));
}

export async function show(context: CommandContext, [name]: string[], flags: { format?: string }) {
  const client = await context.client();
  const list = await client.stacks.services(name!);
  if (list.length === 0) throw new FlotillaError("ERR_NOT_FOUND", `nothing found in stack: ${name}`);
  const query = { filters: JSON.stringify({ label: [`com.docker.stack.namespace=${name}`] }) };
  const [rows, networks, secrets, configs] = await Promise.all([
    serviceRows(
      client,
      list.map((s) => s.attrs),
    ),
    client.raw("GET /networks", { query }),
    client.raw("GET /secrets", { query }),
    client.raw("GET /configs", { query }),
  ]);
  const names = (items: { Name?: string; Spec?: { Name?: string } }[]) =>
    items.map((i) => i.Name ?? i.Spec?.Name ?? "").sort(compareNatural);
  printObject(
    context.stdout,
    {
      Name: name,
      Services: rows,
      Networks: names(networks),
      Secrets: names(secrets),
      Configs: names(configs),
    },
    flags.format === "json" ? undefined : flags.format,
  );
}
