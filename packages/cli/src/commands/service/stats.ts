import type { CommandContext } from "../../context.js";
import { printList } from "../../output/format.js";
import { findService } from "./lookup.js";
import { type StatsRow, sampleStats } from "./stats-sample.js";

const VIEW = {
  columns: [
    { header: "INSTANCE", value: (r: StatsRow) => r.Instance },
    { header: "NODE", value: (r: StatsRow) => r.Node },
    { header: "CPU %", value: (r: StatsRow) => r.CPU },
    { header: "MEM USAGE / LIMIT", value: (r: StatsRow) => r.Memory },
    { header: "MEM %", value: (r: StatsRow) => r.MemPerc },
    { header: "NET I/O", value: (r: StatsRow) => r.NetIO },
    { header: "NOTE", value: (r: StatsRow) => r.Note },
  ],
  id: (r: StatsRow) => r.Instance,
  fields: (r: StatsRow) => ({ ...r }),
};

/** One table, or with -t one per interval: redrawn in place on a terminal, appended otherwise. */
export async function run(
  context: CommandContext,
  [name]: string[],
  flags: { tail?: boolean /** Milliseconds. */; interval: number; format?: string },
): Promise<void> {
  const interval = flags.interval;
  const client = await context.client();
  const service = await findService(client, name!);
  const live = flags.tail && context.stdout.isTTY;
  if (live) context.stdout.write("\x1b[?25l");
  try {
    for (;;) {
      const tasks = await client.tasks.listAttrs({ service: service.id });
      const rows = await sampleStats(client, service.name ?? name!, tasks);
      if (live) context.stdout.write("\x1b[H\x1b[2J");
      printList(context.stdout, rows, VIEW, { format: flags.format });
      if (!flags.tail || context.signal?.aborted) return;
      if (!live) context.stdout.write("\n");
      await context.sleep(interval);
      if (context.signal?.aborted) return;
    }
  } catch (error) {
    // Ctrl-C is how -t ends, even with a sample in flight (the signal drops it).
    if (!flags.tail || !context.signal?.aborted) throw error;
  } finally {
    if (live) context.stdout.write("\x1b[?25h");
  }
}
