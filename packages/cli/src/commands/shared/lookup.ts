import type { Client } from "@flotilla/client";
import { NotFoundError } from "@flotilla/transport";
import type { Node } from "@flotilla/types";
import { NotFoundInSwarmError, UsageError } from "../../errors.js";

// Names as people type them, turned into the objects the engine knows: an exact ID, a name, or
// an unambiguous ID prefix, as the docker CLI accepts them. A missing object reads as
// `node "x" not found`, never as the engine's 404 text.

/** Runs `lookup` and turns the engine's 404 into `KIND "NAME" not found`. */
export async function orNotFound<T>(kind: string, name: string, lookup: () => Promise<T>): Promise<T> {
  try {
    return await lookup();
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundInSwarmError(kind, name);
    throw error;
  }
}

/** The ID of the node the endpoint is (`self`), or undefined outside a swarm. */
export async function selfNodeId(client: Client): Promise<string | undefined> {
  const info = await client.system.info();
  return info.Swarm?.NodeID || undefined;
}

/** A node by ID, hostname, ID prefix, or `self`. */
export async function findNode(client: Client, ref: string, nodes?: readonly Node[]): Promise<Node> {
  const all = nodes ?? (await client.nodes.list()).map((n) => n.attrs);
  const id = ref === "self" ? await selfNodeId(client) : undefined;
  const wanted = id ?? ref;
  const match =
    all.find((n) => n.ID === wanted) ??
    only(
      all.filter((n) => n.Description?.Hostname === wanted),
      "node",
      ref,
    ) ??
    only(
      all.filter((n) => n.ID?.startsWith(wanted)),
      "node",
      ref,
    );
  if (!match) throw new NotFoundInSwarmError("node", ref);
  return match;
}

/** The one match, undefined for none, and a usage error when a name or prefix is ambiguous. */
function only<T>(matches: T[], kind: string, ref: string): T | undefined {
  if (matches.length > 1) throw new UsageError(`${kind} "${ref}" is ambiguous: ${matches.length} match it`);
  return matches[0];
}

/** Service IDs to names, for naming tasks `web.1`. */
export async function serviceNames(client: Client): Promise<Map<string, string>> {
  const services = await client.services.list();
  return new Map(services.map((s) => [s.id, s.name ?? s.id]));
}
