import Docker from "dockerode";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";
import { attempt } from "./helpers.js";

// /version, /info and /events on the real engine and on the fake, through dockerode: the same
// fields, and the same swarm events (type, action, attributes, order) for the same calls.

const engine = inject("engine");
const scratch = engine?.scratch.differential;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `docker swarm init --advertise-addr 127.0.0.1` sends (docker CLI 28), and one with a pool. */
const CLI_INIT = {
  ListenAddr: "0.0.0.0:2377",
  AdvertiseAddr: "127.0.0.1",
  DataPathAddr: "",
  DataPathPort: 0,
  Spec: { Orchestration: {}, Raft: {}, Dispatcher: {}, CAConfig: {}, EncryptionConfig: {} },
  DefaultAddrPool: [],
  SubnetSize: 24,
};
const INIT_REQUESTS: [string, Record<string, unknown>][] = [
  ["docker swarm init --advertise-addr 127.0.0.1", CLI_INIT],
  [
    "a pool, a subnet size and a data path port",
    { ...CLI_INIT, DefaultAddrPool: ["10.20.0.0/16"], SubnetSize: 26, DataPathPort: 5000 },
  ],
];

/** Inits a swarm with `request`, reads /info, and leaves the swarm again. */
async function infoInSwarm(docker: Docker, request: Record<string, unknown>) {
  // A run that died may have left the scratch engine in a swarm.
  await leaveSettled(docker);
  await docker.swarmInit(request);
  try {
    return (await docker.info()) as Record<string, unknown>;
  } finally {
    await leaveSettled(docker);
  }
}

/** Leaves, then waits (bounded) for the old ingress to go, which Docker 20.10 does after answering. */
async function leaveSettled(docker: Docker): Promise<void> {
  await attempt(() => docker.swarmLeave({ force: true }));
  for (let waited = 0; waited < 15_000; waited += 100) {
    if ((await docker.listNetworks({ filters: { name: ["ingress"] } })).length === 0) return;
    await sleep(100);
  }
}

/** The values in /info that come from the init request. */
function swarmLevel(info: Record<string, unknown>) {
  const swarm = info.Swarm as {
    NodeAddr: string;
    RemoteManagers: { Addr: string }[];
    Cluster: Record<string, unknown>;
  };
  const { DefaultAddrPool, SubnetSize, DataPathPort, Spec } = swarm.Cluster;
  return {
    NodeAddr: swarm.NodeAddr,
    managers: swarm.RemoteManagers.map((m) => m.Addr),
    DefaultAddrPool,
    SubnetSize,
    DataPathPort,
    Spec,
  };
}

/** Every key path in a JSON value, with the JSON type at its end: what a client can read. */
function shape(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return [`${path}: array`];
  if (value === null) return [`${path}: null`];
  if (typeof value !== "object") return [`${path}: ${typeof value}`];
  return Object.entries(value).flatMap(([k, v]) => shape(v, `${path}.${k}`));
}

interface Event {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: string;
  time: number;
  timeNano: number;
}

async function readEvents(docker: Docker, options: Record<string, unknown>): Promise<Event[]> {
  const stream = (await docker.getEvents(options as object)) as NodeJS.ReadableStream;
  let text = "";
  for await (const chunk of stream) text += chunk.toString();
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Event);
}

/** Service, secret, config and network calls; returns the events they caused, masked. */
async function session(docker: Docker, prefix: string, images: { current: string; next: string }) {
  // `since` and `until` in the server's own clock, as a client should give them: the fake's real
  // clock moves in ticks, and can trail the wall clock under load.
  const serverSeconds = async () =>
    Math.floor(Date.parse(((await docker.info()) as { SystemTime: string }).SystemTime) / 1000);
  const since = await serverSeconds();
  const removals: (() => Promise<unknown>)[] = [];
  const name = (s: string) => `${prefix}-${s}`;
  try {
    const secret = await docker.createSecret({
      Name: name("sec"),
      Data: Buffer.from("x").toString("base64"),
    });
    removals.push(() => docker.getSecret(secret.id).remove());
    const config = await docker.createConfig({
      Name: name("cfg"),
      Data: Buffer.from("y").toString("base64"),
    });
    removals.push(() => docker.getConfig(config.id).remove());
    const network = (await docker.createNetwork({ Name: name("net"), Driver: "overlay" })) as { id: string };
    removals.push(() => docker.getNetwork(network.id).remove());
    // A long monitor keeps the update and the rollback from completing while the session runs.
    const monitor = { Parallelism: 1, Monitor: 60e9 };
    const created = (await docker.createService({
      Name: name("svc"),
      TaskTemplate: {
        ContainerSpec: { Image: images.current, Command: ["sleep", "1000"], Args: null, ReadOnly: false },
        Resources: {},
      },
      Mode: { Replicated: { Replicas: 1 } },
      UpdateConfig: { ...monitor, Delay: 0 },
      RollbackConfig: monitor,
      EndpointSpec: { Ports: [{ TargetPort: 80 }] },
    } as object)) as { id: string };
    const service = docker.getService(created.id);
    removals.unshift(() => service.remove());
    for (let i = 0; i < 300; i++) {
      const tasks = (await docker.listTasks({ filters: { service: [created.id] } } as object)) as {
        Status: { State: string };
      }[];
      if (tasks.some((t) => t.Status.State === "running")) break;
      await sleep(100);
    }
    const inspect = async () =>
      (await service.inspect()) as {
        Version: { Index: number };
        Spec: { TaskTemplate: { ContainerSpec: Record<string, unknown> } } & Record<string, unknown>;
        UpdateStatus?: { State: string };
      };
    /** An update from the current spec, again if the updater wrote the service in between. */
    const update = async (change: (spec: typeof first.Spec) => object, query: object = {}) => {
      for (let i = 0; ; i++) {
        const current = await inspect();
        try {
          return await service.update({ version: current.Version.Index, ...change(current.Spec), ...query });
        } catch (error) {
          if (i > 20 || !String(error).includes("update out of sequence")) throw error;
        }
      }
    };
    const waitFor = async (state: string) => {
      for (let i = 0; i < 300 && (await inspect()).UpdateStatus?.State !== state; i++) await sleep(50);
      return inspect();
    };
    const first = await inspect();
    const spec = first.Spec;
    const containerSpec = spec.TaskTemplate.ContainerSpec;
    await update((s) => ({
      ...s,
      TaskTemplate: {
        ...s.TaskTemplate,
        ContainerSpec: { ...s.TaskTemplate.ContainerSpec, Image: images.next },
      },
    }));
    const updating = await waitFor("updating");
    await update((s) => s, { rollback: "previous" });
    const rolledBack = await waitFor("rollback_started");
    await update((s) => ({ ...s, Mode: { Replicated: { Replicas: 0 } } }));
    const scaled = await inspect();
    const spec0 = {
      storedSpec: { ContainerSpec: containerSpec, UpdateConfig: spec.UpdateConfig },
      statusAfterUpdate: updating.UpdateStatus?.State,
      statusAfterRollback: rolledBack.UpdateStatus?.State,
      statusAfterScale: scaled.UpdateStatus?.State ?? null,
    };
    for (const remove of removals.splice(0)) await remove();
    await sleep(1100);
    const until = await serverSeconds();
    const ours = (e: Event) => (e.Actor.Attributes.name ?? "").startsWith(prefix);
    const masked = (e: Event) =>
      `${e.Type} ${e.Action} ${e.scope} ${JSON.stringify(e.Actor.Attributes).replaceAll(prefix, "P")}`;
    const all = (await readEvents(docker, { since, until, filters: { scope: ["swarm"] } })).filter(ours);
    const byService = await readEvents(docker, {
      since,
      until,
      // The engine's container events match too (by name prefix); the fake has no container events.
      filters: { service: [name("svc")], scope: ["swarm"] },
    });
    const byTypeAndAction = await readEvents(docker, {
      since,
      until,
      filters: { type: ["network", "secret"], event: ["create"] },
    });
    return {
      ...spec0,
      events: all.map(masked),
      nanosMatchSeconds: all.every((e) => Math.floor(e.timeNano / 1e9) === e.time),
      byService: byService.map(masked),
      byTypeAndAction: byTypeAndAction.filter(ours).map(masked),
      badSince: await attempt(() => readEvents(docker, { since: "abc", until })),
    };
  } finally {
    for (const remove of removals) await remove().catch(() => {});
  }
}

describe.skipIf(!engine)("/version, /info and /events on the real engine and on the fake", () => {
  const prefix = `fse-${Math.random().toString(36).slice(2, 8)}`;
  let fake: FakeSwarm | undefined;
  let fakeDocker: Docker | undefined;
  afterAll(() => fake?.close());

  const onFake = async () => {
    if (!fakeDocker) {
      fake = await createFakeSwarm({ clock: "real", start: Date.now(), timings: { step: 5, stop: 10 } });
      const server = await fake.listen({ socketPath: `/tmp/${prefix}.sock` });
      fakeDocker = new Docker({ socketPath: server.dockerHost.slice("unix://".length) });
    }
    return fakeDocker;
  };

  it("fills every /version field the engine fills", async () => {
    const real = (await new Docker({ socketPath: engine!.socketPath }).version()) as unknown as Record<
      string,
      unknown
    >;
    const fakeVersion = (await (await onFake()).version()) as unknown as Record<string, unknown>;
    expect(shape(fakeVersion).sort()).toEqual(shape(real).sort());
    const names = (v: Record<string, unknown>) => (v.Components as { Name: string }[]).map((c) => c.Name);
    expect(names(fakeVersion)).toEqual(names(real));
    for (const key of ["GitCommit", "GoVersion", "BuildTime", "KernelVersion", "Os", "Arch"]) {
      expect(fakeVersion[key], key).not.toBe("");
    }
    expect(fakeVersion.Platform).toEqual({ Name: "Flotilla fake swarm" });
  });

  // /info's swarm-level part (the node's address, the pool, the spec) is whatever the swarm was
  // made with, and the shared engine's swarm was made however the machine's history made it. So
  // this compares against a swarm the test makes itself, on the scratch engine reserved for this
  // file, from a known request, and a fake made outside a swarm and then given the same request.
  it.each(INIT_REQUESTS)(
    "fills every /info field the engine fills, in a swarm made from %s",
    { timeout: 60_000 },
    async (_what, request) => {
      expect(scratch, "scripts/engine-up.sh starts a scratch engine named differential").toBeTruthy();
      const real = await infoInSwarm(new Docker({ socketPath: scratch! }), request);
      await using fakeSwarm = await createFakeSwarm({ inSwarm: false, clock: "real", start: Date.now() });
      const server = await fakeSwarm.listen({ socketPath: `/tmp/${prefix}-init.sock` });
      const fakeInfo = await infoInSwarm(
        new Docker({ socketPath: server.dockerHost.slice("unix://".length) }),
        request,
      );
      // Warnings and Runtimes depend on the host's configuration; their presence does not.
      const stable = (info: Record<string, unknown>) =>
        shape({ ...info, Warnings: null, Runtimes: {}, Labels: [], GenericResources: null })
          .filter((path) => !path.startsWith(".Swarm.Cluster.TLSInfo"))
          .sort();
      expect(stable(fakeInfo)).toEqual(stable(real));
      expect(swarmLevel(fakeInfo)).toEqual(swarmLevel(real));
    },
  );

  it("emits the same swarm events, filtered alike", { timeout: 120_000 }, async () => {
    const images = engine!.images;
    const real = await session(new Docker({ socketPath: engine!.socketPath }), prefix, images);
    const fakeResult = await session(await onFake(), prefix, images);
    for (const key of Object.keys(real) as (keyof typeof real)[]) {
      expect.soft(fakeResult[key], key).toEqual(real[key]);
    }
    // The session must have seen what it is about, or the comparison proves nothing.
    expect(real.events.length).toBeGreaterThanOrEqual(12);
  });
});
