import type { Client } from "@flotilla/client";
import type { ServiceSpec } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { editDefinition } from "./lifecycle.js";
import { findService } from "./lookup.js";

// Kontena's links as swarm networking: each linked-to service gets an overlay network of its own
// (`flotilla-link-TARGET`), joined with the alias; a service that links to it joins the same
// network and reaches it by name or alias. Unlinking leaves that network.

export function linkNetworkName(target: string): string {
  return `flotilla-link-${target}`;
}

export function parseLink(text: string): { target: string; alias: string | undefined } {
  const [target, alias, ...rest] = text.split(":");
  if (!target || rest.length > 0 || alias === "")
    throw new UsageError(`link: "${text}" is not a link; write SERVICE or SERVICE:ALIAS`);
  return { target, alias };
}

/** The spec joined to every linked service's network; the linked services are joined (with alias) first. */
export async function attachLinks(
  context: CommandContext,
  client: Client,
  spec: ServiceSpec,
  links: readonly string[],
): Promise<ServiceSpec> {
  let result = spec;
  for (const link of links) {
    const { target, alias } = parseLink(link);
    const network = await ensureLinkTarget(context, client, target, alias);
    result = withNetwork(result, network, undefined);
  }
  return result;
}

async function ensureLinkTarget(
  context: CommandContext,
  client: Client,
  target: string,
  alias: string | undefined,
): Promise<string> {
  const service = await findService(client, target);
  const network = linkNetworkName(service.name ?? target);
  let id = await linkNetworkId(client, network);
  if (id === undefined) {
    id = await client.networks.create({
      name: network,
      driver: "overlay",
      attachable: true,
      labels: { "io.flotilla.link": target },
    });
    context.stderr.write(`created overlay network ${network} for links to ${target}\n`);
  }
  const spec = service.attrs.Spec ?? {};
  const current = spec.TaskTemplate?.Networks?.find((n) => n.Target === network || n.Target === id);
  if (!current || (alias && !current.Aliases?.includes(alias))) {
    const updated = editDefinition(spec, (s) => withNetwork(s, id, alias));
    await client.services.updateSpec(service.id, updated, service.version);
  }
  return id;
}

/** The engine keeps attachments by network ID, so links are compared by ID. */
export async function linkNetworkId(client: Client, name: string): Promise<string | undefined> {
  const found = await client.networks.list({ name });
  return found.find((n) => n.Name === name)?.Id;
}

export function withNetwork(spec: ServiceSpec, network: string, alias: string | undefined): ServiceSpec {
  const copy = structuredClone(spec);
  copy.TaskTemplate ??= {};
  copy.TaskTemplate.Networks ??= [];
  const networks = copy.TaskTemplate.Networks;
  const existing = networks.find((n) => n.Target === network);
  if (!existing) networks.push({ Target: network, ...(alias && { Aliases: [alias] }) });
  else if (alias && !existing.Aliases?.includes(alias))
    existing.Aliases = [...(existing.Aliases ?? []), alias];
  return copy;
}

export function withoutNetwork(spec: ServiceSpec, network: string): ServiceSpec {
  const copy = structuredClone(spec);
  const networks = copy.TaskTemplate?.Networks;
  if (networks) copy.TaskTemplate!.Networks = networks.filter((n) => n.Target !== network);
  return copy;
}
