import { createHash } from "node:crypto";
import type { Cluster } from "../core/cluster.js";
import { EngineError } from "../core/errors.js";

// The node's own networks, which every engine lists beside the swarm's: the default bridge, host
// and none, and docker_gwbridge once the node is in a swarm. The fake has no containers, so they
// are listed and inspected, never used. Shapes and texts checked against Docker 20.10.

export interface LocalNetwork {
  Name: string;
  Id: string;
  Created: string;
  Scope: "local";
  Driver: string;
  EnableIPv6: false;
  IPAM: { Driver: "default"; Options: null; Config: { Subnet: string; Gateway: string }[] };
  Internal: false;
  Attachable: false;
  Ingress: false;
  ConfigFrom: { Network: "" };
  ConfigOnly: false;
  Containers: Record<string, never>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

/** bridge, host and none come with the engine; `docker network rm` refuses them. */
export const BUILTIN = new Set(["bridge", "host", "none"]);

const bridgeOptions = (name: string, isDefault: boolean): Record<string, string> => ({
  ...(isDefault && { "com.docker.network.bridge.default_bridge": "true" }),
  "com.docker.network.bridge.enable_icc": String(isDefault),
  "com.docker.network.bridge.enable_ip_masquerade": "true",
  ...(isDefault && { "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0" }),
  "com.docker.network.bridge.name": name,
  ...(isDefault && { "com.docker.network.driver.mtu": "1500" }),
});

/** When each fake's engine "started": its local networks keep their IDs across swarm init/leave. */
const started = new WeakMap<Cluster, string>();

export function localNetworks(cluster: Cluster, inSwarm: boolean): LocalNetwork[] {
  let created = started.get(cluster);
  if (created === undefined) {
    created = cluster.store.data.nodes.values().next().value?.CreatedAt ?? cluster.iso();
    started.set(cluster, created);
  }
  const network = (
    Name: string,
    Driver: string,
    subnet: string | undefined,
    Options: Record<string, string>,
  ): LocalNetwork => ({
    Name,
    // Stable per swarm, and drawn from nothing the seeded IDs depend on.
    Id: createHash("sha256").update(`${created}/${Name}`).digest("hex"),
    Created: created,
    Scope: "local",
    Driver,
    EnableIPv6: false,
    IPAM: {
      Driver: "default",
      Options: null,
      Config: subnet ? [{ Subnet: `${subnet}.0.0/16`, Gateway: `${subnet}.0.1` }] : [],
    },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: {},
    Options,
    Labels: {},
  });
  const out = [
    network("bridge", "bridge", "172.17", bridgeOptions("docker0", true)),
    network("host", "host", undefined, {}),
    network("none", "null", undefined, {}),
  ];
  if (inSwarm)
    out.push(network("docker_gwbridge", "bridge", "172.18", bridgeOptions("docker_gwbridge", false)));
  return out;
}

/** A local network by full name, full ID or unique ID prefix. */
export function findLocal(networks: LocalNetwork[], ref: string): LocalNetwork | undefined {
  const exact = networks.find((n) => n.Name === ref || n.Id === ref);
  if (exact) return exact;
  const prefixed = networks.filter((n) => ref.length > 0 && n.Id.startsWith(ref));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

export function refuseRemoval(network: LocalNetwork): never {
  if (BUILTIN.has(network.Name)) {
    throw new EngineError("Forbidden", `${network.Name} is a pre-defined network and cannot be removed`);
  }
  // docker_gwbridge holds the node's ingress sandbox.
  throw new EngineError(
    "Forbidden",
    `error while removing network: network ${network.Name} id ${network.Id} has active endpoints`,
  );
}

/**
 * Ingress as the node running it shows it: its ingress sandbox's endpoint (the first address after
 * the gateway, which the allocator keeps back) and every node as a peer.
 */
export function ingressView<T extends { IPAM: { Config: { Subnet?: string; Gateway?: string }[] } }>(
  cluster: Cluster,
  network: T,
): T & { Containers: object; Peers: object[] } {
  const nodes = [...cluster.store.data.nodes.values()];
  const gateway = network.IPAM.Config[0]?.Gateway ?? "10.0.0.1";
  const bits = network.IPAM.Config[0]?.Subnet?.split("/")[1] ?? "24";
  const octets = gateway.split(".").map(Number);
  octets[3] = (octets[3] ?? 0) + 1;
  const hash = (text: string) => createHash("sha256").update(text).digest("hex");
  return {
    ...network,
    Containers: {
      "ingress-sbox": {
        Name: "ingress-endpoint",
        EndpointID: hash(`ingress-sbox/${nodes[0]?.ID}`),
        MacAddress: `02:42:${octets.map((o) => o.toString(16).padStart(2, "0")).join(":")}`,
        IPv4Address: `${octets.join(".")}/${bits}`,
        IPv6Address: "",
      },
    },
    Peers: nodes.map((n) => ({ Name: hash(n.ID).slice(0, 12), IP: n.Status.Addr })),
  };
}
