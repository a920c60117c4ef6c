import { type Cluster, isActive } from "./cluster.js";
import { type Constraint, nodeValue, parseConstraints, satisfies } from "./constraints.js";
import { isLive, isTerminal, type StoredNode, type StoredTask } from "./model.js";

// swarmkit's scheduler, reduced to what a test can see: each pending task goes to the eligible
// node with the fewest tasks of its service (spread preferences first), or stays pending with the
// engine's "no suitable node (...)" explanation. Only pending tasks are looked at.

type Reason = "ready" | "resources" | "constraints" | "platform" | "ports" | "replicas";

// The filters in swarmkit's order; a node counts against the first one that rejects it.
const EXPLAIN: Record<Reason, (n: number) => string> = {
  ready: (n) => `${nodes(n)} not available for new tasks`,
  resources: (n) => `insufficient resources on ${nodes(n)}`,
  constraints: (n) => `scheduling constraints not satisfied on ${nodes(n)}`,
  platform: (n) => `unsupported platform on ${nodes(n)}`,
  ports: (n) => `host-mode port already in use on ${nodes(n)}`,
  replicas: () => "max replicas per node limit exceed",
};
const ORDER: Reason[] = ["ready", "resources", "constraints", "platform", "ports", "replicas"];

const nodes = (n: number) => (n === 1 ? "1 node" : `${n} nodes`);

export function schedulePending(cluster: Cluster): void {
  const { tasks } = cluster.store.data;
  const byService = new Map<string, StoredTask[]>();
  for (const id of cluster.pending) {
    const task = tasks.get(id);
    if (!task || isTerminal(task.Status.State) || !isLive(task)) {
      cluster.pending.delete(id);
      continue;
    }
    if (task.Status.Err !== undefined && !cluster.retryUnschedulable) continue;
    const list = byService.get(task.ServiceID) ?? [];
    list.push(task);
    byService.set(task.ServiceID, list);
  }
  cluster.retryUnschedulable = false;
  const allNodes = [...cluster.store.data.nodes.values()];
  for (const [serviceId, pending] of byService) placeService(cluster, serviceId, pending, allNodes);
}

function placeService(
  cluster: Cluster,
  serviceId: string,
  pending: StoredTask[],
  allNodes: StoredNode[],
): void {
  const spec = pending[0]!.Spec;
  let constraints: Constraint[];
  try {
    constraints = parseConstraints(spec.Placement?.Constraints);
  } catch {
    constraints = [{ key: "", equal: true, value: "\0" }];
  }
  const platforms = spec.Placement?.Platforms ?? [];
  const maxReplicas = spec.Placement?.MaxReplicas ?? 0;
  const preferences = (spec.Placement?.Preferences ?? [])
    .map((p) => p.Spread?.SpreadDescriptor)
    .filter((d): d is string => d !== undefined);
  // Tasks of this service per node, counted once per pass.
  const mine = new Map<string, number>();
  for (const task of cluster.store.tasksOf(serviceId)) {
    if (task.NodeID && !isTerminal(task.Status.State) && isLive(task)) {
      mine.set(task.NodeID, (mine.get(task.NodeID) ?? 0) + 1);
    }
  }

  const ports = hostPorts(cluster, serviceId);
  const portsInUse = new Map<string, Set<string>>();
  const portsFree = (node: StoredNode) => {
    if (ports.length === 0) return true;
    let used = portsInUse.get(node.ID);
    if (!used) {
      used = hostPortsOn(cluster, node.ID);
      portsInUse.set(node.ID, used);
    }
    return !ports.some((p) => used.has(p));
  };

  for (const task of pending) {
    const cpu = task.Spec.Resources?.Reservations?.NanoCPUs ?? 0;
    const memory = task.Spec.Resources?.Reservations?.MemoryBytes ?? 0;
    const generic = (task.Spec.Resources?.Reservations?.GenericResources ?? []) as GenericResource[];
    const rejected = new Map<Reason, number>();
    const candidates: StoredNode[] = [];
    const onlyNode = cluster.store.data.runtime.get(task.ID)?.preassigned;
    for (const node of allNodes) {
      if (onlyNode && node.ID !== onlyNode) continue;
      let reason = reject(cluster, node, constraints, platforms, cpu, memory, maxReplicas, mine, generic);
      if (reason === undefined || reason === "replicas") reason = portsFree(node) ? reason : "ports";
      if (reason) rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
      else candidates.push(node);
    }
    if (candidates.length === 0) {
      // As swarmkit explains it: the reason that ruled out the most nodes first, ties in filter
      // order (the sort is stable).
      const why = ORDER.filter((r) => rejected.has(r))
        .sort((a, b) => rejected.get(b)! - rejected.get(a)!)
        .map((r) => EXPLAIN[r](rejected.get(r)!));
      const err = `no suitable node (${why.join("; ")})`;
      if (task.Status.Err !== err) cluster.setState(task, "pending", "pending task scheduling", err);
      continue;
    }
    const chosen = pick(cluster, candidates, preferences, mine);
    mine.set(chosen.ID, (mine.get(chosen.ID) ?? 0) + 1);
    for (const port of ports) portsInUse.get(chosen.ID)?.add(port);
    cluster.assign(task, chosen.ID);
  }
}

function reject(
  cluster: Cluster,
  node: StoredNode,
  constraints: Constraint[],
  platforms: { OS?: string; Architecture?: string }[],
  cpu: number,
  memory: number,
  maxReplicas: number,
  mine: Map<string, number>,
  generic: GenericResource[] = [],
): Reason | undefined {
  if (node.Status.State !== "ready" || node.Spec.Availability !== "active") return "ready";
  const load = cluster.load.get(node.ID);
  const resources = node.Description.Resources;
  if (cpu > 0 && (load?.cpu ?? 0) + cpu > resources.NanoCPUs) return "resources";
  if (memory > 0 && (load?.memory ?? 0) + memory > resources.MemoryBytes) return "resources";
  if (!offersGeneric(node, generic)) return "resources";
  if (!satisfies(node, constraints)) return "constraints";
  if (platforms.length > 0 && !platforms.some((p) => platformMatches(node, p))) return "platform";
  if (maxReplicas > 0 && (mine.get(node.ID) ?? 0) >= maxReplicas) return "replicas";
  return undefined;
}

function platformMatches(node: StoredNode, p: { OS?: string; Architecture?: string }): boolean {
  const os = node.Description.Platform.OS.toLowerCase();
  const arch = node.Description.Platform.Architecture.toLowerCase();
  const wantArch = p.Architecture?.toLowerCase();
  const archOk = !wantArch || wantArch === arch || (wantArch === "amd64" && arch === "x86_64");
  return (!p.OS || p.OS.toLowerCase() === os) && archOk;
}

/** Spread over each preference's label values in turn, then fewest of this service, then fewest overall. */
function pick(cluster: Cluster, candidates: StoredNode[], preferences: string[], mine: Map<string, number>) {
  const groupCounts = preferences.map((descriptor) => {
    const counts = new Map<string, number>();
    for (const node of cluster.store.data.nodes.values()) {
      const value = nodeValue(node, descriptor) ?? "";
      counts.set(value, (counts.get(value) ?? 0) + (mine.get(node.ID) ?? 0));
    }
    return counts;
  });
  let best = candidates[0]!;
  let bestScore = score(cluster, best, preferences, groupCounts, mine);
  for (let i = 1; i < candidates.length; i++) {
    const node = candidates[i]!;
    const s = score(cluster, node, preferences, groupCounts, mine);
    if (lessThan(s, bestScore)) {
      best = node;
      bestScore = s;
    }
  }
  return best;
}

function score(
  cluster: Cluster,
  node: StoredNode,
  preferences: string[],
  groupCounts: Map<string, number>[],
  mine: Map<string, number>,
): number[] {
  const s = preferences.map((d, i) => groupCounts[i]!.get(nodeValue(node, d) ?? "") ?? 0);
  s.push(mine.get(node.ID) ?? 0, cluster.load.get(node.ID)?.tasks ?? 0);
  return s;
}

function lessThan(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** `tcp/8080` for each port the service publishes in host mode with a fixed number. */
function hostPorts(cluster: Cluster, serviceId: string): string[] {
  const service = cluster.store.data.services.get(serviceId);
  const ports = (service?.Endpoint.Ports ?? []) as {
    Protocol?: string;
    PublishedPort?: number;
    PublishMode?: string;
  }[];
  return ports
    .filter((p) => p.PublishMode === "host" && p.PublishedPort)
    .map((p) => `${p.Protocol ?? "tcp"}/${p.PublishedPort}`);
}

/** Host ports held on a node by the tasks placed there and not yet finished. */
function hostPortsOn(cluster: Cluster, nodeId: string): Set<string> {
  const used = new Set<string>();
  for (const task of cluster.store.tasksOn(nodeId)) {
    if (isTerminal(task.Status.State) || !isActive(task)) continue;
    for (const port of hostPorts(cluster, task.ServiceID)) used.add(port);
  }
  return used;
}

interface GenericResource {
  DiscreteResourceSpec?: { Kind?: string; Value?: number };
  NamedResourceSpec?: { Kind?: string; Value?: string };
}

/**
 * Generic resources (`--generic-resource gpu=1`) a node advertises: a task asking for a kind the
 * node has too little of does not fit there, as swarmkit's resource filter decides. What other
 * tasks already hold of them is not counted.
 */
function offersGeneric(node: StoredNode, wanted: GenericResource[]): boolean {
  if (wanted.length === 0) return true;
  const offered = ((node.Description.Resources as { GenericResources?: GenericResource[] })
    .GenericResources ?? []) as GenericResource[];
  return wanted.every((want) => {
    const kind = want.DiscreteResourceSpec?.Kind ?? want.NamedResourceSpec?.Kind;
    const needed = want.DiscreteResourceSpec ? (want.DiscreteResourceSpec.Value ?? 0) : 1;
    let have = 0;
    for (const offer of offered) {
      if (offer.DiscreteResourceSpec?.Kind === kind) have += offer.DiscreteResourceSpec?.Value ?? 0;
      if (offer.NamedResourceSpec?.Kind === kind) have += 1;
    }
    return have >= needed;
  });
}
