import { request } from "node:http";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm } from "../src/index.js";

// The same raw request to the real engine and to the fake: status and message must agree.
// Every object made on the engine carries a unique name and is removed afterwards.

const engine = inject("engine");
const suffix = Math.random().toString(36).slice(2, 8);
const name = (what: string) => `fake-probe-${suffix}-${what}`;

interface Answer {
  status: number;
  message: string | undefined;
  body: unknown;
}

function onEngine(socketPath: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method, path: `/v1.41${path}`, headers: { "Content-Type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => {
          const parsed = text ? JSON.parse(text) : undefined;
          resolve({ status: res.statusCode ?? 0, message: parsed?.message, body: parsed });
        });
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const spec = (n: string, extra: Record<string, unknown> = {}) => ({
  Name: n,
  TaskTemplate: { ContainerSpec: { Image: engine?.images.current ?? "busybox", Command: ["sleep", "1000"] } },
  Mode: { Replicated: { Replicas: 0 } },
  ...extra,
});

describe.skipIf(!engine)("the fake against the real engine", async () => {
  const socket = engine?.socketPath ?? "";
  const swarm = await createFakeSwarm();
  const created: string[] = [];
  const both = async (method: string, path: (side: "engine" | "fake") => string, body?: unknown) => {
    const real = await onEngine(socket, method, path("engine"), body);
    const fakeResponse = await swarm.handle(
      new Request(`http://fake/v1.41${path("fake")}`, {
        method,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      }),
    );
    const text = await fakeResponse.text();
    const parsed = text ? JSON.parse(text) : undefined;
    return { real, fake: { status: fakeResponse.status, message: parsed?.message, body: parsed } };
  };
  const ids: Record<"engine" | "fake", Record<string, string>> = { engine: {}, fake: {} };

  afterAll(async () => {
    for (const id of created) await onEngine(socket, "DELETE", `/services/${id}`);
    await onEngine(socket, "DELETE", `/secrets/${name("sec")}`);
    await swarm.close();
  });

  it("creates the same service on both", async () => {
    const { real, fake } = await both("POST", () => "/services/create", spec(name("svc")));
    expect([real.status, fake.status]).toEqual([201, 201]);
    ids.engine.svc = (real.body as { ID: string }).ID;
    ids.fake.svc = (fake.body as { ID: string }).ID;
    created.push(ids.engine.svc);
  });

  it.each([
    ["an unknown service", "GET", "/services/fake-probe-nope", undefined],
    ["an unknown node", "GET", "/nodes/fake-probe-nope", undefined],
    ["an unknown task", "GET", "/tasks/fake-probe-nope", undefined],
    ["an unknown secret", "GET", "/secrets/fake-probe-nope", undefined],
    ["an unknown config", "GET", "/configs/fake-probe-nope", undefined],
    ["an unknown network", "GET", "/networks/fake-probe-nope", undefined],
    [
      "two modes",
      "POST",
      "/services/create",
      spec(name("m"), { Mode: { Global: {}, Replicated: { Replicas: 1 } } }),
    ],
    [
      "negative replicas",
      "POST",
      "/services/create",
      spec(name("r"), { Mode: { Replicated: { Replicas: -1 } } }),
    ],
    [
      "a bad mount type",
      "POST",
      "/services/create",
      spec(name("b"), {
        TaskTemplate: { ContainerSpec: { Image: "x", Mounts: [{ Type: "nope", Target: "/x" }] } },
      }),
    ],
    ["no image", "POST", "/services/create", spec(name("i"), { TaskTemplate: { ContainerSpec: {} } })],
    ["a bad name", "POST", "/services/create", spec("bad name!")],
    [
      "a secret reference without target",
      "POST",
      "/services/create",
      spec(name("s"), {
        TaskTemplate: { ContainerSpec: { Image: "x", Secrets: [{ SecretID: "abc", SecretName: "nosec" }] } },
      }),
    ],
    [
      "an unknown secret reference",
      "POST",
      "/services/create",
      spec(name("s"), {
        TaskTemplate: {
          ContainerSpec: {
            Image: "x",
            Secrets: [
              { SecretID: "abc", SecretName: "nosec", File: { Name: "x", UID: "0", GID: "0", Mode: 292 } },
            ],
          },
        },
      }),
    ],
    [
      "an unknown config reference",
      "POST",
      "/services/create",
      spec(name("c"), {
        TaskTemplate: {
          ContainerSpec: {
            Image: "x",
            Configs: [
              { ConfigID: "abc", ConfigName: "nocfg", File: { Name: "x", UID: "0", GID: "0", Mode: 292 } },
            ],
          },
        },
      }),
    ],
    [
      "an unknown network reference",
      "POST",
      "/services/create",
      spec(name("n"), {
        TaskTemplate: { ContainerSpec: { Image: "x" }, Networks: [{ Target: "fake-probe-nonet" }] },
      }),
    ],
    [
      "a constraint without operator",
      "POST",
      "/services/create",
      spec(name("k"), {
        TaskTemplate: { ContainerSpec: { Image: "x" }, Placement: { Constraints: ["node.foo=bar"] } },
      }),
    ],
    [
      "a negative restart delay",
      "POST",
      "/services/create",
      spec(name("d"), { TaskTemplate: { ContainerSpec: { Image: "x" }, RestartPolicy: { Delay: -5 } } }),
    ],
    ["an empty body", "POST", "/services/create", undefined],
    ["an empty secret", "POST", "/secrets/create", { Name: name("empty") }],
    ["an empty config", "POST", "/configs/create", { Name: name("empty") }],
    ["an unknown filter", "GET", `/services?filters=${encodeURIComponent('{"bogus":["x"]}')}`, undefined],
    ["logs without a stream", "GET", "/services/fake-probe-nope/logs", undefined],
    ["an unknown path", "GET", "/fake-probe-nope", undefined],
    [
      "a node update without version",
      "POST",
      "/nodes/fake-probe-nope/update",
      { Role: "worker", Availability: "active" },
    ],
    ["swarm init inside a swarm", "POST", "/swarm/init", {}],
    ["a bad secret name", "POST", "/secrets/create", { Name: "bad name", Data: "aGVsbG8=" }],
  ])("answers %s the same way", async (_, method, path, body) => {
    const { real, fake } = await both(method, () => path, body);
    expect(fake.status).toBe(real.status);
    expect(fake.message).toBe(real.message);
  });

  it("answers a duplicate name, a stale version and a mode change the same way", async () => {
    const dup = await both("POST", () => "/services/create", spec(name("svc")));
    expect([dup.fake.status, dup.fake.message]).toEqual([dup.real.status, dup.real.message]);
    const stale = await both(
      "POST",
      (side) => `/services/${ids[side].svc}/update?version=1`,
      spec(name("svc")),
    );
    expect([stale.fake.status, stale.fake.message]).toEqual([stale.real.status, stale.real.message]);
    const versions = { engine: 0, fake: 0 };
    for (const side of ["engine", "fake"] as const) {
      const got =
        side === "engine"
          ? await onEngine(socket, "GET", `/services/${ids.engine.svc}`)
          : { body: swarm.service(ids.fake.svc!) };
      versions[side] = (got.body as { Version: { Index: number } }).Version.Index;
    }
    const mode = await both(
      "POST",
      (side) => `/services/${ids[side].svc}/update?version=${versions[side]}`,
      spec(name("svc"), { Mode: { Global: {} } }),
    );
    expect([mode.fake.status, mode.fake.message]).toEqual([mode.real.status, mode.real.message]);
  });

  it("shows a running task and its service in the same shape", async () => {
    const shape = spec(name("shape"), { Mode: { Replicated: { Replicas: 1 } } });
    const real = await onEngine(socket, "POST", "/services/create", shape);
    const realId = (real.body as { ID: string }).ID;
    created.push(realId);
    const fakeId = (await (
      await swarm.handle(
        new Request("http://fake/services/create", { method: "POST", body: JSON.stringify(shape) }),
      )
    ).json()) as { ID: string };
    swarm.settle();
    const filters = (id: string) => `/tasks?filters=${encodeURIComponent(JSON.stringify({ service: [id] }))}`;
    let realTask: Record<string, unknown> | undefined;
    for (let i = 0; i < 100 && !realTask; i++) {
      const tasks = (await onEngine(socket, "GET", filters(realId))).body as { Status: { State: string } }[];
      realTask = tasks.find((t) => t.Status.State === "running") as Record<string, unknown> | undefined;
      if (!realTask) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const fakeTask = (
      (await (await swarm.handle(new Request(`http://fake${filters(fakeId.ID)}`))).json()) as Record<
        string,
        unknown
      >[]
    )[0]!;
    const keys = (o: unknown) => Object.keys(o as object).sort();
    expect(keys(fakeTask)).toEqual(keys(realTask));
    const status = (t: Record<string, unknown>) => t.Status as Record<string, unknown>;
    expect(keys(status(fakeTask))).toEqual(keys(status(realTask!)));
    expect([status(fakeTask).State, status(fakeTask).Message]).toEqual([
      status(realTask!).State,
      status(realTask!).Message,
    ]);
    expect(keys(status(fakeTask).ContainerStatus)).toEqual(keys(status(realTask!).ContainerStatus));
    const realService = (await onEngine(socket, "GET", `/services/${realId}`)).body;
    const fakeService = await (await swarm.handle(new Request(`http://fake/services/${fakeId.ID}`))).json();
    expect(keys(fakeService)).toEqual(keys(realService));
    expect((fakeService as { Spec: unknown }).Spec).toEqual((realService as { Spec: unknown }).Spec);
  });

  it("refuses a secret data update the same way", async () => {
    const made = await both("POST", () => "/secrets/create", { Name: name("sec"), Data: "aGVsbG8=" });
    expect([made.real.status, made.fake.status]).toEqual([201, 201]);
    const id = { engine: (made.real.body as { ID: string }).ID, fake: (made.fake.body as { ID: string }).ID };
    const version = async (side: "engine" | "fake") => {
      const got =
        side === "engine"
          ? await onEngine(socket, "GET", `/secrets/${id.engine}`)
          : (await both("GET", () => `/secrets/${id.fake}`)).fake;
      return (got.body as { Version: { Index: number } }).Version.Index;
    };
    const v = { engine: await version("engine"), fake: 0 };
    v.fake = (
      (await swarm.handle(new Request(`http://fake/secrets/${id.fake}`)).then((r) => r.json())) as {
        Version: { Index: number };
      }
    ).Version.Index;
    const update = await both("POST", (side) => `/secrets/${id[side]}/update?version=${v[side]}`, {
      Name: name("sec"),
      Data: "d29ybGQ=",
    });
    expect([update.fake.status, update.fake.message]).toEqual([update.real.status, update.real.message]);
  });
});
