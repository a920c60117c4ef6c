import { NotFoundError } from "@flotilla/transport";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import type { WaitFlags } from "../../progress/wait.js";
import { linkNetworkId, linkNetworkName, parseLink, releaseLinkNetwork } from "./links.js";
import { findService } from "./lookup.js";
import { run as update } from "./update.js";

/** Leaves the target's link network; the last link to a target already removed takes the network with it. */
export async function run(
  context: CommandContext,
  [name, target]: string[],
  flags: WaitFlags,
): Promise<void> {
  const targetName = parseLink(target!).target;
  const network = linkNetworkName(targetName);
  const client = await context.client();
  const spec = (await findService(client, name!)).attrs.Spec ?? {};
  const id = await linkNetworkId(client, network);
  if (!id || !spec.TaskTemplate?.Networks?.some((n) => n.Target === id)) {
    throw new UsageError(`service "${name}" is not linked to ${targetName}`);
  }
  await update(context, [name!], { ...flags, networkRm: [id] });
  const targetGone = await client.services.get(targetName).then(
    () => false,
    (error: unknown) => error instanceof NotFoundError,
  );
  if (targetGone) await releaseLinkNetwork(context, client, targetName);
}
