import type { CommandContext } from "../../context.js";
import { printObject } from "../../output/format.js";
import { findService } from "./lookup.js";

export async function run(
  context: CommandContext,
  names: string[],
  options: { format?: string },
): Promise<void> {
  const client = await context.client();
  const services = [];
  for (const name of names) services.push((await findService(client, name)).attrs);
  if (options.format && options.format !== "json") {
    for (const service of services) printObject(context.stdout, service, options.format);
    return;
  }
  printObject(context.stdout, services, undefined);
}
