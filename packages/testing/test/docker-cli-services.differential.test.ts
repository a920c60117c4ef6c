import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";
import { docker } from "./docker-cli/run-docker.js";
import type { Step } from "./docker-cli/scenario.js";
import { cleanUpServices, runServices } from "./docker-cli/services-scenario.js";
import { maskHistory } from "./docker-cli/session.js";

// The third docker CLI session (test/docker-cli/services-scenario.ts) on the real engine and on
// the fake: service create and update flags, every mode, scaling down and up, `service ps`
// filters, the generic inspect and an overlay network with tasks. The fake node takes the
// engine's hostname, CPUs and memory, so `node inspect` and tables line up.

const engine = inject("engine");
const hasCli = spawnSync(process.env.FLOTILLA_DOCKER_CLI ?? "docker", ["--version"]).status === 0;

describe.skipIf(!engine || !hasCli)(
  "service flags, modes and slots on the real engine and on the fake",
  () => {
    const prefix = `fsv-${Math.random().toString(36).slice(2, 8)}`;
    const realHost = `unix://${engine?.socketPath}`;
    let fake: FakeSwarm | undefined;

    afterAll(async () => {
      await cleanUpServices(realHost, prefix);
      await fake?.close();
    });

    it("prints the same transcript, step by step", { timeout: 240_000 }, async () => {
      const info = await docker(realHost, [
        "info",
        "--format",
        "{{.Name}} {{.NCPU}} {{.MemTotal}} {{.Swarm.Cluster.Spec.Orchestration.TaskHistoryRetentionLimit}}",
      ]);
      const [hostname = "", cpus, memory, history] = info.stdout.trim().split(" ");
      const options = { prefix, images: engine!.images };
      const real = await runServices({ dockerHost: realHost, ...options });
      await cleanUpServices(realHost, prefix);
      fake = await createFakeSwarm({
        nodes: [{ hostname, cpus: Number(cpus), memoryBytes: Number(memory) }],
        // The slots' history depends on the task history limit, which other tests may have
        // changed on the shared engine.
        swarm: { Orchestration: { TaskHistoryRetentionLimit: Number(history) } },
        clock: "real",
        start: Date.now(),
        timings: { step: 5, stop: 10 },
      });
      const socketDir = mkdtempSync(join(tmpdir(), "flotilla-fake-services-"));
      const server = await fake.listen({ socketPath: join(socketDir, "fake.sock") });
      const onFake = await runServices({ dockerHost: server.dockerHost, ...options });
      const show = (steps: Step[]) => steps.map((step) => maskHistory(step, [hostname]));
      if (process.env.FLOTILLA_SHOW_TRANSCRIPT) console.log(show(real).join("\n\n"));
      expect(show(onFake)).toEqual(show(real));
    });
  },
);
