import type { Cluster } from "./cluster.js";
import type { StoredNode, StoredSwarm } from "./model.js";
import { createNetwork } from "./objects.js";
import { emptyStore } from "./store.js";
import { swarmCa } from "./swarm-ca.js";
import type { InitParameters } from "./swarm-init.js";

// A fresh swarm as `docker swarm init` leaves it, plus the simulated nodes a test asked for.

export interface NodeOptions {
  hostname?: string;
  role?: "manager" | "worker";
  availability?: "active" | "pause" | "drain";
  labels?: Record<string, string>;
  engineLabels?: Record<string, string>;
  os?: string;
  arch?: string;
  /** CPUs, as the engine reports them in NanoCPUs / 1e9. */
  cpus?: number;
  memoryBytes?: number;
}

export const ENGINE_VERSION = "20.10.24";

/** The log drivers a Docker 20.10 engine has, in its order (node descriptions and /info). */
export const LOG_DRIVERS = [
  "awslogs",
  "fluentd",
  "gcplogs",
  "gelf",
  "journald",
  "json-file",
  "local",
  "logentries",
  "splunk",
  "syslog",
];
/** Its network drivers, likewise. */
export const NETWORK_DRIVERS = ["bridge", "host", "ipvlan", "macvlan", "null", "overlay"];

/** The drivers a Docker 20.10 node reports, in its order. */
const PLUGINS = [
  ...LOG_DRIVERS.map((name) => ["Log", name] as const),
  ...NETWORK_DRIVERS.map((name) => ["Network", name] as const),
  ["Volume", "local"] as const,
];

export function initSwarm(cluster: Cluster, init: InitParameters): StoredSwarm {
  const ids = cluster.ids;
  const clusterToken = ids.token(50);
  const caSeed = ids.token(96);
  const swarm: StoredSwarm = {
    ...cluster.store.stamp(ids.objectId(), cluster.iso()),
    Spec: init.spec,
    // Drawn in the same order as before, so that a seed keeps giving the same IDs.
    TLSInfo: swarmCa(`${caSeed}${ids.token(8)}${ids.token(64)}`, cluster.now),
    RootRotationInProgress: false,
    DefaultAddrPool: init.defaultAddrPool,
    SubnetSize: init.subnetSize,
    DataPathPort: init.dataPathPort,
    JoinTokens: {
      Worker: `SWMTKN-1-${clusterToken}-${ids.token(25)}`,
      Manager: `SWMTKN-1-${clusterToken}-${ids.token(25)}`,
    },
  };
  cluster.store.data.swarm = swarm;
  if (init.spec.EncryptionConfig?.AutoLockManagers) cluster.store.data.unlockKey = newUnlockKey(cluster);
  return swarm;
}

/** The address the simulated machine of node `index` has (its only one besides loopback). */
export const machineAddress = (index: number) => `10.10.0.${index + 1}`;

/** `address`: what the node advertises, when not its machine's address on the swarm port. */
export function addNode(
  cluster: Cluster,
  options: NodeOptions,
  index: number,
  leader: boolean,
  address?: { node: string; manager: string },
): StoredNode {
  const role = options.role ?? (leader ? "manager" : "worker");
  const addr = address?.node ?? machineAddress(index);
  const node: StoredNode = {
    ...cluster.store.stamp(cluster.ids.objectId(), cluster.iso()),
    Spec: { Labels: options.labels ?? {}, Role: role, Availability: options.availability ?? "active" },
    Description: {
      Hostname: options.hostname ?? `node-${index + 1}`,
      Platform: { Architecture: options.arch ?? "x86_64", OS: options.os ?? "linux" },
      Resources: { NanoCPUs: (options.cpus ?? 4) * 1e9, MemoryBytes: options.memoryBytes ?? 8 * 1024 ** 3 },
      Engine: {
        EngineVersion: ENGINE_VERSION,
        ...(options.engineLabels && { Labels: options.engineLabels }),
        Plugins: PLUGINS.map(([Type, Name]) => ({ Type, Name })),
      },
      TLSInfo: cluster.store.data.swarm?.TLSInfo,
    },
    Status: { State: "ready", Addr: addr },
    ...(role === "manager" && {
      ManagerStatus: {
        ...(leader && { Leader: true }),
        Reachability: "reachable",
        Addr: address?.manager ?? `${addr}:2377`,
      },
    }),
  };
  cluster.store.data.nodes.set(node.ID, node);
  return node;
}

export function createIngress(cluster: Cluster): void {
  createNetwork(cluster, { Name: "ingress", Driver: "overlay", Ingress: true, Labels: {} });
  cluster.events.history.length = 0;
}

/** `SWMKEY-1-` and 43 characters, as `docker swarm unlock-key` prints. */
export function newUnlockKey(cluster: Cluster): string {
  return `SWMKEY-1-${Buffer.from(cluster.ids.token(32)).toString("base64").slice(0, 43)}`;
}

/**
 * What `docker swarm leave --force` on the last manager leaves: no swarm state at all, so that a
 * later `swarm init` starts a new swarm (with a new ingress) instead of meeting the old one.
 */
export function eraseSwarm(cluster: Cluster): void {
  cluster.store.data = { ...emptyStore(), version: cluster.store.data.version };
  cluster.store.reindex();
  cluster.timers.heap = [];
  cluster.traces.clear();
  cluster.dirtyServices.clear();
  cluster.dirtyUpdates.clear();
  cluster.pending.clear();
  cluster.load.clear();
}
