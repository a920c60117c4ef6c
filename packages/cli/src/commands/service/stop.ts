import type { CommandContext } from "../../context.js";
import { type WaitFlags, waitForService } from "../../progress/wait.js";
import { lifecycleOf, park } from "./lifecycle.js";
import { findService } from "./lookup.js";

/** Parks the service (zero replicas, or an unmeetable constraint for global ones), remembering its size. */
export async function run(context: CommandContext, [name]: string[], flags: WaitFlags): Promise<void> {
  const client = await context.client();
  const service = await findService(client, name!);
  const spec = service.attrs.Spec ?? {};
  if (lifecycleOf(spec) !== "deployed") {
    context.stderr.write(`${name}: already ${lifecycleOf(spec)}\n`);
    return;
  }
  // What was read above goes out as it is: the client gates fields against it instead of reading again.
  await client.services.modify(service.id, (current) => park(current, "stopped"), {
    current: service.attrs,
  });
  await waitForService(context, client, service.id, name!, flags);
}
