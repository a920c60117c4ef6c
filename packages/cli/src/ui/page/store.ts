import type { NodeView, ServiceView, SwarmPatch, SwarmView, TaskView } from "../wire.js";

// The page's copy of the swarm: a snapshot from /api/events, then patches applied as they come.
// Views re-render at most once a frame, however many patches arrive in it.

export interface EngineStatus {
  connected: boolean;
  error?: string;
}

export class SwarmStore {
  nodes = new Map<string, NodeView>();
  services = new Map<string, ServiceView>();
  tasks = new Map<string, TaskView>();
  engine: EngineStatus = { connected: true };
  /** Whether the page is connected to the UI server. */
  online = false;
  loaded = false;
  /** Bumped on every change: what views compare to know they must render again. */
  version = 0;
  readonly #listeners = new Set<() => void>();
  #frame: number | undefined;

  load(view: SwarmView): void {
    this.nodes = new Map(view.nodes.map((n) => [n.id, n]));
    this.services = new Map(view.services.map((s) => [s.id, s]));
    this.tasks = new Map(view.tasks.map((t) => [t.id, t]));
    this.loaded = true;
    this.changed();
  }

  apply(patch: SwarmPatch): void {
    applyTo(this.nodes, patch.nodes);
    applyTo(this.services, patch.services);
    applyTo(this.tasks, patch.tasks);
    this.changed();
  }

  setEngine(status: EngineStatus): void {
    this.engine = status;
    this.changed();
  }

  setOnline(online: boolean): void {
    this.online = online;
    this.changed();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  changed(): void {
    this.version++;
    if (this.#frame !== undefined) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      for (const listener of this.#listeners) listener();
    });
  }

  /** Nodes by hostname. */
  sortedNodes(): NodeView[] {
    return [...this.nodes.values()].sort((a, b) => a.hostname.localeCompare(b.hostname));
  }

  sortedServices(): ServiceView[] {
    return [...this.services.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

function applyTo<T extends { id: string }>(map: Map<string, T>, patch: { upsert: T[]; remove: string[] }) {
  for (const item of patch.upsert) map.set(item.id, item);
  for (const id of patch.remove) map.delete(id);
}

/** Follows the server's stream of the swarm into `store`; EventSource reconnects by itself. */
export function follow(store: SwarmStore): EventSource {
  const source = new EventSource("api/events");
  source.addEventListener("open", () => store.setOnline(true));
  source.addEventListener("error", () => store.setOnline(false));
  source.addEventListener("snapshot", (event) => store.load(JSON.parse((event as MessageEvent).data)));
  source.addEventListener("status", (event) => store.setEngine(JSON.parse((event as MessageEvent).data)));
  source.addEventListener("change", (event) => {
    const message = JSON.parse((event as MessageEvent).data);
    if (message.kind === "patch") store.apply(message.patch);
    else if (message.kind === "status")
      store.setEngine({ connected: message.connected, error: message.error });
  });
  return source;
}
