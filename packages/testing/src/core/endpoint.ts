import type { EndpointPortConfig, ServiceSpec } from "@flotilla/types";
import { allocateAddress, releaseAddress } from "./addresses.js";
import type { Cluster } from "./cluster.js";
import { EngineError, grpc } from "./errors.js";
import type { StoredNetwork, StoredService, StoredTask } from "./model.js";
import type { Store } from "./store.js";

// swarmkit's allocator, as far as clients can see it: published ports (a free one from 30000 up
// when none is given), a virtual IP on every network a vip-mode service is on (ingress first when
// it publishes ports there), and an address on each of those networks for every task.
// Checked against Docker 20.10.

const DYNAMIC_PORTS = { first: 30000, last: 32767 };

type Port = EndpointPortConfig;
const modeOf = (port: Port) => port.PublishMode ?? "ingress";
const protocolOf = (port: Port) => port.Protocol ?? "tcp";
const key = (port: Port) => `${protocolOf(port)}/${port.PublishedPort}`;

/** The ports of a spec, refused as swarmkit's control API refuses them. */
export function checkEndpoint(store: Store, spec: ServiceSpec, selfId?: string): void {
  for (const attachment of spec.TaskTemplate?.Networks ?? spec.Networks ?? []) {
    const network = findNetwork(store, attachment.Target ?? "");
    if (network?.Ingress) {
      throw grpc.invalid(`Service cannot be explicitly attached to the ingress network "${network.Name}"`);
    }
  }
  const endpoint = spec.EndpointSpec;
  const ports = endpoint?.Ports ?? [];
  const seen = new Set<string>();
  for (const port of ports) {
    if (endpoint?.Mode === "dnsrr" && modeOf(port) === "ingress") {
      throw grpc.invalid("EndpointSpec: port published with ingress mode can't be used with dnsrr mode");
    }
    if (!port.PublishedPort) continue;
    if (seen.has(key(port))) throw grpc.invalid("EndpointSpec: duplicate published ports provided");
    seen.add(key(port));
  }
  const ingress = new Set(ports.filter((p) => p.PublishedPort && modeOf(p) === "ingress").map(key));
  const host = new Set(ports.filter((p) => p.PublishedPort && modeOf(p) === "host").map(key));
  // Nothing published, nothing to clash with: no walk over every service (a create in a big swarm).
  if (ingress.size === 0 && host.size === 0) return;
  for (const other of store.data.services.values()) {
    if (other.ID === selfId) continue;
    const theirs = [...(other.Spec.EndpointSpec?.Ports ?? []), ...((other.Endpoint.Ports ?? []) as Port[])];
    for (const port of theirs) {
      if (!port.PublishedPort) continue;
      const clash = (as: string) => {
        throw grpc.invalid(
          `port '${port.PublishedPort}' is already in use by service '${other.Spec.Name}' (${other.ID}) as ${as}`,
        );
      };
      if (modeOf(port) === "host" && ingress.has(key(port))) clash("a host-published port");
      if (modeOf(port) === "ingress" && (ingress.has(key(port)) || host.has(key(port))))
        clash("an ingress port");
    }
  }
}

/**
 * dockerd resolves the networks of every service spec it is sent, a rollback's too (whose body is
 * the current spec), before swarmkit sees it.
 */
export function checkNetworksExist(store: Store, spec: ServiceSpec): void {
  for (const attachment of [...(spec.TaskTemplate?.Networks ?? []), ...(spec.Networks ?? [])]) {
    const target = attachment.Target ?? "";
    if (!findNetwork(store, target)) throw new EngineError("Unknown", `network ${target} not found`);
  }
}

/** The engine stores network attachments by ID, whatever name the request gave. */
export function resolveNetworkTargets(store: Store, spec: ServiceSpec): void {
  for (const attachment of [...(spec.TaskTemplate?.Networks ?? []), ...(spec.Networks ?? [])]) {
    const network = findNetwork(store, attachment.Target ?? "");
    if (network) attachment.Target = network.Id;
  }
}

/**
 * Sets `service.Endpoint` from its spec, keeping what was allocated before where it still fits.
 * As swarmkit's allocator, it leaves alone a service with nothing to allocate (no port, and no
 * network to give a VIP on), so such a service shows `{"Spec": {}}` whatever its endpoint spec.
 */
export function allocateEndpoint(cluster: Cluster, service: StoredService): void {
  const { store } = cluster;
  const spec = service.Spec.EndpointSpec;
  const before = service.Endpoint;
  const specPorts = spec?.Ports ?? [];
  const dnsrr = spec?.Mode === "dnsrr";
  const hadVips = (before.VirtualIPs ?? []).length > 0;
  const needed =
    specPorts.length > 0 ||
    (before.Ports ?? []).length > 0 ||
    (dnsrr ? hadVips : vipNetworks(store, service.Spec, []).length > 0);
  if (!needed) return;
  const { Ports: _ports, ...rest } = spec ?? {};
  const endpoint: StoredService["Endpoint"] = {
    Spec: specPorts.length ? { ...rest, Ports: specPorts } : rest,
  };
  const ports = allocatePorts(store, service.ID, specPorts, (before.Ports ?? []) as Port[]);
  if (ports.length) endpoint.Ports = ports;
  const wanted = dnsrr ? [] : vipNetworks(store, service.Spec, ports);
  const old = new Map(((before.VirtualIPs ?? []) as Vip[]).map((v) => [v.NetworkID, v.Addr]));
  const vips: Vip[] = [];
  for (const network of wanted) {
    const kept = old.get(network.Id);
    old.delete(network.Id);
    const addr = kept ?? allocateAddress(store, network);
    if (addr) vips.push({ NetworkID: network.Id, Addr: addr });
  }
  releaseVips(
    store,
    [...old].map(([NetworkID, Addr]) => ({ NetworkID, Addr })),
  );
  if (vips.length) endpoint.VirtualIPs = vips;
  service.Endpoint = endpoint;
}

interface Vip {
  NetworkID: string;
  Addr: string;
}

export function releaseEndpoint(store: Store, service: StoredService): void {
  releaseVips(store, service.Endpoint.VirtualIPs);
}

function releaseVips(store: Store, vips: object[] | undefined): void {
  for (const vip of (vips ?? []) as Vip[]) releaseAddress(store, vip.NetworkID, vip.Addr);
}

function allocatePorts(store: Store, selfId: string, ports: Port[], before: Port[]): Port[] {
  const taken = new Set<string>();
  for (const other of store.data.services.values()) {
    if (other.ID === selfId) continue;
    for (const port of (other.Endpoint.Ports ?? []) as Port[]) if (port.PublishedPort) taken.add(key(port));
  }
  for (const port of ports) if (port.PublishedPort) taken.add(key(port));
  return ports.map((port) => {
    const out: Port = {
      ...(port.Name && { Name: port.Name }),
      Protocol: protocolOf(port),
      TargetPort: port.TargetPort,
      ...(port.PublishedPort ? { PublishedPort: port.PublishedPort } : {}),
      PublishMode: modeOf(port),
    };
    if (out.PublishedPort || out.PublishMode !== "ingress") return out;
    // An ingress port given no number keeps the one it got before, else takes the lowest free one.
    const earlier = before.find(
      (p) => p.TargetPort === port.TargetPort && protocolOf(p) === out.Protocol && modeOf(p) === "ingress",
    );
    let number = earlier?.PublishedPort;
    if (!number || taken.has(`${out.Protocol}/${number}`)) {
      number = DYNAMIC_PORTS.first;
      while (number <= DYNAMIC_PORTS.last && taken.has(`${out.Protocol}/${number}`)) number++;
    }
    taken.add(`${out.Protocol}/${number}`);
    return { ...out, PublishedPort: number };
  });
}

/** Ingress (when a port is published through it), then the task's networks, in spec order. */
function vipNetworks(store: Store, spec: ServiceSpec, ports: Port[]): StoredNetwork[] {
  const out: StoredNetwork[] = [];
  if (ports.some((p) => modeOf(p) === "ingress")) {
    const ingress = [...store.data.networks.values()].find((n) => n.Ingress);
    if (ingress) out.push(ingress);
  }
  for (const attachment of spec.TaskTemplate?.Networks ?? spec.Networks ?? []) {
    const network = findNetwork(store, attachment.Target ?? "");
    if (network && !out.includes(network)) out.push(network);
  }
  return out;
}

function findNetwork(store: Store, ref: string): StoredNetwork | undefined {
  try {
    return store.network(ref);
  } catch {
    return undefined;
  }
}

/** The networks a new task joins, with an address on each, in the swarm object shape. */
export function attachTask(cluster: Cluster, service: StoredService, task: StoredTask): void {
  const { store } = cluster;
  const networks = vipNetworks(
    store,
    { ...service.Spec, TaskTemplate: task.Spec },
    (service.Endpoint.Ports ?? []) as Port[],
  );
  if (networks.length === 0) return;
  task.NetworksAttachments = networks.map((network) => {
    const addr = allocateAddress(store, network);
    return { Network: swarmNetwork(network, store.data.version), Addresses: addr ? [addr] : [] };
  });
}

/**
 * A node running a task on an overlay network gets a load balancer endpoint with an address of
 * its own there, taken once the task is placed; it goes when the node's last task there ends.
 */
export function joinLoadBalancers(store: Store, task: StoredTask, nodeId: string): void {
  for (const attachment of task.NetworksAttachments ?? []) {
    const network = store.data.networks.get(attachment.Network.ID);
    if (!network || network.Ingress) continue;
    let nodes = store.data.loadBalancers.get(network.Id);
    if (!nodes) {
      nodes = new Map();
      store.data.loadBalancers.set(network.Id, nodes);
    }
    if (nodes.has(nodeId)) continue;
    const addr = allocateAddress(store, network);
    if (addr) nodes.set(nodeId, addr);
  }
}

/** After `task` ended on its node: the node's load balancers on networks it no longer uses go. */
export function leaveLoadBalancers(
  store: Store,
  task: StoredTask,
  stillUses: (other: StoredTask) => boolean,
): void {
  if (!task.NodeID || !task.NetworksAttachments) return;
  for (const attachment of task.NetworksAttachments) {
    const networkId = attachment.Network.ID;
    const nodes = store.data.loadBalancers.get(networkId);
    const addr = nodes?.get(task.NodeID);
    if (!addr) continue;
    const inUse = store
      .tasksOn(task.NodeID)
      .some(
        (other) =>
          other !== task &&
          stillUses(other) &&
          other.NetworksAttachments?.some((a) => a.Network.ID === networkId),
      );
    if (inUse) continue;
    nodes!.delete(task.NodeID);
    releaseAddress(store, networkId, addr);
  }
}

export function releaseTask(store: Store, task: StoredTask): void {
  for (const attachment of task.NetworksAttachments ?? []) {
    for (const addr of attachment.Addresses) releaseAddress(store, attachment.Network.ID, addr);
  }
}

/** How swarmkit stores a network, which is how tasks carry it (not the /networks shape). */
function swarmNetwork(network: StoredNetwork, version: number) {
  const driver = network.Driver;
  const userOptions = Object.fromEntries(
    Object.entries(network.Options).filter(([k]) => k !== "com.docker.network.driver.overlay.vxlanid_list"),
  );
  const hasUserOptions = Object.keys(userOptions).length > 0;
  return {
    ID: network.Id,
    Version: { Index: version },
    CreatedAt: network.Created,
    UpdatedAt: network.Created,
    Spec: {
      Name: network.Name,
      Labels: network.Labels ?? {},
      DriverConfiguration: network.Ingress
        ? {}
        : { Name: driver, ...(hasUserOptions && { Options: userOptions }) },
      ...(network.EnableIPv6 && { Ipv6Enabled: true }),
      ...(network.Internal && { Internal: true }),
      ...(network.Attachable && { Attachable: true }),
      ...(network.Ingress && { Ingress: true }),
      // What the request named: the CLI sends the default IPAM driver; ingress is made without.
      IPAMOptions: { Driver: network.Ingress ? {} : { Name: network.IPAM.Driver } },
      Scope: "swarm",
    },
    DriverState: { Name: driver, Options: { ...network.Options } },
    IPAMOptions: {
      Driver: { Name: network.IPAM.Driver },
      Configs: network.IPAM.Config.map(({ Subnet, Gateway }) => ({ Subnet, Gateway })),
    },
  };
}

/**
 * What the agent reports for host-mode ports once the container runs: each port, with the
 * number Docker picked (from 32768 up on the node) when none was asked for. Docker 20.10 lists
 * every port twice, and so does this.
 */
export function hostPortStatus(cluster: Cluster, task: StoredTask): object {
  const service = cluster.store.data.services.get(task.ServiceID);
  const ports = ((service?.Endpoint.Ports ?? []) as Port[]).filter((p) => modeOf(p) === "host");
  if (ports.length === 0 || !task.NodeID) return {};
  const used = new Set<number>();
  for (const other of cluster.store.tasksOn(task.NodeID)) {
    for (const p of (other.Status.PortStatus as { Ports?: Port[] }).Ports ?? [])
      used.add(p.PublishedPort ?? 0);
  }
  let next = 32768;
  const out = ports.map((port) => {
    let published = port.PublishedPort;
    if (!published) {
      while (used.has(next)) next++;
      published = next++;
    }
    return {
      Protocol: protocolOf(port),
      TargetPort: port.TargetPort,
      PublishedPort: published,
      PublishMode: "host",
    };
  });
  return { Ports: [...out, ...out] };
}
