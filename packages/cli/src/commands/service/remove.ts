import type { CommandContext } from "../../context.js";
import { releaseLinkNetwork } from "./links.js";
import { findService } from "./lookup.js";

/**
 * Removes each named service, printing its name as the docker CLI does; fails if any was missing.
 * A removed link target's network goes too, or the services still linking to it are named.
 */
export async function run(context: CommandContext, names: string[]): Promise<void> {
  const client = await context.client();
  let failure: unknown;
  const removed: string[] = [];
  for (const name of names) {
    try {
      const service = await findService(client, name);
      await client.services.remove(service.id);
      context.stdout.write(`${name}\n`);
      removed.push(service.name ?? name);
    } catch (error) {
      failure ??= error;
      if (names.length > 1) context.stderr.write(`flotilla: ${(error as Error).message}\n`);
    }
  }
  for (const target of removed) await releaseLinkNetwork(context, client, target);
  if (failure) throw failure;
}
