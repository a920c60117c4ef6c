import { answerTypes, type GoTypeNode, goTypes, type OperationKey } from "@flotilla/types";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventually, rawRequest, uniqueName } from "../support/raw-engine.js";

// spec/ holds the Go facts the fake's encoder writes by: each struct's fields in Go's order and
// which carry `omitempty`. Go's encoding/json writes exactly those facts, so every object the
// engine writes is checked against them: its keys come in spec/'s order, a field it leaves out
// is omitempty (or newer than the engine), and a zero value it writes is not omitempty.

const engine = inject("engine");

/** What the engine's answer breaks of spec/'s facts, as `path: what` lines. */
export function specMismatches(node: GoTypeNode, value: unknown, path: string, version: string): string[] {
  const out: string[] = [];
  const pending: { node: GoTypeNode; value: unknown; path: string }[] = [{ node, value, path }];
  while (pending.length > 0) {
    const { node: at, value: held, path: where } = pending.pop()!;
    const target = at.kind === "ref" && at.ref ? goTypes[at.ref] : at;
    if (!target || held === null || held === undefined || typeof held !== "object") continue;
    if (Array.isArray(held)) {
      if (target.items)
        for (const [i, item] of held.entries())
          pending.push({ node: target.items, value: item, path: `${where}[${i}]` });
      continue;
    }
    const object = held as Record<string, unknown>;
    if (target.values) {
      const keys = Object.keys(object);
      if (keys.join() !== [...keys].sort().join()) out.push(`${where}: map keys not sorted`);
      for (const key of keys)
        pending.push({ node: target.values, value: object[key], path: `${where}.${key}` });
      continue;
    }
    if (!target.fields) continue;
    const fields = Object.keys(target.fields);
    const keys = Object.keys(object);
    const unknown = keys.filter((k) => !(k in target.fields!));
    if (unknown.length > 0) out.push(`${where}: not in spec/: ${unknown.join(", ")}`);
    const known = keys.filter((k) => k in target.fields!);
    const expected = fields.filter((f) => known.includes(f));
    if (known.join() !== expected.join())
      out.push(`${where}: order ${known.join(",")}; spec/ ${expected.join(",")}`);
    for (const [name, field] of Object.entries(target.fields)) {
      const present = name in object;
      const newer = field.min !== undefined && compare(field.min, version) > 0;
      if (!present && !field.omitempty && !newer) out.push(`${where}.${name}: left out, but not omitempty`);
      if (present && field.omitempty && !field.pointer && isZero(object[name], field))
        out.push(`${where}.${name}: zero written, but omitempty`);
      if (present) pending.push({ node: field, value: object[name], path: `${where}.${name}` });
    }
  }
  return out;
}

function isZero(value: unknown, field: GoTypeNode): boolean {
  const target = field.kind === "ref" && field.ref ? goTypes[field.ref] : field;
  if (value === null || value === "" || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  // A struct is never empty to Go; a map is when it has no keys.
  return typeof value === "object" && Boolean(target?.values) && Object.keys(value).length === 0;
}

function compare(a: string, b: string): number {
  const [a1, a2] = a.split(".").map(Number) as [number, number];
  const [b1, b2] = b.split(".").map(Number) as [number, number];
  return a1 - b1 || a2 - b2;
}

describe.skipIf(!engine)("spec/'s Go facts against what the engine writes", () => {
  const socket = engine?.socketPath ?? "";
  const v = `/v${engine?.apiVersion}`;
  const unique = uniqueName("codec-order");
  const send = (method: string, path: string, body?: unknown) =>
    rawRequest(socket, method, `${v}${path}`, body);
  const made: string[] = [];
  const ids: Record<string, string> = {};
  const data = Buffer.from("spec order").toString("base64");

  beforeAll(async () => {
    const image = engine!.images.current;
    const create = async (kind: string, body: unknown) => {
      const answer = await send("POST", `/${kind}/create`, body);
      expect(answer.status, `${kind}: ${answer.text()}`).toBe(201);
      const id = answer.json<{ ID?: string; Id?: string }>();
      made.push(`/${kind}/${id.ID ?? id.Id}`);
      return (id.ID ?? id.Id)!;
    };
    ids.secret = await create("secrets", { Name: `${unique}-s`, Data: data, Labels: { b: "2", a: "1" } });
    ids.config = await create("configs", { Name: `${unique}-c`, Data: data, Templating: { Name: "golang" } });
    ids.network = await create("networks", {
      Name: `${unique}-n`,
      Driver: "overlay",
      Attachable: true,
      Labels: { z: "1", a: "2" },
      IPAM: { Config: [{ Subnet: "10.231.91.0/24" }] },
    });
    ids.full = await create("services", {
      Name: `${unique}-full`,
      Labels: { z: "1", a: "" },
      TaskTemplate: {
        ContainerSpec: {
          Image: image,
          Labels: { l: "1" },
          Command: ["sleep"],
          Args: ["600"],
          Hostname: "h",
          Env: ["A=1"],
          Dir: "/",
          User: "root",
          Groups: ["wheel"],
          Privileges: { SELinuxContext: { Disable: true } },
          Init: false,
          StopSignal: "SIGTERM",
          TTY: true,
          OpenStdin: true,
          ReadOnly: true,
          Mounts: [
            {
              Type: "volume",
              Target: "/v",
              VolumeOptions: { NoCopy: true, Labels: { a: "1" }, DriverConfig: { Name: "local" } },
            },
            { Type: "tmpfs", Target: "/t", TmpfsOptions: { SizeBytes: 1024, Mode: 0o700 } },
            {
              Type: "bind",
              Source: "/tmp",
              Target: "/b",
              ReadOnly: true,
              BindOptions: { Propagation: "rslave" },
            },
          ],
          StopGracePeriod: 0,
          Healthcheck: { Test: ["CMD", "true"], Interval: 1e9, Timeout: 1e9, Retries: 3, StartPeriod: 1e9 },
          Hosts: ["10.0.0.1 h"],
          DNSConfig: { Nameservers: ["10.0.0.2"], Search: ["x"], Options: ["ndots:1"] },
          Secrets: [
            {
              SecretID: ids.secret,
              SecretName: `${unique}-s`,
              File: { Name: "s", UID: "0", GID: "0", Mode: 0o444 },
            },
          ],
          Configs: [
            {
              ConfigID: ids.config,
              ConfigName: `${unique}-c`,
              File: { Name: "/c", UID: "0", GID: "0", Mode: 0o444 },
            },
          ],
          Isolation: "default",
          Sysctls: { "net.core.somaxconn": "1024" },
          CapabilityAdd: ["CAP_NET_ADMIN"],
          CapabilityDrop: ["CAP_MKNOD"],
          Ulimits: [{ Name: "nofile", Soft: 1024, Hard: 2048 }],
        },
        Resources: { Limits: { NanoCPUs: 1e8, MemoryBytes: 64 << 20 }, Reservations: { NanoCPUs: 1e7 } },
        RestartPolicy: { Condition: "on-failure", Delay: 1e9, MaxAttempts: 0, Window: 1e9 },
        Placement: {
          Constraints: ["node.role==manager"],
          Preferences: [{ Spread: { SpreadDescriptor: "node.id" } }],
          Platforms: [{ Architecture: "amd64", OS: "linux" }],
        },
        Networks: [{ Target: ids.network, Aliases: ["al"] }],
        LogDriver: { Name: "json-file", Options: { "max-size": "1m" } },
        ForceUpdate: 1,
      },
      Mode: { Replicated: { Replicas: 0 } },
      UpdateConfig: {
        Parallelism: 0,
        Delay: 0,
        FailureAction: "continue",
        Monitor: 1e9,
        MaxFailureRatio: 0.5,
        Order: "start-first",
      },
      RollbackConfig: { Parallelism: 2, FailureAction: "pause", Order: "stop-first" },
      EndpointSpec: {
        Mode: "vip",
        Ports: [{ Name: "p", Protocol: "tcp", TargetPort: 80, PublishMode: "ingress" }],
      },
    });
    // Every field present with its zero value: a zero kept is not omitempty.
    ids.zero = await create("services", {
      Name: `${unique}-zero`,
      Labels: {},
      TaskTemplate: {
        ContainerSpec: { Image: image, Command: [], Env: [], Dir: "", TTY: false, Labels: {}, Mounts: [] },
        Resources: {},
        RestartPolicy: {},
        Placement: {},
        Networks: [],
        ForceUpdate: 0,
      },
      Mode: { Replicated: {} },
      UpdateConfig: {},
      EndpointSpec: {},
    });
    ids.running = await create("services", {
      Name: `${unique}-run`,
      TaskTemplate: {
        ContainerSpec: { Image: image, Command: ["sleep", "600"] },
        Networks: [{ Target: ids.network }],
      },
      Mode: { Replicated: { Replicas: 1 } },
      EndpointSpec: { Ports: [{ TargetPort: 80 }] },
    });
    ids.job = await create("services", {
      Name: `${unique}-job`,
      TaskTemplate: { ContainerSpec: { Image: image, Command: ["true"] } },
      Mode: { ReplicatedJob: {} },
    });
    ids.task = await eventually("a running task", 60, async () => {
      const filters = encodeURIComponent(JSON.stringify({ service: [ids.running] }));
      const tasks = (await send("GET", `/tasks?filters=${filters}`)).json<
        { ID: string; Status: { State: string } }[]
      >();
      return tasks.find((t) => t.Status.State === "running")?.ID;
    });
  }, 120_000);

  afterAll(async () => {
    for (const path of made.reverse()) await send("DELETE", path);
  });

  const check = async (operation: OperationKey, path: string) => {
    const answer = await send("GET", path);
    expect(answer.status, answer.text()).toBe(200);
    const node = answerTypes[operation];
    expect(node, `spec/ gives ${operation} a JSON answer`).toBeDefined();
    expect(specMismatches(node!, answer.json(), operation, engine!.apiVersion)).toEqual([]);
  };

  it("writes a service with many fields set as spec/ orders and omits them", () =>
    check("GET /services/{id}", `/services/${ids.full}`));
  it("writes a service with its defaults inserted", () =>
    check("GET /services/{id}", `/services/${ids.full}?insertDefaults=true`));
  it("writes a service given every field's zero value", () =>
    check("GET /services/{id}", `/services/${ids.zero}`));
  it("writes a minimal service, and a job, with their status", async () => {
    await check("GET /services/{id}", `/services/${ids.running}`);
    await check("GET /services/{id}", `/services/${ids.job}`);
    await check(
      "GET /services",
      `/services?status=true&filters=${encodeURIComponent(JSON.stringify({ name: [unique] }))}`,
    );
  });
  it("writes a task", () => check("GET /tasks/{id}", `/tasks/${ids.task}`));
  it("writes tasks", () =>
    check(
      "GET /tasks",
      `/tasks?filters=${encodeURIComponent(JSON.stringify({ service: [ids.running, ids.job] }))}`,
    ));
  it("writes nodes", () => check("GET /nodes", "/nodes"));
  it("writes the swarm", () => check("GET /swarm", "/swarm"));
  it("writes a secret and secrets", async () => {
    await check("GET /secrets/{id}", `/secrets/${ids.secret}`);
    await check("GET /secrets", "/secrets");
  });
  it("writes a config and configs", async () => {
    await check("GET /configs/{id}", `/configs/${ids.config}`);
    await check("GET /configs", "/configs");
  });
  it("writes a swarm network, and networks", async () => {
    await check("GET /networks/{id}", `/networks/${ids.network}`);
    await check("GET /networks", "/networks");
  });
});
