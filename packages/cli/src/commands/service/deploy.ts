import type { TaskSpec } from "@flotilla/types";
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
  const spec = unpark(service.attrs.Spec ?? {});
  const pending = spec.Labels?.[LIFECYCLE_LABELS.pending];
  if (pending !== undefined) {
    spec.TaskTemplate = JSON.parse(pending) as TaskSpec;
    delete spec.Labels![LIFECYCLE_LABELS.pending];
  }
  if (flags.forceDeploy) {
    spec.TaskTemplate = { ...spec.TaskTemplate, ForceUpdate: (spec.TaskTemplate?.ForceUpdate ?? 0) + 1 };
  }
  await client.services.updateSpec(service.id, spec, service.version);
  await waitForService(context, client, service.id, name!, flags);
}
