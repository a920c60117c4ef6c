import { describe, expect, it } from "vitest";
import { createFakeSwarm } from "./index.js";

describe("the in-memory transport", () => {
  it("carries requests to the fake without a socket", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2 });
    const transport = swarm.transport();
    expect(transport.endpoint).toBe("memory://");
    const created = await transport.request({
      method: "POST",
      path: "/services/create",
      body: { Name: "web", TaskTemplate: { ContainerSpec: { Image: "app:1" } } },
    });
    const { ID } = await created.json<{ ID: string }>();
    swarm.settle();
    const tasks = await transport.request({
      method: "GET",
      path: "/tasks",
      query: { filters: { service: [ID] } },
    });
    expect((await tasks.json<{ Status: { State: string } }[]>()).map((t) => t.Status.State)).toEqual([
      "running",
    ]);
  });
});
