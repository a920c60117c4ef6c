import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import type { WaitFlags } from "../../progress/wait.js";
import { findService } from "./lookup.js";
import { run as update } from "./update.js";

export async function run(
  context: CommandContext,
  [name, secret]: string[],
  flags: WaitFlags,
): Promise<void> {
  const client = await context.client();
  const spec = (await findService(client, name!)).attrs.Spec ?? {};
  const linked = spec.TaskTemplate?.ContainerSpec?.Secrets?.some((s) => s.SecretName === secret);
  if (!linked) throw new UsageError(`service "${name}" has no secret ${secret}`);
  await update(context, [name!], { ...flags, secretRm: [secret!] });
}
