import { ConnectionError, NotSwarmManagerError } from "@flotilla/transport";
import { describe, expect, it } from "vitest";
import { createFakeSwarm } from "./index.js";

// A node's own engine: answers as that node, refuses while the node is down, cuts its streams.

const WORKER =
  "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";

function threeNodes() {
  return createFakeSwarm({
    seed: 3,
    nodes: [
      { hostname: "m1", role: "manager" },
      { hostname: "m2", role: "manager" },
      { hostname: "w1", role: "worker" },
    ],
  });
}

describe("a node's transport", () => {
  it("is named after its node and answers swarm calls on a manager", async () => {
    await using swarm = await threeNodes();
    const transport = swarm.transport({ node: "m2" });
    expect(transport.endpoint).toBe("fake://m2");
    const nodes = await (await transport.request({ method: "GET", path: "/nodes" })).json<unknown[]>();
    expect(nodes).toHaveLength(3);
  });

  it("refuses swarm calls on a worker with dockerd's 503, and still answers the rest", async () => {
    await using swarm = await threeNodes();
    const transport = swarm.transport({ node: "w1" });
    const refusal = await transport.request({ method: "GET", path: "/services" }).catch((e) => e);
    expect(refusal).toBeInstanceOf(NotSwarmManagerError);
    expect(refusal).toMatchObject({ status: 503, engineMessage: WORKER });
    const ping = await transport.request({ method: "GET", path: "/_ping" });
    expect(await ping.text()).toBe("OK");
  });

  it("is refused like a dead socket while its node is down, and answers again once it is up", async () => {
    await using swarm = await threeNodes();
    const transport = swarm.transport({ node: "m2" });
    swarm.nodeDown("m2");
    const refusal = await transport.request({ method: "GET", path: "/_ping" }).catch((e) => e);
    expect(refusal).toBeInstanceOf(ConnectionError);
    expect(refusal).toMatchObject({ code: "ERR_CONNECTION_REFUSED", endpoint: "fake://m2" });
    // The other nodes' engines are not affected.
    expect((await swarm.transport({ node: "m1" }).request({ method: "GET", path: "/_ping" })).status).toBe(
      200,
    );
    swarm.nodeUp("m2");
    expect((await transport.request({ method: "GET", path: "/_ping" })).status).toBe(200);
  });

  it("breaks off a followed stream with a lost connection when its node goes down", async () => {
    await using swarm = await threeNodes();
    const transport = swarm.transport({ node: "m1" });
    const events = await transport.request({ method: "GET", path: "/events" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const reading = (async () => {
      for await (const _ of events.stream()) {
      }
    })();
    swarm.nodeDown("m1");
    const failure = await reading.catch((e) => e);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(failure).toMatchObject({ code: "ERR_CONNECTION_LOST", endpoint: "fake://m1" });
  });

  it("loses the answer to a write that its node went down while handling", async () => {
    await using swarm = await threeNodes();
    const transport = swarm.transport({ node: "m1" });
    swarm.inject({ method: "POST", path: "/services/create", latency: 30, times: 1 });
    const creating = transport.request({
      method: "POST",
      path: "/services/create",
      body: { Name: "half-done", TaskTemplate: { ContainerSpec: { Image: "app:1" } } },
    });
    // Let the request reach the node (it waits in the injected latency), then take the node down.
    await new Promise((resolve) => setTimeout(resolve, 5));
    swarm.nodeDown("m1");
    await expect(creating).rejects.toMatchObject({ code: "ERR_CONNECTION_LOST", endpoint: "fake://m1" });
    // The swarm took the write all the same: the caller cannot know, which is the point.
    expect(swarm.services().map((s) => s.Spec?.Name)).toEqual(["half-done"]);
  });
});
