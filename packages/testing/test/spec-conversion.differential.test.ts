import { request } from "node:http";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm } from "../src/index.js";

// dockerd hands a service spec to swarmkit and converts it back when asked, so what `GET
// /services/{id}` shows is not always what was sent: empty structs held by pointer stay, empty
// lists and maps go, bind options only when they say something, the 1.41 privileges in full,
// the restart condition "any" when none was given. The same bodies, as raw clients (dockerode,
// docker-py) send them, go to the real engine and to the fake; the stored specs must agree.

const engine = inject("engine");
const suffix = Math.random().toString(36).slice(2, 8);

function onEngine(socketPath: string, method: string, path: string, body?: unknown) {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const req = request(
      { socketPath, method, path: `/v1.41${path}`, headers: { "Content-Type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const image = engine?.images.current ?? "busybox";
const CASES: Record<string, { TaskTemplate: Record<string, unknown>; [key: string]: unknown }> = {
  "empty structs held by pointer": {
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Mounts: [
          { Type: "bind", Source: "/tmp", Target: "/a", BindOptions: {} },
          { Type: "tmpfs", Target: "/b", TmpfsOptions: {} },
          { Type: "volume", Target: "/c", VolumeOptions: {} },
          { Type: "volume", Target: "/d", VolumeOptions: { DriverConfig: { Name: "" }, Labels: {} } },
        ],
        Privileges: {},
        DNSConfig: {},
        Labels: {},
        Env: [],
      },
      Resources: { Limits: {} },
      RestartPolicy: {},
      Placement: {},
      LogDriver: {},
      Networks: [],
    },
    UpdateConfig: {},
    EndpointSpec: {},
  },
  "zero values in the template": {
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Privileges: { SELinuxContext: { Disable: false } },
        DNSConfig: { Nameservers: [] },
      },
      RestartPolicy: { Condition: "", MaxAttempts: 0, Window: 0 },
      Placement: { Constraints: [], Preferences: [{ Spread: { SpreadDescriptor: "" } }], MaxReplicas: 0 },
      Resources: { Reservations: { GenericResources: [] } },
      LogDriver: { Name: "", Options: {} },
    },
    Networks: [],
  },
  "bind options, newer privileges, a credential spec": {
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Privileges: { NoNewPrivileges: true, CredentialSpec: { File: "spec.json" } },
        Mounts: [
          { Type: "bind", Source: "/tmp", Target: "/a", BindOptions: { NonRecursive: true } },
          { Type: "bind", Source: "/tmp", Target: "/b", BindOptions: { Propagation: "RSLAVE" } },
        ],
      },
    },
  },
  "a credential spec naming nothing": {
    TaskTemplate: { ContainerSpec: { Image: image, Privileges: { CredentialSpec: { Config: "" } } } },
  },
  "an unknown propagation": {
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Mounts: [{ Type: "bind", Source: "/tmp", Target: "/a", BindOptions: { Propagation: "bogus" } }],
      },
    },
  },
};

describe.skipIf(!engine)("service specs as the real engine and the fake store them", async () => {
  const socket = engine?.socketPath ?? "";
  const swarm = await createFakeSwarm();
  const created: string[] = [];
  afterAll(async () => {
    for (const id of created) await onEngine(socket, "DELETE", `/services/${id}`);
    await swarm.close();
  });

  /** The spec stored for `body`, or the refusal; the name is left out. */
  const stored = async (side: "engine" | "fake", body: Record<string, unknown>) => {
    const send = async (method: string, path: string, payload?: unknown) => {
      if (side === "engine") return onEngine(socket, method, path, payload);
      const response = await swarm.handle(
        new Request(`http://fake/v1.41${path}`, {
          method,
          ...(payload !== undefined && { body: JSON.stringify(payload) }),
        }),
      );
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    };
    const name = `fake-spec-${suffix}-${side}-${created.length}`;
    const made = await send("POST", "/services/create", {
      Name: name,
      Mode: { Replicated: { Replicas: 0 } },
      ...body,
    });
    if (made.status !== 201) return made;
    const id = (made.body as { ID: string }).ID;
    if (side === "engine") created.push(id);
    const { Spec } = (await send("GET", `/services/${id}`)).body as { Spec: Record<string, unknown> };
    delete Spec.Name;
    return { status: 200, body: Spec };
  };

  for (const [what, body] of Object.entries(CASES)) {
    it(`stores ${what} alike`, async () => {
      const real = await stored("engine", body);
      expect(await stored("fake", body)).toEqual(real);
    });
  }
});
