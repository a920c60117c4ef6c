import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";

// `service create --stateful` with no -v keeps the volumes the image declares, read from the
// engine (Kontena's `service create --stateful redis redis:latest`). The image with VOLUMEs is
// made here from the test image (`docker commit --change`), under a tag unique to the run, and
// removed after, with the container it was committed from.
const engine = inject("engine");
const { run, ok, service, name } = engineSession(engine?.socketPath, "stateful");
const image = `flotilla-test/${name("volumes")}:1`;
const docker = (...args: string[]) =>
  execFileSync("docker", args, { env: { ...process.env, DOCKER_HOST: `unix://${engine!.socketPath}` } })
    .toString()
    .trim();
let source: string | undefined;

describe.skipIf(!engine)("stateful services from the image's volumes on the real engine", () => {
  beforeAll(() => {
    source = docker("create", engine!.images.current);
    docker("commit", "--change", "VOLUME /data", "--change", "VOLUME /var/log/app", source, image);
  });
  afterAll(() => {
    if (source) docker("rm", source);
    docker("rmi", "--force", image);
  });

  it("keeps each volume the image declares per instance", { timeout: 60_000 }, async () => {
    const redis = service("redis");
    await ok(["service", "create", "--stateful", redis, image]);
    const [inspected] = JSON.parse((await ok(["service", "inspect", redis])).stdout);
    expect(inspected.Spec.TaskTemplate.ContainerSpec.Mounts).toEqual([
      { Type: "volume", Source: `${redis}-{{.Task.Slot}}-data`, Target: "/data" },
      { Type: "volume", Source: `${redis}-{{.Task.Slot}}-var-log-app`, Target: "/var/log/app" },
    ]);
    expect(inspected.Spec.Labels["io.flotilla.stateful"]).toBe("true");
  });

  it("says why when the image declares none, or is not on the engine", { timeout: 60_000 }, async () => {
    const plain = service("plain");
    expect(await run(["service", "create", "--stateful", plain, engine!.images.current])).toMatchObject({
      code: 2,
      stderr:
        "flotilla: --stateful needs at least one volume without a source, such as -v /data, to keep per instance; " +
        `image "${engine!.images.current}" declares none\n`,
    });
    const absent = `flotilla-test/${name("absent")}:1`;
    expect(await run(["service", "create", "--stateful", plain, absent])).toMatchObject({
      code: 2,
      stderr:
        "flotilla: --stateful needs at least one volume without a source, such as -v /data, to keep per instance; " +
        `image "${absent}" is not on this engine, so the volumes it declares cannot be read\n`,
    });
    const named = await ok(["service", "create", "--stateful", plain, absent, "-v", "/data"]);
    expect(named.stderr).toContain(
      `${plain}: image ${absent} is not on this engine, so the volumes it declares (if any) are not kept per instance; name them with -v\n`,
    );
  });
});
