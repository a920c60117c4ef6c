import type { TransportRequest } from "@flotilla/transport";

// The mix of requests a burst sends all at once: creates with unique names, updates at known
// versions, inspects, lists and deletes, each of an object no other request of the burst touches,
// so every one has one right answer whatever order the engine takes them in. Conflict groups are
// the exception on purpose: several requests that only one may win (the same name created again,
// the same version updated twice, the same object deleted twice).

export type Kind = "service" | "secret" | "config" | "network";
export const KINDS: readonly Kind[] = ["service", "secret", "config", "network"];

/** Objects created before the burst, split by what the burst does to them. */
export interface Seeds {
  image: string;
  /** Each inspected (and its tasks listed) during the burst. */
  inspect: Record<Kind, string[]>;
  /** Each updated once, at the version it has now. */
  update: { services: Versioned[]; secrets: Versioned[]; configs: Versioned[] };
  /** Each updated several times at once at the same version: one wins. */
  contested: Versioned[];
  /** Each deleted once. */
  remove: Record<Kind, string[]>;
  /** Each deleted twice at once: one wins, the other finds it gone. */
  removeTwice: string[];
}

export interface Versioned {
  id: string;
  version: number;
  /** The spec to send back with a change. */
  spec: Record<string, unknown>;
}

export interface Planned {
  /** What the request does, for failure messages: `create service load-...`. */
  what: string;
  request: TransportRequest;
  /** The status a lone request gets. */
  status: number;
  /** Set for a conflict group: of its members exactly one gets `status`, the rest `conflict`. */
  group?: { id: string; conflict: number; message: RegExp };
  /** A create or delete that counts toward the number of objects of its kind. */
  counts?: { kind: Kind; change: 1 | -1 };
}

export const BURST_SIZE = 1000;
const SAME_NAME_TIMES = 4;
const SAME_VERSION_TIMES = 3;

const PATHS: Record<Kind, string> = {
  service: "/services",
  secret: "/secrets",
  config: "/configs",
  network: "/networks",
};

export function createBody(kind: Kind, name: string, image: string, labels: Record<string, string> = {}) {
  const data = Buffer.from(`data of ${name}`).toString("base64");
  switch (kind) {
    case "service":
      return {
        Name: name,
        Labels: labels,
        TaskTemplate: { ContainerSpec: { Image: image } },
        Mode: { Replicated: { Replicas: 1 } },
      };
    case "secret":
    case "config":
      return { Name: name, Labels: labels, Data: data };
    case "network":
      return { Name: name, Labels: labels, Driver: "overlay", CheckDuplicate: true };
  }
}

function create(kind: Kind, name: string, image: string): Planned {
  return {
    what: `create ${kind} ${name}`,
    request: { method: "POST", path: `${PATHS[kind]}/create`, body: createBody(kind, name, image) },
    status: 201,
    counts: { kind, change: 1 },
  };
}

function remove(kind: Kind, id: string): Planned {
  // dockerd answers a service delete with 200 and the others with 204.
  const status = kind === "service" ? 200 : 204;
  return {
    what: `delete ${kind} ${id}`,
    request: { method: "DELETE", path: `${PATHS[kind]}/${id}` },
    status,
    counts: { kind, change: -1 },
  };
}

function update(kind: "service" | "secret" | "config", target: Versioned, label: string): Planned {
  const spec = { ...target.spec, Labels: { ...(target.spec.Labels as object), [label]: "1" } };
  return {
    what: `update ${kind} ${target.id} at version ${target.version}`,
    request: {
      method: "POST",
      path: `${PATHS[kind]}/${target.id}/update`,
      query: { version: target.version },
      body: spec,
    },
    status: 200,
  };
}

const get = (what: string, path: string, query?: TransportRequest["query"]): Planned => ({
  what,
  request: { method: "GET", path, query },
  status: 200,
});

/** The label each update of the burst adds, so the test can see that it landed. */
export const UPDATED_LABEL = "load.burst-updated";

/** The burst's requests, shuffled with `seed`; names start with `prefix`. */
export function planBurst(seeds: Seeds, prefix: string, seed: number): Planned[] {
  const plan: Planned[] = [];
  // Creates of unique names: 60 services, 50 secrets, 50 configs, 40 networks.
  const creates: Record<Kind, number> = { service: 60, secret: 50, config: 50, network: 40 };
  for (const kind of KINDS) {
    for (let i = 0; i < creates[kind]; i++) plan.push(create(kind, `${prefix}-${kind}-${i}`, seeds.image));
  }
  // The same name created several times at once: one 201, the rest 409.
  for (let i = 0; i < 24; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const name = `${prefix}-same-${kind}-${i}`;
    for (let n = 0; n < SAME_NAME_TIMES; n++) {
      plan.push({
        ...create(kind, name, seeds.image),
        group: { id: name, conflict: 409, message: /already exists/ },
      });
    }
  }
  for (const target of seeds.update.services) plan.push(update("service", target, UPDATED_LABEL));
  for (const target of seeds.update.secrets) plan.push(update("secret", target, UPDATED_LABEL));
  for (const target of seeds.update.configs) plan.push(update("config", target, UPDATED_LABEL));
  // The same version updated several times at once: one 200, the rest "out of sequence".
  for (const target of seeds.contested) {
    for (let n = 0; n < SAME_VERSION_TIMES; n++) {
      plan.push({
        ...update("service", target, `${UPDATED_LABEL}-${n}`),
        group: {
          id: `update ${target.id}`,
          conflict: 500,
          message: /^rpc error: code = Unknown desc = update out of sequence$/,
        },
      });
    }
  }
  for (const kind of KINDS) for (const id of seeds.remove[kind]) plan.push(remove(kind, id));
  for (const id of seeds.removeTwice) {
    for (let n = 0; n < 2; n++) {
      plan.push({
        ...remove("secret", id),
        group: { id: `delete ${id}`, conflict: 404, message: /^secret .* not found$/ },
      });
    }
  }
  for (const kind of KINDS) {
    for (const id of seeds.inspect[kind]) plan.push(get(`inspect ${kind} ${id}`, `${PATHS[kind]}/${id}`));
  }
  for (const id of seeds.inspect.service) {
    plan.push(get(`tasks of ${id}`, "/tasks", { filters: { service: [id] } }));
  }
  // Lists fill the rest, round the kinds and the swarm's other lists.
  const lists = ["/services", "/secrets", "/configs", "/networks", "/tasks", "/nodes", "/info", "/swarm"];
  for (let i = 0; plan.length < BURST_SIZE; i++) {
    const path = lists[i % lists.length]!;
    plan.push(get(`list ${path}`, path, path === "/services" ? { status: true } : undefined));
  }
  if (plan.length !== BURST_SIZE) throw new Error(`the plan has ${plan.length} requests, not ${BURST_SIZE}`);
  return shuffle(plan, seed);
}

/** Fisher–Yates with a small fixed generator: the same seed gives the same order. */
function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export function pathOf(kind: Kind): string {
  return PATHS[kind];
}
