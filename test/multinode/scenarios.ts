import type { Client, Service, ServiceOptions, Task } from "@flotilla/client";
import { expect } from "vitest";
import type { MultiNodeTarget, SwarmShape } from "./target.js";

// What happens to tasks when a swarm has several nodes, told as scenarios that run unchanged on
// the real swarm and on the fake. Each scenario records where things ended up in terms both can
// share (hostnames, counts per node, states and messages, never IDs or times), so the two records
// can be compared; `expectations` says what the engine does, and holds for any shape of swarm
// with at least two managers and one worker.

/** What a scenario saw: plain data, compared as a whole between the engine and the fake. */
export type Outcome = Record<string, unknown>;

export interface Scenario {
  name: string;
  /** How long it may take on the engine (the fake needs no time). */
  timeoutMs: number;
  run(target: MultiNodeTarget): Promise<Outcome>;
  expectations(outcome: Outcome, shape: SwarmShape): void;
}

const RUNS = { command: "sleep 3600", stopGracePeriod: "1s" } satisfies ServiceOptions;
/** A label no test leaves behind on a node: the spread scenario sets and removes it. */
const ZONE_LABEL = "flotilla.test.zone";

let counter = 0;
function uniqueName(scenario: string): string {
  return `mn-${scenario}-${Date.now().toString(36)}-${++counter}`;
}

const everyNode = (shape: SwarmShape) => [...shape.managers, ...shape.workers];

/** Node ID to hostname, for turning task placements into something both swarms share. */
async function hostnames(client: Client): Promise<Map<string, string>> {
  const nodes = await client.nodes.list();
  return new Map(nodes.map((n) => [n.id, n.attrs.Description?.Hostname ?? ""]));
}

async function nodeId(client: Client, hostname: string): Promise<string> {
  const [node] = await client.nodes.list({ name: hostname });
  if (!node) throw new Error(`no node named ${hostname}`);
  return node.id;
}

const isRunning = (t: Task) => t.desiredState === "running" && t.state === "running";

/** Running tasks per hostname, with every node listed (0 where none run), in hostname order. */
function perNode(tasks: Task[], hosts: Map<string, string>, shape: SwarmShape): Record<string, number> {
  const counts = Object.fromEntries(everyNode(shape).map((h) => [h, 0]));
  for (const task of tasks.filter(isRunning)) {
    const host = hosts.get(task.attrs.NodeID ?? "") ?? "(no node)";
    counts[host] = (counts[host] ?? 0) + 1;
  }
  return counts;
}

/** Counts alone, largest first: where the engine breaks a tie is its own business. */
const sortedCounts = (counts: Record<string, number>) => Object.values(counts).sort((a, b) => b - a);

/** `desired/observed` of each task, sorted: how a task ended, without IDs. */
const states = (tasks: Task[]) => tasks.map((t) => `${t.desiredState}/${t.state}`).sort();
const messages = (tasks: Task[]) => tasks.map((t) => t.attrs.Status?.Message ?? "").sort();

async function withServices<T>(body: (created: Service[]) => Promise<T>): Promise<T> {
  const created: Service[] = [];
  try {
    return await body(created);
  } finally {
    for (const service of created) await service.remove().catch(() => undefined);
  }
}

export const spread: Scenario = {
  name: "replicated tasks spread evenly over every node, and node ps lists each node's share",
  timeoutMs: 60_000,
  async run(t) {
    const client = t.client();
    const replicas = 2 * everyNode(t.shape).length;
    return withServices(async (created) => {
      const svc = await client.services.create(t.image, { ...RUNS, name: uniqueName("spread"), replicas });
      created.push(svc);
      const tasks = await t.until(
        () => svc.tasks(),
        (ts) => ts.filter(isRunning).length === replicas,
        45_000,
      );
      const hosts = await hostnames(client);
      const ps: Record<string, number> = {};
      for (const [id, host] of hosts) {
        ps[host] = (await client.nodes.ps(id, { service: svc.id })).filter(isRunning).length;
      }
      return { perNode: perNode(tasks ?? [], hosts, t.shape), ps: sortKeys(ps) };
    });
  },
  expectations(o, shape) {
    const two = Object.fromEntries(everyNode(shape).map((h) => [h, 2]));
    expect(o.perNode).toEqual(two);
    expect(o.ps).toEqual(two);
  },
};

export const constraints: Scenario = {
  name: "placement constraints choose the nodes, and a task no node satisfies stays pending with the reason",
  timeoutMs: 60_000,
  async run(t) {
    const client = t.client();
    const [first] = t.shape.managers;
    return withServices(async (created) => {
      const onWorkers = await client.services.create(t.image, {
        ...RUNS,
        name: uniqueName("workers"),
        replicas: 2,
        constraints: ["node.role==worker"],
      });
      const notFirst = await client.services.create(t.image, {
        ...RUNS,
        name: uniqueName("not-first"),
        replicas: everyNode(t.shape).length - 1,
        constraints: [`node.hostname!=${first}`],
      });
      const nowhere = await client.services.create(t.image, {
        ...RUNS,
        name: uniqueName("nowhere"),
        replicas: 1,
        constraints: ["node.labels.flotilla.test.nowhere==yes"],
      });
      const onePerNode = await client.services.create(t.image, {
        ...RUNS,
        name: uniqueName("one-per-node"),
        replicas: everyNode(t.shape).length + 1,
        maxReplicas: 1,
      });
      created.push(onWorkers, notFirst, nowhere, onePerNode);
      const read = async () => ({
        onWorkers: await onWorkers.tasks(),
        notFirst: await notFirst.tasks(),
        nowhere: await nowhere.tasks(),
        onePerNode: await onePerNode.tasks(),
      });
      const seen = await t.until(
        read,
        (r) =>
          r.onWorkers.filter(isRunning).length === 2 &&
          r.notFirst.filter(isRunning).length === everyNode(t.shape).length - 1 &&
          r.nowhere.some((task) => task.attrs.Status?.Err) &&
          r.onePerNode.filter(isRunning).length === everyNode(t.shape).length &&
          r.onePerNode.some((task) => task.attrs.Status?.Err),
        45_000,
      );
      const hosts = await hostnames(client);
      const unplaced = seen?.nowhere[0]?.attrs;
      return {
        onWorkers: perNode(seen?.onWorkers ?? [], hosts, t.shape),
        notFirst: perNode(seen?.notFirst ?? [], hosts, t.shape),
        nowhere: {
          state: unplaced?.Status?.State,
          message: unplaced?.Status?.Message,
          err: unplaced?.Status?.Err,
          node: unplaced?.NodeID ?? "",
        },
        onePerNode: {
          running: perNode(seen?.onePerNode ?? [], hosts, t.shape),
          unplaced: (seen?.onePerNode ?? [])
            .filter((task) => !task.attrs.NodeID)
            .map((task) => `${task.state}: ${task.attrs.Status?.Err}`),
        },
      };
    });
  },
  expectations(o, shape) {
    const only = (hosts: string[], n: number) =>
      Object.fromEntries(everyNode(shape).map((h) => [h, hosts.includes(h) ? n : 0]));
    // Two workers or more share the two tasks; one worker takes both.
    if (shape.workers.length === 1) expect(o.onWorkers).toEqual(only(shape.workers, 2));
    expect(o.notFirst).toEqual(only(everyNode(shape).slice(1), 1));
    expect(o.nowhere).toEqual({
      state: "pending",
      message: "pending task scheduling",
      err: `no suitable node (scheduling constraints not satisfied on ${everyNode(shape).length} nodes)`,
      node: "",
    });
    expect(o.onePerNode).toEqual({
      running: Object.fromEntries(everyNode(shape).map((h) => [h, 1])),
      unplaced: ["pending: no suitable node (max replicas per node limit exceed)"],
    });
  },
};

export const preferences: Scenario = {
  name: "a spread preference shares tasks between label values before nodes",
  timeoutMs: 60_000,
  async run(t) {
    const client = t.client();
    const [alone, ...rest] = everyNode(t.shape);
    const replicas = 2 * rest.length;
    const labelled: string[] = [];
    try {
      // One node in zone a, all the others in zone b: half the tasks go to the lone node.
      for (const [host, zone] of [[alone!, "a"], ...rest.map((h) => [h, "b"])] as const) {
        const id = await nodeId(client, host);
        labelled.push(id);
        await client.nodes.update(id, { labelsAdd: { [ZONE_LABEL]: zone } });
      }
      return await withServices(async (created) => {
        const svc = await client.services.create(t.image, {
          ...RUNS,
          name: uniqueName("zones"),
          replicas,
          preferences: [{ spread: `node.labels.${ZONE_LABEL}` }],
        });
        created.push(svc);
        const tasks = await t.until(
          () => svc.tasks(),
          (ts) => ts.filter(isRunning).length === replicas,
          45_000,
        );
        return { perNode: perNode(tasks ?? [], await hostnames(client), t.shape) };
      });
    } finally {
      for (const id of labelled)
        await client.nodes.update(id, { labelsRemove: [ZONE_LABEL] }).catch(() => undefined);
    }
  },
  expectations(o, shape) {
    const [alone, ...rest] = everyNode(shape);
    expect(o.perNode).toEqual(Object.fromEntries([[alone, rest.length], ...rest.map((h) => [h, 1])]));
  },
};

export const global: Scenario = {
  name: "a global service runs one task on every node, or on every node its constraints allow",
  timeoutMs: 60_000,
  async run(t) {
    const client = t.client();
    return withServices(async (created) => {
      const everywhere = await client.services.create(t.image, {
        ...RUNS,
        name: uniqueName("global"),
        mode: "global",
      });
      const managers = await client.services.create(t.image, {
        ...RUNS,
        name: uniqueName("global-managers"),
        mode: "global",
        constraints: ["node.role==manager"],
      });
      created.push(everywhere, managers);
      const n = everyNode(t.shape).length;
      const seen = await t.until(
        async () => ({ everywhere: await everywhere.tasks(), managers: await managers.tasks() }),
        (r) =>
          r.everywhere.filter(isRunning).length === n &&
          r.managers.filter(isRunning).length === t.shape.managers.length,
        45_000,
      );
      const hosts = await hostnames(client);
      return {
        everywhere: perNode(seen?.everywhere ?? [], hosts, t.shape),
        managers: perNode(seen?.managers ?? [], hosts, t.shape),
        // Tasks of a global service have no slot.
        slots: [...(seen?.everywhere ?? []), ...(seen?.managers ?? [])].map((task) => task.attrs.Slot ?? 0),
      };
    });
  },
  expectations(o, shape) {
    expect(o.everywhere).toEqual(Object.fromEntries(everyNode(shape).map((h) => [h, 1])));
    expect(o.managers).toEqual(
      Object.fromEntries(everyNode(shape).map((h) => [h, shape.managers.includes(h) ? 1 : 0])),
    );
    expect(new Set(o.slots as number[])).toEqual(new Set([0]));
  },
};

export const drain: Scenario = {
  name: "draining a node moves its replicated tasks elsewhere and stops its global task",
  timeoutMs: 90_000,
  async run(t) {
    const client = t.client();
    const worker = t.shape.workers[0]!;
    const workerId = await nodeId(client, worker);
    const n = everyNode(t.shape).length;
    try {
      return await withServices(async (created) => {
        const replicated = await client.services.create(t.image, {
          ...RUNS,
          name: uniqueName("drain-r"),
          replicas: n,
        });
        const global = await client.services.create(t.image, {
          ...RUNS,
          name: uniqueName("drain-g"),
          mode: "global",
        });
        created.push(replicated, global);
        const read = async () => ({ replicated: await replicated.tasks(), global: await global.tasks() });
        const before = await t.until(
          read,
          (r) => r.replicated.filter(isRunning).length === n && r.global.filter(isRunning).length === n,
          45_000,
        );
        const hosts = await hostnames(client);
        const onWorker = (ts: Task[]) => ts.filter((task) => task.attrs.NodeID === workerId);
        const beforeOnWorker = before ? onWorker(before.replicated).filter(isRunning).length : -1;

        await client.nodes.drain(workerId);
        const after = await t.until(
          read,
          (r) =>
            r.replicated.filter(isRunning).length === n &&
            r.global.filter(isRunning).length === n - 1 &&
            [...onWorker(r.replicated), ...onWorker(r.global)].every((task) => task.state === "shutdown"),
          45_000,
        );
        const availability = (await client.nodes.get(workerId)).attrs.Spec?.Availability;
        // A task that may only run on the drained node has nowhere to go, and says why.
        const pinned = await client.services.create(t.image, {
          ...RUNS,
          name: uniqueName("drain-pinned"),
          replicas: 1,
          constraints: [`node.hostname==${worker}`],
        });
        created.push(pinned);
        const unplaced = await t.until(
          () => pinned.tasks(),
          (ts) => ts.some((task) => task.attrs.Status?.Err),
          20_000,
        );

        await client.nodes.activate(workerId);
        const reactivated = await t.until(
          async () => ({ ...(await read()), pinned: await pinned.tasks() }),
          (r) => r.global.filter(isRunning).length === n && r.pinned.filter(isRunning).length === 1,
          30_000,
        );
        return {
          beforeOnWorker,
          availability,
          replicated: sortedCounts(perNode(after?.replicated ?? [], hosts, t.shape)),
          replicatedOnWorker: perNode(after?.replicated ?? [], hosts, t.shape)[worker],
          global: perNode(after?.global ?? [], hosts, t.shape),
          drainedTasks: {
            replicated: states(onWorker(after?.replicated ?? [])),
            global: states(onWorker(after?.global ?? [])),
            messages: messages([...onWorker(after?.replicated ?? []), ...onWorker(after?.global ?? [])]),
          },
          pinned: (unplaced ?? []).map((task) => `${task.state}: ${task.attrs.Status?.Err}`),
          afterActivate: {
            global: perNode(reactivated?.global ?? [], hosts, t.shape),
            // Active again, the node gets new tasks only; the replicated ones stay where they went.
            replicatedOnWorker: perNode(reactivated?.replicated ?? [], hosts, t.shape)[worker],
            pinned: perNode(reactivated?.pinned ?? [], hosts, t.shape)[worker],
          },
        };
      });
    } finally {
      await client.nodes.activate(workerId).catch(() => undefined);
    }
  },
  expectations(o, shape) {
    const n = everyNode(shape).length;
    const worker = shape.workers[0]!;
    expect(o.beforeOnWorker).toBe(1);
    expect(o.availability).toBe("drain");
    expect(o.replicated).toEqual([2, ...Array(n - 2).fill(1), 0]);
    expect(o.replicatedOnWorker).toBe(0);
    expect(o.global).toEqual(Object.fromEntries(everyNode(shape).map((h) => [h, h === worker ? 0 : 1])));
    expect(o.drainedTasks).toEqual({
      replicated: ["shutdown/shutdown"],
      global: ["shutdown/shutdown"],
      messages: ["shutdown", "shutdown"],
    });
    expect(o.pinned).toEqual([
      // swarmkit lists the reasons by how many nodes each rules out, most first.
      `pending: no suitable node (scheduling constraints not satisfied on ${n - 1} nodes; 1 node not available for new tasks)`,
    ]);
    expect(o.afterActivate).toEqual({
      global: Object.fromEntries(everyNode(shape).map((h) => [h, 1])),
      replicatedOnWorker: 0,
      pinned: 1,
    });
  },
};

export const pause: Scenario = {
  name: "a paused node keeps its tasks but is given no new ones",
  timeoutMs: 60_000,
  async run(t) {
    const client = t.client();
    const worker = t.shape.workers[0]!;
    const workerId = await nodeId(client, worker);
    const n = everyNode(t.shape).length;
    try {
      return await withServices(async (created) => {
        const old = await client.services.create(t.image, {
          ...RUNS,
          name: uniqueName("pause-old"),
          replicas: n,
        });
        created.push(old);
        await t.until(
          () => old.tasks(),
          (ts) => ts.filter(isRunning).length === n,
          45_000,
        );
        await client.nodes.pause(workerId);
        const fresh = await client.services.create(t.image, {
          ...RUNS,
          name: uniqueName("pause-new"),
          replicas: n,
        });
        const global = await client.services.create(t.image, {
          ...RUNS,
          name: uniqueName("pause-g"),
          mode: "global",
        });
        created.push(fresh, global);
        const seen = await t.until(
          async () => ({ old: await old.tasks(), fresh: await fresh.tasks(), global: await global.tasks() }),
          (r) =>
            r.fresh.filter(isRunning).length === n &&
            r.global.filter(isRunning).length === n - 1 &&
            r.old.filter(isRunning).length === n,
          45_000,
        );
        const hosts = await hostnames(client);
        return {
          old: perNode(seen?.old ?? [], hosts, t.shape),
          fresh: sortedCounts(perNode(seen?.fresh ?? [], hosts, t.shape)),
          freshOnWorker: perNode(seen?.fresh ?? [], hosts, t.shape)[worker],
          global: perNode(seen?.global ?? [], hosts, t.shape),
        };
      });
    } finally {
      await client.nodes.activate(workerId).catch(() => undefined);
    }
  },
  expectations(o, shape) {
    const n = everyNode(shape).length;
    const worker = shape.workers[0]!;
    expect(o.old).toEqual(Object.fromEntries(everyNode(shape).map((h) => [h, 1])));
    expect(o.fresh).toEqual([2, ...Array(n - 2).fill(1), 0]);
    expect(o.freshOnWorker).toBe(0);
    expect(o.global).toEqual(Object.fromEntries(everyNode(shape).map((h) => [h, h === worker ? 0 : 1])));
  },
};

export const workerLost: Scenario = {
  name: "a worker whose engine stops goes down, and its tasks are replaced on the other nodes",
  timeoutMs: 120_000,
  async run(t) {
    const client = t.client();
    const worker = t.shape.workers[0]!;
    const workerId = await nodeId(client, worker);
    const n = everyNode(t.shape).length;
    let stopped = false;
    try {
      return await withServices(async (created) => {
        const replicated = await client.services.create(t.image, {
          ...RUNS,
          name: uniqueName("lost-r"),
          replicas: n,
        });
        const global = await client.services.create(t.image, {
          ...RUNS,
          name: uniqueName("lost-g"),
          mode: "global",
        });
        created.push(replicated, global);
        const read = async () => ({
          node: (await client.nodes.get(workerId)).attrs,
          replicated: await replicated.tasks(),
          global: await global.tasks(),
        });
        const before = await t.until(
          read,
          (r) => r.replicated.filter(isRunning).length === n && r.global.filter(isRunning).length === n,
          45_000,
        );
        const onWorker = (ts: Task[]) => ts.filter((task) => task.attrs.NodeID === workerId);
        const lostSlot = before ? onWorker(before.replicated)[0]?.attrs.Slot : undefined;

        await t.stopEngine(worker);
        stopped = true;
        // Down after a few missed heartbeats; the replacement waits out the restart delay (5s).
        const down = await t.until(
          read,
          (r) => r.node.Status?.State === "down" && r.replicated.filter(isRunning).length === n,
          60_000,
        );
        const hosts = await hostnames(client);
        const downOutcome = {
          node: { state: down?.node.Status?.State, message: down?.node.Status?.Message },
          lostTasks: {
            replicated: states(onWorker(down?.replicated ?? [])),
            global: states(onWorker(down?.global ?? [])),
            messages: messages([...onWorker(down?.replicated ?? []), ...onWorker(down?.global ?? [])]),
          },
          replicated: sortedCounts(perNode(down?.replicated ?? [], hosts, t.shape)),
          replacementSlot: (down?.replicated ?? []).find(
            (task) => isRunning(task) && task.attrs.NodeID !== workerId && task.attrs.Slot === lostSlot,
          )
            ? "same slot"
            : "another slot",
          global: perNode(down?.global ?? [], hosts, t.shape),
        };

        await t.restartEngines();
        stopped = false;
        const back = await t.until(
          read,
          (r) =>
            r.node.Status?.State === "ready" &&
            r.global.filter(isRunning).length === n &&
            onWorker(r.replicated).every((task) => task.state !== "running"),
          60_000,
        );
        return {
          ...downOutcome,
          afterReturn: {
            node: back?.node.Status?.State,
            lostTasks: states(onWorker(back?.replicated ?? [])),
            lostMessages: messages(onWorker(back?.replicated ?? [])),
            global: perNode(back?.global ?? [], hosts, t.shape),
            globalOnWorker: states(onWorker(back?.global ?? [])),
          },
        };
      });
    } finally {
      if (stopped) await t.restartEngines();
    }
  },
  expectations(o, shape) {
    const n = everyNode(shape).length;
    const worker = shape.workers[0]!;
    expect(o.node).toEqual({ state: "down", message: "heartbeat failure" });
    // Nobody is left to stop the lost containers or report them stopped: they stay "running" as
    // last reported, only their desired state says they are gone.
    expect(o.lostTasks).toEqual({
      replicated: ["shutdown/running"],
      global: ["shutdown/running"],
      messages: ["started", "started"],
    });
    expect(o.replicated).toEqual([2, ...Array(n - 2).fill(1), 0]);
    expect(o.replacementSlot).toBe("same slot");
    expect(o.global).toEqual(Object.fromEntries(everyNode(shape).map((h) => [h, h === worker ? 0 : 1])));
    // Back, its agent reports the old tasks shut down, and the global service runs there again.
    expect(o.afterReturn).toEqual({
      node: "ready",
      lostTasks: ["shutdown/shutdown"],
      lostMessages: ["shutdown"],
      global: Object.fromEntries(everyNode(shape).map((h) => [h, 1])),
      globalOnWorker: ["running/running", "shutdown/shutdown"],
    });
  },
};

export const leaderLost: Scenario = {
  name: "when the leader's engine stops, another manager is elected and the API keeps answering through it",
  timeoutMs: 180_000,
  async run(t) {
    const first = t.client();
    const leaderNode = (await first.nodes.list()).find((node) => node.attrs.ManagerStatus?.Leader);
    const leader = leaderNode?.attrs.Description?.Hostname ?? "";
    const other = t.shape.managers.find((h) => h !== leader)!;
    const client = t.client(other);
    let stopped = false;
    try {
      return await withServices(async (created) => {
        const before = await client.services.create(t.image, {
          ...RUNS,
          name: uniqueName("before"),
          replicas: 2,
        });
        created.push(before);
        await t.until(
          () => before.tasks(),
          (ts) => ts.filter(isRunning).length === 2,
          45_000,
        );

        await t.stopEngine(leader);
        stopped = true;
        // A raft election takes 10 to 30 seconds at swarmkit's default ticks.
        const nodes = await t.until(
          () => client.nodes.list(),
          (ns) => {
            const now = ns.find((n) => n.attrs.ManagerStatus?.Leader)?.attrs.Description?.Hostname;
            const old = ns.find((n) => n.id === leaderNode?.id)?.attrs;
            return (
              now !== undefined &&
              now !== leader &&
              old?.ManagerStatus?.Reachability === "unreachable" &&
              old.Status?.State === "down"
            );
          },
          90_000,
        );
        const newLeader = nodes?.find((n) => n.attrs.ManagerStatus?.Leader)?.attrs.Description?.Hostname;
        const old = nodes?.find((n) => n.id === leaderNode?.id)?.attrs;

        // The swarm still works: a new service runs, and the old one is whole again.
        const after = await client.services.create(t.image, {
          ...RUNS,
          name: uniqueName("after"),
          replicas: 2,
        });
        created.push(after);
        const running = await t.until(
          async () => ({ before: await before.tasks(), after: await after.tasks() }),
          (r) => r.before.filter(isRunning).length === 2 && r.after.filter(isRunning).length === 2,
          45_000,
        );
        return {
          leaderWasAManager: t.shape.managers.includes(leader),
          newLeader:
            newLeader === undefined ? "none" : newLeader === leader ? "the stopped one" : "another manager",
          oldLeader: {
            reachability: old?.ManagerStatus?.Reachability,
            state: old?.Status?.State,
            leader: old?.ManagerStatus?.Leader ?? false,
          },
          running: {
            before: running?.before.filter(isRunning).length,
            after: running?.after.filter(isRunning).length,
          },
        };
      });
    } finally {
      if (stopped) await t.restartEngines();
    }
  },
  expectations(o) {
    expect(o).toEqual({
      leaderWasAManager: true,
      newLeader: "another manager",
      oldLeader: { reachability: "unreachable", state: "down", leader: false },
      running: { before: 2, after: 2 },
    });
  },
};

export const logs: Scenario = {
  name: "service logs gather the lines of tasks on every node, each naming its node",
  timeoutMs: 60_000,
  async run(t) {
    const client = t.client();
    const n = everyNode(t.shape).length;
    return withServices(async (created) => {
      const svc = await client.services.create(t.image, {
        ...RUNS,
        name: uniqueName("logs"),
        replicas: n,
        env: { NODE: "{{.Node.Hostname}}" },
        command: ["sh", "-c", 'echo "hello from $NODE"; sleep 3600'],
      });
      created.push(svc);
      await t.until(
        () => svc.tasks(),
        (ts) => ts.filter(isRunning).length === n,
        45_000,
      );
      const hosts = await hostnames(client);
      const read = async () => {
        const lines: string[] = [];
        for await (const line of svc.logs())
          lines.push(`${hosts.get(line.nodeId ?? "") ?? "?"}: ${line.line}`);
        return lines.sort();
      };
      const lines = await t.until(read, (ls) => ls.length >= n, 30_000);
      return { lines };
    });
  },
  expectations(o, shape) {
    expect(o.lines).toEqual(everyNode(shape).map((h) => `${h}: hello from ${h}`));
  },
};

/** In the order they run: the ones that stop engines last, so a failure there spoils nothing else. */
export const SCENARIOS: Record<string, Scenario> = {
  spread,
  constraints,
  preferences,
  global,
  drain,
  pause,
  logs,
  workerLost,
  leaderLost,
};

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
