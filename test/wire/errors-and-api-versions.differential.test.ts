import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { afterAll, describe, expect, inject, it } from "vitest";
import { rawRequest, uniqueName } from "../support/raw-engine.js";

// The engine's refusals of each kind (bad parameter, not found, conflict, not implemented,
// unavailable, forbidden, of no kind) and its reading of swarm init, join and unlock bodies and
// of requests of older API versions, sent raw to the real engine and to the fake: the status and
// the message, or what is stored, must be the same. The shared engine is in a swarm, so every
// init and join here is refused (after its body is read): none changes the swarm.

const engine = inject("engine");

type Answer = { status: number; body: unknown };

const MASKED = new Set(["ID", "CreatedAt", "UpdatedAt", "Version"]);

function mask(value: unknown, key = ""): unknown {
  if (MASKED.has(key)) return "<masked>";
  if (Array.isArray(value)) return value.map((v) => mask(v));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
  return value;
}

/** One target: sends `body` (none when undefined), names made unique by `{u}`. */
function target(socketPath: string, unique: string) {
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const text = body === undefined ? undefined : JSON.stringify(body).split("{u}").join(unique);
    const answer = await rawRequest(
      socketPath,
      method,
      path.split("{u}").join(unique),
      text === undefined ? undefined : JSON.parse(text),
    );
    const raw = answer.text().split(unique).join("{u}");
    let parsed: unknown = raw;
    try {
      parsed = raw ? JSON.parse(raw) : undefined;
    } catch {}
    return { status: answer.status, body: parsed };
  };
}

type Send = ReturnType<typeof target>;

/** Bodies whose answer is a refusal, or an empty 200: compared whole. */
const REFUSALS: [string, string, unknown?][] = [
  ["GET", "/v1.41/services/{u}-missing"],
  ["POST", "/v1.41/services/create", { Name: "bad name!", TaskTemplate: { ContainerSpec: { Image: "x" } } }],
  ["DELETE", "/v1.41/networks/bridge"],
  ["POST", "/v1.41/swarm/init", { ListenAddr: "0.0.0.0:2377" }],
  ["POST", "/v1.41/swarm/init", { listenaddr: "0.0.0.0:2377", Bogus: { X: 1 } }],
  ["POST", "/v1.41/swarm/init", { ListenAddr: 5 }],
  ["POST", "/v1.41/swarm/init", { availability: 7 }],
  ["POST", "/v1.41/swarm/init", { DataPathPort: -1 }],
  ["POST", "/v1.41/swarm/init", { DefaultAddrPool: ["10.0.0.0/8", 5] }],
  ["POST", "/v1.41/swarm/init", { Spec: { Raft: { ElectionTick: "x" } } }],
  ["POST", "/v1.41/swarm/init", { Spec: { Name: 5 } }],
  ["POST", "/v1.41/swarm/init", [1]],
  ["POST", "/v1.41/swarm/init"],
  // A field a 1.38 request drops is still read, and refused for its type.
  ["POST", "/v1.38/swarm/init", { DefaultAddrPool: "10.0.0.0/8" }],
  [
    "POST",
    "/v1.41/swarm/join",
    { ListenAddr: "0.0.0.0:2377", RemoteAddrs: ["10.0.0.1:2377"], JoinToken: "x" },
  ],
  ["POST", "/v1.41/swarm/join", { ListenAddr: 5 }],
  ["POST", "/v1.41/swarm/join", { RemoteAddrs: "a" }],
  ["POST", "/v1.41/swarm/join", { Availability: 5 }],
  ["POST", "/v1.41/swarm/join"],
  ["POST", "/v1.41/swarm/unlock", { UnlockKey: 5 }],
  // dockerd reads an update's body before its version, and both before the object.
  ["POST", "/v1.41/services/{u}-missing/update?version=abc", { Name: 5 }],
  ["POST", "/v1.41/services/{u}-missing/update?version=abc", { Name: "x" }],
  [
    "POST",
    "/v1.41/services/{u}-missing/update?version=1",
    { TaskTemplate: { ContainerSpec: { Image: "x" } } },
  ],
  ["POST", "/v1.41/secrets/{u}-missing/update?version=abc", { Name: 5 }],
  ["POST", "/v1.41/configs/{u}-missing/update?version=abc", { Labels: [] }],
  ["POST", "/v1.41/nodes/{u}-missing/update?version=abc", { Labels: 5 }],
  ["POST", "/v1.36/secrets/create", { Name: "{u}-t", Data: "eA==", Templating: { Name: "golang" } }],
  ["POST", "/v1.36/configs/create", { Name: "{u}-t", Data: "eA==", Templating: { Name: "golang" } }],
];

/** A service's refusals that need one to exist: conflict, not implemented, out of sequence. */
async function serviceRefusals(send: Send, image: string) {
  const spec = {
    Name: "{u}-svc",
    TaskTemplate: { ContainerSpec: { Image: image, Command: ["sleep", "60"] } },
    Mode: { Replicated: { Replicas: 0 } },
  };
  const created = (await send("POST", "/v1.41/services/create", spec)).body as { ID: string };
  const path = `/v1.41/services/${created.ID}`;
  const { Version } = (await send("GET", path)).body as { Version: { Index: number } };
  const out = {
    conflict: await send("POST", "/v1.41/services/create", spec),
    rename: await send("POST", `${path}/update?version=${Version.Index}`, { ...spec, Name: "{u}-other" }),
    modeChange: await send("POST", `${path}/update?version=${Version.Index}`, {
      ...spec,
      Mode: { Global: {} },
    }),
    outOfSequence: await send("POST", `${path}/update?version=${Version.Index + 1000}`, spec),
  };
  await send("DELETE", path);
  return out;
}

/** Creates a service at an older API version and reads back what is stored. */
async function createdAt(send: Send, version: string, spec: Record<string, unknown>) {
  const created = await send("POST", `/v${version}/services/create`, spec);
  const id = (created.body as { ID?: string }).ID;
  if (!id) return { created };
  const read = (await send("GET", `/v1.41/services/${id}`)).body as { Spec: unknown };
  await send("DELETE", `/v1.41/services/${id}`);
  return { created: created.status, stored: mask(read.Spec) };
}

async function session(socketPath: string, image: string) {
  const send = target(socketPath, uniqueName("ferr"));
  const out: Record<string, unknown> = {};
  for (const [method, path, body] of REFUSALS)
    out[`${method} ${path} ${JSON.stringify(body) ?? ""}`] = await send(method, path, body);
  out.service = await serviceRefusals(send, image);
  const containerSpec = {
    Image: image,
    Command: ["sleep", "60"],
    Init: true,
    Sysctls: { "net.core.somaxconn": "1024" },
    CapabilityAdd: ["CAP_NET_ADMIN"],
    Ulimits: [{ Name: "nofile", Soft: 100, Hard: 200 }],
  };
  // 1.29 predates Sysctls, capabilities, ulimits, MaxReplicas and Pids: dockerd drops them, and
  // keeps Init (1.37), which it does not adjust for.
  out.v129 = await createdAt(send, "1.29", {
    Name: "{u}-v129",
    TaskTemplate: {
      ContainerSpec: containerSpec,
      Placement: { MaxReplicas: 2 },
      Resources: { Limits: { Pids: 5 } },
    },
    Mode: { Replicated: { Replicas: 0 } },
  });
  out.v140 = await createdAt(send, "1.40", {
    Name: "{u}-v140",
    TaskTemplate: { ContainerSpec: containerSpec, Placement: { MaxReplicas: 2 } },
    Mode: { Replicated: { Replicas: 0 } },
  });
  // A job asked for at 1.40 loses its mode, and becomes a service of one replica.
  out.v140job = await createdAt(send, "1.40", {
    Name: "{u}-v140job",
    TaskTemplate: { ContainerSpec: { Image: image, Command: ["sleep", "60"] } },
    Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
  });
  return out;
}

describe.skipIf(!engine)("refusals and older API versions on the real engine and on the fake", () => {
  let fake: FakeSwarm | undefined;
  afterAll(() => fake?.close());

  it("answers the same status and message, and stores the same", { timeout: 60_000 }, async () => {
    const real = await session(engine!.socketPath, engine!.images.current);
    fake = await createFakeSwarm({ clock: "real", start: Date.now(), timings: { step: 5, stop: 10 } });
    const server = await fake.listen({ socketPath: `/tmp/${uniqueName("ferr")}.sock` });
    const onFake = await session(server.dockerHost.slice("unix://".length), engine!.images.current);
    for (const key of Object.keys(real)) expect.soft(onFake[key], key).toEqual(real[key]);
  });
});
