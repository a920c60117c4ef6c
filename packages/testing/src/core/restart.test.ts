import { describe, expect, it } from "vitest";
import { createService, serviceSpec } from "../../test/helpers.js";
import { createFakeSwarm } from "../index.js";

const SECOND = 1_000_000_000;

describe("restart policy", () => {
  it("restarts a failing task until MaxAttempts, then leaves the slot failed", async () => {
    await using swarm = await createFakeSwarm({ seed: 1 });
    swarm.image("crash", { exit: { code: 3, after: "1s" } });
    const id = await createService(
      swarm,
      serviceSpec("c", {
        TaskTemplate: {
          ContainerSpec: { Image: "crash" },
          RestartPolicy: { Condition: "on-failure", MaxAttempts: 2, Delay: SECOND },
        },
      }),
    );
    swarm.advance("5m");
    const tasks = swarm.tasks(id);
    expect(tasks).toHaveLength(3);
    for (const task of tasks) {
      expect(task).toMatchObject({
        DesiredState: "shutdown",
        Status: {
          State: "failed",
          Message: "started",
          Err: "task: non-zero exit (3)",
          ContainerStatus: { ExitCode: 3, PID: 0 },
        },
      });
    }
  });

  it("does not restart a task that completed under on-failure", async () => {
    await using swarm = await createFakeSwarm({ seed: 1 });
    swarm.image("once", { exit: { code: 0, after: "1s" } });
    const id = await createService(
      swarm,
      serviceSpec("o", {
        TaskTemplate: { ContainerSpec: { Image: "once" }, RestartPolicy: { Condition: "on-failure" } },
      }),
    );
    swarm.advance("1m");
    expect(swarm.tasks(id).map((t) => [t.Status!.State, t.Status!.Message])).toEqual([
      ["complete", "finished"],
    ]);
  });

  it("restarts after the restart delay under condition any", async () => {
    await using swarm = await createFakeSwarm({ seed: 1 });
    swarm.image("short", { exit: { code: 0, after: "10s" } });
    const id = await createService(
      swarm,
      serviceSpec("s", { TaskTemplate: { ContainerSpec: { Image: "short" } } }),
    );
    swarm.advance("11s");
    const waiting = swarm.tasks(id).find((t) => t.DesiredState === "ready");
    expect(waiting?.Status?.State).toBe("ready");
    swarm.advance("5s");
    expect(swarm.tasks(id).find((t) => t.ID === waiting!.ID)!.Status!.State).toBe("running");
  });

  it("keeps at most TaskHistoryRetentionLimit tasks per slot", async () => {
    await using swarm = await createFakeSwarm({ seed: 1 });
    swarm.image("flappy", { exit: { code: 1, after: "1s" } });
    const id = await createService(
      swarm,
      serviceSpec("f", {
        TaskTemplate: { ContainerSpec: { Image: "flappy" }, RestartPolicy: { Delay: SECOND } },
      }),
    );
    swarm.advance("2m");
    expect(swarm.tasks(id)).toHaveLength(5);
  });

  it("rejects a task whose image does not exist, as the engine does", async () => {
    await using swarm = await createFakeSwarm({ seed: 1 });
    swarm.image("ghost:1", { missing: true });
    const id = await createService(
      swarm,
      serviceSpec("g", {
        TaskTemplate: { ContainerSpec: { Image: "ghost:1" }, RestartPolicy: { Condition: "none" } },
      }),
    );
    swarm.advance("1m");
    expect(swarm.tasks(id).map((t) => t.Status)).toMatchObject([
      { State: "rejected", Message: "preparing", Err: "No such image: ghost:1" },
    ]);
  });
});

describe("jobs", () => {
  it("runs a replicated job to TotalCompletions, MaxConcurrent at a time", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2, seed: 2 });
    swarm.image("batch", { exit: { code: 0, after: "10s" } });
    const id = await createService(
      swarm,
      serviceSpec("j", {
        Mode: { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 5 } },
        TaskTemplate: { ContainerSpec: { Image: "batch" } },
      }),
    );
    swarm.advance("5s");
    expect(swarm.tasks(id).filter((t) => t.Status!.State === "running")).toHaveLength(2);
    swarm.advance("5m");
    const tasks = swarm.tasks(id);
    expect(tasks.map((t) => t.Status!.State)).toEqual([
      "complete",
      "complete",
      "complete",
      "complete",
      "complete",
    ]);
    expect(tasks.map((t) => t.Slot ?? 0).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(tasks.every((t) => t.DesiredState === "complete")).toBe(true);
  });

  it("runs a global job once on every node", async () => {
    await using swarm = await createFakeSwarm({ nodes: 3, seed: 2 });
    swarm.image("once", { exit: { code: 0, after: "1s" } });
    const id = await createService(
      swarm,
      serviceSpec("gj", { Mode: { GlobalJob: {} }, TaskTemplate: { ContainerSpec: { Image: "once" } } }),
    );
    swarm.advance("1m");
    expect(swarm.tasks(id).map((t) => t.Status!.State)).toEqual(["complete", "complete", "complete"]);
  });
});
