// Swarm events as dockerd emits them on /events: Type, Action, Actor{ID, Attributes}, scope
// "swarm", time and timeNano. The engine keeps a short in-memory history for `since`.

export interface SwarmEvent {
  Type: "service" | "node" | "secret" | "config" | "network";
  Action: "create" | "update" | "remove";
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: "swarm";
  time: number;
  timeNano: number;
}

const HISTORY = 256;

export class EventLog {
  history: SwarmEvent[] = [];
  readonly #listeners = new Set<(event: SwarmEvent) => void>();

  emit(event: SwarmEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY * 2) this.history = this.history.slice(-HISTORY);
    for (const listener of this.#listeners) listener(event);
  }

  subscribe(listener: (event: SwarmEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How many streams are following, which /info reports as NEventsListener. */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  recent(): SwarmEvent[] {
    return this.history.slice(-HISTORY);
  }
}

export function eventAt(
  nowMs: number,
  type: SwarmEvent["Type"],
  action: SwarmEvent["Action"],
  id: string,
  attributes: Record<string, string>,
): SwarmEvent {
  return {
    Type: type,
    Action: action,
    // Go writes map keys in sorted order.
    Actor: {
      ID: id,
      Attributes: Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1))),
    },
    scope: "swarm",
    time: Math.floor(nowMs / 1000),
    timeNano: Math.round(nowMs * 1_000_000),
  };
}
