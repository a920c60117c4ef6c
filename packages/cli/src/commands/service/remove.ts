import type { CommandContext } from "../../context.js";
import { findService } from "./lookup.js";

/** Removes each named service, printing its name as the docker CLI does; fails if any was missing. */
export async function run(context: CommandContext, names: string[]): Promise<void> {
  const client = await context.client();
  let failure: unknown;
  for (const name of names) {
    try {
      const service = await findService(client, name);
      await client.services.remove(service.id);
      context.stdout.write(`${name}\n`);
    } catch (error) {
      failure ??= error;
      if (names.length > 1) context.stderr.write(`flotilla: ${(error as Error).message}\n`);
    }
  }
  if (failure) throw failure;
}
