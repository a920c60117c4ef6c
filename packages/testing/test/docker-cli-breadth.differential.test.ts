import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";
import { type BreadthOptions, cleanUpBreadth, runBreadth } from "./docker-cli/breadth-scenario.js";
import { normalise } from "./docker-cli/normalise.js";
import { docker } from "./docker-cli/run-docker.js";
import type { Step } from "./docker-cli/scenario.js";

// The second docker CLI session (test/docker-cli/breadth-scenario.ts) on the real engine and on
// the fake. Besides IDs and times, addresses are masked: the shared engine's pools have moved on
// with every network and VIP others made before, so only their presence and count can match.

const engine = inject("engine");
const hasCli = spawnSync(process.env.FLOTILLA_DOCKER_CLI ?? "docker", ["--version"]).status === 0;

function mask(step: Step, hostnames: string[], ports: [number, number]): string {
  return normalise(step, hostnames)
    .replace(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(\/\d+)?\b/g, "<ip>")
    .replaceAll(String(ports[0]), "<ingress-port>")
    .replaceAll(String(ports[1]), "<host-port>");
}

describe.skipIf(!engine || !hasCli)("a wider docker CLI session on the real engine and on the fake", () => {
  const prefix = `fbr-${Math.random().toString(36).slice(2, 8)}`;
  const realHost = `unix://${engine?.socketPath}`;
  // Below the engine's dynamic range (30000+), random so that parallel runs do not collide.
  const base = 20000 + Math.floor(Math.random() * 4900) * 2;
  const ports: [number, number] = [base, base + 1];
  let fake: FakeSwarm | undefined;

  afterAll(async () => {
    await cleanUpBreadth(realHost, prefix);
    await fake?.close();
  });

  it("prints the same transcript, step by step", { timeout: 240_000 }, async () => {
    const hostname = (await docker(realHost, ["info", "--format", "{{.Name}}"])).stdout.trim();
    const options: Omit<BreadthOptions, "dockerHost"> = { prefix, image: engine!.images.current, ports };
    const real = await runBreadth({ dockerHost: realHost, ...options });
    fake = await createFakeSwarm({
      nodes: [{ hostname }],
      clock: "real",
      start: Date.now(),
      timings: { step: 5, stop: 10 },
    });
    const socketDir = mkdtempSync(join(tmpdir(), "flotilla-fake-breadth-"));
    const server = await fake.listen({ socketPath: join(socketDir, "fake.sock") });
    const onFake = await runBreadth({ dockerHost: server.dockerHost, ...options });
    const show = (steps: Step[]) => steps.map((step) => mask(step, [hostname], ports));
    if (process.env.FLOTILLA_SHOW_TRANSCRIPT) console.log(show(real).join("\n\n"));
    expect(show(onFake)).toEqual(show(real));
  });
});
