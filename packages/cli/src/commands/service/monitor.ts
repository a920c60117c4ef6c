import type { Node, Service, Task } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import type { Palette } from "../../output/color.js";
import { paintState } from "../../output/color.js";
import { compareNatural, compareText } from "../../output/compare.js";
import { failureText, instanceFailures } from "./failures.js";
import { findService } from "./lookup.js";
import { countsOf, replicasText, serviceState } from "./service-rows.js";
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
      const [listed, history, nodes] = await Promise.all([
        // The list (not inspect) carries ServiceStatus: the counts `service ls` shows.
        client.services.list({ filters: { id: [service.id] } }),
        // All tasks: an instance's last failure is in an older task than the one it runs now.
        client.tasks.listAttrs({ service: service.id }),
        client.nodes.list(),
      ]);
      const current = listed.find((s) => s.id === service.id) ?? service;
      const frame = renderFrame(
        current.attrs,
        history,
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

/** One frame; `history` is all the service's tasks, of which those wanted running or ready are shown. */
export function renderFrame(
  service: Service,
  history: readonly Task[],
  nodes: readonly Node[],
  options: { colors: Palette; interval: string; time: string },
): string {
  const spec = service.Spec ?? {};
  const tasks = history.filter((t) => t.DesiredState === "running" || t.DesiredState === "ready");
  const failures = instanceFailures(history);
  // The same counts and word as `service ls`: REPLICAS remembers a stopped service's size.
  const counts = countsOf(service, {
    running: tasks.filter((t) => t.Status?.State === "running").length,
    desired: tasks.length,
  });
  const state = serviceState(service, counts, failures.size > 0);
  const mode = spec.Mode?.Global ? "global" : "replicated";
  const lines = [
    options.colors.bold(`${spec.Name}`) +
      `  ${mode}, ${replicasText(service, counts)}, ${paintState(options.colors, state)}  (every ${options.interval}s, Ctrl-C to quit)`,
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
      const failure = failures.get(instanceKey(task));
      const why = failure ? `  last failure: ${options.colors.red(failureText(failure))}` : "";
      lines.push(
        `  ${paintState(options.colors, taskState, "■")} ${spec.Name}.${instanceKey(task)}  ${paintState(options.colors, taskState)}${why}`,
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
