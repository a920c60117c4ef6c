import { ApiError, type Transport, type TransportRequest } from "@flotilla/transport";
import {
  createBody,
  KINDS,
  type Kind,
  type Planned,
  pathOf,
  type Seeds,
  type Versioned,
} from "./burst-plan.js";

// Sending a burst of requests at once and reading the engine's state afterwards. Every request
// has its own deadline: one that does not answer in time is recorded as hung, never waited on.

/** No request of the burst may take longer than this; on the fake they take milliseconds. */
export const REQUEST_DEADLINE_MS = 15_000;

export interface Answer {
  status: number;
  body: unknown;
  /** The engine's message for an error status, or what went wrong on the way. */
  message?: string;
  hung?: boolean;
}

export async function send(transport: Transport, request: TransportRequest): Promise<Answer> {
  const signal = AbortSignal.timeout(REQUEST_DEADLINE_MS);
  try {
    const response = await transport.request({ ...request, signal });
    const text = await response.text();
    return { status: response.status, body: text.trim() === "" ? undefined : JSON.parse(text) };
  } catch (error) {
    if (error instanceof ApiError)
      return { status: error.status, body: undefined, message: error.engineMessage };
    return { status: 0, body: undefined, message: String(error), hung: signal.aborted };
  }
}

/** Sends the whole plan at once and waits for every answer. */
export async function sendAll(transport: Transport, plan: Planned[]): Promise<Answer[]> {
  return Promise.all(plan.map((p) => send(transport, p.request)));
}

async function ok<T>(transport: Transport, request: TransportRequest): Promise<T> {
  const answer = await send(transport, request);
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`${request.method} ${request.path}: ${answer.status} ${answer.message ?? ""}`);
  }
  return answer.body as T;
}

/** Creates the objects the burst works on, each named `${prefix}-seed-...`. */
export async function createSeeds(transport: Transport, prefix: string, image: string): Promise<Seeds> {
  const make = async (kind: Kind, group: string, count: number): Promise<string[]> =>
    Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const name = `${prefix}-seed-${group}-${kind}-${i}`;
        const created = await ok<{ ID?: string; Id?: string }>(transport, {
          method: "POST",
          path: `${pathOf(kind)}/create`,
          body: createBody(kind, name, image),
        });
        return (created.ID ?? created.Id)!;
      }),
    );
  const versioned = async (kind: Kind, ids: string[]): Promise<Versioned[]> =>
    Promise.all(
      ids.map(async (id) => {
        const doc = await ok<{ Version: { Index: number }; Spec: Record<string, unknown> }>(transport, {
          method: "GET",
          path: `${pathOf(kind)}/${id}`,
        });
        return { id, version: doc.Version.Index, spec: doc.Spec };
      }),
    );
  const inspect = Object.fromEntries(
    await Promise.all(KINDS.map(async (kind) => [kind, await make(kind, "inspect", 10)] as const)),
  ) as Record<Kind, string[]>;
  const removeCounts: Record<Kind, number> = { service: 10, secret: 10, config: 10, network: 5 };
  const remove = Object.fromEntries(
    await Promise.all(
      KINDS.map(async (kind) => [kind, await make(kind, "remove", removeCounts[kind])] as const),
    ),
  ) as Record<Kind, string[]>;
  return {
    image,
    inspect,
    update: {
      services: await versioned("service", await make("service", "update", 15)),
      secrets: await versioned("secret", await make("secret", "update", 15)),
      configs: await versioned("config", await make("config", "update", 15)),
    },
    contested: await versioned("service", await make("service", "contested", 10)),
    remove,
    removeTwice: await make("secret", "remove-twice", 5),
  };
}

interface Doc {
  ID?: string;
  Id?: string;
  Name?: string;
  Version?: { Index?: number };
  Spec?: { Name?: string; Labels?: Record<string, string> };
  ServiceID?: string;
  NodeID?: string;
}

export interface StateReport {
  docs: Record<Kind | "task" | "node", Doc[]>;
  /** Listed objects whose inspect did not answer 200 with the same ID. */
  notInspectable: string[];
  /** Names held by more than one object of a kind. */
  duplicateNames: string[];
  /** Version indexes held by more than one object (the fake gives each write its own). */
  duplicateVersions: number[];
  /** Tasks of a service or on a node that does not exist. */
  orphanTasks: string[];
  highestVersion: number;
}

const idOf = (doc: Doc) => (doc.ID ?? doc.Id)!;
const nameOf = (doc: Doc) => doc.Spec?.Name ?? doc.Name;

/** Everything the engine lists, checked against itself. */
export async function readState(transport: Transport): Promise<StateReport> {
  const list = (path: string) => ok<Doc[]>(transport, { method: "GET", path });
  const [service, secret, config, network, task, node] = await Promise.all(
    ["/services", "/secrets", "/configs", "/networks", "/tasks", "/nodes"].map(list),
  );
  const docs = {
    service: service!,
    secret: secret!,
    config: config!,
    network: network!,
    task: task!,
    node: node!,
  };
  const paths: Record<string, string> = {
    ...Object.fromEntries(KINDS.map((k) => [k, pathOf(k)])),
    task: "/tasks",
    node: "/nodes",
  };

  const notInspectable: string[] = [];
  await Promise.all(
    Object.entries(docs).flatMap(([kind, list]) =>
      list.map(async (doc) => {
        const answer = await send(transport, { method: "GET", path: `${paths[kind]}/${idOf(doc)}` });
        if (answer.status !== 200 || idOf(answer.body as Doc) !== idOf(doc)) {
          notInspectable.push(`${kind} ${idOf(doc)}: ${answer.status} ${answer.message ?? ""}`);
        }
      }),
    ),
  );

  const duplicateNames: string[] = [];
  for (const kind of KINDS) {
    const seen = new Set<string>();
    for (const doc of docs[kind]) {
      const name = nameOf(doc) ?? "";
      if (seen.has(name)) duplicateNames.push(`${kind} ${name}`);
      seen.add(name);
    }
  }

  const versions = new Map<number, number>();
  for (const list of [docs.service, docs.secret, docs.config, docs.task, docs.node]) {
    for (const doc of list) {
      const index = doc.Version?.Index;
      if (index !== undefined) versions.set(index, (versions.get(index) ?? 0) + 1);
    }
  }
  const duplicateVersions = [...versions].filter(([, n]) => n > 1).map(([index]) => index);

  const services = new Set(docs.service.map(idOf));
  const nodes = new Set(docs.node.map(idOf));
  const orphanTasks = docs.task
    .filter((t) => !services.has(t.ServiceID ?? "") || (t.NodeID && !nodes.has(t.NodeID)))
    .map((t) => `task ${idOf(t)} of service ${t.ServiceID} on node ${t.NodeID ?? "-"}`);

  return {
    docs,
    notInspectable,
    duplicateNames,
    duplicateVersions,
    orphanTasks,
    highestVersion: Math.max(0, ...versions.keys()),
  };
}
