import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeSwarm } from "@flotilla/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { flotilla } from "./harness.js";

// A context naming several managers (`--docker` repeated): stored so the docker CLI still reads
// its first host, and used whole by flotilla, which moves on when a manager does not answer.

const dockerCli = process.env.FLOTILLA_DOCKER_CLI ?? "docker";
const hasDocker = spawnSync(dockerCli, ["--version"]).status === 0;
let config: string;
let env: Record<string, string>;

beforeEach(() => {
  config = mkdtempSync(join(tmpdir(), "flotilla-context-hosts-"));
  env = { DOCKER_CONFIG: config, HOME: config };
});

const run = (argv: string | string[]) => flotilla(argv, { env });

describe("a context with several managers", () => {
  it("is stored with every host, the first one where the docker CLI looks", async () => {
    const created = await run([
      "context",
      "create",
      "managers",
      "--docker",
      "host=unix:///run/m1.sock",
      "--docker",
      "host=unix:///run/m2.sock",
      "--docker",
      "host=unix:///run/m3.sock",
    ]);
    expect(created).toMatchObject({ code: 0, stdout: "managers\n" });
    const [inspected] = JSON.parse((await run("context inspect managers")).stdout);
    expect(inspected.Endpoints.docker).toEqual({
      Host: "unix:///run/m1.sock",
      Hosts: ["unix:///run/m1.sock", "unix:///run/m2.sock", "unix:///run/m3.sock"],
      SkipTLSVerify: false,
    });
    expect((await run("context ls")).stdout).toMatch(/\nmanagers +unix:\/\/\/run\/m1\.sock \(\+2\)\n/);
    expect((await run(["context", "ls", "--format", "{{.DockerEndpoint}}"])).stdout).toMatch(
      /^unix:\/\/\/run\/m1\.sock$/m,
    );
    if (hasDocker) {
      const docker = spawnSync(
        dockerCli,
        ["context", "inspect", "managers", "--format", "{{.Endpoints.docker.Host}}"],
        {
          encoding: "utf8",
          env: { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: "" },
        },
      );
      expect(docker.stdout.trim()).toBe("unix:///run/m1.sock");
    }
  });

  it("refuses TLS settings on any but the first --docker, naming it", async () => {
    const result = await run([
      "context",
      "create",
      "mixed",
      "--docker",
      "host=tcp://10.0.0.1:2376",
      "--docker",
      "host=tcp://10.0.0.2:2376,skip-tls-verify=true",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--docker #2 \(tcp:\/\/10\.0\.0\.2:2376\): TLS settings belong on the first/,
    );
  });

  it("is used whole: a command goes through the next manager when the first has no engine", async () => {
    await using swarm = await createFakeSwarm({ seed: 5 });
    const socketPath = join(config, "m2.sock");
    await swarm.listen({ socketPath });
    await swarm.transport().request({
      method: "POST",
      path: "/services/create",
      body: { Name: "reachable", TaskTemplate: { ContainerSpec: { Image: "app:1" } } },
    });
    const specs = [`host=unix://${join(config, "m1-gone.sock")}`, `host=unix://${socketPath}`];
    expect(
      (await run(["context", "create", "managers", "--docker", specs[0]!, "--docker", specs[1]!])).code,
    ).toBe(0);
    const listed = await run(["--context", "managers", "service", "ls", "--format", "{{.Name}}"]);
    expect(listed).toMatchObject({ code: 0, stdout: "reachable\n" });
    // With only the missing socket, the same command fails on it.
    expect((await run(["context", "create", "gone", "--docker", specs[0]!])).code).toBe(0);
    const failed = await run(["--context", "gone", "service", "ls"]);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/m1-gone\.sock: no socket at this path/);
  });
});
