import { validateRequestBody } from "@flotilla/types";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventually, type RawAnswer, rawRequest, uniqueName } from "./support/raw-engine.js";
import { documentsStatus, responseProblems, schemaProblems } from "./support/spec-validator.js";

// spec/ against the real engine: objects of every kind are created with rich specs, read back,
// and every answer is validated against spec/ with unknown properties rejected. A field the
// engine sends that spec/ lacks fails here. What we send is checked against spec/ too.

const engine = inject("engine");

describe.skipIf(!engine)("spec/ describes what the engine answers", () => {
  const socket = engine?.socketPath ?? "";
  const v = `/v${engine?.apiVersion}`;
  const call = (method: string, path: string, body?: unknown) =>
    rawRequest(socket, method, `${v}${path}`, body);
  const names = {
    secret: uniqueName("conform-secret"),
    config: uniqueName("conform-config"),
    network: uniqueName("conform-net"),
    replicated: uniqueName("conform-rep"),
    global: uniqueName("conform-global"),
    job: uniqueName("conform-job"),
    globalJob: uniqueName("conform-gjob"),
  };
  const ids: Record<string, string> = {};
  const since = Math.floor(Date.now() / 1000) - 1;

  function expectFits(route: string, answer: RawAnswer, okStatus = 200): unknown {
    expect(answer.status, `${route}: ${answer.text()}`).toBe(okStatus);
    const body = answer.json();
    expect(responseProblems(route, okStatus, body), route).toEqual([]);
    return body;
  }

  // Records the new object's ID before checking the answer, so cleanup finds it either way.
  async function create(
    key: string,
    route: string,
    schema: Parameters<typeof validateRequestBody>[0],
    body: unknown,
  ) {
    validateRequestBody(schema, body);
    const answer = await call("POST", route.split(" ")[1]!, body);
    if (answer.status === 201) {
      const created = answer.json<{ ID?: string; Id?: string }>();
      ids[key] = created.ID ?? created.Id ?? "";
    }
    expectFits(route, answer, 201);
  }

  beforeAll(async () => {
    await create("secret", "POST /secrets/create", "SecretSpec", {
      Name: names.secret,
      Labels: { "flotilla.test": "conformance" },
      Data: Buffer.from("not-really-secret").toString("base64"),
    });
    await create("config", "POST /configs/create", "ConfigSpec", {
      Name: names.config,
      Labels: { "flotilla.test": "conformance" },
      Data: Buffer.from("key=value\n").toString("base64"),
    });
    await create("network", "POST /networks/create", "NetworkCreateRequest", {
      Name: names.network,
      Driver: "overlay",
      Attachable: true,
      Labels: { "flotilla.test": "conformance" },
    });

    const image = engine!.images.current;
    const publishedPort = 30000 + Math.floor(Math.random() * 2000);
    await create("replicated", "POST /services/create", "ServiceSpec", {
      Name: names.replicated,
      Labels: { "flotilla.test": "conformance" },
      TaskTemplate: {
        ContainerSpec: {
          Image: image,
          Command: ["sh", "-c", "echo conformance-line; sleep 3600"],
          Env: ["MODE=conformance"],
          Labels: { "flotilla.container": "yes" },
          Mounts: [
            { Type: "tmpfs", Target: "/scratch", TmpfsOptions: { SizeBytes: 1048576 } },
            { Type: "volume", Source: `${names.replicated}-data`, Target: "/data" },
          ],
          Secrets: [
            {
              SecretID: ids.secret,
              SecretName: names.secret,
              File: { Name: "token", UID: "0", GID: "0", Mode: 0o400 },
            },
          ],
          Configs: [
            {
              ConfigID: ids.config,
              ConfigName: names.config,
              File: { Name: "/app.conf", UID: "0", GID: "0", Mode: 0o444 },
            },
          ],
          Healthcheck: { Test: ["CMD-SHELL", "true"], Interval: 1e9, Timeout: 1e9, Retries: 3 },
          StopGracePeriod: 1e9,
          Init: true,
        },
        Resources: {
          Limits: { NanoCPUs: 5e8, MemoryBytes: 64 * 1024 * 1024 },
          Reservations: { NanoCPUs: 1e7 },
        },
        RestartPolicy: { Condition: "on-failure", Delay: 1e9, MaxAttempts: 3 },
        Placement: {
          Constraints: ["node.role==manager"],
          Preferences: [{ Spread: { SpreadDescriptor: "node.id" } }],
        },
        Networks: [{ Target: ids.network, Aliases: ["conformance"] }],
      },
      Mode: { Replicated: { Replicas: 1 } },
      UpdateConfig: {
        Parallelism: 1,
        Delay: 1e9,
        FailureAction: "rollback",
        Monitor: 1e9,
        MaxFailureRatio: 0.5,
        Order: "stop-first",
      },
      RollbackConfig: { Parallelism: 1, FailureAction: "pause", Order: "stop-first" },
      EndpointSpec: {
        Mode: "vip",
        Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: publishedPort, PublishMode: "ingress" }],
      },
    });
    await create("global", "POST /services/create", "ServiceSpec", {
      Name: names.global,
      TaskTemplate: { ContainerSpec: { Image: image, Command: ["sleep", "3600"] } },
      Mode: { Global: {} },
    });
    await create("job", "POST /services/create", "ServiceSpec", {
      Name: names.job,
      TaskTemplate: {
        ContainerSpec: { Image: image, Command: ["true"] },
        RestartPolicy: { Condition: "none" },
      },
      Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
    });
    await create("globalJob", "POST /services/create", "ServiceSpec", {
      Name: names.globalJob,
      TaskTemplate: {
        ContainerSpec: { Image: image, Command: ["true"] },
        RestartPolicy: { Condition: "none" },
      },
      Mode: { GlobalJob: {} },
    });

    ids.task = await eventually("the replicated service's task to run", 60, async () => {
      const filters = encodeURIComponent(
        JSON.stringify({ service: [ids.replicated], "desired-state": ["running"] }),
      );
      const tasks = (await call("GET", `/tasks?filters=${filters}`)).json<
        Array<{ ID: string; Status: { State: string } }>
      >();
      return tasks.find((t) => t.Status.State === "running")?.ID;
    });
  }, 90_000);

  afterAll(async () => {
    for (const key of ["replicated", "global", "job", "globalJob"]) {
      if (ids[key]) await call("DELETE", `/services/${ids[key]}`);
    }
    // Tasks hold the secret, config and network until their containers are gone.
    await eventually("the test services' tasks to go", 60, async () => {
      const filters = encodeURIComponent(JSON.stringify({ label: ["flotilla.test=conformance"] }));
      const left = (await call("GET", `/services?filters=${filters}`)).json<unknown[]>();
      return left.length === 0 ? true : undefined;
    }).catch(() => undefined);
    for (const [kind, key] of [
      ["secrets", "secret"],
      ["configs", "config"],
      ["networks", "network"],
    ] as const) {
      if (!ids[key]) continue;
      await eventually(`${kind} ${names[key]} to be removed`, 30, async () => {
        const status = (await call("DELETE", `/${kind}/${ids[key]}`)).status;
        return status < 300 || status === 404 ? true : undefined;
      }).catch(() => undefined);
    }
    await rawRequest(socket, "DELETE", `${v}/volumes/${names.replicated}-data`).catch(() => undefined);
  }, 120_000);

  it("GET /version and GET /info", async () => {
    expectFits("GET /version", await call("GET", "/version"));
    const info = expectFits("GET /info", await call("GET", "/info")) as { Swarm: { LocalNodeState: string } };
    expect(info.Swarm.LocalNodeState).toBe("active");
  });

  it("GET /_ping answers OK with the headers spec/ names", async () => {
    const answer = await rawRequest(socket, "GET", "/_ping");
    expect(answer.text()).toBe("OK");
    expect(answer.headers["api-version"]).toBe(engine!.apiVersion);
    expect(answer.headers["docker-experimental"]).toMatch(/^(true|false)$/);
    // Daemons from the 1.42 era on add a Swarm header to every API version; older ones do not.
    if (answer.headers.swarm !== undefined) expect(answer.headers.swarm).toBe("active/manager");
    expect(answer.headers.ostype).toBe("linux");
  });

  it("GET /swarm, GET /swarm/unlockkey", async () => {
    expectFits("GET /swarm", await call("GET", "/swarm"));
    expectFits("GET /swarm/unlockkey", await call("GET", "/swarm/unlockkey"));
  });

  it("GET /nodes and GET /nodes/{id}", async () => {
    const nodes = expectFits("GET /nodes", await call("GET", "/nodes")) as Array<{ ID: string }>;
    expect(nodes.length).toBeGreaterThan(0);
    expectFits("GET /nodes/{id}", await call("GET", `/nodes/${nodes[0]!.ID}`));
  });

  it("GET /services with status, and each service with insertDefaults", async () => {
    const filters = encodeURIComponent(JSON.stringify({ label: ["flotilla.test=conformance"] }));
    expectFits("GET /services", await call("GET", `/services?status=true&filters=${filters}`));
    for (const key of ["replicated", "global", "job", "globalJob"]) {
      expectFits("GET /services/{id}", await call("GET", `/services/${ids[key]}?insertDefaults=true`));
      expectFits("GET /services/{id}", await call("GET", `/services/${ids[key]}`));
    }
  });

  it("POST /services/{id}/update answers as spec/ says, and the service keeps fitting", async () => {
    const service = (await call("GET", `/services/${ids.global}`)).json<{
      Version: { Index: number };
      Spec: object;
    }>();
    const spec = { ...service.Spec, Labels: { updated: "yes" } };
    validateRequestBody("ServiceSpec", spec);
    expectFits(
      "POST /services/{id}/update",
      await call("POST", `/services/${ids.global}/update?version=${service.Version.Index}`, spec),
    );
    expectFits("GET /services/{id}", await call("GET", `/services/${ids.global}`));
  });

  it("GET /tasks and GET /tasks/{id}, including completed job tasks", async () => {
    await eventually("the job's task to complete", 60, async () => {
      const filters = encodeURIComponent(JSON.stringify({ service: [ids.job] }));
      const tasks = (await call("GET", `/tasks?filters=${filters}`)).json<
        Array<{ Status: { State: string } }>
      >();
      return tasks.some((t) => t.Status.State === "complete") ? true : undefined;
    });
    // Only service names: the engine answers 404 when a `service` filter names no service.
    const services = [names.replicated, names.global, names.job, names.globalJob];
    const filters = encodeURIComponent(JSON.stringify({ service: services }));
    const tasks = expectFits("GET /tasks", await call("GET", `/tasks?filters=${filters}`)) as Array<{
      ID: string;
    }>;
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    for (const task of tasks) expectFits("GET /tasks/{id}", await call("GET", `/tasks/${task.ID}`));
  });

  it("GET /secrets, /configs and /networks, listed and one by one", async () => {
    expectFits("GET /secrets", await call("GET", "/secrets"));
    const secret = expectFits("GET /secrets/{id}", await call("GET", `/secrets/${ids.secret}`)) as {
      Spec: object;
    };
    expect(secret.Spec).not.toHaveProperty("Data");
    expectFits("GET /configs", await call("GET", "/configs"));
    expectFits("GET /configs/{id}", await call("GET", `/configs/${ids.config}`));
    expectFits("GET /networks", await call("GET", "/networks"));
    expectFits("GET /networks/{id}", await call("GET", `/networks/${ids.network}`));
    const ingress = (await call("GET", "/networks/ingress")).json<{ Id: string }>();
    expectFits("GET /networks/{id}", await call("GET", `/networks/${ingress.Id}?verbose=true&scope=swarm`));
  });

  it("the running task's container: inspect and one stats sample", async () => {
    const task = (await call("GET", `/tasks/${ids.task}`)).json<{
      Status: { ContainerStatus: { ContainerID: string } };
    }>();
    const container = task.Status.ContainerStatus.ContainerID;
    expectFits("GET /containers/{id}/json", await call("GET", `/containers/${container}/json`));
    expectFits(
      "GET /containers/{id}/stats",
      await call("GET", `/containers/${container}/stats?stream=false`),
    );
  });

  it("a service's logs arrive as the multiplexed stream spec/ describes", async () => {
    const answer = await eventually("the service's first log line", 30, async () => {
      const a = await call("GET", `/services/${ids.replicated}/logs?stdout=true&stderr=true&timestamps=true`);
      return a.body.length > 0 ? a : undefined;
    });
    expect(answer.status).toBe(200);
    expect(documentsStatus("GET /services/{id}/logs", 200)).toBe(true);
    const header = answer.body.subarray(0, 8);
    expect([1, 2]).toContain(header[0]);
    expect([...header.subarray(1, 4)]).toEqual([0, 0, 0]);
    const payload = answer.body.subarray(8, 8 + header.readUInt32BE(4)).toString("utf8");
    expect(payload).toMatch(/^\d{4}-\d\d-\d\dT\S+ conformance-line\n$/);
  });

  it("GET /events frames are EventMessages", async () => {
    const until = Math.floor(Date.now() / 1000) + 1;
    const filters = encodeURIComponent(JSON.stringify({ type: ["service", "secret", "config", "network"] }));
    const answer = await call("GET", `/events?since=${since}&until=${until}&filters=${filters}`);
    expect(answer.status).toBe(200);
    const frames = answer
      .text()
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { Type: string });
    expect(new Set(frames.map((f) => f.Type))).toEqual(new Set(["service", "secret", "config", "network"]));
    for (const frame of frames) expect(schemaProblems("EventMessage", frame)).toEqual([]);
  });

  it("errors are ErrorResponses with the statuses spec/ lists", async () => {
    const cases: Array<[string, string, string, unknown?]> = [
      ["GET /services/{id}", "GET", "/services/no-such-service-conformance"],
      ["GET /nodes/{id}", "GET", "/nodes/no-such-node"],
      ["GET /tasks/{id}", "GET", "/tasks/no-such-task"],
      ["GET /secrets/{id}", "GET", "/secrets/no-such-secret"],
      [
        "POST /swarm/init",
        "POST",
        "/swarm/init",
        { ListenAddr: "127.0.0.1:2377", AdvertiseAddr: "127.0.0.1" },
      ],
      [
        "POST /services/create",
        "POST",
        "/services/create",
        { Name: names.replicated, TaskTemplate: { ContainerSpec: { Image: "x" } } },
      ],
      [
        "GET /distribution/{name}/json",
        "GET",
        `/distribution/${encodeURIComponent(engine!.images.current)}/json`,
      ],
    ];
    for (const [route, method, path, body] of cases) {
      const answer = await call(method, path, body);
      expect(answer.status, `${route} ${answer.text()}`).toBeGreaterThanOrEqual(400);
      expect(documentsStatus(route, answer.status), `${route} answered ${answer.status}`).toBe(true);
      expect(schemaProblems("ErrorResponse", answer.json()), route).toEqual([]);
    }
  });
});
