import { describe, expect, it } from "vitest";
import { call, createService, serviceSpec, updateService } from "../../test/helpers.js";
import { createFakeSwarm, type FakeSwarm } from "../index.js";
import { goDuration } from "./health.js";

// Health checks on the virtual clock. With the default timings the container starts 500ms after
// the service is created (five agent steps of 100ms), and stopping it takes 100ms.

const BUSYBOX = "flotilla-test/busybox:latest";
const SECOND = 1e9;

function checked(name: string, healthcheck: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return serviceSpec(name, {
    TaskTemplate: {
      ContainerSpec: { Image: BUSYBOX, Args: ["sleep", "3600"], Healthcheck: healthcheck },
      RestartPolicy: { Condition: "none" },
    },
    ...extra,
  });
}

async function inspect(swarm: FakeSwarm, taskIndex = 0) {
  const task = swarm.tasks()[taskIndex]!;
  const { body } = await call(swarm, "GET", `/containers/${task.Status!.ContainerStatus!.ContainerID}/json`);
  return body;
}

async function ps(swarm: FakeSwarm, query = "all=1") {
  const { body } = await call(swarm, "GET", `/containers/json?${query}`);
  return (body as { Status: string; State: string }[]).map((c) => `${c.State}: ${c.Status}`);
}

describe("health checks", () => {
  it("holds the task in starting until the first probe passes, then runs it healthy", async () => {
    await using swarm = await createFakeSwarm({ seed: 1, start: 0 });
    const id = await createService(
      swarm,
      checked("ok", { Test: ["CMD-SHELL", "echo fine"], Interval: SECOND }),
    );
    swarm.advance("1.4s");
    expect(swarm.tasks(id)[0]!.Status).toMatchObject({ State: "starting", Message: "starting" });
    // The container runs meanwhile, but swarm reports no PID until the task runs.
    expect(swarm.tasks(id)[0]!.Status!.ContainerStatus!.PID).toBe(0);
    expect(await ps(swarm)).toEqual(["running: Up Less than a second (health: starting)"]);
    expect((await inspect(swarm)).State.Health).toEqual({ Status: "starting", FailingStreak: 0, Log: [] });
    swarm.advance("100ms");
    expect(swarm.tasks(id)[0]!.Status).toMatchObject({ State: "running", Message: "started" });
    expect(swarm.tasks(id)[0]!.Status!.ContainerStatus!.PID).toBeGreaterThan(0);
    swarm.advance("10s");
    const { State, Config } = await inspect(swarm);
    expect(Config.Healthcheck).toEqual({ Test: ["CMD-SHELL", "echo fine"], Interval: SECOND });
    // The engine keeps the last five results.
    expect(State.Health.Status).toBe("healthy");
    expect(State.Health.Log).toHaveLength(5);
    expect(State.Health.Log[4]).toEqual({
      Start: "1970-01-01T00:00:11.500Z",
      End: "1970-01-01T00:00:11.500Z",
      ExitCode: 0,
      Output: "fine\n",
    });
    expect(await ps(swarm, "filters=%7B%22health%22%3A%5B%22healthy%22%5D%7D")).toEqual([
      "running: Up 11 seconds (healthy)",
    ]);
  });

  it("stops a container whose probe keeps failing, and fails its task as the engine does", async () => {
    await using swarm = await createFakeSwarm({ seed: 2, start: 0 });
    const id = await createService(
      swarm,
      checked("bad", { Test: ["CMD-SHELL", "echo bad; exit 1"], Interval: SECOND, Retries: 2 }),
    );
    swarm.advance("2.5s");
    expect(swarm.tasks(id)[0]!.Status!.State).toBe("starting");
    expect((await inspect(swarm)).State.Health).toMatchObject({ Status: "unhealthy", FailingStreak: 2 });
    expect(await ps(swarm)).toEqual(["running: Up 2 seconds (unhealthy)"]);
    swarm.advance("100ms"); // the stop
    expect(swarm.tasks(id)[0]!.Status).toMatchObject({
      State: "failed",
      Message: "starting",
      Err: "task: non-zero exit (137): dockerexec: unhealthy container",
      ContainerStatus: { PID: 0, ExitCode: 137 },
    });
    const { State } = await inspect(swarm);
    expect(State).toMatchObject({ Status: "exited", ExitCode: 137 });
    expect(State.Health.Log.map((e: { ExitCode: number; Output: string }) => [e.ExitCode, e.Output])).toEqual(
      [
        [1, "bad\n"],
        [1, "bad\n"],
      ],
    );
  });

  it("restarts an unhealthy task per its restart policy", async () => {
    await using swarm = await createFakeSwarm({ seed: 3, start: 0 });
    const spec = checked("again", { Test: ["CMD", "false"], Interval: SECOND, Retries: 1 });
    const id = await createService(swarm, {
      ...spec,
      TaskTemplate: { ...spec.TaskTemplate, RestartPolicy: { Condition: "any", Delay: SECOND } },
    });
    // Unhealthy at 1.5s and stopped at 1.6s; the replacement starts at 2.8s and is stopped at 3.9s.
    swarm.advance("4s");
    const tasks = swarm.tasks(id).sort((a, b) => a.CreatedAt!.localeCompare(b.CreatedAt!));
    expect(tasks.map((t) => `${t.Status!.State} ${t.DesiredState} ${t.Status!.Err ?? ""}`)).toEqual([
      "failed shutdown task: non-zero exit (137): dockerexec: unhealthy container",
      "failed shutdown task: non-zero exit (137): dockerexec: unhealthy container",
      "accepted ready ", // the next replacement, waiting out its restart delay
    ]);
  });

  it("does not count failures within the start period until the container was healthy", async () => {
    await using swarm = await createFakeSwarm({ seed: 4, start: 0 });
    await createService(
      swarm,
      checked("slow", { Test: ["CMD", "false"], Interval: SECOND, StartPeriod: 2.5 * SECOND, Retries: 1 }),
    );
    swarm.advance("3.4s"); // probes end at 1.5s and 2.5s (not counted), then 3.5s
    expect((await inspect(swarm)).State.Health).toMatchObject({ Status: "starting", FailingStreak: 0 });
    swarm.advance("100ms");
    const health = (await inspect(swarm)).State.Health;
    expect(health).toMatchObject({ Status: "unhealthy", FailingStreak: 1 });
    expect(health.Log).toHaveLength(3);
  });

  it("fails a probe that outlives its timeout, with the engine's text", async () => {
    await using swarm = await createFakeSwarm({ seed: 5, start: 0 });
    await createService(
      swarm,
      checked("late", { Test: ["CMD-SHELL", "sleep 5"], Interval: SECOND, Timeout: 300e6, Retries: 1 }),
    );
    swarm.advance("1.8s"); // the probe starts at 1.5s and is given up at 1.8s
    expect((await inspect(swarm)).State.Health.Log).toEqual([
      {
        Start: "1970-01-01T00:00:01.500Z",
        End: "1970-01-01T00:00:01.800Z",
        ExitCode: -1,
        Output: "Health check exceeded timeout (300ms)",
      },
    ]);
  });

  it.each([
    [
      ["CMD", "nosuchbin", "a"],
      -1,
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchbin": executable file not found in $PATH: unknown',
    ],
    [
      ["CMD", "/nope/x"],
      -1,
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "/nope/x": stat /nope/x: no such file or directory: unknown',
    ],
    [["CMD-SHELL", "nosuch"], 127, "/bin/sh: nosuch: not found\n"],
    [["CMD", "sh", "-c", "echo hi; exit 3"], 3, "hi\n"],
  ])("runs %j as dockerd execs it", async (test, exitCode, output) => {
    await using swarm = await createFakeSwarm({ seed: 6, start: 0 });
    await createService(swarm, checked("probe", { Test: test, Interval: SECOND, Retries: 1 }));
    swarm.advance("1.5s");
    expect((await inspect(swarm)).State.Health.Log).toMatchObject([{ ExitCode: exitCode, Output: output }]);
  });

  it("reads the task's environment and mounted secrets", async () => {
    await using swarm = await createFakeSwarm({ seed: 7, start: 0 });
    const spec = checked("env", { Test: ["CMD-SHELL", 'test "$MODE" = ready'], Interval: SECOND });
    (spec.TaskTemplate.ContainerSpec as Record<string, unknown>).Env = ["MODE=ready"];
    const id = await createService(swarm, spec);
    swarm.advance("1.5s");
    expect(swarm.tasks(id)[0]!.Status!.State).toBe("running");
  });

  it.each([
    ["--no-healthcheck", { Test: ["NONE"] }],
    ["no test (the image has no HEALTHCHECK)", { Interval: SECOND }],
  ])("runs at once with %s, and shows no health", async (_, healthcheck) => {
    await using swarm = await createFakeSwarm({ seed: 8, start: 0 });
    const id = await createService(swarm, checked("plain", healthcheck));
    swarm.advance("500ms");
    expect(swarm.tasks(id)[0]!.Status!.State).toBe("running");
    expect((await inspect(swarm)).State.Health).toBeUndefined();
    expect(await ps(swarm)).toEqual(["running: Up Less than a second"]);
  });

  it("fails a task whose command ends while its health check holds it in starting", async () => {
    await using swarm = await createFakeSwarm({ seed: 14, start: 0 });
    const spec = checked("quick", { Test: ["CMD", "true"], Interval: 2 * SECOND });
    (spec.TaskTemplate.ContainerSpec as Record<string, unknown>).Args = ["sh", "-c", "sleep 0.5; exit 3"];
    const id = await createService(swarm, spec);
    swarm.advance("999ms");
    expect(swarm.tasks(id)[0]!.Status!.State).toBe("starting");
    swarm.advance("1ms");
    expect(swarm.tasks(id)[0]!.Status).toMatchObject({
      State: "failed",
      Message: "starting",
      Err: "task: non-zero exit (3)",
      ContainerStatus: { ExitCode: 3 },
    });
  });

  it("leaves a task in starting when the probe type is unknown, as the engine runs no probe", async () => {
    await using swarm = await createFakeSwarm({ seed: 9, start: 0 });
    const id = await createService(swarm, checked("odd", { Test: ["BOGUS", "true"], Interval: SECOND }));
    swarm.advance("1m");
    expect(swarm.tasks(id)[0]!.Status!.State).toBe("starting");
    expect((await inspect(swarm)).State.Health).toBeUndefined();
  });

  it("kills a running container once an image behaviour's probe starts failing", async () => {
    await using swarm = await createFakeSwarm({ seed: 10, start: 0 });
    swarm.image("app:sick", { unhealthyAfter: "3s" });
    const spec = serviceSpec("sick", {
      TaskTemplate: {
        ContainerSpec: {
          Image: "app:sick",
          Healthcheck: { Test: ["CMD", "probe"], Interval: SECOND, Retries: 2 },
        },
        RestartPolicy: { Condition: "none" },
      },
    });
    const id = await createService(swarm, spec);
    swarm.advance("1.5s");
    expect(swarm.tasks(id)[0]!.Status!.State).toBe("running");
    // Probes starting at 3.5s and 4.5s fail: unhealthy at 4.5s, killed 100ms later.
    swarm.advance("3s");
    expect((await inspect(swarm)).State.Health).toMatchObject({ Status: "unhealthy", FailingStreak: 2 });
    swarm.advance("100ms");
    expect(swarm.tasks(id)[0]!.Status).toMatchObject({
      State: "failed",
      Message: "started",
      Err: "task: non-zero exit (137): dockerexec: unhealthy container",
    });
  });

  it("pauses a rolling update whose new tasks never turn healthy", async () => {
    await using swarm = await createFakeSwarm({ seed: 11, start: 0 });
    const id = await createService(
      swarm,
      checked(
        "roll",
        { Test: ["CMD", "true"], Interval: SECOND },
        { UpdateConfig: { FailureAction: "pause" } },
      ),
    );
    swarm.advance("2s");
    await updateService(swarm, id, (spec) => {
      const container = (spec.TaskTemplate as { ContainerSpec: Record<string, unknown> }).ContainerSpec;
      container.Healthcheck = { Test: ["CMD", "false"], Interval: SECOND, Retries: 1 };
    });
    swarm.advance("10s");
    expect(swarm.service(id).UpdateStatus).toMatchObject({
      State: "paused",
      Message: expect.stringMatching(/^update paused due to failure or early termination of task \w+$/),
    });
  });

  it.each([
    [{ Interval: 500_000 }, "Interval in HealthConfig cannot be less than 1ms"],
    [{ Interval: -1 }, "Interval in HealthConfig cannot be less than 1ms"],
    [{ Timeout: 500_000 }, "Timeout in HealthConfig cannot be less than 1ms"],
    [{ StartPeriod: 500_000 }, "StartPeriod in HealthConfig cannot be less than 1ms"],
    [{ Retries: -1 }, "Retries in HealthConfig cannot be negative"],
    [{ Test: ["NONE"], Interval: 500_000 }, "Interval in HealthConfig cannot be less than 1ms"],
    [{ Retries: -1, Timeout: -1 }, "Timeout in HealthConfig cannot be less than 1ms"],
  ])("refuses %j with swarmkit's error", async (healthcheck, message) => {
    await using swarm = await createFakeSwarm({ seed: 12 });
    const { status, body } = await call(swarm, "POST", "/services/create", checked("v", healthcheck));
    expect(status).toBe(400);
    expect(body.message).toBe(`rpc error: code = InvalidArgument desc = ContainerSpec: ${message}`);
  });

  it.each([
    [
      { Interval: "1s" },
      "json: cannot unmarshal string into Go struct field HealthConfig.TaskTemplate.ContainerSpec.Healthcheck.Interval of type time.Duration",
    ],
    [
      { Retries: 1.5 },
      "json: cannot unmarshal number 1.5 into Go struct field HealthConfig.TaskTemplate.ContainerSpec.Healthcheck.Retries of type int",
    ],
    [
      { Test: "true" },
      "json: cannot unmarshal string into Go struct field HealthConfig.TaskTemplate.ContainerSpec.Healthcheck.Test of type []string",
    ],
  ])("refuses %j as Go's decoder does", async (healthcheck, message) => {
    await using swarm = await createFakeSwarm({ seed: 13 });
    const { status, body } = await call(swarm, "POST", "/services/create", checked("v", healthcheck));
    expect([status, body.message]).toEqual([400, message]);
  });

  it.each([
    [300e6, "300ms"],
    [1e9, "1s"],
    [1.5e9, "1.5s"],
    [90e9, "1m30s"],
    [3600e9, "1h0m0s"],
    [1500, "1.5µs"],
  ])("writes %d ns as Go writes it: %s", (nanos, text) => {
    expect(goDuration(nanos)).toBe(text);
  });
});
