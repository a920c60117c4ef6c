import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { Client } from "@flotilla/client";
import { createFakeSwarm, type FakeSwarm, type NodeOptions } from "@flotilla/testing";
import { UnixSocketTransport } from "@flotilla/transport";
import type { MultiNodeSwarm } from "../setup/provided-context.js";

// The two swarms the multi-node scenarios run against, behind one interface: the real one of
// scripts/swarm-up.sh (engines stopped for real, time on the wall clock) and the fake of
// @flotilla/testing with the same nodes (heartbeats lost on demand, time virtual).

export interface SwarmShape {
  managers: string[];
  workers: string[];
}

/** scripts/swarm-up.sh's default shape, for the fake when there is no real swarm to copy. */
export const DEFAULT_SHAPE: SwarmShape = {
  managers: ["flotilla-node-1", "flotilla-node-2", "flotilla-node-3"],
  workers: ["flotilla-node-4"],
};

export interface MultiNodeTarget extends AsyncDisposable {
  readonly name: string;
  readonly shape: SwarmShape;
  readonly image: string;
  /** A client talking to the swarm through this manager (the first one by default). */
  client(via?: string): Client;
  /**
   * Reads until `done` holds or `limitMs` passes (on the target's clock), returning the last value
   * read either way: a scenario records where things ended, its expectations judge it. A read
   * that throws, or takes longer than a few seconds, counts as not done.
   */
  until<T>(read: () => Promise<T>, done: (value: T) => boolean, limitMs: number): Promise<T | undefined>;
  /** Stops the node's engine: the swarm loses its heartbeat. */
  stopEngine(hostname: string): Promise<void>;
  /** Starts every stopped engine again and waits until the swarm is whole. */
  restartEngines(): Promise<void>;
}

/** Everything a read may take before it counts as not answered. */
const READ_LIMIT_MS = 5000;

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms}ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function tryRead<T>(read: () => Promise<T>): Promise<{ value: T } | undefined> {
  try {
    return { value: await withDeadline(read(), READ_LIMIT_MS) };
  } catch {
    return undefined;
  }
}

const run = promisify(execFile);

export class EngineSwarmTarget implements MultiNodeTarget {
  readonly name = "the engines of scripts/swarm-up.sh";
  readonly shape: SwarmShape;
  readonly image: string;
  readonly #swarm: MultiNodeSwarm;
  readonly #clients = new Map<string, Client>();

  constructor(swarm: MultiNodeSwarm, image: string) {
    this.#swarm = swarm;
    this.image = image;
    this.shape = {
      managers: swarm.managers.map((n) => n.hostname),
      workers: swarm.workers.map((n) => n.hostname),
    };
  }

  #node(hostname: string) {
    const node = [...this.#swarm.managers, ...this.#swarm.workers].find((n) => n.hostname === hostname);
    if (!node) throw new Error(`no node ${hostname} in the swarm of scripts/swarm-up.sh`);
    return node;
  }

  client(via = this.shape.managers[0]!): Client {
    let client = this.#clients.get(via);
    if (!client) {
      const transport = new UnixSocketTransport({ socketPath: this.#node(via).socketPath });
      client = new Client({ transport, registryAuth: false });
      this.#clients.set(via, client);
    }
    return client;
  }

  async until<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    limitMs: number,
  ): Promise<T | undefined> {
    const deadline = Date.now() + limitMs;
    let last: T | undefined;
    for (;;) {
      const answer = await tryRead(read);
      if (answer) {
        last = answer.value;
        if (done(last)) return last;
      }
      if (Date.now() >= deadline) return last;
      await sleep(250);
    }
  }

  async stopEngine(hostname: string): Promise<void> {
    const pid = Number(readFileSync(this.#node(hostname).pidFile, "utf8").trim());
    process.kill(pid, "SIGTERM");
    // dockerd stops its containers first (--shutdown-timeout 2): a few seconds at most.
    for (let i = 0; i < 120 && isAlive(pid); i++) await sleep(250);
    if (isAlive(pid)) throw new Error(`${hostname}'s dockerd (pid ${pid}) did not stop within 30s`);
    // Its clients' pooled connections are dead; a later one starts afresh.
    await this.#clients.get(hostname)?.[Symbol.asyncDispose]();
    this.#clients.delete(hostname);
  }

  /** The node's engine socket, for clients and CLIs of its own. */
  socketOf(hostname: string): string {
    return this.#node(hostname).socketPath;
  }

  /**
   * Kills the node's dockerd at once (SIGKILL), as a crash does: its connections are cut, not
   * closed in good order (a SIGTERM'd dockerd ends its streams cleanly), and its socket file stays
   * behind, refusing connections. Resolves with the time of the kill (performance.now()).
   */
  async killEngine(hostname: string): Promise<number> {
    const pid = Number(readFileSync(this.#node(hostname).pidFile, "utf8").trim());
    const at = performance.now();
    process.kill(pid, "SIGKILL");
    // A dockerd with many threads takes a while to be torn down on a loaded machine.
    for (let i = 0; i < 200 && isAlive(pid); i++) await sleep(50);
    if (isAlive(pid)) throw new Error(`${hostname}'s dockerd (pid ${pid}) survived SIGKILL for 10s`);
    await this.#clients.get(hostname)?.[Symbol.asyncDispose]();
    this.#clients.delete(hostname);
    return at;
  }

  async restartEngines(): Promise<void> {
    const [command, ...args] = this.#swarm.upCommand;
    await run(command!, args, { timeout: 150_000 });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const client of this.#clients.values()) await client[Symbol.asyncDispose]();
    this.#clients.clear();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** How far virtual time moves between two reads of the fake. */
const FAKE_STEP_MS = 250;

export class FakeSwarmTarget implements MultiNodeTarget {
  readonly name = "the fake swarm";
  readonly shape: SwarmShape;
  readonly image: string;
  readonly swarm: FakeSwarm;
  readonly #client: Client;
  readonly #stopped = new Set<string>();

  private constructor(swarm: FakeSwarm, shape: SwarmShape, image: string) {
    this.swarm = swarm;
    this.shape = shape;
    this.image = image;
    this.#client = new Client({ transport: swarm.transport(), registryAuth: false });
  }

  /** A fake with the same hostnames and roles as the real swarm, and its 1s dispatcher heartbeat. */
  static async create(shape: SwarmShape, image: string): Promise<FakeSwarmTarget> {
    const nodes: NodeOptions[] = [
      ...shape.managers.map((hostname) => ({ hostname, role: "manager" as const })),
      ...shape.workers.map((hostname) => ({ hostname, role: "worker" as const })),
    ];
    const swarm = await createFakeSwarm({
      nodes,
      seed: 77,
      swarm: { Name: "default", Dispatcher: { HeartbeatPeriod: 1_000_000_000 } },
    });
    return new FakeSwarmTarget(swarm, shape, image);
  }

  /** The fake answers as its leader whichever manager is named. */
  client(): Client {
    return this.#client;
  }

  async until<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    limitMs: number,
  ): Promise<T | undefined> {
    let last: T | undefined;
    for (let waited = 0; ; waited += FAKE_STEP_MS) {
      const answer = await tryRead(read);
      if (answer) {
        last = answer.value;
        if (done(last)) return last;
      }
      if (waited >= limitMs) return last;
      this.swarm.advance(FAKE_STEP_MS);
    }
  }

  async stopEngine(hostname: string): Promise<void> {
    this.swarm.nodeDown(hostname);
    this.#stopped.add(hostname);
  }

  async restartEngines(): Promise<void> {
    for (const hostname of this.#stopped) this.swarm.nodeUp(hostname);
    this.#stopped.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#client[Symbol.asyncDispose]();
    await this.swarm[Symbol.asyncDispose]();
  }
}
