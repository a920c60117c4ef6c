import type { LogLine } from "@flotilla/client";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { instanceNamer } from "./instances.js";
import { findService } from "./lookup.js";
import { parseSince } from "./time-option.js";

interface LogFlags {
  tail?: boolean;
  lines: number;
  since?: string;
  instance?: number;
  timestamps?: boolean;
}

/** Each line prefixed with its instance and node, as the docker CLI does; -t follows until Ctrl-C. */
export async function run(context: CommandContext, [name]: string[], flags: LogFlags): Promise<void> {
  const lines = flags.lines;
  const since = flags.since === undefined ? undefined : parseSince(flags.since, context.now());
  const client = await context.client();
  const service = await findService(client, name!);
  // The engine answers such a service's logs with nothing at all, as if it had written none.
  const driver = service.attrs.Spec?.TaskTemplate?.LogDriver?.Name;
  if (driver === "none")
    context.stderr.write(
      `flotilla: service "${service.name ?? name}" logs to the "none" driver: the engine keeps no logs of it to show (\`service update --log-driver json-file\` keeps them)\n`,
    );
  const tasks = await client.tasks.listAttrs({ service: service.id });
  const prefix = await instanceNamer(client, service.name ?? name!, tasks);
  const options = {
    follow: flags.tail,
    tail: lines,
    since,
    timestamps: flags.timestamps,
    signal: context.signal,
  };
  let source: AsyncIterable<LogLine>;
  if (flags.instance !== undefined) {
    const slot = flags.instance;
    const task = tasks
      .filter((t) => t.Slot === slot)
      .sort((a, b) => (b.Version?.Index ?? 0) - (a.Version?.Index ?? 0))[0];
    if (!task) throw new UsageError(`service "${name}" has no instance ${slot}`);
    source = client.tasks.logs(task.ID ?? "", options);
  } else {
    source = client.services.logs(service.id, options);
  }
  try {
    for await (const line of source) {
      const stamp = flags.timestamps && line.timestamp ? `${line.timestamp} ` : "";
      const out = line.stream === "stderr" ? context.stderr : context.stdout;
      out.write(`${prefix(line.taskId, line.nodeId)} | ${stamp}${line.line}\n`);
    }
  } catch (error) {
    if (context.signal?.aborted) return;
    throw error;
  }
}
