import { MemoryTransport, type MemoryTransportOptions } from "@flotilla/transport";
import type { Clock, Node, Service, SwarmInitRequest, SwarmSpec, Task, TaskState } from "@flotilla/types";
import type { ApiHost } from "./api/context.js";
import { decodeValue } from "./api/decode.js";
import { createHandler, type FetchHandler, type HandlerHooks } from "./api/handler.js";
import { CallHistory, type RecordedCall } from "./control/call-history.js";
import { type Fault, FaultTable } from "./control/faults.js";
import { restoreInto, type SwarmSnapshot, snapshotOf } from "./control/snapshot.js";
import {
  addNode,
  createIngress,
  eraseSwarm,
  initSwarm,
  machineAddress,
  type NodeOptions,
} from "./core/bootstrap.js";
import { Cluster, type Timings } from "./core/cluster.js";
import { type Duration, toMillis } from "./core/duration.js";
import { ALREADY_IN_SWARM, EngineError, FakeSwarmError } from "./core/errors.js";
import { IdSource, randomSeed } from "./core/ids.js";
import { type ImageBehaviour, ImageRegistry } from "./core/images.js";
import { isTerminal } from "./core/model.js";
import { setNodeStatus, updateNode } from "./core/nodes.js";
import { cliInitRequest, defaultSwarmSpec, machineWith, resolveInitRequest } from "./core/swarm-init.js";
import { Sleepers } from "./core/timers.js";
import { validateSwarmSpec } from "./core/validation.js";
import { NodeEngine, type NodeTransport } from "./node-transport.js";
import { type FakeEngineServer, type ListenOptions, listen } from "./server/listen.js";

// A swarm in memory: the Engine API as a handler, and the controls a test needs that a real
// engine cannot give (time, image behaviours, chosen task and node states, faults, history).

export interface FakeSwarmOptions {
  /** How many nodes, or each node's description. The first is the leader. Default 1. */
  nodes?: number | NodeOptions[];
  /** How many of the nodes are managers (when `nodes` is a number). Default 1. */
  managers?: number;
  /** Seed for IDs and PIDs: the same seed and the same calls give the same IDs. */
  seed?: number;
  /**
   * "auto" (default): virtual time that also moves on by itself whenever a client of
   * `transport()` sleeps on it (a poll interval, a deadline) and no request is being answered, so
   * `waitUntilConverged` returns in milliseconds of real time. "virtual": time moves only on
   * `advance`, `settle` and `advanceUntil`. "real": it follows the wall clock.
   */
  clock?: "auto" | "virtual" | "real";
  /** Where virtual time starts. Default 2025-01-01T00:00:00Z. */
  start?: Date | string | number;
  /** Agent timings: each step from assigned to running, and stopping a container. Default 100ms each. */
  timings?: { step?: Duration; stop?: Duration; election?: Duration };
  images?: Record<string, ImageBehaviour>;
  /** Start outside a swarm (every swarm call answers 503), as an engine before `swarm init`. */
  inSwarm?: boolean;
  /** The swarm's spec; swarmkit's defaults fill what it leaves out. */
  swarm?: SwarmSpec;
  /**
   * The rest of the swarm init request (POST /swarm/init's body: AdvertiseAddr, DefaultAddrPool,
   * SubnetSize, DataPathPort...). Default: what `docker swarm init` sends, so the swarm answers as
   * one that command made: the first node advertises its machine's address (10.10.0.1) and no
   * default address pool is reported.
   */
  init?: Omit<SwarmInitRequest, "Spec">;
}

const DEFAULT_START = Date.UTC(2025, 0, 1);

export class FakeSwarm implements AsyncDisposable {
  readonly cluster: Cluster;
  /** The Engine API: give it a Request, get dockerd's Response. */
  readonly handle: FetchHandler;
  readonly #history = new CallHistory();
  readonly #faults = new FaultTable();
  readonly #listeners = new Set<() => void>();
  #local: { state: "active" | "inactive" | "locked"; role: "manager" | "worker" };
  #ticker: NodeJS.Timeout | undefined;
  readonly #transports = new Set<MemoryTransport | NodeTransport>();
  readonly #servers = new Set<FakeEngineServer>();
  readonly #nodeOptions: NodeOptions[];
  readonly #hooks: HandlerHooks;
  /** Each node's own engine, made when a test first asks for a node's transport. */
  readonly #engines = new Map<string, NodeEngine>();
  /**
   * In "auto" mode, the swarm's time for its clients: `transport()` hands it over as the
   * transport's `clock`, and the Flotilla client's waits sleep on it. Undefined in other modes.
   */
  readonly clock: Clock | undefined;
  readonly #sleepers = new Sleepers();
  /** Requests being answered: time waits for them, as they may be what a sleeper waits for. */
  #answering = 0;
  #wakeQueued = false;

  constructor(options: FakeSwarmOptions = {}) {
    const images = new ImageRegistry();
    for (const [image, behaviour] of Object.entries(options.images ?? {})) images.define(image, behaviour);
    const timings: Timings = {
      step: toMillis(options.timings?.step ?? 100),
      stop: toMillis(options.timings?.stop ?? 100),
      // swarmkit's default raft ticks elect a new leader within 10 to 30 seconds.
      election: toMillis(options.timings?.election ?? "10s"),
    };
    const start = options.start === undefined ? DEFAULT_START : new Date(options.start).getTime();
    this.cluster = new Cluster({
      ids: new IdSource(options.seed ?? randomSeed()),
      images,
      now: start,
      timings,
    });
    this.#nodeOptions = nodeList(options);
    this.#local = { state: "inactive", role: "manager" };
    if (options.inSwarm !== false) {
      const request = decodeValue("SwarmInitRequest", {
        ...cliInitRequest(),
        ...options.init,
        Spec: options.swarm,
      });
      this.#init(request as SwarmInitRequest);
    }
    this.#hooks = {
      before: (method, path, request) => this.#faults.apply(method, path, request.signal),
      after: (method, path, request, response) =>
        this.#history.record({
          method,
          path,
          query: Object.fromEntries(new URL(request.url).searchParams),
          status: response.status,
          at: this.cluster.now,
        }),
    };
    if ((options.clock ?? "auto") === "auto") {
      this.clock = {
        now: () => this.cluster.now,
        sleep: (ms, signal) => {
          const woken = this.#sleepers.add(this.cluster.now + Math.max(0, ms), signal);
          this.#queueWake();
          return woken;
        },
      };
    }
    this.handle = this.#tracked(createHandler(this.cluster, this.#host(), this.#hooks));
    if (options.clock === "real") {
      const offset = start - Date.now();
      this.#ticker = setInterval(() => this.#advanceTo(Date.now() + offset), 10);
      this.#ticker.unref();
    }
  }

  /**
   * Makes the swarm from an init request, as dockerd does; returns the answering node's ID, what
   * POST /swarm/init answers. Throws the engine's refusal; a spec swarmkit refuses once the swarm
   * exists leaves it made with the default spec, and is refused after, as by the engine.
   */
  #init(request: SwarmInitRequest): string {
    const init = resolveInitRequest(request, machineWith(machineAddress(0)));
    let refused: EngineError | undefined;
    try {
      validateSwarmSpec(init.spec);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      refused = new EngineError("Unknown", `error updating cluster settings: ${error.message}`);
      init.spec = defaultSwarmSpec();
    }
    initSwarm(this.cluster, init);
    const managers = this.#nodeOptions.filter((n) => n.role === "manager").length;
    const nodes = this.#nodeOptions.map((options, i) =>
      addNode(
        this.cluster,
        {
          ...(i === 0 && { availability: init.availability }),
          ...options,
          role: options.role ?? (i < Math.max(1, managers) ? "manager" : "worker"),
        },
        i,
        i === 0,
        i === 0 ? { node: init.nodeAddr, manager: init.managerAddr } : undefined,
      ),
    );
    createIngress(this.cluster);
    this.#local = { state: "active", role: "manager" };
    if (refused) throw refused;
    return nodes[0]!.ID;
  }

  #host(): ApiHost {
    return {
      local: () => this.#local,
      init: (request) => {
        if (this.#local.state === "active") throw new EngineError("Unavailable", ALREADY_IN_SWARM);
        return this.#init(request);
      },
      leave: (force) => {
        if (this.#local.state !== "active")
          throw new EngineError("Unavailable", "This node is not part of a swarm");
        if (!force && this.#local.role === "manager") {
          throw new EngineError(
            "Unavailable",
            "You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.",
          );
        }
        this.#local = { state: "inactive", role: "manager" };
        eraseSwarm(this.cluster);
      },
      unlock: (key) => {
        if (this.#local.state !== "locked") throw new EngineError("Conflict", "swarm is not locked");
        if (key !== this.cluster.store.data.unlockKey) {
          throw new EngineError("InvalidParameter", "swarm could not be unlocked: invalid key provided");
        }
        this.#local = { ...this.#local, state: "active" };
      },
      // A stream waiting on the clock (logs or events that follow, or run until a time) keeps the
      // real-clock ticker, and so the process, alive, as an open socket to an engine would; an
      // idle fake never does.
      onAdvance: (listener) => {
        this.#listeners.add(listener);
        this.#ticker?.ref();
        return () => {
          this.#listeners.delete(listener);
          if (this.#listeners.size === 0) this.#ticker?.unref();
        };
      },
    };
  }

  /**
   * An in-memory transport for `new Client({ transport })`: no socket, same semantics. With `node`,
   * the transport talks to that node's engine (`fake://HOSTNAME`), as a socket on that node would:
   * a worker refuses swarm calls with 503, and while the node is down (`nodeDown`) requests are
   * refused and the streams it served break off, so several of them can back a FailoverTransport.
   */
  transport(options?: MemoryTransportOptions): MemoryTransport;
  transport(options: MemoryTransportOptions & { node: string }): NodeTransport;
  transport(options: MemoryTransportOptions & { node?: string } = {}): MemoryTransport | NodeTransport {
    const { node, ...transportOptions } = options;
    const transport =
      node === undefined
        ? new MemoryTransport(this.handle, transportOptions)
        : this.#nodeEngine(node).transport(transportOptions);
    this.#transports.add(transport);
    return this.clock ? Object.assign(transport, { clock: this.clock }) : transport;
  }

  /** In "auto" mode, counts the requests being answered, and lets time move once none is. */
  #tracked(handler: FetchHandler): FetchHandler {
    if (!this.clock) return handler;
    return async (request) => {
      this.#answering++;
      try {
        return await handler(request);
      } finally {
        this.#answering--;
        this.#queueWake();
      }
    };
  }

  /**
   * Checks, once what is running now has run (its promise chains included), whether every client
   * is asleep on the clock: then time jumps to the first of them, running the swarm on the way.
   */
  #queueWake(): void {
    if (this.#wakeQueued || this.#sleepers.size === 0) return;
    this.#wakeQueued = true;
    setImmediate(() => {
      this.#wakeQueued = false;
      const next = this.#sleepers.next();
      if (this.#answering > 0 || next === undefined) return;
      if (next > this.cluster.now) this.#advanceTo(next);
      this.#sleepers.wakeDue(this.cluster.now);
      // Those still asleep get their turn once the woken have run (and sent what they send).
      this.#queueWake();
    });
  }

  #nodeEngine(ref: string): NodeEngine {
    const hostname = this.#engine(() => this.cluster.store.node(ref)).Description.Hostname;
    let engine = this.#engines.get(hostname);
    if (!engine) {
      engine = new NodeEngine(
        this.cluster,
        hostname,
        (host) => this.#tracked(createHandler(this.cluster, host, this.#hooks)),
        this.#host(),
      );
      this.#engines.set(hostname, engine);
    }
    return engine;
  }

  /**
   * Serves the Engine API on a unix socket or a TCP port (optionally TLS), for any Docker client:
   * `DOCKER_HOST=${server.dockerHost} docker service ls`. Closed with the swarm.
   */
  async listen(options: ListenOptions): Promise<FakeEngineServer> {
    const server = await listen(this.handle, options);
    this.#servers.add(server);
    return server;
  }

  /** Moves virtual time on, running everything due on the way. */
  advance(duration: Duration): void {
    this.#advanceTo(this.cluster.now + toMillis(duration));
  }

  /** Runs until nothing is left to happen within `limit` (default 10 minutes), e.g. after creating services. */
  settle(limit: Duration = "10m"): void {
    const end = this.cluster.now + toMillis(limit);
    for (let next = this.cluster.timers.peek(); next && next.at <= end; next = this.cluster.timers.peek()) {
      this.#advanceTo(next.at);
    }
  }

  /**
   * Moves time on, one due event at a time, until `done()` holds; throws if it still does not
   * after `limit`. Reads as the assertion it stands for: `swarm.advanceUntil(() => allRunning())`.
   */
  advanceUntil(done: () => boolean, limit: Duration = "10m"): void {
    const end = this.cluster.now + toMillis(limit);
    while (!done()) {
      const next = this.cluster.timers.peek();
      if (!next || next.at > end) {
        this.#advanceTo(end);
        if (done()) return;
        throw new FakeSwarmError("ERR_FAKE_TIMEOUT", `condition still false after ${limit} of virtual time`);
      }
      this.#advanceTo(next.at);
    }
  }

  #advanceTo(target: number): void {
    this.cluster.advanceTo(target);
    for (const listener of this.#listeners) listener();
  }

  now(): Date {
    return new Date(this.cluster.now);
  }

  /** What containers of `image` do: run forever (default), exit, fail to start, print lines... */
  image(image: string, behaviour: ImageBehaviour): this {
    this.cluster.images.define(image, behaviour);
    return this;
  }

  /** Forces a task into a state, as if its agent reported it (e.g. "failed" with an exit code). */
  setTaskState(
    ref: string,
    state: TaskState,
    options: { message?: string; err?: string; exitCode?: number } = {},
  ): void {
    const task = this.#engine(() => this.cluster.store.task(ref));
    if (options.exitCode !== undefined) {
      task.Status.ContainerStatus ??= { ContainerID: this.cluster.ids.containerId(), PID: 0, ExitCode: 0 };
      task.Status.ContainerStatus.ExitCode = options.exitCode;
      if (isTerminal(state)) task.Status.ContainerStatus.PID = 0;
    }
    const err =
      options.err ??
      (state === "failed" && options.exitCode ? `task: non-zero exit (${options.exitCode})` : undefined);
    this.cluster.setState(task, state, options.message ?? defaultMessage(state), err);
    this.cluster.reconcile();
  }

  /**
   * The node's agent stops reporting (heartbeat lost): its tasks are replaced elsewhere. Its own
   * engine (`transport({ node })`) is taken to be stopped: streams it served break off.
   */
  nodeDown(ref: string): void {
    const node = this.#engine(() => this.cluster.store.node(ref));
    this.#engines.get(node.Description.Hostname)?.cutStreams();
    setNodeStatus(this.cluster, node, "down");
    this.cluster.reconcile();
  }

  nodeUp(ref: string): void {
    setNodeStatus(
      this.cluster,
      this.#engine(() => this.cluster.store.node(ref)),
      "ready",
    );
    this.cluster.reconcile();
  }

  /** Sets a node's availability as `docker node update --availability` does. */
  setAvailability(ref: string, availability: "active" | "pause" | "drain"): void {
    const node = this.#engine(() => this.cluster.store.node(ref));
    updateNode(this.cluster, node.ID, node.Version.Index, { ...node.Spec, Availability: availability });
    this.cluster.reconcile();
  }

  drain(ref: string): void {
    this.setAvailability(ref, "drain");
  }

  /** Makes matching calls fail or slow down; returns a function that removes the fault. */
  inject(fault: Fault): () => void {
    return this.#faults.add(fault);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Every call answered so far, oldest first. */
  get calls(): readonly RecordedCall[] {
    return this.#history.calls;
  }

  clearCalls(): void {
    this.#history.clear();
  }

  /** Puts this node in or out of a swarm, or makes it a worker, for NotSwarmManager paths. */
  setLocalNode(state: "active" | "inactive" | "locked", role: "manager" | "worker" = "manager"): void {
    this.#local = { state, role };
  }

  snapshot(): SwarmSnapshot {
    return snapshotOf(this.cluster);
  }

  restore(snapshot: SwarmSnapshot): void {
    restoreInto(this.cluster, snapshot);
  }

  // Read-only views in the engine's shapes, for assertions without going through HTTP.

  services(): Service[] {
    return [...this.cluster.store.data.services.values()] as Service[];
  }

  service(ref: string): Service {
    return this.#engine(() => this.cluster.store.service(ref)) as Service;
  }

  tasks(serviceRef?: string): Task[] {
    if (serviceRef === undefined) return [...this.cluster.store.data.tasks.values()] as Task[];
    const service = this.#engine(() => this.cluster.store.service(serviceRef));
    return this.cluster.store.tasksOf(service.ID) as Task[];
  }

  nodes(): Node[] {
    return [...this.cluster.store.data.nodes.values()] as Node[];
  }

  node(ref: string): Node {
    return this.#engine(() => this.cluster.store.node(ref)) as Node;
  }

  async close(): Promise<void> {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    await Promise.all([...this.#transports].map((t) => t.close()));
    this.#transports.clear();
    await Promise.all([...this.#servers].map((s) => s.close()));
    this.#servers.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Control calls report a missing object as misuse, not as an HTTP answer. */
  #engine<T>(lookup: () => T): T {
    try {
      return lookup();
    } catch (error) {
      if (error instanceof EngineError)
        throw new FakeSwarmError("ERR_FAKE_NOT_FOUND", error.message, { cause: error });
      throw error;
    }
  }
}

export async function createFakeSwarm(options: FakeSwarmOptions = {}): Promise<FakeSwarm> {
  return new FakeSwarm(options);
}

function nodeList(options: FakeSwarmOptions): NodeOptions[] {
  if (Array.isArray(options.nodes)) return options.nodes;
  const count = options.nodes ?? 1;
  const managers = options.managers ?? 1;
  return Array.from({ length: count }, (_, i) => ({ role: i < managers ? "manager" : "worker" }));
}

const MESSAGES: Partial<Record<TaskState, string>> = {
  pending: "pending task scheduling",
  assigned: "scheduler assigned task to node",
  accepted: "accepted",
  preparing: "preparing",
  ready: "prepared",
  starting: "starting",
  running: "started",
  complete: "finished",
  failed: "started",
  shutdown: "shutdown",
  rejected: "preparing",
};

function defaultMessage(state: TaskState): string {
  return MESSAGES[state] ?? state;
}
