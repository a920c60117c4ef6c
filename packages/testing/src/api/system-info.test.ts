import { describe, expect, it } from "vitest";
import { call, createService, serviceSpec, updateService } from "../../test/helpers.js";
import { createFakeSwarm, type FakeSwarm } from "../index.js";

// /version, /info, /_ping's Swarm header, /events and what a spec keeps, against the handler.

async function events(swarm: FakeSwarm, filters?: Record<string, string[]>) {
  // A past `until` answers at once; one in the future would wait for the virtual clock.
  swarm.advance("1s");
  const until = Math.floor(swarm.now().getTime() / 1000);
  const query = new URLSearchParams({ since: "0", until: String(until) });
  if (filters) query.set("filters", JSON.stringify(filters));
  const response = await swarm.handle(new Request(`http://fake/v1.41/events?${query}`));
  const text = await response.text();
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const e = JSON.parse(line);
      return `${e.Type} ${e.Action} ${JSON.stringify(e.Actor.Attributes)}`;
    });
}

describe("the system endpoints", () => {
  it("fills /version as Docker 20.10 does, with the fake's own platform name", async () => {
    await using swarm = await createFakeSwarm();
    const { body } = await call(swarm, "GET", "/version");
    expect(body.Platform).toEqual({ Name: "Flotilla fake swarm" });
    expect(body.Components.map((c: { Name: string }) => c.Name)).toEqual([
      "Engine",
      "containerd",
      "runc",
      "docker-init",
    ]);
    const { Platform: _platform, Components: _components, ...top } = body;
    for (const [key, value] of Object.entries({ ...top, ...body.Components[0].Details })) {
      expect(value, key).toMatch(/\S/);
    }
    expect(body.Components[0].Details.ApiVersion).toBe("1.41");
  });

  it("counts the answering node's task containers and images in /info", async () => {
    await using swarm = await createFakeSwarm({ nodes: 1 });
    const before = (await call(swarm, "GET", "/info")).body;
    expect([before.Containers, before.Images, before.Swarm.Nodes]).toEqual([0, 0, 1]);
    expect(before.ID).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
    await createService(swarm, serviceSpec("web", { Mode: { Replicated: { Replicas: 2 } } }));
    swarm.settle();
    const after = (await call(swarm, "GET", "/info")).body;
    expect([after.Containers, after.ContainersRunning, after.ContainersStopped, after.Images]).toEqual([
      2, 2, 0, 1,
    ]);
    expect(after.Plugins.Network).toContain("overlay");
    expect(after.Swarm.Cluster.JoinTokens).toBeUndefined();
  });

  it("says in /info and in _ping's Swarm header when the node is outside a swarm", async () => {
    await using swarm = await createFakeSwarm();
    const ping = async () => (await swarm.handle(new Request("http://fake/_ping"))).headers.get("swarm");
    expect(await ping()).toBe("active/manager");
    swarm.setLocalNode("active", "worker");
    expect(await ping()).toBe("active/worker");
    expect((await call(swarm, "GET", "/info")).body.Swarm.Cluster).toBeUndefined();
    swarm.setLocalNode("inactive");
    expect(await ping()).toBe("inactive");
    const { Swarm } = (await call(swarm, "GET", "/info")).body;
    expect(Swarm).toEqual({
      NodeID: "",
      NodeAddr: "",
      LocalNodeState: "inactive",
      ControlAvailable: false,
      Error: "",
      RemoteManagers: null,
    });
  });
});

describe("swarm events", () => {
  it("writes a spec change and the update it starts as two events, and a rollback as one", async () => {
    await using swarm = await createFakeSwarm();
    const id = await createService(swarm, serviceSpec("web", { UpdateConfig: { Monitor: 60e9 } }));
    swarm.settle("1s");
    await updateService(swarm, id, (s) => {
      (s.TaskTemplate as { ContainerSpec: { Image: string } }).ContainerSpec.Image = "app:2";
    });
    await call(
      swarm,
      "POST",
      `/services/${id}/update?version=${swarm.service(id).Version!.Index}&rollback=previous`,
      swarm.service(id).Spec,
    );
    await updateService(swarm, id, (s) => {
      s.Mode = { Replicated: { Replicas: 3 } };
    });
    expect(await events(swarm, { type: ["service"] })).toEqual([
      'service create {"name":"web"}',
      'service update {"image.new":"app:2","image.old":"app:1","name":"web"}',
      'service update {"name":"web","updatestate.new":"updating"}',
      'service update {"image.new":"app:1","image.old":"app:2","name":"web","updatestate.new":"rollback_started","updatestate.old":"updating"}',
      'service update {"name":"web","replicas.new":"3","replicas.old":"1"}',
    ]);
    // swarmkit clears the update status on every spec update, a scale too.
    expect(swarm.service(id).UpdateStatus).toBeUndefined();
  });

  it("adds the allocator's update after creating an overlay network or a service with addresses", async () => {
    await using swarm = await createFakeSwarm();
    await call(swarm, "POST", "/networks/create", { Name: "back", Driver: "overlay" });
    await createService(swarm, serviceSpec("plain"));
    await createService(swarm, serviceSpec("web", { EndpointSpec: { Ports: [{ TargetPort: 80 }] } }));
    expect(await events(swarm)).toEqual([
      'network create {"name":"back"}',
      'network update {"name":"back"}',
      'service create {"name":"plain"}',
      'service create {"name":"web"}',
      'service update {"name":"web"}',
    ]);
  });

  it("applies every object filter to every event, by ID or name prefix", async () => {
    await using swarm = await createFakeSwarm();
    await call(swarm, "POST", "/secrets/create", { Name: "web-key", Data: "eA==" });
    await createService(swarm, serviceSpec("web"));
    expect(await events(swarm, { service: ["web"] })).toEqual([
      'secret create {"name":"web-key"}',
      'service create {"name":"web"}',
    ]);
    expect(await events(swarm, { service: ["web-"] })).toEqual(['secret create {"name":"web-key"}']);
    expect(await events(swarm, { secret: ["nothing"] })).toEqual([]);
    expect(await events(swarm, { label: ["name=web"] })).toEqual(['service create {"name":"web"}']);
    expect(await events(swarm, { image: ["web"] })).toEqual([]);
  });

  it("refuses a timestamp that is not seconds[.nanoseconds] with dockerd's text", async () => {
    await using swarm = await createFakeSwarm();
    const response = await swarm.handle(new Request("http://fake/events?since=1.5x&until=2"));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      message: 'strconv.ParseInt: parsing "5x": invalid syntax',
    });
  });
});

describe("what a service spec keeps", () => {
  it("drops unknown fields, nulls and the container spec's omitted zero values, and merges a name given twice, as Go does", async () => {
    await using swarm = await createFakeSwarm();
    const id = await createService(swarm, {
      ...serviceSpec("web"),
      version: 4,
      // Both are the one field Labels to encoding/json: the second map's keys join the first's
      // (the engine keeps {"a":"1","b":"2"} from a config sent with labels {a} and Labels {b}).
      labels: { merged: "into Labels" },
      Labels: { empty: "" },
      TaskTemplate: {
        ContainerSpec: {
          Image: "app:1",
          Args: null,
          TTY: false,
          Env: [],
          Init: false,
          Mounts: [{ Type: "volume", Source: "data", Target: "/data", ReadOnly: false }],
          Secrets: [],
        },
      },
      UpdateConfig: { Parallelism: 1, Delay: 0 },
    });
    const spec = swarm.service(id).Spec as Record<string, unknown>;
    expect(spec.version).toBeUndefined();
    expect(spec.Labels).toEqual({ empty: "", merged: "into Labels" });
    expect((spec.TaskTemplate as { ContainerSpec: unknown }).ContainerSpec).toEqual({
      Image: "app:1",
      Init: false,
      Mounts: [{ Type: "volume", Source: "data", Target: "/data" }],
      Isolation: "default",
    });
    expect(spec.UpdateConfig).toEqual({
      Parallelism: 1,
      FailureAction: "pause",
      MaxFailureRatio: 0,
      Order: "stop-first",
    });
  });
});

describe("task filters and log tails", () => {
  it("answers 404 for a node filter naming no node, as dockerd resolves it", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2 });
    const filters = (node: string) => encodeURIComponent(JSON.stringify({ node: [node] }));
    expect(await call(swarm, "GET", `/tasks?filters=${filters("nowhere")}`)).toEqual({
      status: 404,
      body: { message: "node nowhere not found" },
    });
    expect((await call(swarm, "GET", `/tasks?filters=${filters("node-2")}`)).status).toBe(200);
  });

  it("takes the log tail of each task, not of the service as a whole", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2 });
    const id = await createService(
      swarm,
      serviceSpec("web", {
        TaskTemplate: {
          ContainerSpec: { Image: "busybox", Command: ["sh", "-c", "echo one; echo two; sleep 100"] },
        },
        Mode: { Replicated: { Replicas: 2 } },
      }),
    );
    swarm.settle("5s");
    const response = await swarm.handle(new Request(`http://fake/services/${id}/logs?stdout=1&tail=1`));
    const text = new TextDecoder().decode(await response.arrayBuffer());
    expect(text.match(/one|two/g)).toEqual(["two", "two"]);
  });
});
