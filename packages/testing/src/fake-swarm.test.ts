import { describe, expect, it, vi } from "vitest";
import { call, createService, serviceSpec } from "../test/helpers.js";
import { createFakeSwarm } from "./index.js";

describe("a fake swarm", () => {
  it("runs a replicated service's tasks through the engine's states to running", async () => {
    await using swarm = await createFakeSwarm({ nodes: 3, seed: 1 });
    const id = await createService(swarm, serviceSpec("web", { Mode: { Replicated: { Replicas: 3 } } }));
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      for (const t of swarm.tasks(id)) seen.add(`${t.Status!.State}/${t.Status!.Message}`);
      swarm.advance("100ms");
    }
    expect([...seen]).toEqual([
      "assigned/scheduler assigned task to node",
      "accepted/accepted",
      "preparing/preparing",
      "ready/prepared",
      "starting/starting",
      "running/started",
    ]);
    const tasks = swarm.tasks(id);
    expect(tasks.map((t) => t.Slot).sort()).toEqual([1, 2, 3]);
    expect(new Set(tasks.map((t) => t.NodeID)).size).toBe(3);
    expect(tasks[0]!.Status!.ContainerStatus!.ContainerID).toMatch(/^[0-9a-f]{64}$/);
    expect(tasks[0]!.ID).toMatch(/^[0-9a-z]{25}$/);
  });

  it("answers unknown objects with the engine's 404 messages", async () => {
    await using swarm = await createFakeSwarm();
    for (const kind of ["service", "node", "task", "secret", "config", "network"]) {
      expect(await call(swarm, "GET", `/${kind}s/nope`)).toEqual({
        status: 404,
        body: { message: `${kind} nope not found` },
      });
    }
  });
});

describe("time", () => {
  it("follows the wall clock in real-time mode", async () => {
    vi.useFakeTimers({ now: Date.UTC(2025, 5, 1) });
    try {
      await using swarm = await createFakeSwarm({ clock: "real", seed: 1 });
      const id = await createService(swarm, serviceSpec("web"));
      vi.advanceTimersByTime(2000);
      expect(swarm.tasks(id)[0]!.Status!.State).toBe("running");
      expect(swarm.now().getTime()).toBeGreaterThanOrEqual(Date.UTC(2025, 0, 1) + 2000);
    } finally {
      vi.useRealTimers();
    }
  });

  it("advances until a condition holds, and says so when it never does", async () => {
    await using swarm = await createFakeSwarm({ seed: 1 });
    const id = await createService(swarm, serviceSpec("web"));
    swarm.advanceUntil(() => swarm.tasks(id)[0]!.Status!.State === "running");
    expect(swarm.tasks(id)[0]!.Status!.State).toBe("running");
    expect(() => swarm.advanceUntil(() => false, "1m")).toThrow(/condition still false after 1m/);
  });
});
