import type { FilterValue } from "@flotilla/transport";
import { FlotillaError, type Node as NodeAttrs, type NodeSpec } from "@flotilla/types";
import { DEFAULT_CONFLICT_ATTEMPTS, retryOnConflict, UNCERTAIN_WRITE_RETRIES } from "../conflict-retry.js";
import { StaleVersionError } from "../errors.js";
import { filtersQuery } from "../filters.js";
import { Node } from "../models/node.js";
import type { Task } from "../models/task.js";
import { checkOptionKeys } from "../option-keys.js";
import type { RawApi } from "../raw.js";
import { sameDocument } from "../same-document.js";
import type { NodeChange, NodeUpdateOptions, TaskFilters } from "./options.js";
import type { Tasks } from "./tasks.js";

export interface NodeFilters {
  id?: FilterValue;
  name?: FilterValue;
  label?: FilterValue;
  /** Labels set on the node by managers (`node.label`), as opposed to engine labels (`label`). */
  nodeLabel?: FilterValue;
  membership?: FilterValue;
  role?: FilterValue;
}

const NODE_CHANGE_KEYS = {
  name: true,
  role: true,
  availability: true,
  labels: true,
  labelsAdd: true,
  labelsRemove: true,
} satisfies Record<keyof Required<NodeChange>, true>;

function applyChange(spec: NodeSpec, change: NodeChange): NodeSpec {
  const labels = { ...(change.labels ?? spec.Labels), ...change.labelsAdd };
  for (const key of change.labelsRemove ?? []) delete labels[key];
  return {
    ...spec,
    ...(change.name !== undefined && { Name: change.name }),
    ...(change.role && { Role: change.role }),
    ...(change.availability && { Availability: change.availability }),
    Labels: labels,
  };
}

export class Nodes {
  readonly #api: RawApi;
  readonly #tasks: Tasks;

  constructor(api: RawApi, tasks: Tasks) {
    this.#api = api;
    this.#tasks = tasks;
  }

  async list(filters: NodeFilters = {}): Promise<Node[]> {
    const nodes = await this.#api.raw("GET /nodes", {
      query: { filters: filtersQuery(filters as Record<string, FilterValue>) },
    });
    return nodes.map((attrs) => new Node(attrs, this));
  }

  /** A node by ID, name, or `"self"`: the node of the engine the client talks to, as the docker CLI reads it. */
  async get(id: string): Promise<Node> {
    return new Node(await this.#api.raw("GET /nodes/{id}", { path: { id: await this.#resolve(id) } }), this);
  }

  /** `"self"` is the engine's own node, which its /info names; any other reference goes as it is. */
  async #resolve(ref: string): Promise<string> {
    if (ref !== "self") return ref;
    const nodeId = (await this.#api.raw("GET /info")).Swarm?.NodeID;
    if (nodeId) return nodeId;
    // No node ID: the engine is not in a swarm, or not a manager. A swarm call says which, in its words.
    await this.#api.raw("GET /nodes");
    throw new FlotillaError(
      "ERR_NO_SELF_NODE",
      'the engine names no node of its own (its /info has no Swarm.NodeID), so "self" is no node',
    );
  }

  /** Changes a node; see NodeUpdateOptions for how the version is chosen. */
  async update(id: string, change: NodeChange, options: NodeUpdateOptions = {}): Promise<Node> {
    checkOptionKeys("node change", change, NODE_CHANGE_KEYS);
    const pinned = options.version !== undefined;
    const attempts = pinned ? 1 : (options.retries ?? DEFAULT_CONFLICT_ATTEMPTS);
    let version: number | undefined;
    const nodeId = await retryOnConflict(
      async (attempt, afterUncertainWrite) => {
        // A pinned change goes out once, on the document it came with; otherwise read afresh each time.
        const current = (attempt === 1 && pinned && options.current) || (await this.get(id)).attrs;
        version = pinned ? options.version : (current.Version?.Index ?? 0);
        const spec = applyChange(current.Spec ?? {}, change);
        // The lost write landed: the change is there already, and another write would only bump the version.
        if (afterUncertainWrite && sameDocument(spec, current.Spec ?? {})) return current.ID ?? id;
        await this.#api.raw("POST /nodes/{id}/update", {
          path: { id: current.ID ?? id },
          query: { version: version ?? 0 },
          body: spec,
          basedOn: current.Spec ?? {},
        });
        return current.ID ?? id;
      },
      {
        attempts,
        // A write sent to a manager that died may or may not have been applied: an unpinned change
        // reads again through the manager now in use and writes at the version it read.
        uncertainWrites: pinned ? 0 : UNCERTAIN_WRITE_RETRIES,
        what: `node ${id} update`,
        exhausted: (refusal) => {
          const hint = pinned
            ? "reload() it and apply the change again"
            : `it kept changing during ${attempts} attempt${attempts === 1 ? "" : "s"}`;
          return new StaleVersionError({ kind: "node", id, version, hint }, { cause: refusal });
        },
      },
    );
    return this.get(nodeId);
  }

  promote(id: string): Promise<Node> {
    return this.update(id, { role: "manager" });
  }

  demote(id: string): Promise<Node> {
    return this.update(id, { role: "worker" });
  }

  /** Moves its tasks elsewhere and schedules no new ones. */
  drain(id: string): Promise<Node> {
    return this.update(id, { availability: "drain" });
  }

  activate(id: string): Promise<Node> {
    return this.update(id, { availability: "active" });
  }

  /** Keeps its tasks but schedules no new ones. */
  pause(id: string): Promise<Node> {
    return this.update(id, { availability: "pause" });
  }

  async remove(id: string, options: { force?: boolean } = {}): Promise<void> {
    await this.#api.raw("DELETE /nodes/{id}", {
      path: { id: await this.#resolve(id) },
      query: options.force ? { force: true } : undefined,
    });
  }

  /** The tasks scheduled on a node (`docker node ps`). */
  async ps(id: string, filters: TaskFilters = {}): Promise<Task[]> {
    return this.#tasks.list({ ...filters, node: await this.#resolve(id) });
  }
}
