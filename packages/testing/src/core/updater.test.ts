import { describe, expect, it } from "vitest";
import { createService, serviceSpec, updateService } from "../../test/helpers.js";
import { createFakeSwarm } from "../index.js";

const SECOND = 1_000_000_000;

function imagesBySlot(swarm: Awaited<ReturnType<typeof createFakeSwarm>>, id: string) {
  return swarm
    .tasks(id)
    .filter((t) => t.DesiredState === "running" && t.Status!.State === "running")
    .map((t) => `${t.Slot}:${t.Spec!.ContainerSpec!.Image}`)
    .sort();
}

describe("rolling updates", () => {
  it("updates two slots at a time and waits the configured delay between batches", async () => {
    await using swarm = await createFakeSwarm({ nodes: 3, seed: 7 });
    const id = await createService(
      swarm,
      serviceSpec("web", {
        Mode: { Replicated: { Replicas: 6 } },
        UpdateConfig: { Parallelism: 2, Delay: 10 * SECOND, Monitor: SECOND },
      }),
    );
    swarm.settle();
    await updateService(swarm, id, (spec) => {
      (spec as { TaskTemplate: { ContainerSpec: { Image: string } } }).TaskTemplate.ContainerSpec.Image =
        "app:2";
    });
    expect(swarm.service(id).UpdateStatus).toMatchObject({
      State: "updating",
      Message: "update in progress",
    });
    expect(swarm.service(id).PreviousSpec!.TaskTemplate!.ContainerSpec!.Image).toBe("app:1");

    const updated = () => imagesBySlot(swarm, id).filter((s) => s.endsWith("app:2")).length;
    swarm.advance("5s");
    expect(updated()).toBe(2);
    swarm.advance("5s");
    expect(updated()).toBe(2);
    swarm.advance("5s");
    expect(updated()).toBe(4);
    swarm.advance("9s");
    expect(updated()).toBe(6);
    expect(swarm.service(id).UpdateStatus!.State).toBe("updating");
    swarm.advance("20s");
    expect(swarm.service(id).UpdateStatus).toMatchObject({ State: "completed", Message: "update completed" });
    expect(imagesBySlot(swarm, id)).toEqual([1, 2, 3, 4, 5, 6].map((s) => `${s}:app:2`));
  });

  it("stops the old task before starting its replacement with stop-first", async () => {
    await using swarm = await createFakeSwarm({ seed: 3 });
    const id = await createService(swarm, serviceSpec("api"));
    swarm.settle();
    await updateService(swarm, id, (spec) => {
      (spec as { TaskTemplate: { ForceUpdate: number } }).TaskTemplate.ForceUpdate = 1;
    });
    swarm.advance("50ms");
    const fresh = swarm.tasks(id).find((t) => t.DesiredState === "ready");
    expect(fresh).toBeDefined();
    swarm.settle();
    expect(swarm.tasks(id).filter((t) => t.Status!.State === "running")).toHaveLength(1);
    expect(swarm.tasks(id).filter((t) => t.Status!.State === "shutdown")).toHaveLength(1);
  });

  it("keeps the old task running until the new one runs with start-first", async () => {
    await using swarm = await createFakeSwarm({ seed: 3 });
    const id = await createService(swarm, serviceSpec("api", { UpdateConfig: { Order: "start-first" } }));
    swarm.settle();
    await updateService(swarm, id, (spec) => {
      (spec as { TaskTemplate: { ForceUpdate: number } }).TaskTemplate.ForceUpdate = 1;
    });
    swarm.advance("300ms");
    expect(swarm.tasks(id).filter((t) => t.Status!.State === "running")).toHaveLength(1);
    expect(swarm.tasks(id)).toHaveLength(2);
    swarm.settle();
    expect(
      swarm
        .tasks(id)
        .map((t) => t.Status!.State)
        .sort(),
    ).toEqual(["running", "shutdown"]);
  });

  it("pauses the update when the new image fails and failure action is pause", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2, seed: 5 });
    swarm.image("app:bad", { exit: { code: 1, after: "1s" } });
    const id = await createService(
      swarm,
      serviceSpec("web", {
        Mode: { Replicated: { Replicas: 4 } },
        UpdateConfig: { Parallelism: 1, FailureAction: "pause" },
      }),
    );
    swarm.settle();
    await updateService(swarm, id, (spec) => {
      (spec as { TaskTemplate: { ContainerSpec: { Image: string } } }).TaskTemplate.ContainerSpec.Image =
        "app:bad";
    });
    swarm.advance("30s");
    const status = swarm.service(id).UpdateStatus!;
    expect(status.State).toBe("paused");
    expect(status.Message).toMatch(
      /^update paused due to failure or early termination of task [0-9a-z]{25}$/,
    );
    // The update moved on while the first new task was still inside its monitor window; once the
    // failure surfaced it stopped, leaving the remaining slots on the old image for good.
    const old = imagesBySlot(swarm, id).filter((s) => s.endsWith("app:1"));
    expect(old.length).toBeGreaterThan(0);
    swarm.advance("10m");
    expect(imagesBySlot(swarm, id).filter((s) => s.endsWith("app:1"))).toEqual(old);
    expect(swarm.service(id).UpdateStatus!.State).toBe("paused");
  });

  it("rolls back to the previous spec when the new image fails and failure action is rollback", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2, seed: 5 });
    swarm.image("app:bad", { failsToStart: "starting container failed: exec: not found" });
    const id = await createService(
      swarm,
      serviceSpec("web", {
        Mode: { Replicated: { Replicas: 3 } },
        UpdateConfig: { FailureAction: "rollback" },
      }),
    );
    swarm.settle();
    await updateService(swarm, id, (spec) => {
      (spec as { TaskTemplate: { ContainerSpec: { Image: string } } }).TaskTemplate.ContainerSpec.Image =
        "app:bad";
    });
    swarm.advance("1s");
    expect(swarm.service(id).UpdateStatus!.State).toBe("rollback_started");
    expect(swarm.service(id).UpdateStatus!.Message).toMatch(
      /^update rolled back due to failure or early termination of task /,
    );
    swarm.advance("1m");
    const service = swarm.service(id);
    expect(service.UpdateStatus).toMatchObject({
      State: "rollback_completed",
      Message: "rollback completed",
    });
    expect(service.Spec!.TaskTemplate!.ContainerSpec!.Image).toBe("app:1");
    expect(service.PreviousSpec!.TaskTemplate!.ContainerSpec!.Image).toBe("app:bad");
    expect(imagesBySlot(swarm, id)).toEqual(["1:app:1", "2:app:1", "3:app:1"]);
  });

  it("rolls back on request and reports a manual rollback", async () => {
    await using swarm = await createFakeSwarm({ seed: 9 });
    const id = await createService(swarm, serviceSpec("web"));
    swarm.settle();
    await updateService(swarm, id, (spec) => {
      (spec as { TaskTemplate: { ContainerSpec: { Image: string } } }).TaskTemplate.ContainerSpec.Image =
        "app:2";
    });
    swarm.settle();
    const response = await updateService(swarm, id, () => {}, "&rollback=previous");
    expect(response.status).toBe(200);
    expect(swarm.service(id).UpdateStatus).toMatchObject({
      State: "rollback_started",
      Message: "manually requested rollback",
    });
    swarm.settle();
    expect(swarm.service(id).UpdateStatus!.State).toBe("rollback_completed");
    expect(imagesBySlot(swarm, id)).toEqual(["1:app:1"]);
  });

  it("refuses a rollback when there is no previous spec", async () => {
    await using swarm = await createFakeSwarm({ seed: 9 });
    const id = await createService(swarm, serviceSpec("web"));
    const response = await updateService(swarm, id, () => {}, "&rollback=previous");
    expect(response).toEqual({
      status: 400,
      body: {
        message: `rpc error: code = FailedPrecondition desc = service ${id} does not have a previous spec`,
      },
    });
  });
});
