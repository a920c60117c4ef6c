import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import type { WaitFlags } from "../../progress/wait.js";
import { lifecycleOf, unpark } from "./lifecycle.js";
import { findService } from "./lookup.js";
import { run as update } from "./update.js";

export async function run(
  context: CommandContext,
  [name, ...keys]: string[],
  flags: WaitFlags,
): Promise<void> {
  const client = await context.client();
  const spec = (await findService(client, name!)).attrs.Spec ?? {};
  const definition = lifecycleOf(spec) === "deployed" ? spec : unpark(spec);
  const present = new Set((definition.TaskTemplate?.ContainerSpec?.Env ?? []).map((e) => e.split("=", 1)[0]));
  const missing = keys.find((key) => !present.has(key));
  if (missing) throw new UsageError(`service "${name}" has no environment variable ${missing}`);
  await update(context, [name!], { ...flags, envRm: keys });
}
