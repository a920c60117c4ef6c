import { applyPatch } from "@flotilla/client";
import type { ServiceSpec, TaskSpec } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { type WaitFlags, waitForService } from "../../progress/wait.js";
import { LIFECYCLE_LABELS, unpark } from "./lifecycle.js";
import { findService } from "./lookup.js";

/** Starts a registered (or stopped) service, applies a stateful service's pending changes, and waits. */
export async function run(
  context: CommandContext,
  [name]: string[],
  flags: WaitFlags & { forceDeploy?: boolean },
): Promise<void> {
  const client = await context.client();
  const service = await findService(client, name!);
  await client.services.modify(service.id, (current) => deployed(current, flags.forceDeploy), {
    current: service.attrs,
  });
  await waitForService(context, client, service.id, name!, flags);
}

function deployed(current: ServiceSpec, force: boolean | undefined): ServiceSpec {
  const spec = unpark(current);
  const pending = spec.Labels?.[LIFECYCLE_LABELS.pending];
  if (pending !== undefined) {
    spec.TaskTemplate = JSON.parse(pending) as TaskSpec;
    delete spec.Labels![LIFECYCLE_LABELS.pending];
  }
  return force ? applyPatch(spec, { forceUpdate: true }) : spec;
}
