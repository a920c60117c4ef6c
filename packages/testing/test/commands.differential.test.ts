import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";
import { docker } from "./docker-cli/run-docker.js";
import { settled } from "./task-settle.js";

// The same commands run by the real engine's busybox and by the fake's shell simulator: each
// service's tasks must end in the same states, with the same errors and exit codes, and print
// the same lines on the same streams. Everything made on the engine is named uniquely and removed.

const engine = inject("engine");
const hasCli = spawnSync(process.env.FLOTILLA_DOCKER_CLI ?? "docker", ["--version"]).status === 0;

interface Case {
  name: string;
  args: string[];
  /** The service's state has settled when this many tasks are in a terminal state (see `settled`). */
  ended: number;
}

const CASES: Case[] = [
  {
    name: "prints",
    args: [
      "--restart-condition",
      "none",
      "--env",
      "WHO=fake",
      "--hostname",
      "h-{{.Task.Slot}}",
      "IMAGE",
      "sh",
      "-c",
      'echo one; echo two >&2; echo "who=$WHO host=$HOSTNAME home=$HOME"; printf "%s-%03d\\n" x 7; echo -n a; echo -e "b\\tc"; nosuch; echo rc=$?; false || echo or; true && echo and; cat /nope; sleep 0.3; echo last',
    ],
    ended: 1,
  },
  {
    name: "exit3",
    args: ["--restart-condition", "none", "IMAGE", "sh", "-c", "echo before; exit 3"],
    ended: 1,
  },
  {
    name: "job-false",
    args: [
      "--mode",
      "replicated-job",
      "--restart-max-attempts",
      "1",
      "--restart-delay",
      "1s",
      "IMAGE",
      "false",
    ],
    ended: 2,
  },
  { name: "job-true", args: ["--mode", "replicated-job", "IMAGE", "true"], ended: 1 },
  { name: "no-such-binary", args: ["--restart-condition", "none", "IMAGE", "nosuchbin"], ended: 1 },
  { name: "default-cmd", args: ["--restart-condition", "none", "IMAGE"], ended: 1 },
  {
    name: "loop",
    args: [
      "--restart-condition",
      "none",
      "IMAGE",
      "sh",
      "-c",
      "for i in 1 2 3; do echo tick $i; sleep 0.2; done; exit 300",
    ],
    ended: 1,
  },
];

const STATUS =
  "{{.Status.State}}|{{.Status.Message}}|{{.Status.Err}}|{{.Status.ContainerStatus.ExitCode}}|{{.DesiredState}}";

/** The service's tasks and logs once they have settled (or after 60 s, to fail showing them). */
async function outcome(host: string, service: string, ended: number) {
  let tasks: string[] = [];
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const ids = (await docker(host, ["service", "ps", "-q", service])).stdout.split("\n").filter(Boolean);
    tasks = ids.length
      ? (await docker(host, ["inspect", "--format", STATUS, ...ids])).stdout.trim().split("\n").sort()
      : [];
    if (settled(tasks, ended)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const logs = await docker(host, ["service", "logs", "--raw", service]);
  return { tasks, stdout: logs.stdout, stderr: logs.stderr };
}

describe.skipIf(!engine || !hasCli)("commands on the real engine's busybox and on the fake", () => {
  const prefix = `fcmd-${Math.random().toString(36).slice(2, 8)}`;
  const realHost = `unix://${engine?.socketPath}`;
  const image = engine?.images.current ?? "";
  let fake: FakeSwarm;
  let fakeHost = "";

  beforeAll(async () => {
    fake = await createFakeSwarm({ clock: "real", start: Date.now(), timings: { step: 5, stop: 10 } });
    const dir = mkdtempSync(join(tmpdir(), "flotilla-fake-cmd-"));
    fakeHost = (await fake.listen({ socketPath: join(dir, "fake.sock") })).dockerHost;
  });
  afterAll(async () => {
    const names = CASES.map((c) => `${prefix}-${c.name}`);
    await docker(realHost, ["service", "rm", ...names]);
    await fake?.close();
  });

  it("ends each task the same way and prints the same lines", { timeout: 120_000 }, async () => {
    const create = (host: string, c: Case) =>
      docker(host, [
        "service",
        "create",
        "--detach",
        "--quiet",
        "--name",
        `${prefix}-${c.name}`,
        ...c.args.map((a) => (a === "IMAGE" ? image : a)),
      ]);
    for (const c of CASES) {
      expect((await create(realHost, c)).code).toBe(0);
      expect((await create(fakeHost, c)).code).toBe(0);
    }
    for (const c of CASES) {
      const service = `${prefix}-${c.name}`;
      const [real, onFake] = await Promise.all([
        outcome(realHost, service, c.ended),
        outcome(fakeHost, service, c.ended),
      ]);
      expect({ case: c.name, ...onFake }).toEqual({ case: c.name, ...real });
    }
  });
});
