import type { Node as NodeAttrs, NodeSpec } from "@flotilla/types";
import type { NodeChange, NodeUpdateOptions, TaskFilters } from "../resources/options.js";
import { Model } from "./model.js";
import type { Task } from "./task.js";

/** What a node model asks of the client (the nodes resource), on its behalf. */
export interface NodeCalls {
  get(id: string): Promise<{ attrs: NodeAttrs }>;
  update(id: string, change: NodeChange, options: NodeUpdateOptions): Promise<{ attrs: NodeAttrs }>;
  remove(id: string, options: { force?: boolean }): Promise<void>;
  ps(id: string, filters: TaskFilters): Promise<Task[]>;
}

/** A node of the swarm. */
export class Node extends Model<NodeAttrs> {
  readonly #nodes: NodeCalls;

  constructor(attrs: NodeAttrs, nodes: NodeCalls) {
    super(attrs);
    this.#nodes = nodes;
  }

  get name(): string | undefined {
    return this.attrs.Spec?.Name || this.attrs.Description?.Hostname;
  }

  get spec(): NodeSpec {
    return this.attrs.Spec ?? {};
  }

  protected async fetch(): Promise<NodeAttrs> {
    return (await this.#nodes.get(this.id)).attrs;
  }

  /** Sends the change with this model's version; `readModifyWrite` applies it to the node as it is now. */
  async update(change: NodeChange, options: { readModifyWrite?: boolean } = {}): Promise<this> {
    const pinned = options.readModifyWrite ? {} : { version: this.version, current: this.attrs };
    this.attrs = (await this.#nodes.update(this.id, change, pinned)).attrs;
    return this;
  }

  remove(options: { force?: boolean } = {}): Promise<void> {
    return this.#nodes.remove(this.id, options);
  }

  tasks(filters: TaskFilters = {}): Promise<Task[]> {
    return this.#nodes.ps(this.id, filters);
  }
}
