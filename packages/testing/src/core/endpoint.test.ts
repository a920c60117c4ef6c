import { describe, expect, it } from "vitest";
import { call, createService, serviceSpec } from "../../test/helpers.js";
import { createFakeSwarm } from "../index.js";

// The allocator as clients see it. Shapes, numbers and texts were checked against Docker 20.10;
// the differential test (test/docker-cli-breadth.differential.test.ts) compares them with it.

const ports = (...list: object[]) => ({ EndpointSpec: { Mode: "vip", Ports: list } });

async function endpointOf(swarm: Awaited<ReturnType<typeof createFakeSwarm>>, id: string) {
  return (await call(swarm, "GET", `/services/${id}`)).body.Endpoint;
}

describe("the fake's allocator", () => {
  it("publishes ports, from 30000 up when none is given, with a VIP on ingress and each network", async () => {
    await using swarm = await createFakeSwarm({ seed: 1 });
    const net = (await call(swarm, "POST", "/networks/create", { Name: "back", Driver: "overlay" })).body.Id;
    const id = await createService(
      swarm,
      serviceSpec("web", {
        ...ports({ TargetPort: 80 }, { Protocol: "udp", TargetPort: 53, PublishedPort: 5353 }),
        TaskTemplate: { ContainerSpec: { Image: "app:1" }, Networks: [{ Target: "back" }] },
      }),
    );
    const endpoint = await endpointOf(swarm, id);
    expect(endpoint.Ports).toEqual([
      { Protocol: "tcp", TargetPort: 80, PublishedPort: 30000, PublishMode: "ingress" },
      { Protocol: "udp", TargetPort: 53, PublishedPort: 5353, PublishMode: "ingress" },
    ]);
    const ingress = (await call(swarm, "GET", "/networks/ingress")).body.Id;
    // The node's ingress sandbox holds 10.0.0.2; the service's VIPs come after.
    expect(endpoint.VirtualIPs).toEqual([
      { NetworkID: ingress, Addr: "10.0.0.3/24" },
      { NetworkID: net, Addr: "10.0.1.2/24" },
    ]);
    // Networks named in the request are stored by ID.
    expect(swarm.service(id).Spec?.TaskTemplate?.Networks).toEqual([{ Target: net }]);
    swarm.settle();
    const [task] = swarm.tasks(id);
    expect(task?.NetworksAttachments?.map((a) => [a.Network?.Spec?.Name, a.Addresses])).toEqual([
      ["ingress", ["10.0.0.4/24"]],
      ["back", ["10.0.1.3/24"]],
    ]);

    // The next service takes the next free port; a removed one gives its port and addresses back.
    const other = await createService(swarm, serviceSpec("other", ports({ TargetPort: 81 })));
    expect((await endpointOf(swarm, other)).Ports[0].PublishedPort).toBe(30001);
    await call(swarm, "DELETE", `/services/${id}`);
    const third = await createService(swarm, serviceSpec("third", ports({ TargetPort: 82 })));
    expect((await endpointOf(swarm, third)).Ports[0].PublishedPort).toBe(30000);
    expect((await endpointOf(swarm, third)).VirtualIPs[0].Addr).toBe("10.0.0.3/24");
  });

  it("keeps a dynamic port across updates and drops the VIP once nothing is published", async () => {
    await using swarm = await createFakeSwarm({ seed: 2 });
    await createService(swarm, serviceSpec("a", ports({ TargetPort: 80 })));
    const id = await createService(swarm, serviceSpec("b", ports({ TargetPort: 80 })));
    const update = async (extra: object) => {
      const version = swarm.service(id).Version?.Index;
      const { status } = await call(swarm, "POST", `/services/${id}/update?version=${version}`, {
        ...serviceSpec("b"),
        ...extra,
      });
      expect(status).toBe(200);
      return endpointOf(swarm, id);
    };
    const grown = await update(ports({ TargetPort: 80 }, { TargetPort: 90, PublishedPort: 9090 }));
    expect(grown.Ports.map((p: { PublishedPort: number }) => p.PublishedPort)).toEqual([30001, 9090]);
    expect(await update({ EndpointSpec: { Mode: "vip" } })).toEqual({ Spec: { Mode: "vip" } });
    // Nothing to allocate, from the start: the engine shows an empty endpoint spec.
    const plain = await createService(swarm, serviceSpec("c", { EndpointSpec: { Mode: "vip" } }));
    expect(await endpointOf(swarm, plain)).toEqual({ Spec: {} });
  });

  it.each([
    [
      "a published port another service holds",
      ports({ TargetPort: 80, PublishedPort: 8080 }),
      /^rpc error: code = InvalidArgument desc = port '8080' is already in use by service 'first' \(\w{25}\) as an ingress port$/,
    ],
    [
      "an ingress port with dnsrr",
      { EndpointSpec: { Mode: "dnsrr", Ports: [{ TargetPort: 80 }] } },
      /^rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode$/,
    ],
    [
      "the same port twice",
      ports({ TargetPort: 80, PublishedPort: 9000 }, { TargetPort: 81, PublishedPort: 9000 }),
      /^rpc error: code = InvalidArgument desc = EndpointSpec: duplicate published ports provided$/,
    ],
    [
      "the ingress network as a task network",
      { TaskTemplate: { ContainerSpec: { Image: "app:1" }, Networks: [{ Target: "ingress" }] } },
      /^rpc error: code = InvalidArgument desc = Service cannot be explicitly attached to the ingress network "ingress"$/,
    ],
  ])("refuses %s", async (_what, extra, message) => {
    await using swarm = await createFakeSwarm({ seed: 3 });
    await createService(swarm, serviceSpec("first", ports({ TargetPort: 80, PublishedPort: 8080 })));
    const { status, body } = await call(swarm, "POST", "/services/create", serviceSpec("second", extra));
    expect(status).toBe(400);
    expect(body.message).toMatch(message);
  });

  it("places one task per node on a host-mode port, and reports the port once running", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2, seed: 4 });
    const id = await createService(swarm, {
      ...serviceSpec("web", ports({ TargetPort: 80, PublishedPort: 8080, PublishMode: "host" })),
      Mode: { Replicated: { Replicas: 3 } },
    });
    swarm.settle();
    const tasks = swarm.tasks(id);
    const running = tasks.filter((t) => t.Status?.State === "running");
    expect(new Set(running.map((t) => t.NodeID)).size).toBe(2);
    const stuck = tasks.filter((t) => t.Status?.State === "pending");
    expect(stuck.map((t) => t.Status?.Err)).toEqual([
      "no suitable node (host-mode port already in use on 2 nodes)",
    ]);
    // Docker 20.10 reports each host port twice.
    const port = { Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: "host" };
    expect(running[0]?.Status?.PortStatus).toEqual({ Ports: [port, port] });
  });

  it("holds a task with a health check in starting until its first probe, one interval in", async () => {
    await using swarm = await createFakeSwarm({ seed: 5, timings: { step: 100, stop: 100 } });
    const id = await createService(swarm, {
      ...serviceSpec("checked"),
      TaskTemplate: {
        ContainerSpec: { Image: "app:1", Healthcheck: { Test: ["CMD", "true"], Interval: 5e9 } },
      },
    });
    swarm.advance("2s");
    expect(swarm.tasks(id)[0]?.Status?.State).toBe("starting");
    swarm.advance("5s");
    expect(swarm.tasks(id)[0]?.Status?.State).toBe("running");
  });

  it("stores an endpoint spec with swarmkit's zero values filled in, as `docker stack deploy` sends it", async () => {
    await using swarm = await createFakeSwarm({ seed: 6 });
    const id = await createService(
      swarm,
      serviceSpec("stacked", { EndpointSpec: { Ports: [{ TargetPort: 81, PublishedPort: 8081 }] } }),
    );
    expect(swarm.service(id).Spec?.EndpointSpec).toEqual({
      Mode: "vip",
      Ports: [{ Protocol: "tcp", TargetPort: 81, PublishedPort: 8081, PublishMode: "ingress" }],
    });
  });
});
