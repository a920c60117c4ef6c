import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";
import { docker } from "./docker-cli/run-docker.js";
import type { Step } from "./docker-cli/scenario.js";
import { maskHistory } from "./docker-cli/session.js";
import { cleanUpStack, runStack } from "./docker-cli/stack-scenario.js";

// A stack with deploy settings, networks, a secret, a config and a volume
// (test/docker-cli/stack-scenario.ts), deployed, listed, redeployed and removed with the docker
// CLI on the real engine and on the fake; the masked transcripts must be equal.

const engine = inject("engine");
const hasCli = spawnSync(process.env.FLOTILLA_DOCKER_CLI ?? "docker", ["--version"]).status === 0;

describe.skipIf(!engine || !hasCli)("a stack on the real engine and on the fake", () => {
  const prefix = `fst-${Math.random().toString(36).slice(2, 8)}`;
  const realHost = `unix://${engine?.socketPath}`;
  // Below the engine's dynamic range (30000+), apart from the other CLI sessions' ranges.
  const port = 26000 + Math.floor(Math.random() * 2000);
  let fake: FakeSwarm | undefined;

  afterAll(async () => {
    await cleanUpStack(realHost, prefix);
    await fake?.close();
  });

  it("prints the same transcript, step by step", { timeout: 240_000 }, async () => {
    const hostname = (await docker(realHost, ["info", "--format", "{{.Name}}"])).stdout.trim();
    const options = { prefix, images: engine!.images, port };
    const real = await runStack({ dockerHost: realHost, ...options });
    await cleanUpStack(realHost, prefix);
    fake = await createFakeSwarm({
      nodes: [{ hostname }],
      clock: "real",
      start: Date.now(),
      timings: { step: 5, stop: 10 },
    });
    const socketDir = mkdtempSync(join(tmpdir(), "flotilla-fake-stack-"));
    const server = await fake.listen({ socketPath: join(socketDir, "fake.sock") });
    const onFake = await runStack({ dockerHost: server.dockerHost, ...options });
    const show = (steps: Step[]) => steps.map((step) => maskHistory(step, [hostname]));
    if (process.env.FLOTILLA_SHOW_TRANSCRIPT) console.log(show(real).join("\n\n"));
    expect(show(onFake)).toEqual(show(real));
  });
});
