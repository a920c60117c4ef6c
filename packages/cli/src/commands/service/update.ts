import { applyPatch } from "@flotilla/client";
import type { ServiceSpec } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { imageCommand } from "../../options/image-volumes.js";
import { resolveNetworkFlags } from "../../options/networks.js";
import { needsImageCommand } from "../../options/secret-env.js";
import type { ServiceFlags } from "../../options/service-flags.js";
import { applyFlags, LABELS } from "../../options/service-spec.js";
import { type WaitFlags, waitForService } from "../../progress/wait.js";
import { editDefinition, LIFECYCLE_LABELS, lifecycleOf } from "./lifecycle.js";
import { prepareLinks } from "./links.js";
import { findService } from "./lookup.js";
import { requireSecrets } from "./secrets.js";

/**
 * Changes the definition. A running stateless service rolls to it (and we wait); a registered or
 * stopped one just keeps it for later; a running stateful one is not redeployed, as in Kontena: the
 * new task template waits in a label until `deploy`.
 */
export async function run(
  context: CommandContext,
  [name]: string[],
  flags: ServiceFlags & WaitFlags & { force?: boolean },
): Promise<void> {
  const client = await context.client();
  const service = await findService(client, name!);
  const current = service.attrs.Spec ?? {};
  const resolved = await resolveNetworkFlags(client, name!, current, flags);
  const container = current.TaskTemplate?.ContainerSpec;
  const command = needsImageCommand(flags, container ?? {})
    ? await imageCommand(client, flags.image ?? container?.Image ?? "")
    : undefined;
  const change = (spec: ServiceSpec) => editDefinition(spec, (s) => applyFlags(s, resolved, command));
  const first = change(current);
  await requireSecrets(client, first);
  const links = await prepareLinks(context, client, first, flags.link ?? []);
  // Written through the client's read-modify-write: a write that loses the race to another
  // writer is made again on what won, from the same flags.
  let lifecycle = lifecycleOf(current);
  let held: ServiceSpec | undefined;
  await client.services
    .modify(
      service.id,
      (spec) => {
        lifecycle = lifecycleOf(spec);
        const stateful = spec.Labels?.[LABELS.stateful] === "true";
        const joined = links.join(change(spec));
        const next = flags.force ? applyPatch(joined, { forceUpdate: true }) : joined;
        held =
          stateful && lifecycle === "deployed" && !flags.force ? holdTaskTemplate(spec, next) : undefined;
        return held ?? next;
      },
      { current: service.attrs, registryAuth: flags.withRegistryAuth || undefined },
    )
    .catch(async (error: unknown) => {
      await links.abandon();
      throw error;
    });
  await links.joinTargets();
  if (held) {
    context.stderr.write(
      `${name}: stateful service updated but not redeployed; apply with \`flotilla service deploy ${name}\`\n`,
    );
    return;
  }
  if (lifecycle !== "deployed") return;
  await waitForService(context, client, service.id, name!, flags);
}

/** The new spec with the running task template kept and the new one stored for `deploy`. */
function holdTaskTemplate(current: ServiceSpec, next: ServiceSpec): ServiceSpec | undefined {
  if (JSON.stringify(current.TaskTemplate) === JSON.stringify(next.TaskTemplate)) return undefined;
  return {
    ...next,
    TaskTemplate: current.TaskTemplate,
    Labels: { ...next.Labels, [LIFECYCLE_LABELS.pending]: JSON.stringify(next.TaskTemplate) },
  };
}
