import { createFakeSwarm } from "@flotilla/testing";
import type { Service, Task } from "@flotilla/types";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Client } from "./client.js";
import { assess, waitForConvergence } from "./convergence.js";
import { ConvergenceError } from "./errors.js";

const template = { ContainerSpec: { Image: "app:2" } };

function service(mode: NonNullable<Service["Spec"]>["Mode"], extra: Partial<Service> = {}): Service {
  return { ID: "svc", Spec: { Name: "app", Mode: mode, TaskTemplate: template }, ...extra };
}

let next = 1;
function task(state: string, fields: Partial<Task> = {}): Task {
  return {
    ID: `t${next}`,
    Version: { Index: next++ },
    Spec: template,
    DesiredState: "running",
    Status: { State: state as "running" },
    ...fields,
  };
}

describe("assess", () => {
  it("reports each replicated slot and converges when all run", () => {
    const verdict = assess({
      service: service({ Replicated: { Replicas: 2 } }),
      tasks: [task("running", { Slot: 2 }), task("starting", { Slot: 1 })],
    });
    expect(verdict.kind).toBe("waiting");
    expect(verdict.progress.tasks.map((t) => [t.key, t.state])).toEqual([
      ["1", "starting"],
      ["2", "running"],
    ]);
    const done = assess({
      service: service({ Replicated: { Replicas: 2 } }),
      tasks: [task("running", { Slot: 2 }), task("running", { Slot: 1 })],
    });
    expect(done.kind).toBe("converged");
  });

  it("waits while tasks of the previous spec still run", () => {
    const old = task("running", { Slot: 1, Spec: { ContainerSpec: { Image: "app:1" } } });
    expect(assess({ service: service({ Replicated: { Replicas: 1 } }), tasks: [old] }).kind).toBe("waiting");
  });

  it("reports per node for global services and converges on no nodes once the orchestrator had time", () => {
    const verdict = assess({ service: service({ Global: {} }), tasks: [task("running", { NodeID: "n1" })] });
    expect(verdict).toMatchObject({ kind: "converged", progress: { desired: 1, tasks: [{ key: "n1" }] } });
    expect(assess({ service: service({ Global: {} }), tasks: [] }, {}, { sawNoTasks: 0 }).kind).toBe(
      "waiting",
    );
    expect(assess({ service: service({ Global: {} }), tasks: [] }, {}, { sawNoTasks: 2 }).kind).toBe(
      "converged",
    );
  });

  it("completes a replicated job when its completions are done", () => {
    const job = service(
      { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 2 } },
      { JobStatus: { JobIteration: { Index: 5 } } },
    );
    const iteration = { JobIteration: { Index: 5 } };
    const older = { JobIteration: { Index: 3 } };
    expect(
      assess({ service: job, tasks: [task("complete", { ...iteration, Slot: 1 }), task("complete", older)] })
        .kind,
    ).toBe("waiting");
    expect(
      assess({ service: job, tasks: [task("complete", iteration), task("complete", iteration)] }).kind,
    ).toBe("converged");
  });

  it("fails with the failing tasks' errors once they keep failing", () => {
    const failed = (n: number) =>
      task("failed", { Slot: 1, DesiredState: "shutdown", Status: { State: "failed", Err: `exit ${n}` } });
    const verdict = assess({
      service: service({ Replicated: { Replicas: 1 } }),
      tasks: [failed(1), failed(2), failed(3)],
    });
    expect(verdict.kind).toBe("failed");
    const error = (verdict as { error: ConvergenceError }).error;
    expect(error.reason).toBe("task-failures");
    expect(error.tasks.map((t) => t.error)).toEqual(["exit 1", "exit 2", "exit 3"]);
    expect(error.message).toContain("exit 1");
  });

  it("fails when the update paused or rolled back unasked, and succeeds on a rollback that was asked for", () => {
    const paused = service(
      { Replicated: { Replicas: 0 } },
      { UpdateStatus: { State: "paused", Message: "update paused due to failure" } },
    );
    expect(assess({ service: paused, tasks: [] })).toMatchObject({
      kind: "failed",
      error: { reason: "update-paused" },
    });
    const rolledBack = service(
      { Replicated: { Replicas: 0 } },
      { UpdateStatus: { State: "rollback_completed" } },
    );
    expect(assess({ service: rolledBack, tasks: [] })).toMatchObject({
      kind: "failed",
      error: { reason: "rolled-back" },
    });
    expect(assess({ service: rolledBack, tasks: [] }, { rollback: true }).kind).toBe("converged");
  });

  it("names the tasks that failed since the update started when it was rolled back", () => {
    const rolledBack = service(
      { Replicated: { Replicas: 1 } },
      {
        UpdateStatus: {
          State: "rollback_completed",
          StartedAt: "2025-01-01T00:00:10.123456789Z",
          Message: "rollback completed",
        },
      },
    );
    const failedAt = (timestamp: string, err: string) =>
      task("failed", {
        Slot: 1,
        DesiredState: "shutdown",
        Spec: { ContainerSpec: { Image: "app:3" } },
        Status: { State: "failed", Err: err, Timestamp: timestamp },
      });
    const verdict = assess({
      service: rolledBack,
      tasks: [
        failedAt("2025-01-01T00:00:01Z", "an older failure"),
        failedAt("2025-01-01T00:00:10.124Z", "task: non-zero exit (3)"),
        task("running", { Slot: 1, Status: { State: "running", Timestamp: "2025-01-01T00:00:12Z" } }),
      ],
    });
    const error = (verdict as { error: ConvergenceError }).error;
    expect(error.reason).toBe("rolled-back");
    expect(error.tasks.map((t) => t.error)).toEqual(["task: non-zero exit (3)"]);
    expect(error.message).toMatch(/rolled back: rollback completed; task t\d+: task: non-zero exit \(3\)/);
  });

  it("waits for tasks told to stop until their containers have stopped", () => {
    const kept = task("running", { Slot: 1 });
    const leaving = (state: string) => task(state, { Slot: 2, DesiredState: "remove" });
    const scaledDown = service({ Replicated: { Replicas: 1 } });
    const stillRunning = assess({ service: scaledDown, tasks: [kept, leaving("running")] });
    expect(stillRunning).toMatchObject({ kind: "waiting", progress: { running: 1, stopping: 1 } });
    expect(assess({ service: scaledDown, tasks: [kept, leaving("shutdown")] })).toMatchObject({
      kind: "converged",
      progress: { stopping: 0 },
    });
    // Stopped to zero: the tasks are shut down, not removed.
    const stopped = service({ Replicated: { Replicas: 0 } });
    const stopping = task("running", { Slot: 1, DesiredState: "shutdown" });
    expect(assess({ service: stopped, tasks: [stopping] }).kind).toBe("waiting");
    expect(
      assess({ service: stopped, tasks: [stopping] }, {}, { givenUp: new Set([stopping.ID!]) }).kind,
    ).toBe("converged");
    // A task that failed or never reached a node has nothing left to stop.
    const failed = task("failed", { Slot: 1, DesiredState: "shutdown" });
    const neverPlaced = task("pending", { Slot: 2, DesiredState: "shutdown" });
    expect(assess({ service: stopped, tasks: [failed, neverPlaced] }).kind).toBe("converged");
  });

  it("ignores a rollback that completed before the wait began, not a later one", () => {
    const earlier = { State: "rollback_completed" as const, StartedAt: "2025-01-01T00:00:01Z" };
    const scaled = service({ Replicated: { Replicas: 1 } }, { UpdateStatus: earlier });
    const history = { rollbackBefore: JSON.stringify(earlier) };
    const tasks = [task("running", { Slot: 1 })];
    expect(assess({ service: scaled, tasks }, {}, history)).toMatchObject({ kind: "converged" });
    expect(assess({ service: scaled, tasks }, {}, history).progress.update).toBeUndefined();
    const later = service(
      { Replicated: { Replicas: 1 } },
      { UpdateStatus: { ...earlier, StartedAt: "2025-01-01T00:00:09Z" } },
    );
    expect(assess({ service: later, tasks }, {}, history)).toMatchObject({
      kind: "failed",
      error: { reason: "rolled-back" },
    });
  });

  it("is not converged while an update is in progress", () => {
    const updating = service({ Replicated: { Replicas: 0 } }, { UpdateStatus: { State: "updating" } });
    expect(assess({ service: updating, tasks: [] }).kind).toBe("waiting");
  });
});

describe("waitForConvergence", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("takes a completed rollback found on its first poll for an earlier change's", async () => {
    const earlier = { State: "rollback_completed" as const, StartedAt: "2025-01-01T00:00:01Z" };
    const now = { State: "rollback_completed" as const, StartedAt: "2025-01-01T00:00:09Z" };
    const statuses = [earlier, { State: "updating" as const, StartedAt: now.StartedAt }, now];
    let polls = 0;
    const poll = async () => ({
      service: service({ Replicated: { Replicas: 1 } }, { UpdateStatus: statuses[Math.min(polls++, 2)] }),
      tasks: [task("running", { Slot: 1 })],
    });
    // Converged at once: the rollback on the first poll is not this wait's.
    await expect(waitForConvergence(poll, { interval: 1, stableFor: 0 })).resolves.toMatchObject({
      converged: true,
    });
    // A rollback that starts after the first poll fails the wait.
    polls = 1;
    const error = await waitForConvergence(poll, { interval: 1, stableFor: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "rolled-back" });
  });

  it("stops waiting for a task that outlasted its stop grace period by 10 s (its node is gone)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const stuck = task("running", {
      Slot: 1,
      DesiredState: "shutdown",
      Spec: { ...template, ContainerSpec: { ...template.ContainerSpec, StopGracePeriod: 1e9 } },
    });
    const seen: number[] = [];
    const poll = async () => {
      if (seen.length > 0) vi.setSystemTime(Date.now() + 6_000);
      return { service: service({ Replicated: { Replicas: 0 } }), tasks: [stuck] };
    };
    await waitForConvergence(poll, { interval: 1, stableFor: 0, onProgress: (p) => seen.push(p.stopping) });
    // Seen at 0 s and 6 s; at 12 s it is past 1 s of grace and 10 s more.
    expect(seen).toEqual([1, 1, 0]);
  });

  it("counts a service converged only once it has stayed so for stableFor", async () => {
    const states = ["running", "failed", "running", "running", "running"];
    let polls = 0;
    const poll = async () => ({
      service: service({ Replicated: { Replicas: 1 } }),
      tasks: [task(states[Math.min(polls++, states.length - 1)]!, { Slot: 1 })],
    });
    await waitForConvergence(poll, { interval: 5, stableFor: 8 });
    expect(polls).toBeGreaterThanOrEqual(4);
  });

  it("gives up after its timeout with a ConvergenceError naming the progress", async () => {
    const poll = async () => ({
      service: service({ Replicated: { Replicas: 1 } }),
      tasks: [task("pending", { Slot: 1 })],
    });
    const error = await waitForConvergence(poll, { timeout: 100, interval: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConvergenceError);
    expect((error as ConvergenceError).reason).toBe("timeout");
  });

  it("stops when its signal fires", async () => {
    const controller = new AbortController();
    const poll = async () => ({ service: service({ Replicated: { Replicas: 1 } }), tasks: [] });
    const waiting = waitForConvergence(poll, { signal: controller.signal, interval: 10 });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: "ERR_ABORTED" });
  });

  it("reports progress on every poll", async () => {
    let polls = 0;
    const poll = async () => ({
      service: service({ Replicated: { Replicas: 1 } }),
      tasks: [task(++polls < 3 ? "starting" : "running", { Slot: 1 })],
    });
    const seen: string[] = [];
    await waitForConvergence(poll, {
      interval: 1,
      stableFor: 0,
      onProgress: (p) => seen.push(p.tasks[0]!.state),
    });
    expect(seen).toEqual(["starting", "starting", "running"]);
  });
});

describe("waitUntilConverged on the fake swarm", () => {
  const image = "flotilla-test/busybox:latest";

  it("counts a scale-down done only once the containers it stops have stopped", async () => {
    await using swarm = await createFakeSwarm({
      nodes: 1,
      clock: "real",
      start: Date.now(),
      timings: { step: 20, stop: 700 },
    });
    const client = new Client({ transport: swarm.transport(), registryAuth: false });
    const svc = await client.services.create(image, {
      name: "scaled",
      replicas: 3,
      command: ["sleep", "60"],
    });
    await svc.waitUntilConverged({ interval: 20, stableFor: 0, timeout: 10_000 });
    await client.services.scale(svc.id, 1);
    const done = await svc.waitUntilConverged({ interval: 20, stableFor: 0, timeout: 10_000 });
    expect(done).toMatchObject({ running: 1, desired: 1, stopping: 0 });
    const tasks = await client.services.tasks(svc.id);
    const leftRunning = tasks.filter(
      (t) => t.attrs.DesiredState !== "running" && t.attrs.Status?.State === "running",
    );
    expect(leftRunning).toEqual([]);
  });

  it("converges a scale made after an automatic rollback", async () => {
    await using swarm = await createFakeSwarm({ nodes: 1, clock: "real", start: Date.now() });
    const client = new Client({ transport: swarm.transport(), registryAuth: false });
    const svc = await client.services.create(image, {
      name: "rolled",
      command: ["sleep", "60"],
      restartPolicy: { condition: "none" },
      updateConfig: { failureAction: "rollback", monitor: "1s", delay: "0s" },
      rollbackConfig: { monitor: "1s", delay: "0s" },
    });
    const wait = { interval: 50, stableFor: 0, timeout: 20_000 };
    await svc.waitUntilConverged(wait);
    await svc.update({ command: ["sh", "-c", "exit 3"] });
    await expect(svc.waitUntilConverged(wait)).rejects.toMatchObject({ reason: "rolled-back" });
    await client.services.scale(svc.id, 2);
    // Like Docker 20.10, the fake clears the rollback's status on the scale's spec update.
    expect((await client.services.get(svc.id)).attrs.UpdateStatus).toBeUndefined();
    await expect(svc.waitUntilConverged(wait)).resolves.toMatchObject({ running: 2, converged: true });
  }, 30_000);
});
