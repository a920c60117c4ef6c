import type { TaskSpec } from "@flotilla/types";
import { releaseTask } from "./endpoint.js";
import { notFound } from "./errors.js";
import type {
  StoredConfig,
  StoredNetwork,
  StoredNode,
  StoredSecret,
  StoredService,
  StoredSwarm,
  StoredTask,
  TaskRuntime,
  UpdateRun,
} from "./model.js";

// Every object of the swarm, with the indexes the orchestrators need so that their work stays
// proportional to what changed. One version counter is shared by all objects, as the raft index is.

export interface StoreData {
  version: number;
  swarm: StoredSwarm | null;
  /** Set while autolock is on. */
  unlockKey: string | null;
  nodes: Map<string, StoredNode>;
  services: Map<string, StoredService>;
  tasks: Map<string, StoredTask>;
  secrets: Map<string, StoredSecret>;
  configs: Map<string, StoredConfig>;
  networks: Map<string, StoredNetwork>;
  runtime: Map<string, TaskRuntime>;
  /** Restart times per instance (service/slot or service/node), for MaxAttempts within Window. */
  restarts: Map<string, number[]>;
  /** The task spec current tasks share by reference: a task is out of date iff its Spec differs. */
  taskSpecs: Map<string, TaskSpec>;
  previousTaskSpecs: Map<string, TaskSpec>;
  updates: Map<string, UpdateRun>;
  /** Addresses in use per network ID (service VIPs and task attachments). */
  addresses: Map<string, Set<string>>;
  /** Per network ID, the address of each node's load balancer on it (`lb-NAME` in inspect). */
  loadBalancers: Map<string, Map<string, string>>;
  /** Where the default address pool and the VXLAN IDs continue from. */
  networkCursor: { subnet: number; vxlan: number };
}

export function emptyStore(): StoreData {
  return {
    version: 0,
    swarm: null,
    unlockKey: null,
    nodes: new Map(),
    services: new Map(),
    tasks: new Map(),
    secrets: new Map(),
    configs: new Map(),
    networks: new Map(),
    runtime: new Map(),
    restarts: new Map(),
    taskSpecs: new Map(),
    previousTaskSpecs: new Map(),
    updates: new Map(),
    addresses: new Map(),
    loadBalancers: new Map(),
    networkCursor: { subnet: 0, vxlan: 0 },
  };
}

interface Versioned {
  ID: string;
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
}

export class Store {
  data: StoreData;
  /** Task IDs per service and per node; rebuilt on restore. */
  readonly byService = new Map<string, Set<string>>();
  readonly byNode = new Map<string, Set<string>>();

  constructor(data: StoreData = emptyStore()) {
    this.data = data;
    this.reindex();
  }

  /** Every task in ID order, as swarmkit's store lists them; dropped when a task comes or goes. */
  #tasksInIdOrder: StoredTask[] | null = null;

  reindex(): void {
    this.#tasksInIdOrder = null;
    this.byService.clear();
    this.byNode.clear();
    for (const task of this.data.tasks.values()) this.#index(task);
  }

  nextVersion(): number {
    return ++this.data.version;
  }

  /** Stamps a new version and UpdatedAt on an object that just changed. */
  touch(object: Versioned, iso: string): void {
    object.Version.Index = this.nextVersion();
    object.UpdatedAt = iso;
  }

  stamp(id: string, iso: string): Versioned {
    return { ID: id, Version: { Index: this.nextVersion() }, CreatedAt: iso, UpdatedAt: iso };
  }

  addTask(task: StoredTask): void {
    this.data.tasks.set(task.ID, task);
    this.data.runtime.set(task.ID, { token: 0 });
    this.#index(task);
    this.#tasksInIdOrder = null;
  }

  assignTask(task: StoredTask, nodeId: string): void {
    task.NodeID = nodeId;
    setOf(this.byNode, nodeId).add(task.ID);
  }

  deleteTask(id: string): void {
    const task = this.data.tasks.get(id);
    if (!task) return;
    releaseTask(this, task);
    this.data.tasks.delete(id);
    this.#tasksInIdOrder = null;
    this.data.runtime.delete(id);
    this.byService.get(task.ServiceID)?.delete(id);
    if (task.NodeID) this.byNode.get(task.NodeID)?.delete(id);
  }

  /** Kept between calls: polling clients list thousands of tasks that rarely come or go. */
  tasksInIdOrder(): readonly StoredTask[] {
    this.#tasksInIdOrder ??= [...this.data.tasks.values()].sort((a, b) =>
      a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0,
    );
    return this.#tasksInIdOrder;
  }

  tasksOf(serviceId: string): StoredTask[] {
    const ids = this.byService.get(serviceId);
    if (!ids) return [];
    const out: StoredTask[] = [];
    for (const id of ids) out.push(this.data.tasks.get(id)!);
    return out;
  }

  tasksOn(nodeId: string): StoredTask[] {
    const ids = this.byNode.get(nodeId);
    if (!ids) return [];
    const out: StoredTask[] = [];
    for (const id of ids) out.push(this.data.tasks.get(id)!);
    return out;
  }

  #index(task: StoredTask): void {
    setOf(this.byService, task.ServiceID).add(task.ID);
    if (task.NodeID) setOf(this.byNode, task.NodeID).add(task.ID);
  }

  // Lookups accept what the engine accepts: a full ID, a name, or an unambiguous ID prefix.

  service(ref: string): StoredService {
    return find(this.data.services, ref, (s) => s.Spec.Name) ?? fail("service", ref);
  }

  node(ref: string): StoredNode {
    return find(this.data.nodes, ref, (n) => n.Description.Hostname) ?? fail("node", ref);
  }

  task(ref: string): StoredTask {
    return find(this.data.tasks, ref, () => undefined) ?? fail("task", ref);
  }

  secret(ref: string): StoredSecret {
    return find(this.data.secrets, ref, (s) => s.Spec.Name) ?? fail("secret", ref);
  }

  config(ref: string): StoredConfig {
    return find(this.data.configs, ref, (c) => c.Spec.Name) ?? fail("config", ref);
  }

  network(ref: string): StoredNetwork {
    const byId = this.data.networks.get(ref);
    if (byId) return byId;
    for (const n of this.data.networks.values()) if (n.Name === ref) return n;
    const prefixed = [...this.data.networks.values()].filter((n) => n.Id.startsWith(ref));
    if (prefixed.length === 1) return prefixed[0]!;
    throw notFound("network", ref);
  }
}

function find<T>(map: Map<string, T>, ref: string, nameOf: (value: T) => string | undefined): T | undefined {
  const exact = map.get(ref);
  if (exact) return exact;
  for (const value of map.values()) if (nameOf(value) === ref) return value;
  if (ref.length === 0) return undefined;
  let match: T | undefined;
  for (const [id, value] of map) {
    if (!id.startsWith(ref)) continue;
    if (match) return undefined;
    match = value;
  }
  return match;
}

function fail(kind: string, ref: string): never {
  throw notFound(kind, ref);
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
