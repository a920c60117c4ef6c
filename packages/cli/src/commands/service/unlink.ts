import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import type { WaitFlags } from "../../progress/wait.js";
import { linkNetworkId, linkNetworkName, parseLink } from "./links.js";
import { findService } from "./lookup.js";
import { run as update } from "./update.js";

export async function run(
  context: CommandContext,
  [name, target]: string[],
  flags: WaitFlags,
): Promise<void> {
  const network = linkNetworkName(parseLink(target!).target);
  const client = await context.client();
  const spec = (await findService(client, name!)).attrs.Spec ?? {};
  const id = await linkNetworkId(client, network);
  if (!spec.TaskTemplate?.Networks?.some((n) => n.Target === network || n.Target === id)) {
    throw new UsageError(`service "${name}" is not linked to ${parseLink(target!).target}`);
  }
  await update(context, [name!], { ...flags, networkRm: [network, ...(id ? [id] : [])] });
}
