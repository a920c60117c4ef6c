import type { CommandContext } from "../../context.js";
import { imageCommand, imageVolumes } from "../../options/image-volumes.js";
import { needsImageCommand } from "../../options/secret-env.js";
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
  // Every other option is checked before the image is asked for its volumes.
  if (flags.stateful || needsImageCommand(flags, undefined))
    newServiceSpec(name!, image!, { ...flags, stateful: false }, [], { entrypoint: [], cmd: [] });
  const client = await context.client();
  const declared = flags.stateful ? await imageVolumes(client, image!) : [];
  const command = needsImageCommand(flags, undefined) ? await imageCommand(client, image!) : undefined;
  const built = newServiceSpec(name!, image!, flags, declared, command);
  if (declared === "not-on-engine" && !flags.quiet)
    context.stderr.write(
      `${name}: image ${image} is not on this engine, so the volumes it declares (if any) are not kept per instance; name them with -v\n`,
    );
  await requireSecrets(client, built);
  if (flags.link?.length) await requireFreeName(client, name!);
  const links = await prepareLinks(context, client, built, flags.link ?? []);
  const linked = links.spec;
  const spec = flags.deploy
    ? { ...linked, Labels: { ...linked.Labels, [LIFECYCLE_LABELS.state]: "deployed" } }
    : park(linked, "registered");
  const service = await client.services
    .createFromSpec(spec, { registryAuth: flags.withRegistryAuth || undefined })
    .catch(async (error: unknown) => {
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
