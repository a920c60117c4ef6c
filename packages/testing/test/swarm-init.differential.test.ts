import Docker from "dockerode";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseBinArgs } from "../src/bin/options.js";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";
import { docker } from "./docker-cli/run-docker.js";
import { attempt } from "./helpers.js";

// POST /swarm/init with each of its parameters given and not, on the scratch engine reserved for
// this file (`engine.scratch.swarminit`, outside any swarm) and on a fake started outside one:
// the same answer, and the same addresses, pool, subnet size, data path port and spec in /info,
// /swarm, node inspect and the ingress network; the same refusal for each bad value.

const engine = inject("engine");
const socket = engine?.scratch.swarminit;
const LISTEN = { ListenAddr: "0.0.0.0:2377" };
const ADVERTISE = { ...LISTEN, AdvertiseAddr: "127.0.0.1" };

/** What `docker swarm init --advertise-addr 127.0.0.1` sends (docker CLI 28). */
const CLI_REQUEST = {
  ...ADVERTISE,
  DataPathAddr: "",
  DataPathPort: 0,
  ForceNewCluster: false,
  Spec: {
    Labels: null,
    Orchestration: {},
    Raft: { ElectionTick: 0, HeartbeatTick: 0 },
    Dispatcher: {},
    CAConfig: {},
    TaskDefaults: {},
    EncryptionConfig: { AutoLockManagers: false },
  },
  AutoLockManagers: false,
  Availability: "",
  DefaultAddrPool: [],
  SubnetSize: 24,
};

const ACCEPTED: [string, Record<string, unknown>][] = [
  ["what docker swarm init --advertise-addr 127.0.0.1 sends", CLI_REQUEST],
  ["no pool, no subnet size, no data path port", ADVERTISE],
  ["an advertised port", { ...LISTEN, AdvertiseAddr: "127.0.0.1:4567" }],
  ["an advertised interface", { ...LISTEN, AdvertiseAddr: "lo" }],
  ["an IPv6 advertise address", { ...LISTEN, AdvertiseAddr: "[::1]:4000" }],
  ["a listen port the advertise address takes", { ListenAddr: "0.0.0.0:3000", AdvertiseAddr: "127.0.0.1" }],
  ["a listen interface and port", { ListenAddr: "lo:3005", AdvertiseAddr: "127.0.0.1" }],
  ["an empty pool list and a subnet size", { ...ADVERTISE, DefaultAddrPool: [], SubnetSize: 24 }],
  ["an empty pool list alone", { ...ADVERTISE, DefaultAddrPool: [] }],
  ["a subnet size without a pool", { ...ADVERTISE, SubnetSize: 26 }],
  [
    "a pool, a subnet size, a data path port and address",
    {
      ...ADVERTISE,
      DefaultAddrPool: ["10.20.0.0/16"],
      SubnetSize: 26,
      DataPathPort: 5000,
      DataPathAddr: "lo",
    },
  ],
  ["two pools", { ...ADVERTISE, DefaultAddrPool: ["10.20.0.0/16", "192.168.0.0/20"], SubnetSize: 24 }],
  ["the smallest subnets", { ...ADVERTISE, DefaultAddrPool: ["10.20.0.0/16"], SubnetSize: 29 }],
  ["subnets as large as the pool", { ...ADVERTISE, DefaultAddrPool: ["10.20.0.0/16"], SubnetSize: 16 }],
  ["the edges of the data path port range", { ...ADVERTISE, DataPathPort: 1024 }],
  ["a drained first node", { ...ADVERTISE, Availability: "DRAIN" }],
  ["autolock", { ...ADVERTISE, Spec: { EncryptionConfig: { AutoLockManagers: true } } }],
  ["autolock outside the spec, which the engine ignores", { ...ADVERTISE, AutoLockManagers: true }],
  [
    "a spec with a task history limit, labels and raft settings",
    {
      ...ADVERTISE,
      Spec: {
        Name: "default",
        Labels: { "flotilla.test": "init" },
        Orchestration: { TaskHistoryRetentionLimit: 0 },
        Raft: { ElectionTick: 3, HeartbeatTick: 1, SnapshotInterval: 5, KeepOldSnapshots: 2 },
        Dispatcher: { HeartbeatPeriod: 1_000_000_000 },
        CAConfig: { NodeCertExpiry: 7_200_000_000_000 },
        TaskDefaults: { LogDriver: { Name: "json-file" } },
      },
    },
  ],
];

const REFUSED: [string, Record<string, unknown>][] = [
  ["no listen address", { AdvertiseAddr: "127.0.0.1" }],
  [
    "a listen address that is neither an IP nor an interface",
    { ListenAddr: "bad:2377", AdvertiseAddr: "127.0.0.1" },
  ],
  [
    "a listen address the machine does not have",
    { ListenAddr: "192.0.2.7:2377", AdvertiseAddr: "127.0.0.1" },
  ],
  ["a listen port out of range", { ListenAddr: "0.0.0.0:99999", AdvertiseAddr: "127.0.0.1" }],
  ["a listen port that is not a number", { ListenAddr: "0.0.0.0:x", AdvertiseAddr: "127.0.0.1" }],
  ["a bad advertise address", { ...LISTEN, AdvertiseAddr: "1.2.3.4.5" }],
  ["a zero advertise address", { ...LISTEN, AdvertiseAddr: "0.0.0.0" }],
  ["a bad data path address", { ...ADVERTISE, DataPathAddr: "bad" }],
  ["a data path address with a port", { ...ADVERTISE, DataPathAddr: "127.0.0.1:5" }],
  ["a pool that is not a CIDR", { ...ADVERTISE, DefaultAddrPool: ["bad"], SubnetSize: 24 }],
  ["a pool with a prefix past 32", { ...ADVERTISE, DefaultAddrPool: ["10.0.0.0/33"], SubnetSize: 24 }],
  ["a subnet size past 29", { ...ADVERTISE, DefaultAddrPool: ["10.20.0.0/16"], SubnetSize: 30 }],
  ["a subnet size larger than the pool", { ...ADVERTISE, DefaultAddrPool: ["10.20.0.0/16"], SubnetSize: 15 }],
  ["a bad subnet size with an empty pool list", { ...ADVERTISE, DefaultAddrPool: [], SubnetSize: 33 }],
  ["the size checked before the pools", { ...ADVERTISE, DefaultAddrPool: ["bad"], SubnetSize: 33 }],
  ["a data path port below the range", { ...ADVERTISE, DataPathPort: 1023 }],
  ["a data path port above the range", { ...ADVERTISE, DataPathPort: 49152 }],
  ["an availability there is not", { ...ADVERTISE, Availability: "bogus" }],
  ["a negative subnet size", { ...ADVERTISE, SubnetSize: -1 }],
  ["a pool that is not a list", { ...ADVERTISE, DefaultAddrPool: "10.20.0.0/16" }],
  ["a pool entry that is not a string", { ...ADVERTISE, DefaultAddrPool: [5] }],
  ["an advertise address that is not a string", { ...LISTEN, AdvertiseAddr: 5 }],
  ["a spec not named default", { ...ADVERTISE, DataPathAddr: "bad", Spec: { Name: "x" } }],
  // The swarm is made, then its settings refused: the engine is left in a swarm with the defaults.
  [
    "a certificate expiry under an hour",
    { ...ADVERTISE, Spec: { CAConfig: { NodeCertExpiry: 1_000_000_000 } } },
  ],
  ["a negative heartbeat", { ...ADVERTISE, Spec: { Dispatcher: { HeartbeatPeriod: -5 } } }],
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A GET dockerode has no method for. */
function get<T>(docker: Docker, path: string): Promise<T> {
  return new Promise((resolve, reject) =>
    docker.modem.dial({ path, method: "GET", statusCodes: { 200: true } }, (error, body) =>
      error ? reject(error) : resolve(body as T),
    ),
  );
}

/**
 * The ingress network's subnets, once the engine has settled (bounded wait): its allocator gives
 * the new ingress a subnet a moment after init, and after an autolocked swarm's leave the old
 * ingress can still be listed beside the new one for a while.
 */
async function ingressSubnets(docker: Docker): Promise<unknown> {
  let config: unknown = null;
  for (let waited = 0; waited < 15_000; waited += 100) {
    const listed = (await docker.listNetworks({ filters: { name: ["ingress"] } })) as {
      IPAM: { Config: unknown };
    }[];
    config = listed.length === 1 ? listed[0]!.IPAM.Config : null;
    if (Array.isArray(config) && config.length > 0) break;
    await sleep(100);
  }
  return Array.isArray(config) ? config : [];
}

/** What a swarm made by init shows of its parameters, across the endpoints that show them. */
async function reported(docker: Docker) {
  const info = (await docker.info()) as {
    Swarm: {
      LocalNodeState: string;
      NodeAddr: string;
      RemoteManagers: { Addr: string }[] | null;
      Cluster?: Record<string, unknown>;
    };
  };
  const state = info.Swarm.LocalNodeState;
  if (state !== "active") return { state };
  const swarm = (await docker.swarmInspect()) as Record<string, unknown>;
  const [node] = (await docker.listNodes()) as {
    Spec: { Availability: string };
    Status: { Addr: string };
    ManagerStatus: { Addr: string };
  }[];
  const { UnlockKey } = await get<{ UnlockKey: string }>(docker, "/swarm/unlockkey");
  const cluster = info.Swarm.Cluster ?? {};
  return {
    state,
    info: {
      NodeAddr: info.Swarm.NodeAddr,
      RemoteManagers: info.Swarm.RemoteManagers?.map((m) => m.Addr),
      DefaultAddrPool: cluster.DefaultAddrPool,
      SubnetSize: cluster.SubnetSize,
      DataPathPort: cluster.DataPathPort,
      Spec: cluster.Spec,
    },
    swarm: {
      DefaultAddrPool: swarm.DefaultAddrPool,
      SubnetSize: swarm.SubnetSize,
      DataPathPort: swarm.DataPathPort,
      Spec: swarm.Spec,
    },
    node: {
      Addr: node?.Status.Addr,
      ManagerAddr: node?.ManagerStatus.Addr,
      Availability: node?.Spec.Availability,
    },
    ingressSubnets: await ingressSubnets(docker),
    unlockKey: /^SWMKEY-1-.{43}$/.test(UnlockKey) ? "<key>" : UnlockKey,
  };
}

const isStillLocked = (answer: unknown) =>
  typeof answer === "object" && /needs to be unlocked/.test((answer as { message?: string }).message ?? "");

/** Inits with `body`, reads what the swarm shows, and leaves it again. */
async function initAndRead(docker: Docker, body: Record<string, unknown>) {
  let answer = await attempt(() => docker.swarmInit(body));
  // Docker 20.10 removes an autolocked swarm's keys a moment after `leave` answers; until then an
  // init is refused as locked though /info says inactive. Wait for that to pass (bounded).
  for (let waited = 0; waited < 10_000 && isStillLocked(answer); waited += 200) {
    await sleep(200);
    answer = await attempt(() => docker.swarmInit(body));
  }
  try {
    return {
      answer: typeof answer === "string" ? "<node id>" : answer,
      ...(await reported(docker)),
    };
  } finally {
    await leave(docker);
  }
}

/**
 * Leaves the swarm and waits (bounded) until the engine has let go of it: Docker 20.10 answers
 * `leave` before it removes the old ingress network, and an init meanwhile finds two.
 */
async function leave(docker: Docker): Promise<void> {
  await attempt(() => docker.swarmLeave({ force: true }));
  for (let waited = 0; waited < 15_000; waited += 100) {
    const ingress = await docker.listNetworks({ filters: { name: ["ingress"] } });
    if (ingress.length === 0) return;
    await sleep(100);
  }
}

describe.skipIf(!engine)("swarm init's parameters, on a scratch engine and on the fake", () => {
  let fake: FakeSwarm | undefined;
  let fakeDocker: Docker | undefined;
  const real = () => new Docker({ socketPath: socket! });
  afterAll(async () => {
    if (socket) await leave(real());
    await fake?.close();
  });

  const onFake = async () => {
    if (!fakeDocker) {
      fake = await createFakeSwarm({ inSwarm: false, clock: "real", start: Date.now() });
      const path = `/tmp/fsi-${Math.random().toString(36).slice(2, 8)}.sock`;
      const server = await fake.listen({ socketPath: path });
      fakeDocker = new Docker({ socketPath: server.dockerHost.slice("unix://".length) });
    }
    return fakeDocker;
  };

  it("has a scratch engine of its own, outside any swarm", async () => {
    expect(socket, "scripts/engine-up.sh starts one named swarminit").toBeTruthy();
    // A run that died may have left it in a swarm; each case below starts from outside one.
    await leave(real());
  });

  it.each(ACCEPTED)("makes the swarm alike from %s", { timeout: 60_000 }, async (_what, body) => {
    const engineSide = await initAndRead(real(), body);
    expect(engineSide.answer, JSON.stringify(engineSide.answer)).toBe("<node id>");
    expect(await initAndRead(await onFake(), body)).toEqual(engineSide);
  });

  it.each(REFUSED)("refuses %s alike", { timeout: 60_000 }, async (_what, body) => {
    const engineSide = await initAndRead(real(), body);
    expect(engineSide.answer).toHaveProperty("statusCode");
    expect(await initAndRead(await onFake(), body)).toEqual(engineSide);
  });

  // As a user would: `flotilla-fake-engine --no-swarm`, then the docker CLI's own init.
  it.each([
    ["--advertise-addr", "127.0.0.1"],
    [
      "--advertise-addr",
      "127.0.0.1:4567",
      "--default-addr-pool",
      "10.20.0.0/16",
      "--default-addr-pool-mask-length",
      "26",
    ],
  ])("shows the same after `docker swarm init %s %s ...`", { timeout: 60_000 }, async (...flags) => {
    const options = parseBinArgs(["--socket", "/unused", "--no-swarm"]);
    if (options === "help") throw new Error("unreachable");
    await using bin = await createFakeSwarm(options.swarm);
    const path = `/tmp/fsi-cli-${Math.random().toString(36).slice(2, 8)}.sock`;
    const fakeHost = (await bin.listen({ socketPath: path })).dockerHost;
    const transcript = async (host: string) => {
      const steps: string[] = [];
      const run = async (...args: string[]) => {
        const ran = await docker(host, args);
        steps.push(`$ docker ${args.join(" ")}\n${ran.code} ${ran.stdout}${ran.stderr}`);
      };
      try {
        await run("swarm", "init", ...flags);
        await run(
          "info",
          "--format",
          "{{.Swarm.NodeAddr}} {{range .Swarm.RemoteManagers}}{{.Addr}}{{end}} {{json .Swarm.Cluster.DefaultAddrPool}} {{.Swarm.Cluster.SubnetSize}} {{.Swarm.Cluster.DataPathPort}}",
        );
        await run("node", "inspect", "self", "--format", "{{.Status.Addr}} {{.ManagerStatus.Addr}}");
        await run("swarm", "join-token", "worker");
        await run("swarm", "join-token", "manager");
      } finally {
        await leave(new Docker({ socketPath: host.slice("unix://".length) }));
      }
      return steps.map((step) =>
        step.replace(/\b[0-9a-z]{25}\b/g, "<id>").replace(/SWMTKN-1-[0-9a-z-]+/g, "<token>"),
      );
    };
    const onEngine = await transcript(`unix://${socket}`);
    expect(onEngine.join("\n")).toContain(flags[1]);
    expect(await transcript(fakeHost)).toEqual(onEngine);
  });
});
