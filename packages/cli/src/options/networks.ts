import type { Client } from "@flotilla/client";
import { NotFoundError } from "@flotilla/transport";
import type { ServiceSpec } from "@flotilla/types";
import { UsageError } from "../errors.js";
import type { ServiceFlags } from "./service-flags.js";

// `update --network-rm/--network-add` name networks as the user knows them (name, ID or ID
// prefix) while the engine keeps a service's attachments by network ID. Both are resolved to IDs
// first, as the docker CLI does (removals before additions, so `--network-rm N --network-add N`
// re-attaches), and a change that would do nothing is refused rather than sent.

/** `flags` with --network-rm and --network-add as network IDs, checked against `current`. */
export async function resolveNetworkFlags(
  client: Client,
  service: string,
  current: ServiceSpec,
  flags: ServiceFlags,
): Promise<ServiceFlags> {
  if (!flags.networkRm && !flags.networkAdd) return flags;
  const attached = new Set((current.TaskTemplate?.Networks ?? []).map((n) => n.Target ?? ""));
  const removed: string[] = [];
  for (const given of flags.networkRm ?? []) {
    const id = await networkId(client, "--network-rm", given);
    if (!attached.has(id) || removed.includes(id))
      throw new UsageError(`--network-rm: service "${service}" is not attached to network "${given}"`);
    removed.push(id);
  }
  for (const id of removed) attached.delete(id);
  const added: string[] = [];
  for (const given of flags.networkAdd ?? []) {
    const id = await networkId(client, "--network-add", given);
    if (attached.has(id))
      throw new UsageError(`--network-add: service "${service}" is already attached to network "${given}"`);
    attached.add(id);
    added.push(id);
  }
  return {
    ...flags,
    ...(flags.networkRm && { networkRm: removed }),
    ...(flags.networkAdd && { networkAdd: added }),
  };
}

/** The ID of the network named or identified (in full or by prefix) by `given`. */
export async function networkId(client: Client, flag: string, given: string): Promise<string> {
  try {
    const network = await client.networks.inspect(given);
    if (network.Id) return network.Id;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  throw new UsageError(`${flag}: network "${given}" not found`);
}
