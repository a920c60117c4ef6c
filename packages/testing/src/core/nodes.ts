import type { NodeSpec } from "@flotilla/types";
import type { Cluster } from "./cluster.js";
import { EngineError, grpc, outOfSequence } from "./errors.js";
import { sortedMap } from "./go-maps.js";
import { isLive, isTerminal, type StoredNode } from "./model.js";
import { restartTask } from "./restart.js";

// Node updates (role, availability, labels), removal, and the node going down or coming back,
// with what the orchestrators then do: drained and lost nodes have their tasks replaced elsewhere.

export function updateNode(cluster: Cluster, ref: string, version: number, spec: NodeSpec): StoredNode {
  const node = cluster.store.node(ref);
  const role = spec.Role ?? "worker";
  const availability = spec.Availability ?? "active";
  if (role !== "worker" && role !== "manager")
    throw new EngineError("InvalidParameter", `invalid Role: ${JSON.stringify(role)}`);
  if (!["active", "pause", "drain"].includes(availability)) {
    throw new EngineError("InvalidParameter", `invalid Availability: ${JSON.stringify(availability)}`);
  }
  if (version !== node.Version.Index) throw outOfSequence();
  if (node.Spec.Role === "manager" && role === "worker") {
    const managers = [...cluster.store.data.nodes.values()].filter((n) => n.Spec.Role === "manager");
    if (managers.length === 1) throw grpc.precondition("attempting to demote the last manager of the swarm");
  }
  const before = node.Spec;
  node.Spec = { ...spec, Labels: sortedMap(spec.Labels ?? {}), Role: role, Availability: availability };
  if (role === "manager" && !node.ManagerStatus) {
    node.ManagerStatus = { Reachability: "reachable", Addr: `${node.Status.Addr}:2377` };
  } else if (role === "worker") {
    delete node.ManagerStatus;
  }
  cluster.store.touch(node, cluster.iso());
  const attributes: Record<string, string> = { name: node.Description.Hostname };
  if (before.Availability !== availability) {
    Object.assign(attributes, { "availability.new": availability, "availability.old": before.Availability });
  }
  if (before.Role !== role) Object.assign(attributes, { "role.new": role, "role.old": before.Role });
  cluster.emit("node", "update", node.ID, attributes);
  nodeChanged(cluster, node);
  return node;
}

export function removeNode(cluster: Cluster, ref: string, force: boolean): void {
  const node = cluster.store.node(ref);
  if (node.Spec.Role === "manager") {
    throw grpc.precondition(
      `node ${node.ID} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`,
    );
  }
  if (!force && node.Status.State !== "down")
    throw grpc.precondition(`node ${node.ID} is not down and can't be removed`);
  cluster.store.data.nodes.delete(node.ID);
  cluster.emit("node", "remove", node.ID, { name: node.Description.Hostname });
  moveTasksOff(cluster, node);
  markGlobalServices(cluster);
}

/** The node's agent stops (or resumes) reporting: heartbeat lost, or back. */
export function setNodeStatus(cluster: Cluster, node: StoredNode, state: "ready" | "down"): void {
  if (node.Status.State === state) return;
  const old = node.Status.State;
  node.Status = {
    ...node.Status,
    State: state,
    ...(state === "down" ? { Message: "heartbeat failure" } : {}),
  };
  if (state === "ready") delete node.Status.Message;
  if (node.ManagerStatus) node.ManagerStatus.Reachability = state === "ready" ? "reachable" : "unreachable";
  // A lost leader is only "unreachable" to the others, who elect another among themselves.
  if (state === "down" && node.ManagerStatus?.Leader) {
    delete node.ManagerStatus.Leader;
    cluster.after(cluster.timings.election, "election", node.ID);
  }
  cluster.store.touch(node, cluster.iso());
  cluster.emit("node", "update", node.ID, {
    name: node.Description.Hostname,
    "state.new": state,
    "state.old": old,
  });
  if (state === "ready") cluster.nodeBackUp(node.ID);
  nodeChanged(cluster, node);
}

function nodeChanged(cluster: Cluster, node: StoredNode): void {
  cluster.retryUnschedulable = true;
  if (node.Status.State !== "ready" || node.Spec.Availability === "drain") moveTasksOff(cluster, node);
  markGlobalServices(cluster);
}

/** Replicated tasks on a lost or drained node are replaced elsewhere; global ones just stop. */
function moveTasksOff(cluster: Cluster, node: StoredNode): void {
  for (const task of cluster.store.tasksOn(node.ID)) {
    if (!isLive(task) || isTerminal(task.Status.State)) continue;
    const service = cluster.store.data.services.get(task.ServiceID);
    if (!service) continue;
    const mode = service.Spec.Mode ?? {};
    if (mode.Global || mode.GlobalJob) cluster.setDesired(task, "shutdown");
    else restartTask(cluster, service, task, true);
  }
}

function markGlobalServices(cluster: Cluster): void {
  for (const service of cluster.store.data.services.values()) {
    if (service.Spec.Mode?.Global || service.Spec.Mode?.GlobalJob) cluster.dirtyServices.add(service.ID);
  }
}

/** After an election timeout, the first reachable manager (by ID) leads, unless one already does. */
export function electLeader(cluster: Cluster): void {
  const managers = [...cluster.store.data.nodes.values()]
    .filter((n) => n.ManagerStatus && n.Status.State === "ready")
    .sort((a, b) => a.ID.localeCompare(b.ID));
  if (managers.length === 0 || managers.some((n) => n.ManagerStatus?.Leader)) return;
  const leader = managers[0]!;
  leader.ManagerStatus!.Leader = true;
  cluster.store.touch(leader, cluster.iso());
  cluster.emit("node", "update", leader.ID, { name: leader.Description.Hostname, "leader.new": "true" });
}
