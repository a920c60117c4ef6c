import { Client } from "@flotilla/client";
import { createFakeSwarm } from "@flotilla/testing";
import { expect, it } from "vitest";

it("runs two replicas of web", async () => {
  await using swarm = await createFakeSwarm({ nodes: 3 });
  await using client = new Client({ transport: swarm.transport() });

  const web = await client.services.create("nginx:alpine", { name: "web", replicas: 2 });
  await web.waitUntilConverged({ timeout: 5000 });

  const tasks = await web.tasks({ desiredState: "running" });
  expect(tasks.map((task) => task.state)).toEqual(["running", "running"]);
});
