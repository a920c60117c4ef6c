import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { type WaitFlags, waitForService } from "../../progress/wait.js";
import { lifecycleOf, unpark } from "./lifecycle.js";
import { findService } from "./lookup.js";

export async function run(context: CommandContext, [name]: string[], flags: WaitFlags): Promise<void> {
  const client = await context.client();
  const service = await findService(client, name!);
  const spec = service.attrs.Spec ?? {};
  const lifecycle = lifecycleOf(spec);
  if (lifecycle === "registered") {
    throw new UsageError(
      `service "${name}" has never been deployed; use \`flotilla service deploy ${name}\``,
    );
  }
  if (lifecycle === "deployed") {
    context.stderr.write(`${name}: already running\n`);
    return;
  }
  await client.services.modify(service.id, unpark, { current: service.attrs });
  await waitForService(context, client, service.id, name!, flags);
}
