import { describe, expect, it } from "vitest";
import { createFakeSwarm } from "../fake-swarm.js";

describe("losing the leader", () => {
  it("marks it unreachable at once and elects another manager after the election timeout", async () => {
    await using swarm = await createFakeSwarm({
      nodes: 3,
      managers: 3,
      seed: 3,
      timings: { election: "12s" },
    });
    const leader = swarm.nodes().find((n) => n.ManagerStatus?.Leader)!;
    swarm.nodeDown(leader.ID!);
    expect(swarm.node(leader.ID!).ManagerStatus).toEqual({
      Reachability: "unreachable",
      Addr: leader.ManagerStatus!.Addr,
    });
    swarm.advance("11s");
    expect(swarm.nodes().filter((n) => n.ManagerStatus?.Leader)).toEqual([]);
    swarm.advance("1s");
    const leaders = swarm.nodes().filter((n) => n.ManagerStatus?.Leader);
    expect(leaders).toHaveLength(1);
    expect(leaders[0]!.ID).not.toBe(leader.ID);
    expect(leaders[0]!.ManagerStatus?.Reachability).toBe("reachable");
  });

  it("leaves a leader that comes back a follower", async () => {
    await using swarm = await createFakeSwarm({ nodes: 3, managers: 3, seed: 3 });
    const leader = swarm.nodes().find((n) => n.ManagerStatus?.Leader)!;
    swarm.nodeDown(leader.ID!);
    swarm.advance("10s");
    swarm.nodeUp(leader.ID!);
    swarm.settle();
    expect(swarm.node(leader.ID!).ManagerStatus).toMatchObject({ Reachability: "reachable" });
    expect(swarm.node(leader.ID!).ManagerStatus?.Leader).toBeUndefined();
    expect(swarm.nodes().filter((n) => n.ManagerStatus?.Leader)).toHaveLength(1);
  });

  it("elects nobody when no other manager is reachable", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2, managers: 1, seed: 3 });
    const leader = swarm.nodes().find((n) => n.ManagerStatus?.Leader)!;
    swarm.nodeDown(leader.ID!);
    swarm.advance("30s");
    expect(swarm.nodes().filter((n) => n.ManagerStatus?.Leader)).toEqual([]);
  });
});
