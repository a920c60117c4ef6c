import type { CommandContext } from "../../context.js";
import type { ServiceFlags } from "../../options/service-flags.js";
import { newServiceSpec } from "../../options/service-spec.js";
import { type WaitFlags, waitForService } from "../../progress/wait.js";
import { LIFECYCLE_LABELS, park } from "./lifecycle.js";
import { prepareLinks, requireFreeName } from "./links.js";
import { requireSecrets } from "./secrets.js";

/** `create NAME IMAGE` registers the service parked (see lifecycle.ts); `--deploy` also starts it. */
export async function run(
  context: CommandContext,
  [name, image]: string[],
  flags: ServiceFlags & WaitFlags & { deploy?: boolean },
): Promise<void> {
  const built = newServiceSpec(name!, image!, flags);
  const client = await context.client();
  await requireSecrets(client, built);
  if (flags.link?.length) await requireFreeName(client, name!);
  const links = await prepareLinks(context, client, built, flags.link ?? []);
  const linked = links.spec;
  const spec = flags.deploy
    ? { ...linked, Labels: { ...linked.Labels, [LIFECYCLE_LABELS.state]: "deployed" } }
    : park(linked, "registered");
  const service = await client.services.createFromSpec(spec).catch(async (error: unknown) => {
    await links.abandon();
    throw error;
  });
  await links.joinTargets();
  context.stdout.write(`${service.id}\n`);
  if (!flags.deploy) {
    if (!flags.quiet)
      context.stderr.write(`${name}: registered; start it with \`flotilla service deploy ${name}\`\n`);
    return;
  }
  await waitForService(context, client, service.id, name!, flags);
}
