import { execFileSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";

// `--deploy-wait-for-port`: the deploy ends only once the port takes connections, against the
// real engine. The server opens its port 5 s after the container starts (busybox nc); the wait
// must outlast that, and the instance must be healthy when it ends. Names are unique; removed.
const engine = inject("engine");
const { run, ok, service } = engineSession(engine?.socketPath, "waitport");
const docker = (...args: string[]) =>
  execFileSync("docker", args, { env: { ...process.env, DOCKER_HOST: `unix://${engine!.socketPath}` } })
    .toString()
    .trim();

describe.skipIf(!engine)("--deploy-wait-for-port on the real engine", () => {
  it("waits for the port before the deploy converges", { timeout: 120_000 }, async () => {
    const name = service("web");
    const started = Date.now();
    await ok([
      "service",
      "create",
      name,
      engine!.images.current,
      "--cmd",
      "sh -c 'sleep 5; exec nc -ll -p 8080 -e true'",
      "--deploy-wait-for-port",
      "8080",
      "--deploy",
      "-q",
      "--timeout",
      "90",
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    const [task] = docker(
      "service",
      "ps",
      name,
      "-q",
      "--no-trunc",
      "--filter",
      "desired-state=running",
    ).split("\n");
    const container = docker("inspect", "-f", "{{.Status.ContainerStatus.ContainerID}}", task!);
    expect(docker("inspect", "-f", "{{.State.Health.Status}}", container)).toBe("healthy");
  });

  it("refuses a port that is not a number, and a second health check", async () => {
    const name = service("bad");
    expect(
      await run(["service", "create", name, engine!.images.current, "--deploy-wait-for-port", "http"]),
    ).toMatchObject({
      code: 2,
      stderr: 'flotilla: --deploy-wait-for-port: "http" is not a port number (1-65535)\n',
    });
    expect(
      await run([
        "service",
        "create",
        name,
        engine!.images.current,
        "--deploy-wait-for-port",
        "80",
        "--health-cmd",
        "true",
      ]),
    ).toMatchObject({
      code: 2,
      stderr: "flotilla: --deploy-wait-for-port conflicts with --health-cmd: give one\n",
    });
  });
});
