import type { Client } from "@flotilla/client";
import { describeError } from "../errors.js";
import { swarmView } from "./view-model.js";
import type { CollectionPatch, SwarmPatch, SwarmView } from "./wire.js";

// One watch of the engine for every open page: it follows /events, and on each event reads the
// swarm once (nodes, services, tasks: three list calls, however many events came meanwhile), then
// sends each page only what changed. The engine has no task events, so while tasks are on their
// way somewhere (starting, shutting down, a rollout) it reads again every `settleMs` until the swarm
// is still; and a read every `resyncMs` catches what no event on this engine reports (a task that
// failed on another node: container events are each node's own).

export type WatchMessage =
  | { kind: "patch"; patch: SwarmPatch }
  | { kind: "status"; connected: boolean; error?: string };

export interface SwarmWatchOptions {
  settleMs?: number;
  resyncMs?: number;
  /** How long to wait before following /events again after the stream ends or fails. */
  retryMs?: number;
}

const SETTLED_TASK_STATES = new Set([
  "running",
  "complete",
  "failed",
  "rejected",
  "shutdown",
  "orphaned",
  "remove",
]);

/** After this many reads with no change, a swarm still "moving" is read at the resync pace. */
const QUIET_READS = 40;

export class SwarmWatch implements AsyncDisposable {
  readonly #client: Client;
  readonly #settleMs: number;
  readonly #resyncMs: number;
  readonly #retryMs: number;
  readonly #abort = new AbortController();
  readonly #listeners = new Set<(message: WatchMessage) => void>();
  #view: SwarmView = { nodes: [], services: [], tasks: [] };
  #seen = {
    nodes: new Map<string, string>(),
    services: new Map<string, string>(),
    tasks: new Map<string, string>(),
  };
  #reading: Promise<void> | undefined;
  #readAgain = false;
  #timer: NodeJS.Timeout | undefined;
  #following: Promise<void> | undefined;
  #status: { connected: boolean; error?: string } = { connected: false };
  /** Reads in a row that found nothing changed: a task stuck pending should not be read forever. */
  #quietReads = 0;
  /** Reads of the swarm done so far (for the benchmark and tests). */
  reads = 0;

  constructor(client: Client, options: SwarmWatchOptions = {}) {
    this.#client = client;
    this.#settleMs = options.settleMs ?? 250;
    this.#resyncMs = options.resyncMs ?? 15_000;
    this.#retryMs = options.retryMs ?? 1000;
  }

  /** Reads the swarm once (so the first page has it) and starts following the engine's events. */
  async start(): Promise<void> {
    await this.#read();
    this.#following = this.#follow();
  }

  get view(): SwarmView {
    return this.#view;
  }

  get status(): { connected: boolean; error?: string } {
    return this.#status;
  }

  /** Calls `listener` with each change from now on; the returned function stops that. */
  subscribe(listener: (message: WatchMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads the swarm again soon (after an action, or an event); reads already asked for are merged. */
  refresh(): Promise<void> {
    if (this.#reading) {
      this.#readAgain = true;
      return this.#reading;
    }
    this.#reading = this.#read().finally(() => {
      this.#reading = undefined;
      if (this.#readAgain && !this.#abort.signal.aborted) {
        this.#readAgain = false;
        void this.refresh();
      }
    });
    return this.#reading;
  }

  async #follow(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        const events = this.#client.system.events({
          filters: { type: ["service", "node", "container"] },
          signal,
        });
        this.#setStatus({ connected: true });
        for await (const _event of events) void this.refresh();
      } catch (error) {
        if (signal.aborted) return;
        this.#setStatus({ connected: false, error: describeError(error) });
      }
      if (signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, this.#retryMs));
      void this.refresh();
    }
  }

  async #read(): Promise<void> {
    clearTimeout(this.#timer);
    const signal = this.#abort.signal;
    try {
      const [nodes, services, tasks] = await Promise.all([
        this.#client.nodes.list(),
        this.#client.services.list({ status: true }),
        this.#client.tasks.listAttrs({}, signal),
      ]);
      this.reads++;
      const view = swarmView(
        nodes.map((n) => n.attrs),
        services.map((s) => s.attrs),
        tasks,
      );
      this.#view = view;
      const patch: SwarmPatch = {
        nodes: diff(this.#seen.nodes, view.nodes),
        services: diff(this.#seen.services, view.services),
        tasks: diff(this.#seen.tasks, view.tasks),
      };
      if (!this.#status.connected && this.#status.error) this.#setStatus({ connected: true });
      const changed = Object.values(patch).some((p) => p.upsert.length > 0 || p.remove.length > 0);
      this.#quietReads = changed ? 0 : this.#quietReads + 1;
      if (changed) this.#send({ kind: "patch", patch });
    } catch (error) {
      if (signal.aborted) return;
      this.#setStatus({ connected: false, error: describeError(error) });
    }
    if (signal.aborted) return;
    const soon = moving(this.#view) && this.#quietReads < QUIET_READS;
    this.#timer = setTimeout(() => void this.refresh(), soon ? this.#settleMs : this.#resyncMs);
  }

  #setStatus(status: { connected: boolean; error?: string }) {
    if (status.connected === this.#status.connected && status.error === this.#status.error) return;
    this.#status = status;
    this.#send({ kind: "status", ...status });
  }

  #send(message: WatchMessage) {
    for (const listener of this.#listeners) listener(message);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#abort.abort();
    clearTimeout(this.#timer);
    this.#listeners.clear();
    await this.#following;
    await this.#reading;
  }
}

/** Whether anything is on its way: a rollout, or a task not yet where it is wanted. */
function moving(view: SwarmView): boolean {
  if (view.services.some((s) => s.update?.progress !== undefined)) return true;
  return view.tasks.some((t) =>
    t.desiredState === "running"
      ? t.state !== "running" && !SETTLED_TASK_STATES.has(t.state)
      : t.state === "running" || !SETTLED_TASK_STATES.has(t.state),
  );
}

/** What changed in a collection since `seen` (which it updates), by each object's JSON. */
function diff<T extends { id: string }>(seen: Map<string, string>, now: readonly T[]): CollectionPatch<T> {
  const upsert: T[] = [];
  const ids = new Set<string>();
  for (const item of now) {
    ids.add(item.id);
    const json = JSON.stringify(item);
    if (seen.get(item.id) !== json) {
      seen.set(item.id, json);
      upsert.push(item);
    }
  }
  const remove = [...seen.keys()].filter((id) => !ids.has(id));
  for (const id of remove) seen.delete(id);
  return { upsert, remove };
}
