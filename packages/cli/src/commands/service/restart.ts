import { applyPatch } from "@flotilla/client";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { type WaitFlags, waitForService } from "../../progress/wait.js";
import { lifecycleOf } from "./lifecycle.js";
import { findService } from "./lookup.js";

/** Replaces every instance with a fresh one of the same spec (a force update), then waits. */
export async function run(context: CommandContext, [name]: string[], flags: WaitFlags): Promise<void> {
  const client = await context.client();
  const service = await findService(client, name!);
  const lifecycle = lifecycleOf(service.attrs.Spec ?? {});
  if (lifecycle !== "deployed")
    throw new UsageError(`service "${name}" is ${lifecycle}: nothing runs to restart`);
  await client.services.modify(service.id, (spec) => applyPatch(spec, { forceUpdate: true }), {
    current: service.attrs,
  });
  await waitForService(context, client, service.id, name!, flags);
}
