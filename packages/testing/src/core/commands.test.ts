import { describe, expect, it } from "vitest";
import { call, createService, serviceSpec, updateService } from "../../test/helpers.js";
import { createFakeSwarm, type FakeSwarm } from "../index.js";

// Services whose images have no registered behaviour run their commands: output reaches the logs
// at the virtual time it is printed, and the exit code drives the task as on the engine.

const BUSYBOX = "flotilla-test/busybox:latest";

function spec(name: string, command: string[] | undefined, extra: Record<string, unknown> = {}) {
  return serviceSpec(name, {
    TaskTemplate: {
      ContainerSpec: { Image: BUSYBOX, ...(command && { Command: command }) },
      RestartPolicy: { Condition: "none" },
    },
    ...extra,
  });
}

async function logs(swarm: FakeSwarm, service: string, query = "stdout=1&stderr=1&timestamps=1") {
  const response = await swarm.handle(new Request(`http://fake/v1.41/services/${service}/logs?${query}`));
  const bytes = new Uint8Array(await response.arrayBuffer());
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; ) {
    const length = new DataView(bytes.buffer, i + 4, 4).getUint32(0);
    const stream = bytes[i] === 1 ? "out" : "err";
    lines.push(
      `${stream} ${Buffer.from(bytes.subarray(i + 8, i + 8 + length))
        .toString()
        .trimEnd()}`,
    );
    i += 8 + length;
  }
  return lines;
}

describe("commands run by the fake", () => {
  it("prints each line at the clock time it is printed, stderr on its own stream", async () => {
    await using swarm = await createFakeSwarm({ seed: 1, start: 0, timings: { step: 100 } });
    const id = await createService(
      swarm,
      spec("talk", ["sh", "-c", "echo one; echo two >&2; sleep 1; echo three; sleep 60"]),
    );
    swarm.advance("2s");
    // The task starts 500ms in (five agent steps of 100ms, assigned to running).
    expect(await logs(swarm, id)).toEqual([
      "out 1970-01-01T00:00:00.500Z one",
      "err 1970-01-01T00:00:00.500Z two",
      "out 1970-01-01T00:00:01.500Z three",
    ]);
    expect(swarm.tasks(id)[0]!.Status!.State).toBe("running");
    swarm.advance("60s");
    expect(swarm.tasks(id)[0]!.Status).toMatchObject({ State: "complete", Message: "finished" });
  });

  it("fails a task with the engine's error and exit code, and restarts it per the policy", async () => {
    await using swarm = await createFakeSwarm({ seed: 2 });
    const id = await createService(
      swarm,
      spec("crash", ["sh", "-c", "exit 3"], {
        TaskTemplate: {
          ContainerSpec: { Image: BUSYBOX, Command: ["sh", "-c", "exit 3"] },
          RestartPolicy: { Condition: "on-failure", MaxAttempts: 2, Delay: 1e9 },
        },
      }),
    );
    swarm.settle();
    const tasks = swarm.tasks(id);
    expect(tasks).toHaveLength(3);
    for (const task of tasks) {
      expect(task.Status).toMatchObject({
        State: "failed",
        Message: "started",
        Err: "task: non-zero exit (3)",
        ContainerStatus: { ExitCode: 3, PID: 0 },
      });
    }
  });

  it("completes a job whose command succeeds and retries one that fails", async () => {
    await using swarm = await createFakeSwarm({ seed: 3 });
    const job = (name: string, command: string[]) =>
      createService(
        swarm,
        serviceSpec(name, {
          TaskTemplate: {
            ContainerSpec: { Image: BUSYBOX, Command: command },
            RestartPolicy: { MaxAttempts: 1 },
          },
          Mode: { ReplicatedJob: {} },
        }),
      );
    const ok = await job("ok", ["true"]);
    const bad = await job("bad", ["false"]);
    swarm.settle();
    expect(swarm.tasks(ok).map((t) => `${t.Status!.State} ${t.DesiredState}`)).toEqual(["complete complete"]);
    expect(swarm.tasks(bad).map((t) => `${t.Status!.State} ${t.Status!.Err}`)).toEqual([
      "failed task: non-zero exit (1)",
      "failed task: non-zero exit (1)",
    ]);
  });

  it("runs the image's default CMD, /bin/sh, which ends at once with no stdin", async () => {
    await using swarm = await createFakeSwarm({ seed: 4 });
    const id = await createService(swarm, spec("bare", undefined));
    swarm.settle();
    expect(swarm.tasks(id)[0]!.Status).toMatchObject({ State: "complete", ContainerStatus: { ExitCode: 0 } });
  });

  it("fails to start a binary the image does not have, with exit code 127", async () => {
    await using swarm = await createFakeSwarm({ seed: 5 });
    const id = await createService(swarm, spec("nope", ["nosuchbin"]));
    swarm.settle();
    expect(swarm.tasks(id)[0]!.Status).toMatchObject({
      State: "failed",
      Message: "starting",
      Err: expect.stringContaining('exec: "nosuchbin": executable file not found in $PATH'),
      ContainerStatus: { ExitCode: 127 },
    });
  });

  it("prints the secrets and configs the task mounts, and the task's env and hostname", async () => {
    await using swarm = await createFakeSwarm({ seed: 6 });
    const data = (text: string) => Buffer.from(text).toString("base64");
    const secret = await call(swarm, "POST", "/secrets/create", { Name: "token", Data: data("s3cret") });
    const config = await call(swarm, "POST", "/configs/create", { Name: "conf", Data: data("key=value\n") });
    const id = await createService(
      swarm,
      serviceSpec("reader", {
        TaskTemplate: {
          ContainerSpec: {
            Image: BUSYBOX,
            Command: [
              "sh",
              "-c",
              'cat /run/secrets/token; echo; cat /etc/app.conf; echo "$MODE on $HOSTNAME"',
            ],
            Env: ["MODE=test"],
            Hostname: "{{.Service.Name}}-{{.Task.Slot}}",
            Secrets: [
              {
                SecretID: secret.body.ID,
                SecretName: "token",
                File: { Name: "token", UID: "0", GID: "0", Mode: 292 },
              },
            ],
            Configs: [
              {
                ConfigID: config.body.ID,
                ConfigName: "conf",
                File: { Name: "/etc/app.conf", UID: "0", GID: "0", Mode: 292 },
              },
            ],
          },
          RestartPolicy: { Condition: "none" },
        },
      }),
    );
    swarm.settle();
    expect(await logs(swarm, id, "stdout=1")).toEqual([
      "out s3cret",
      "out key=value",
      "out test on reader-1",
    ]);
  });

  it("keeps a looping command going as far as time goes, and stops its output when the task stops", async () => {
    await using swarm = await createFakeSwarm({ seed: 7, timings: { step: 100, stop: 100 } });
    const id = await createService(
      swarm,
      spec("tick", ["sh", "-c", "while true; do echo tick; sleep 10; done"]),
    );
    swarm.advance("10m");
    expect(await logs(swarm, id, "stdout=1")).toHaveLength(60);
    expect(swarm.tasks(id)[0]!.Status!.State).toBe("running");
    // A forced update stops the task and keeps it in the slot's history (a scale-down would
    // have the task reaper delete it, logs and all).
    const first = swarm.tasks(id)[0]!.ID!;
    await updateService(swarm, id, (spec) => {
      (spec.TaskTemplate as { ForceUpdate?: number }).ForceUpdate = 1;
    });
    swarm.advance("1m");
    expect(swarm.tasks(id).find((t) => t.ID === first)!.Status!.State).toBe("shutdown");
    const response = await swarm.handle(new Request(`http://fake/v1.41/tasks/${first}/logs?stdout=1`));
    const text = Buffer.from(await response.arrayBuffer()).toString();
    expect(text.split("tick").length - 1).toBe(60);
  });

  it("shows the exit code 137 of a shell killed when it is stopped", async () => {
    await using swarm = await createFakeSwarm({ seed: 8 });
    const id = await createService(swarm, spec("sleeper", ["sleep", "600"]));
    swarm.advance("5s");
    const task = swarm.tasks(id)[0]!;
    swarm.cluster.setDesired(swarm.cluster.store.data.tasks.get(task.ID!)!, "shutdown");
    swarm.advance("1s");
    expect(swarm.tasks(id)[0]!.Status).toMatchObject({
      State: "shutdown",
      ContainerStatus: { ExitCode: 137 },
    });
  });

  it("lets a registered behaviour win over the command", async () => {
    await using swarm = await createFakeSwarm({ seed: 9 });
    swarm.image(BUSYBOX, { logs: ["from the behaviour"] });
    const id = await createService(swarm, spec("b", ["sh", "-c", "echo from the command; exit 3"]));
    swarm.settle();
    expect(swarm.tasks(id)[0]!.Status!.State).toBe("running");
    expect(await logs(swarm, id, "stdout=1")).toEqual(["out from the behaviour"]);
  });

  it("merges stderr into stdout with CRLF endings when the service has a TTY", async () => {
    await using swarm = await createFakeSwarm({ seed: 10 });
    const id = await createService(
      swarm,
      serviceSpec("tty", {
        TaskTemplate: {
          ContainerSpec: {
            Image: BUSYBOX,
            TTY: true,
            Command: ["sh", "-c", "echo tty1; echo tty2 >&2; sleep 60"],
          },
        },
      }),
    );
    swarm.advance("5s");
    const raw = await swarm.handle(new Request(`http://fake/v1.41/services/${id}/logs?stdout=1`));
    expect(await raw.text()).toBe("tty1\r\ntty2\r\n");
  });
});
