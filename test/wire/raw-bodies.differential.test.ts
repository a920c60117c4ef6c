import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { afterAll, describe, expect, inject, it } from "vitest";
import { uniqueName } from "../support/raw-engine.js";
import { mask, type Send, target } from "../support/raw-target.js";

// Raw bodies, as curl would send them, to the real engine and to the fake (served on a socket):
// keys shuffled, names lower-cased, fields neither knows at several depths, wrong JSON types,
// and dockerode's spread round trip (its `version` option lands in the body) twice. The status,
// the message and what is stored (read back, IDs, times and versions masked) must be the same,
// key order included.

const engine = inject("engine");

/** Creates, reads back, removes; the answers in order. */
async function createAndRead(send: Send, kind: string, body: unknown) {
  const created = await send("POST", `/${kind}/create`, body);
  const id =
    (created.body as { ID?: string; Id?: string } | null)?.ID ?? (created.body as { Id?: string })?.Id;
  if (created.status !== 201 || !id) return { created: mask(created) };
  // A swarm network reads back without its driver state until the allocator has run: read
  // again (bounded) until it has.
  let read = await send("GET", `/${kind}/${id}`);
  for (let i = 0; i < 40 && kind === "networks" && !(read.body as { Driver?: string }).Driver; i++) {
    await new Promise((r) => setTimeout(r, 100));
    read = await send("GET", `/${kind}/${id}`);
  }
  await send("DELETE", `/${kind}/${id}`);
  return { created: mask(created), read: mask(read) };
}

const DATA = Buffer.from("raw bodies").toString("base64");

/** Bodies for each kind's create, each sent as is. */
function createCases(image: string): [string, string, unknown][] {
  return [
    ["secrets", "shuffled", { Labels: { b: "2", a: "1" }, Data: DATA, Name: "{u}-s1" }],
    [
      "secrets",
      "lower-cased and unknown",
      { name: "{u}-s2", data: DATA, labels: { a: "1" }, Extra: { X: 1 } },
    ],
    ["secrets", "wrong type", { Name: "{u}-s3", Data: 5 }],
    ["configs", "shuffled", { Labels: { b: "2" }, Data: DATA, Name: "{u}-c1" }],
    ["configs", "lower-cased and unknown", { name: "{u}-c2", Data: DATA, labels: { a: "1" }, Junk: [1] }],
    ["configs", "wrong type", { Name: "{u}-c3", Data: DATA, Labels: ["a"] }],
    ["configs", "wrong type of data", { Name: "{u}-c4", Data: 5 }],
    ["configs", "data as an array of bytes", { Name: "{u}-c5", Data: [104, 105] }],
    ["secrets", "data as an array of strings", { Name: "{u}-s4", Data: ["a"] }],
    [
      "networks",
      "lower-cased and unknown at depth",
      {
        labels: { a: "b" },
        Bogus: 1,
        driver: "overlay",
        IPAM: { Junk: 2, config: [{ X: 1, subnet: "10.231.77.0/24" }] },
        name: "{u}-n1",
      },
    ],
    ["networks", "wrong type", { Name: "{u}-n2", Driver: "overlay", Attachable: "yes" }],
    ["networks", "wrong type in a map", { Name: "{u}-n3", Driver: "overlay", Labels: { a: 1 } }],
    ["networks", "wrong type of a new field", { Name: "{u}-n4", Driver: "overlay", EnableIPv6: 1 }],
    [
      "services",
      "shuffled, lower-cased and unknown at depth",
      {
        Labels: { z: "1", a: "2" },
        mode: { replicated: { replicas: 0 }, Extra: true },
        taskTemplate: { Junk: {}, containerSpec: { Bogus: 1, command: ["sleep", "60"], image } },
        X: 1,
        name: "{u}-v1",
      },
    ],
    [
      "services",
      "wrong type at depth",
      { Name: "{u}-v2", TaskTemplate: { ContainerSpec: { Image: image, Env: "A=1" } } },
    ],
    [
      "services",
      "replicas as a string",
      {
        Name: "{u}-v3",
        TaskTemplate: { ContainerSpec: { Image: image } },
        Mode: { Replicated: { Replicas: "2" } },
      },
    ],
  ];
}

/** dockerode's read-modify-write of an object, twice: the `version` key rides in the body. */
async function spreadTwice(send: Send, path: string, change: Record<string, unknown>) {
  const first = (await send("GET", path)).body as {
    Version: { Index: number };
    Spec: Record<string, unknown>;
  };
  const updated = await send("POST", `${path}/update?version=${first.Version.Index}`, {
    version: first.Version.Index,
    ...first.Spec,
    ...change,
  });
  const second = (await send("GET", path)).body as {
    Version: { Index: number };
    Spec: Record<string, unknown>;
  };
  const again = await send("POST", `${path}/update?version=${second.Version.Index}`, {
    version: second.Version.Index,
    ...first.Spec,
  });
  const last = (await send("GET", path)).body as { Spec: unknown };
  return {
    updated: updated.status,
    storedAfterFirst: mask(second.Spec),
    again: again.status,
    restored: mask(last.Spec),
  };
}

/**
 * The swarm's own spec sent back twice, dockerode's way, with a field neither knows inside Raft:
 * its values are the shared engine's history, so what is compared is that nothing changed.
 */
async function swarmRoundTrip(send: Send) {
  type Swarm = { Version: { Index: number }; Spec: Record<string, unknown> & { Raft: object } };
  const before = (await send("GET", "/swarm")).body as Swarm;
  const statuses: number[] = [];
  for (let i = 0; i < 2; i++) {
    const current = (await send("GET", "/swarm")).body as Swarm;
    const answer = await send("POST", `/swarm/update?version=${current.Version.Index}`, {
      version: current.Version.Index,
      ...before.Spec,
      Raft: { ...before.Spec.Raft, Bogus: 1 },
    });
    statuses.push(answer.status);
  }
  const after = (await send("GET", "/swarm")).body as Swarm;
  return { statuses, unchanged: JSON.stringify(after.Spec) === JSON.stringify(before.Spec) };
}

/** The node's spec with every name lower-cased and a field neither knows, then restored. */
async function lowerCasedNodeUpdate(send: Send, path: string, unique: string) {
  type Node = { Version: { Index: number }; Spec: Record<string, unknown> & { Labels?: object } };
  const before = (await send("GET", path)).body as Node;
  const lowered = Object.fromEntries(Object.entries(before.Spec).map(([k, v]) => [k.toLowerCase(), v]));
  const answer = await send("POST", `${path}/update?version=${before.Version.Index}`, {
    ...lowered,
    labels: { ...before.Spec.Labels, [`${unique}.lower`]: "1" },
    Extra: { Depth: 1 },
  });
  const stored = (await send("GET", path)).body as Node;
  const restore = await send("POST", `${path}/update?version=${stored.Version.Index}`, before.Spec);
  return { status: answer.status, stored: mask(stored.Spec), restored: restore.status };
}

async function session(socketPath: string, image: string) {
  const unique = uniqueName("fraw");
  const send = target(socketPath, unique);
  const out: Record<string, unknown> = {};
  for (const [kind, what, body] of createCases(image))
    out[`${kind}: ${what}`] = await createAndRead(send, kind, body);
  const self = ((await send("GET", "/info")).body as { Swarm: { NodeID: string } }).Swarm.NodeID;
  const node = (await send("GET", `/nodes/${self}`)).body as { Spec: { Labels?: Record<string, string> } };
  // The shared engine's only manager keeps its availability: a label is changed instead of drain.
  out.node = await spreadTwice(send, `/nodes/${self}`, {
    Labels: { ...node.Spec.Labels, [`${unique}.zone`]: "a" },
  });
  out.nodeLowerCased = await lowerCasedNodeUpdate(send, `/nodes/${self}`, unique);
  const secret = (await send("POST", "/secrets/create", { Name: "{u}-rt", Data: DATA })).body as {
    ID: string;
  };
  out.secret = await spreadTwice(send, `/secrets/${secret.ID}`, { Labels: { a: "1" } });
  await send("DELETE", `/secrets/${secret.ID}`);
  const service = (
    await send("POST", "/services/create", {
      Name: "{u}-rt",
      TaskTemplate: { ContainerSpec: { Image: image } },
      Mode: { Replicated: { Replicas: 0 } },
    })
  ).body as { ID: string };
  out["service round trip"] = await spreadTwice(send, `/services/${service.ID}`, {
    Labels: { a: "1" },
  });
  await send("DELETE", `/services/${service.ID}`);
  out.swarm = await swarmRoundTrip(send);
  return JSON.parse(JSON.stringify(out).split(self).join("<node>"));
}

describe.skipIf(!engine)("raw bodies on the real engine and on the fake", () => {
  let fake: FakeSwarm | undefined;
  afterAll(() => fake?.close());

  it("answers and stores the same, key order included", { timeout: 60_000 }, async () => {
    const real = await session(engine!.socketPath, engine!.images.current);
    fake = await createFakeSwarm({ clock: "real", start: Date.now(), timings: { step: 5, stop: 10 } });
    const server = await fake.listen({ socketPath: `/tmp/${uniqueName("fraw")}.sock` });
    const onFake = await session(server.dockerHost.slice("unix://".length), engine!.images.current);
    for (const key of Object.keys(real)) {
      expect.soft(onFake[key], key).toEqual(real[key]);
      expect.soft(JSON.stringify(onFake[key]), `${key} (key order)`).toBe(JSON.stringify(real[key]));
    }
  });
});
