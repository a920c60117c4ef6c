import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { type WaitFlags, waitForService } from "../../progress/wait.js";
import { findService } from "./lookup.js";

export async function run(context: CommandContext, [name]: string[], flags: WaitFlags): Promise<void> {
  const client = await context.client();
  const service = await findService(client, name!);
  if (!service.attrs.PreviousSpec)
    throw new UsageError(`service "${name}" has no previous definition to roll back to`);
  // As `docker service rollback`: the spec read above, at its version; the engine swaps in the previous.
  const spec = service.attrs.Spec ?? {};
  await client.services.updateSpec(service.id, spec, service.version, { rollback: true, basedOn: spec });
  await waitForService(context, client, service.id, name!, flags, { rollback: true });
}
