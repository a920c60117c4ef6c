import type { CommandContext } from "../../context.js";
import { lifecycleOf, unpark } from "./lifecycle.js";
import { findService } from "./lookup.js";

export async function run(context: CommandContext, [name]: string[]): Promise<void> {
  const client = await context.client();
  const spec = (await findService(client, name!)).attrs.Spec ?? {};
  const definition = lifecycleOf(spec) === "deployed" ? spec : unpark(spec);
  for (const entry of definition.TaskTemplate?.ContainerSpec?.Env ?? []) context.stdout.write(`${entry}\n`);
}
