import type { Client, Service } from "@flotilla/client";
import type { ServiceSpec } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { CommandFailedError, UsageError } from "../../errors.js";
import { editDefinition, lifecycleOf } from "./lifecycle.js";
import { findService } from "./lookup.js";

// Kontena's links as swarm networking: each linked-to service gets an overlay network of its own
// (`flotilla-link-TARGET`), joined with the alias; a service that links to it joins the same
// network and reaches it by name or alias. Unlinking leaves that network.
//
// Joining a network changes the target's task template, so the target's instances restart. The
// order keeps that from happening for nothing: links are checked and their networks made first,
// then the linking service is created or updated (the step the engine may refuse), and only then
// are the targets joined, each saying beforehand what restarts. A refused step removes the
// networks it made.

export const LINK_LABEL = "io.flotilla.link";

export function linkNetworkName(target: string): string {
  return `flotilla-link-${target}`;
}

export function parseLink(text: string): { target: string; alias: string | undefined } {
  const [target, alias, ...rest] = text.split(":");
  if (!target || rest.length > 0 || alias === "")
    throw new UsageError(`link: "${text}" is not a link; write SERVICE or SERVICE:ALIAS`);
  return { target, alias };
}

interface PreparedLink {
  target: Service;
  alias: string | undefined;
  network: string;
  networkId: string;
}

export interface PreparedLinks {
  /** `spec` joined to every link network. */
  spec: ServiceSpec;
  /** Any spec joined to every link network (the linking service's, as read again on a retry). */
  join(spec: ServiceSpec): ServiceSpec;
  /** Joins the targets (after the linking service was written); says first what restarts. */
  joinTargets(): Promise<void>;
  /** Removes the link networks made here (when the linking service could not be written). */
  abandon(): Promise<void>;
}

/** Checks every link and makes the missing link networks; nothing else is changed yet. */
export async function prepareLinks(
  context: CommandContext,
  client: Client,
  spec: ServiceSpec,
  links: readonly string[],
): Promise<PreparedLinks> {
  const parsed = links.map(parseLink);
  const targets = await Promise.all(parsed.map(({ target }) => findService(client, target)));
  const made: string[] = [];
  const prepared: PreparedLink[] = [];
  for (const [index, { alias }] of parsed.entries()) {
    const target = targets[index]!;
    const network = linkNetworkName(target.name ?? parsed[index]!.target);
    let networkId = await linkNetworkId(client, network);
    if (networkId === undefined) {
      networkId = await client.networks.create({
        name: network,
        driver: "overlay",
        attachable: true,
        labels: { [LINK_LABEL]: target.name ?? parsed[index]!.target },
      });
      made.push(networkId);
      context.stderr.write(`created overlay network ${network} for links to ${target.name}\n`);
    }
    prepared.push({ target, alias, network, networkId });
  }
  const join = (linking: ServiceSpec) =>
    prepared.reduce((joined, link) => withNetwork(joined, link.networkId, undefined), linking);
  return {
    spec: join(spec),
    join,
    joinTargets: async () => {
      for (const link of prepared) await joinTarget(context, client, link);
    },
    abandon: async () => {
      for (const id of made) await client.networks.remove(id).catch(() => undefined);
    },
  };
}

/** The target joins its link network with the alias, if it has not yet; saying first what restarts. */
async function joinTarget(context: CommandContext, client: Client, link: PreparedLink): Promise<void> {
  const target = await findService(client, link.target.id);
  const spec = target.attrs.Spec ?? {};
  const current = spec.TaskTemplate?.Networks?.find((n) => n.Target === link.networkId);
  if (current && (!link.alias || current.Aliases?.includes(link.alias))) return;
  const name = target.name ?? link.target.id;
  const joins = current ? `adds alias "${link.alias}" on` : "joins";
  const aliasNote = !current && link.alias ? ` as "${link.alias}"` : "";
  context.stderr.write(`${name}: ${joins} network ${link.network}${aliasNote}${restartNote(spec)}\n`);
  await client.services.modify(
    target.id,
    (current) => editDefinition(current, (s) => withNetwork(s, link.networkId, link.alias)),
    { current: target.attrs },
  );
}

/** What a change to the task template restarts: every running instance, one batch at a time. */
function restartNote(spec: ServiceSpec): string {
  if (lifecycleOf(spec) !== "deployed") return " (not running: nothing restarts)";
  if (spec.Mode?.Global) return ", which restarts its instance on every node";
  const replicas = spec.Mode?.Replicated?.Replicas ?? 0;
  if (replicas === 0) return "";
  return `, which restarts its ${replicas === 1 ? "instance" : `${replicas} instances`}`;
}

/** The engine keeps attachments by network ID, so links are compared by ID. */
export async function linkNetworkId(client: Client, name: string): Promise<string | undefined> {
  const found = await client.networks.list({ name });
  return found.find((n) => n.Name === name)?.Id;
}

/** The services attached to network `id`, by name. */
export async function networkUsers(client: Client, id: string): Promise<string[]> {
  const services = await client.services.list();
  return services
    .filter((s) => s.attrs.Spec?.TaskTemplate?.Networks?.some((n) => n.Target === id))
    .map((s) => s.name ?? s.id)
    .sort();
}

/**
 * After link target `target` is gone: its link network is removed when no service uses it any
 * more, else the services still linking to it are named (they keep the network until unlinked).
 */
export async function releaseLinkNetwork(
  context: CommandContext,
  client: Client,
  target: string,
): Promise<void> {
  const network = linkNetworkName(target);
  const id = await linkNetworkId(client, network);
  if (id === undefined) return;
  const users = await networkUsers(client, id);
  if (users.length === 0) {
    try {
      await client.networks.remove(id);
      context.stderr.write(`removed network ${network}: nothing links to ${target} any more\n`);
    } catch {
      context.stderr.write(
        `${network} is still in use; remove it later with \`docker network rm ${network}\`\n`,
      );
    }
    return;
  }
  const unlink = users.map((user) => `flotilla service unlink ${user} ${target}`).join("; ");
  context.stderr.write(
    `warning: ${users.join(", ")} still ${users.length === 1 ? "links" : "link"} to ${target} through network ${network}; to detach: ${unlink}\n`,
  );
}

/**
 * Each network of `spec` as people know it: its name, what it links to for a link network, and
 * the service's aliases on it. For `show` (the spec holds network IDs).
 */
export async function describeNetworks(client: Client, spec: ServiceSpec): Promise<string[]> {
  const attached = spec.TaskTemplate?.Networks ?? [];
  if (attached.length === 0) return [];
  const networks = await client.networks.list();
  const byId = new Map(networks.map((n) => [n.Id ?? "", n]));
  return attached.map((attachment) => {
    const network = byId.get(attachment.Target ?? "");
    const link = network?.Labels?.[LINK_LABEL];
    const name = network?.Name ?? attachment.Target ?? "";
    const aliases = attachment.Aliases?.length ? ` (as ${attachment.Aliases.join(", ")})` : "";
    return `${name}${link ? ` (link to ${link})` : ""}${aliases}`;
  });
}

/** Refuses a name already in use before anything is changed for it (the engine would, later). */
export async function requireFreeName(client: Client, name: string): Promise<void> {
  const found = await client.services.list({ filters: { name } });
  if (found.some((s) => s.name === name)) throw new CommandFailedError(`service "${name}" already exists`);
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
