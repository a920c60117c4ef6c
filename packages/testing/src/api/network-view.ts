import { createHash } from "node:crypto";
import type { EndpointPortConfig } from "@flotilla/types";
import type { Cluster } from "../core/cluster.js";
import { isTerminal, type StoredNetwork, type StoredTask } from "../core/model.js";
import { ingressView } from "./local-networks.js";

// A swarm network as `docker network inspect` shows it from the answering node: the endpoints of
// the task containers running there (and the node's load balancer, `lb-NAME`), the nodes that
// share the network as peers, and with `verbose` every service's VIP and tasks on it. A network
// nothing runs on shows none of these, as on the engine. Checked against Docker 20.10.

const hash = (text: string) => createHash("sha256").update(text).digest("hex");

interface Endpoint {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  IPv6Address: string;
}

/** Docker derives an endpoint's MAC address from its IPv4 address. */
function endpoint(name: string, id: string, cidr: string): Endpoint {
  const ip = cidr.split("/")[0]!;
  const octets = ip.split(".").map((o) => Number(o).toString(16).padStart(2, "0"));
  return {
    Name: name,
    EndpointID: hash(id),
    MacAddress: `02:42:${octets.join(":")}`,
    IPv4Address: cidr,
    IPv6Address: "",
  };
}

function running(cluster: Cluster, task: StoredTask): boolean {
  const runtime = cluster.store.data.runtime.get(task.ID);
  return runtime?.startedAt !== undefined && runtime.endedAt === undefined && !isTerminal(task.Status.State);
}

function addressOn(task: StoredTask, networkId: string): string | undefined {
  return task.NetworksAttachments?.find((a) => a.Network.ID === networkId)?.Addresses[0];
}

function containerName(cluster: Cluster, task: StoredTask): string {
  const service = cluster.store.data.services.get(task.ServiceID);
  return `${service?.Spec.Name ?? ""}.${task.Slot ?? task.NodeID}.${task.ID}`;
}

export function swarmNetworkView(cluster: Cluster, network: StoredNetwork, verbose: boolean): object {
  const { store } = cluster;
  const nodes = [...store.data.nodes.values()];
  const self = nodes.find((n) => n.ManagerStatus?.Leader) ?? nodes[0];
  const attached = [...store.data.tasks.values()].filter(
    (t) => t.NodeID && running(cluster, t) && addressOn(t, network.Id),
  );
  const base = network.Ingress ? ingressView(cluster, network) : network;
  const containers: Record<string, Endpoint> = { ...(network.Ingress ? base.Containers : {}) } as Record<
    string,
    Endpoint
  >;
  for (const task of attached) {
    if (task.NodeID !== self?.ID) continue;
    const id = task.Status.ContainerStatus?.ContainerID;
    if (id)
      containers[id] = endpoint(
        containerName(cluster, task),
        `${id}/${network.Id}`,
        addressOn(task, network.Id)!,
      );
  }
  const balancer = self && store.data.loadBalancers.get(network.Id)?.get(self.ID);
  if (balancer && Object.keys(containers).length > 0) {
    containers[`lb-${network.Name}`] = endpoint(
      `${network.Name}-endpoint`,
      `lb/${self.ID}/${network.Id}`,
      balancer,
    );
  }
  if (!network.Ingress && Object.keys(containers).length === 0) return network;
  const peerIds = network.Ingress ? nodes.map((n) => n.ID) : [...new Set(attached.map((t) => t.NodeID!))];
  const peers = nodes
    .filter((n) => peerIds.includes(n.ID))
    .map((n) => ({ Name: hash(n.ID).slice(0, 12), IP: n.Status.Addr }));
  return {
    ...base,
    Containers: containers,
    Peers: peers,
    ...(verbose && {
      Services: servicesOn(cluster, network, attached, containers),
    }),
  };
}

/** On ingress, each node's ingress sandbox shows as the tasks of a service with no name. */
function ingressSandboxes(cluster: Cluster, containers: Record<string, Endpoint>): object {
  const sandbox = containers["ingress-sbox"];
  const node = [...cluster.store.data.nodes.values()][0];
  return {
    VIP: "<nil>",
    Ports: [],
    LocalLBIndex: 0,
    Tasks: sandbox
      ? [
          {
            Name: sandbox.Name,
            EndpointID: sandbox.EndpointID,
            EndpointIP: sandbox.IPv4Address.split("/")[0],
            Info: { "Host IP": node?.Status.Addr ?? "" },
          },
        ]
      : [],
  };
}

/** Every service with a running task on the network, as the network's gossip tells each node. */
function servicesOn(
  cluster: Cluster,
  network: StoredNetwork,
  attached: StoredTask[],
  containers: Record<string, Endpoint>,
): object {
  const services: Record<string, object> = network.Ingress
    ? { "": ingressSandboxes(cluster, containers) }
    : {};
  let lbIndex = 256;
  for (const service of cluster.store.data.services.values()) {
    lbIndex++;
    const tasks = attached.filter((t) => t.ServiceID === service.ID);
    if (tasks.length === 0) continue;
    const vip = ((service.Endpoint.VirtualIPs ?? []) as { NetworkID: string; Addr: string }[]).find(
      (v) => v.NetworkID === network.Id,
    )?.Addr;
    services[service.Spec.Name] = {
      VIP: vip?.split("/")[0] ?? "",
      // Only ingress load-balances published ports, and says so in words.
      Ports: network.Ingress
        ? ((service.Endpoint.Ports ?? []) as EndpointPortConfig[])
            .filter((port) => (port.PublishMode ?? "ingress") === "ingress")
            .map((port) => `Target: ${port.TargetPort}, Publish: ${port.PublishedPort}`)
        : [],
      LocalLBIndex: lbIndex,
      Tasks: tasks.map((task) => {
        const id = task.Status.ContainerStatus?.ContainerID ?? task.ID;
        return {
          Name: containerName(cluster, task),
          EndpointID: hash(`${id}/${network.Id}`),
          EndpointIP: addressOn(task, network.Id)!.split("/")[0],
          Info: { "Host IP": cluster.store.data.nodes.get(task.NodeID!)?.Status.Addr ?? "" },
        };
      }),
    };
  }
  return services;
}
