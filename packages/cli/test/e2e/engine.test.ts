import { describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";

// The main paths against the real engine. Names are unique per run; everything made is removed.
const engine = inject("engine");
const { run, ok, service: unique } = engineSession(engine?.socketPath, "main");

describe.skipIf(!engine)("against the real engine", () => {
  it("registers, deploys, scales, stops, starts, updates and removes a service", {
    timeout: 120_000,
  }, async () => {
    const name = unique("life");
    const image = engine!.images.current;
    await ok(["service", "create", name, image, "--instances", "2", "--cmd", "sleep 3600"]);
    const ls = () =>
      ok(["service", "ls", "--filter", `name=${name}`, "--format", "{{.Name}} {{.Replicas}} {{.State}}"]);
    expect((await ls()).stdout).toBe(`${name} 0/2 registered\n`);
    const deployed = await ok(["service", "deploy", name, "--timeout", "60"]);
    expect(deployed.stderr).toMatch(new RegExp(`${name}: Service converged\\n$`));
    expect((await ls()).stdout).toBe(`${name} 2/2 running\n`);
    await ok(["service", "scale", name, "3", "-q", "--timeout", "60"]);
    expect((await ls()).stdout).toBe(`${name} 3/3 running\n`);
    await ok(["service", "stop", name, "-q", "--timeout", "60"]);
    expect((await ls()).stdout).toBe(`${name} 0/3 stopped\n`);
    await ok(["service", "start", name, "-q", "--timeout", "60"]);
    expect((await ls()).stdout).toBe(`${name} 3/3 running\n`);
    await ok([
      "service",
      "update",
      name,
      "--image",
      engine!.images.next,
      "-e",
      "STAGE=next",
      "-q",
      "--timeout",
      "90",
    ]);
    const [inspected] = JSON.parse((await ok(["service", "inspect", name])).stdout);
    expect(inspected.Spec.TaskTemplate.ContainerSpec.Env).toEqual(["STAGE=next"]);
    const ps = await ok(["service", "ps", name, "--format", "{{.Name}} {{.DesiredState}}"]);
    expect(ps.stdout.trim().split("\n").sort()).toEqual([
      `${name}.1 Running`,
      `${name}.2 Running`,
      `${name}.3 Running`,
    ]);
    expect((await ok(["service", "show", name])).stdout).toContain("  mode: replicated, 3 instances\n");
    expect((await ok(["service", "rm", name])).stdout).toBe(`${name}\n`);
    expect(await run(["service", "show", name])).toMatchObject({
      code: 1,
      stderr: `flotilla: service "${name}" not found\n`,
    });
  });

  it("prints instance-prefixed logs and per-instance stats from the engine", {
    timeout: 90_000,
  }, async () => {
    const name = unique("logs");
    await ok([
      "service",
      "create",
      name,
      engine!.images.current,
      "--cmd",
      "sh -c 'echo ready; sleep 3600'",
      "--deploy",
      "-q",
      "--timeout",
      "60",
    ]);
    let logs = "";
    for (let attempt = 0; attempt < 20 && !logs.includes("ready"); attempt++) {
      logs = (await ok(["service", "logs", name])).stdout;
      if (!logs.includes("ready")) await new Promise((r) => setTimeout(r, 250));
    }
    expect(logs).toMatch(new RegExp(`^${name}\\.1\\.[a-z0-9]{12}@\\S+ \\| ready\\n$`));
    const stats = await ok(["service", "stats", name, "--format", "{{.Instance}} {{.CPU}} {{.Memory}}"]);
    expect(stats.stdout).toMatch(new RegExp(`^${name}\\.1 \\d+\\.\\d\\d% \\S+ / \\S+\\n$`));
  });

  it("times out a wait on a service that cannot start with exit 3", { timeout: 60_000 }, async () => {
    const name = unique("timeout");
    const result = await run([
      "service",
      "create",
      name,
      "flotilla-test/does-not-exist:never",
      "--deploy",
      "--timeout",
      "3",
      "-q",
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^flotilla: /);
  });
});
