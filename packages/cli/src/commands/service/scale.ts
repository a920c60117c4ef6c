import type { ServiceSpec } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { applyMinHealth } from "../../options/service-spec.js";
import { type WaitFlags, waitForService } from "../../progress/wait.js";
import { editDefinition, lifecycleOf } from "./lifecycle.js";
import { findService } from "./lookup.js";

/** `instances` comes read as a count (see register.ts). */
export async function run(
  context: CommandContext,
  [name, instances]: [string, number],
  flags: WaitFlags,
): Promise<void> {
  const client = await context.client();
  const service = await findService(client, name!);
  // The read above is what the write goes out on: one GET, one POST, as `docker service scale`.
  let scaled: ServiceSpec = {};
  await client.services.modify(
    service.id,
    (spec) => {
      if (spec.Mode?.Global)
        throw new UsageError(`service "${name}" is global (one instance per node) and cannot be scaled`);
      if (!spec.Mode?.Replicated) throw new UsageError(`service "${name}" is a job and cannot be scaled`);
      scaled = spec;
      return editDefinition(spec, (s) =>
        applyMinHealth({ ...s, Mode: { Replicated: { Replicas: instances } } }),
      );
    },
    { current: service.attrs },
  );
  if (lifecycleOf(scaled) !== "deployed") {
    context.stderr.write(`${name}: will run ${instances} instances when deployed\n`);
    return;
  }
  await waitForService(context, client, service.id, name!, flags);
}
