import { describe, expect, it } from "vitest";
import { createService, serviceSpec } from "../../test/helpers.js";
import { createFakeSwarm } from "../index.js";

describe("scheduling", () => {
  it("leaves tasks pending with the engine's message when no node matches the constraints", async () => {
    await using swarm = await createFakeSwarm({ nodes: 3, seed: 1 });
    const id = await createService(
      swarm,
      serviceSpec("db", {
        TaskTemplate: {
          ContainerSpec: { Image: "db" },
          Placement: { Constraints: ["node.labels.disk==ssd"] },
        },
      }),
    );
    swarm.advance("1m");
    const [task] = swarm.tasks(id);
    expect(task!.Status).toMatchObject({
      State: "pending",
      Message: "pending task scheduling",
      Err: "no suitable node (scheduling constraints not satisfied on 3 nodes)",
    });
  });

  it("places a pending task once a node gains the label it needs", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2, seed: 1 });
    const id = await createService(
      swarm,
      serviceSpec("db", {
        TaskTemplate: {
          ContainerSpec: { Image: "db" },
          Placement: { Constraints: ["node.labels.disk==ssd"] },
        },
      }),
    );
    swarm.advance("1s");
    const node = swarm.nodes()[1]!;
    const { Spec, Version } = node;
    await swarm.handle(
      new Request(`http://fake/nodes/${node.ID}/update?version=${Version!.Index}`, {
        method: "POST",
        body: JSON.stringify({ ...Spec, Labels: { disk: "ssd" } }),
      }),
    );
    swarm.settle();
    expect(swarm.tasks(id)[0]).toMatchObject({ NodeID: node.ID, Status: { State: "running" } });
  });

  it("honours node.role, node.hostname and != constraints", async () => {
    await using swarm = await createFakeSwarm({ nodes: 3, managers: 1, seed: 2 });
    const workers = await createService(
      swarm,
      serviceSpec("w", {
        Mode: { Replicated: { Replicas: 4 } },
        TaskTemplate: {
          ContainerSpec: { Image: "x" },
          Placement: { Constraints: ["node.role==worker", "node.hostname!=node-3"] },
        },
      }),
    );
    swarm.settle();
    const hosts = new Set(swarm.tasks(workers).map((t) => swarm.node(t.NodeID!).Description!.Hostname));
    expect([...hosts]).toEqual(["node-2"]);
  });

  it("explains insufficient resources", async () => {
    await using swarm = await createFakeSwarm({ nodes: [{ cpus: 2 }, { cpus: 2 }], seed: 3 });
    const id = await createService(
      swarm,
      serviceSpec("big", {
        Mode: { Replicated: { Replicas: 3 } },
        TaskTemplate: {
          ContainerSpec: { Image: "x" },
          Resources: { Reservations: { NanoCPUs: 1_500_000_000 } },
        },
      }),
    );
    swarm.settle();
    const pending = swarm.tasks(id).filter((t) => t.Status!.State === "pending");
    expect(pending).toHaveLength(1);
    expect(pending[0]!.Status!.Err).toBe("no suitable node (insufficient resources on 2 nodes)");
  });

  it("spreads over label values before spreading over nodes", async () => {
    await using swarm = await createFakeSwarm({
      nodes: [
        { labels: { zone: "a" } },
        { labels: { zone: "a" } },
        { labels: { zone: "a" } },
        { labels: { zone: "b" } },
      ],
      seed: 4,
    });
    const id = await createService(
      swarm,
      serviceSpec("s", {
        Mode: { Replicated: { Replicas: 4 } },
        TaskTemplate: {
          ContainerSpec: { Image: "x" },
          Placement: { Preferences: [{ Spread: { SpreadDescriptor: "node.labels.zone" } }] },
        },
      }),
    );
    swarm.settle();
    const zones = swarm
      .tasks(id)
      .map((t) => swarm.node(t.NodeID!).Spec!.Labels!.zone)
      .sort();
    expect(zones).toEqual(["a", "a", "b", "b"]);
  });

  it("stops at MaxReplicas per node", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2, seed: 5 });
    const id = await createService(
      swarm,
      serviceSpec("s", {
        Mode: { Replicated: { Replicas: 3 } },
        TaskTemplate: { ContainerSpec: { Image: "x" }, Placement: { MaxReplicas: 1 } },
      }),
    );
    swarm.settle();
    const pending = swarm.tasks(id).filter((t) => t.Status!.State === "pending");
    expect(pending.map((t) => t.Status!.Err)).toEqual([
      "no suitable node (max replicas per node limit exceed)",
    ]);
  });
});

describe("nodes", () => {
  it("moves tasks off a drained node", async () => {
    await using swarm = await createFakeSwarm({ nodes: 3, seed: 6 });
    const id = await createService(swarm, serviceSpec("web", { Mode: { Replicated: { Replicas: 6 } } }));
    swarm.settle();
    const drained = swarm.nodes()[2]!.ID!;
    swarm.drain(drained);
    swarm.settle();
    const running = swarm.tasks(id).filter((t) => t.Status!.State === "running");
    expect(running).toHaveLength(6);
    expect(running.some((t) => t.NodeID === drained)).toBe(false);
    const stopped = swarm.tasks(id).filter((t) => t.NodeID === drained);
    expect(stopped.every((t) => t.DesiredState === "shutdown" && t.Status!.State === "shutdown")).toBe(true);
  });

  it("replaces the tasks of a node that goes down, and leaves them as last seen", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2, seed: 7 });
    const id = await createService(swarm, serviceSpec("web", { Mode: { Replicated: { Replicas: 2 } } }));
    swarm.settle();
    const lost = swarm.nodes()[1]!.ID!;
    swarm.nodeDown(lost);
    swarm.settle();
    expect(swarm.node(lost).Status).toMatchObject({ State: "down" });
    const onLost = swarm.tasks(id).filter((t) => t.NodeID === lost);
    expect(onLost.map((t) => [t.DesiredState, t.Status!.State])).toEqual([["shutdown", "running"]]);
    expect(
      swarm.tasks(id).filter((t) => t.DesiredState === "running" && t.Status!.State === "running"),
    ).toHaveLength(2);
    swarm.nodeUp(lost);
    swarm.settle();
    expect(
      swarm
        .tasks(id)
        .filter((t) => t.NodeID === lost)
        .map((t) => t.Status!.State),
    ).toEqual(["shutdown"]);
  });

  it("runs a global service on every eligible node and follows nodes coming and going", async () => {
    await using swarm = await createFakeSwarm({ nodes: 3, seed: 8 });
    const id = await createService(swarm, serviceSpec("agent", { Mode: { Global: {} } }));
    swarm.settle();
    expect(swarm.tasks(id).filter((t) => t.Status!.State === "running")).toHaveLength(3);
    const node = swarm.nodes()[1]!.ID!;
    swarm.drain(node);
    swarm.settle();
    expect(swarm.tasks(id).filter((t) => t.Status!.State === "running")).toHaveLength(2);
    swarm.setAvailability(node, "active");
    swarm.settle();
    expect(swarm.tasks(id).filter((t) => t.Status!.State === "running")).toHaveLength(3);
  });
});
