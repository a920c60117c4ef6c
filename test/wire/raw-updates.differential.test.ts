import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { afterAll, describe, expect, inject, it } from "vitest";
import { eventually, uniqueName } from "../support/raw-engine.js";
import { mask, type Send, target } from "../support/raw-target.js";

// Raw updates and reads, as curl would send them, to the real engine and to the fake (served on a
// socket), beside raw-bodies.differential.test.ts's creates: node, swarm, config and service
// updates with keys shuffled, names lower-cased, fields neither knows at several depths and wrong
// JSON types; dockerode's spread round trip with `Availability`; the task a shuffled service
// makes; the tasks list's filters as clients get them wrong. Status, message and what is stored
// (read back, masked) must be the same, key order included.

const engine = inject("engine");

type Versioned = { Version: { Index: number }; Spec: Record<string, unknown> };

/** Every object's keys in reverse order, at every depth: what a client with its own order sends. */
function shuffled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shuffled);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, shuffled(v)]),
    );
  return value;
}

/** The same JSON whatever the key order: "nothing changed" is about values, order is checked apart. */
function sameValues(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

const lowerCased = (spec: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(spec).map(([k, v]) => [k.toLowerCase(), v]));

/** Sends `body` (built from the object's current spec) as an update; answer and what is stored. */
async function updateWith(send: Send, path: string, body: (spec: Record<string, unknown>) => unknown) {
  const before = (await send("GET", path)).body as Versioned;
  const answer = await send("POST", `${path}/update?version=${before.Version.Index}`, body(before.Spec));
  const after = (await send("GET", path)).body as Versioned;
  return { before, answer: mask(answer), stored: after.Spec };
}

/** The node's spec sent back in other shapes; each stored spec read back, then put back as it was. */
async function nodeCases(send: Send, path: string, unique: string) {
  const out: Record<string, unknown> = {};
  const original = ((await send("GET", path)).body as Versioned).Spec;
  const labelled = (spec: Record<string, unknown>) => ({
    ...spec,
    Labels: { ...(spec.Labels as object), [`${unique}.zone`]: "b" },
  });
  const restore = async () => {
    const current = (await send("GET", path)).body as Versioned;
    await send("POST", `${path}/update?version=${current.Version.Index}`, original);
  };
  // dockerode's `node.update({ version, ...spec, Availability })`, then its next round trip from
  // what was stored; the shared engine's one manager stays active (drain would stop others' tasks).
  const first = await updateWith(send, path, (spec) => ({
    version: 1,
    ...labelled(spec),
    Availability: "active",
  }));
  const second = await updateWith(send, path, (spec) => ({ version: 1, ...spec }));
  out["node: dockerode spread with Availability, twice"] = {
    answers: [first.answer, second.answer],
    stored: mask(second.stored),
  };
  await restore();
  const reversed = await updateWith(send, path, (spec) => shuffled(labelled(spec)));
  out["node: shuffled"] = { answer: reversed.answer, stored: mask(reversed.stored) };
  await restore();
  for (const [what, change] of [
    ["labels as an array", { Labels: ["a"] }],
    ["role as a number", { Role: 1 }],
    ["availability as a bool", { Availability: true }],
    ["lower-cased name of a wrong type", { availability: 5 }],
    ["a whole spec as an array", null],
  ] as const) {
    const wrong = await updateWith(send, path, (spec) => (change ? { ...spec, ...change } : [spec]));
    out[`node: wrong type, ${what}`] = {
      answer: wrong.answer,
      unchanged: sameValues(wrong.stored, wrong.before.Spec),
    };
  }
  await restore();
  return out;
}

/** Leaf values replaced by their JSON type: the shape of a spec whose values are the machine's. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return value === null ? "null" : typeof value;
}

/**
 * The swarm's own spec sent back in other shapes. Its values are the shared engine's history, so
 * what is compared is the answers, that nothing changed, and the spec's shape and key order.
 */
async function swarmCases(send: Send) {
  const out: Record<string, unknown> = {};
  const spec = ((await send("GET", "/swarm")).body as Versioned).Spec as Record<
    string,
    Record<string, unknown>
  >;
  const bodies: [string, unknown][] = [
    ["shuffled", shuffled(spec)],
    [
      "lower-cased, unknown at depth",
      {
        ...lowerCased(spec),
        Bogus: 1,
        orchestration: { ...spec.Orchestration, Junk: [1] },
        CAConfig: { ...spec.CAConfig, X: { Y: 1 } },
      },
    ],
    ["wrong type, election tick as a string", { ...spec, Raft: { ...spec.Raft, ElectionTick: "10" } }],
    ["wrong type, orchestration as an array", { ...spec, Orchestration: [] }],
    ["wrong type, a label as a number", { ...spec, Labels: { a: 1 } }],
    ["wrong type, heartbeat period as a bool", { ...spec, Dispatcher: { HeartbeatPeriod: true } }],
  ];
  for (const [what, body] of bodies) {
    const before = (await send("GET", "/swarm")).body as Versioned;
    const answer = await send("POST", `/swarm/update?version=${before.Version.Index}`, body);
    const after = (await send("GET", "/swarm")).body as Versioned;
    out[`swarm: ${what}`] = {
      answer: mask(answer),
      unchanged: sameValues(after.Spec, before.Spec),
    };
  }
  out["swarm: spec shape after the round trips"] = shape(
    ((await send("GET", "/swarm")).body as Versioned).Spec,
  );
  return out;
}

const DATA = Buffer.from("raw updates").toString("base64");

/** A config's and a secret's labels updated the ways clients send them, and what may not change. */
async function configAndSecretCases(send: Send) {
  const out: Record<string, unknown> = {};
  for (const kind of ["configs", "secrets"]) {
    const { ID } = (await send("POST", `/${kind}/create`, { Name: `{u}-${kind}-up`, Data: DATA })).body as {
      ID: string;
    };
    const path = `/${kind}/${ID}`;
    const spread = await updateWith(send, path, (spec) => ({ version: 1, ...spec, Labels: { a: "1" } }));
    const again = await updateWith(send, path, (spec) => ({ version: 1, ...spec }));
    out[`${kind}: dockerode spread, twice`] = [spread.answer, again.answer, mask(again.stored)];
    const lower = await updateWith(send, path, (spec) => ({
      ...lowerCased(spec),
      labels: { b: "2", a: "1" },
      Extra: { Depth: [1] },
    }));
    out[`${kind}: lower-cased and unknown`] = [lower.answer, mask(lower.stored)];
    const data = await updateWith(send, path, (spec) => ({
      ...spec,
      Data: Buffer.from("x").toString("base64"),
    }));
    out[`${kind}: data changed`] = [data.answer, mask(data.stored)];
    const wrong = await updateWith(send, path, (spec) => ({ ...spec, Labels: "a=1" }));
    out[`${kind}: wrong type`] = [wrong.answer, mask(wrong.stored)];
    await send("DELETE", path);
  }
  return out;
}

type Task = {
  ID: string;
  Spec: unknown;
  Status: { State: string };
  DesiredState: string;
};

/** A service created and updated with shuffled, lower-cased and unknown fields; its spec and its task's. */
async function serviceAndTaskCases(send: Send, image: string) {
  const out: Record<string, unknown> = {};
  const created = await send("POST", "/services/create", {
    mode: { replicated: { replicas: 1 } },
    Labels: { z: "1", a: "2" },
    taskTemplate: {
      Junk: 1,
      restartPolicy: { Condition: "none", X: 1 },
      containerSpec: {
        StopSignal: "SIGKILL",
        env: ["B=2", "A=1"],
        Labels: { y: "1", b: "2" },
        command: ["sleep", "600"],
        Bogus: { Deeper: true },
        image,
      },
    },
    Name: "{u}-task",
  });
  const id = (created.body as { ID: string }).ID;
  const path = `/services/${id}`;
  try {
    const tasksOf = async () =>
      (await send("GET", `/tasks?filters=${encodeURIComponent(JSON.stringify({ service: [id] }))}`))
        .body as Task[];
    const running = await eventually("the task to run", 30, async () =>
      (await tasksOf()).find((t) => t.Status.State === "running"),
    );
    const task = (await send("GET", `/tasks/${running.ID}`)).body as Task;
    out["tasks: the task of a shuffled, lower-cased service"] = mask(task.Spec);
    const update = await updateWith(send, path, (spec) => ({
      ...(shuffled(lowerCased(spec)) as object),
      labels: { b: "1" },
      Extra: { Deeper: [1] },
    }));
    out["services: update with shuffled, lower-cased names and unknown fields"] = [
      update.answer,
      mask(update.stored),
    ];
    // encoding/json reads both into the one field: the second map's keys are added to the first's.
    const twice = await updateWith(send, path, (spec) => ({ ...spec, labels: { c: "3" } }));
    out["services: update with a name twice, in two cases"] = [twice.answer, mask(twice.stored)];
    for (const [what, change] of [
      ["replicas as a string", { Mode: { Replicated: { Replicas: "1" } } }],
      ["labels as an array", { Labels: ["a"] }],
      ["a port as a string", { EndpointSpec: { Ports: [{ TargetPort: "80" }] } }],
      ["the task template as a number", { TaskTemplate: 1.5 }],
    ] as const) {
      const wrong = await updateWith(send, path, (spec) => ({ ...spec, ...change }));
      out[`services: update, wrong type, ${what}`] = {
        answer: wrong.answer,
        unchanged: sameValues(wrong.stored, wrong.before.Spec),
      };
    }
    const filters: [string, unknown][] = [
      ["a filter name upper-cased", { Service: [id] }],
      ["an unknown filter", { bogus: ["x"] }],
      ["a service by a name nobody has", { service: ["{u}-nosuch"] }],
      ["a service in the older form, by name", { service: { "{u}-task": true } }],
      ["a value as a string", { service: id }],
      ["a value list of numbers", { service: [1] }],
      ["a flag as a number", { service: { [id]: 1 } }],
      ["both forms at once", { service: [id], "desired-state": { running: true } }],
      ["an array", [id]],
      ["a bad desired state", { "desired-state": ["bogus"] }],
    ];
    for (const [what, filter] of filters) {
      const answer = await send("GET", `/tasks?filters=${encodeURIComponent(JSON.stringify(filter))}`);
      const listed = Array.isArray(answer.body)
        ? (answer.body as Task[]).map((t) => t.DesiredState)
        : answer.body;
      out[`tasks: filters, ${what}`] = { status: answer.status, body: listed };
    }
  } finally {
    await send("DELETE", path);
  }
  return out;
}

async function session(socketPath: string, image: string) {
  const unique = uniqueName("fupd");
  const send = target(socketPath, unique);
  const self = ((await send("GET", "/info")).body as { Swarm: { NodeID: string } }).Swarm.NodeID;
  const out = {
    ...(await nodeCases(send, `/nodes/${self}`, unique)),
    ...(await swarmCases(send)),
    ...(await configAndSecretCases(send)),
    ...(await serviceAndTaskCases(send, image)),
  };
  return JSON.parse(JSON.stringify(out).split(self).join("<node>")) as Record<string, unknown>;
}

describe.skipIf(!engine)("raw updates on the real engine and on the fake", () => {
  let fake: FakeSwarm | undefined;
  afterAll(() => fake?.close());

  it("answers and stores the same, key order included", { timeout: 90_000 }, async () => {
    const real = await session(engine!.socketPath, engine!.images.current);
    fake = await createFakeSwarm({ clock: "real", start: Date.now(), timings: { step: 5, stop: 10 } });
    const server = await fake.listen({ socketPath: `/tmp/${uniqueName("fupd")}.sock` });
    const onFake = await session(server.dockerHost.slice("unix://".length), engine!.images.current);
    expect(Object.keys(onFake)).toEqual(Object.keys(real));
    for (const key of Object.keys(real)) {
      expect.soft(onFake[key], key).toEqual(real[key]);
      expect.soft(JSON.stringify(onFake[key]), `${key} (key order)`).toBe(JSON.stringify(real[key]));
    }
  });
});
