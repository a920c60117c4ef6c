import type { Node, Service, Task } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import type { Palette } from "../../output/color.js";
import { paintState } from "../../output/color.js";
import { compareNatural, compareText } from "../../output/compare.js";
import { lifecycleOf } from "./lifecycle.js";
import { findService } from "./lookup.js";
import { instanceKey } from "./task-rows.js";

// A full-screen view on the terminal's alternate screen, redrawn every --interval: each node and
// the instances on it, coloured by state. Ctrl-C (the context's signal) ends it and the finally
// block gives the terminal back as it was. Not on a terminal, it prints one frame per interval.

const ENTER = "\x1b[?1049h\x1b[?25l";
const LEAVE = "\x1b[?25h\x1b[?1049l";

export async function run(
  context: CommandContext,
  [name]: string[],
  flags: { /** Milliseconds. */ interval: number },
): Promise<void> {
  const interval = flags.interval;
  const client = await context.client();
  const service = await findService(client, name!);
  const live = context.stdout.isTTY === true;
  if (live) context.stdout.write(ENTER);
  try {
    while (!context.signal?.aborted) {
      const [current, tasks, nodes] = await Promise.all([
        client.services.get(service.id),
        client.tasks.listAttrs({ service: service.id, desiredState: "running" }),
        client.nodes.list(),
      ]);
      const frame = renderFrame(
        current.attrs,
        tasks,
        nodes.map((n) => n.attrs),
        {
          colors: context.colors,
          interval: String(interval / 1000),
          time: new Date(context.now()).toISOString(),
        },
      );
      context.stdout.write(live ? `\x1b[H\x1b[2J${frame}` : `${frame}\n`);
      await context.sleep(interval);
    }
  } catch (error) {
    // Ctrl-C is how a live view ends, even with a poll in flight (the signal drops it).
    if (!context.signal?.aborted) throw error;
  } finally {
    if (live) context.stdout.write(LEAVE);
  }
}

export function renderFrame(
  service: Service,
  tasks: readonly Task[],
  nodes: readonly Node[],
  options: { colors: Palette; interval: string; time: string },
): string {
  const spec = service.Spec ?? {};
  const running = tasks.filter((t) => t.Status?.State === "running").length;
  const mode = spec.Mode?.Global ? "global" : `replicated ${spec.Mode?.Replicated?.Replicas ?? 0}`;
  const lines = [
    options.colors.bold(`${spec.Name}`) +
      `  ${mode}, ${running}/${tasks.length} running, ${lifecycleOf(spec)}  (every ${options.interval}s, Ctrl-C to quit)`,
    options.colors.dim(options.time),
    "",
  ];
  const sortedNodes = [...nodes].sort((a, b) =>
    compareText(a.Description?.Hostname ?? "", b.Description?.Hostname ?? ""),
  );
  for (const node of sortedNodes) {
    const state = node.Status?.State ?? "unknown";
    const availability = node.Spec?.Availability ?? "active";
    lines.push(
      `${node.Description?.Hostname ?? node.ID} (${paintState(options.colors, state)}, ${availability})`,
    );
    const here = tasks
      .filter((t) => t.NodeID === node.ID)
      .sort((a, b) => compareNatural(instanceKey(a), instanceKey(b)));
    if (here.length === 0) lines.push(options.colors.dim("  -"));
    for (const task of here) {
      const taskState = task.Status?.State ?? "";
      lines.push(
        `  ${paintState(options.colors, taskState, "■")} ${spec.Name}.${instanceKey(task)}  ${paintState(options.colors, taskState)}`,
      );
    }
  }
  const pending = tasks.filter((t) => !t.NodeID);
  if (pending.length > 0) {
    lines.push(`(not placed)`);
    for (const task of pending)
      lines.push(
        `  ${spec.Name}.${instanceKey(task)}  ${task.Status?.State}: ${task.Status?.Err ?? task.Status?.Message ?? ""}`,
      );
  }
  return `${lines.join("\n")}\n`;
}
