import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";
import { docker } from "./docker-cli/run-docker.js";

// Services with health checks, made with the docker CLI on the real engine and on the fake: the
// tasks must end up in the same states with the same errors, and `docker container inspect` and
// `docker ps` must show the same health. Probes run every second (the engine's own probes take
// some tens of milliseconds, the fake's none), and a stopped container gets half a second to go,
// so the engine side takes a few seconds. Everything made on the engine is named uniquely and removed.
//
// Never create a check whose test is ["CMD"] with no command on the engine: Docker 20.10's daemon
// panics on its first probe and the shared engine restarts.

const engine = inject("engine");
const hasCli = spawnSync(process.env.FLOTILLA_DOCKER_CLI ?? "docker", ["--version"]).status === 0;

// The stop ends before the next probe would start, so no probe is cut short by the container's end.
const FAST = ["--health-interval", "1s", "--stop-grace-period", "500ms"];

interface Case {
  name: string;
  args: string[];
  /** The service has settled when its tasks, as `State|DesiredState` lines, satisfy this. */
  settled: (tasks: string[]) => boolean;
  /** And, if set, once `docker ps` shows the first container up. */
  up?: boolean;
}

const ended = (count: number) => (tasks: string[]) =>
  // The orchestrator sets an ended task's desired state to shutdown a moment after it ends.
  tasks.filter((t) => /^(failed|complete)\|shutdown\|/.test(t)).length >= count;
const runs = (tasks: string[]) => tasks.some((t) => t.startsWith("running|"));

const CASES: Case[] = [
  {
    name: "healthy",
    args: [...FAST, "--health-cmd", "echo ok", "--restart-condition", "none", "IMAGE", "sleep", "3600"],
    settled: runs,
  },
  {
    // Two failing probes make it unhealthy; swarm stops it, fails the task and restarts it once.
    name: "failing",
    args: [
      ...FAST,
      "--health-cmd",
      "echo bad; exit 1",
      "--health-retries",
      "2",
      "--restart-max-attempts",
      "1",
      "--restart-delay",
      "1s",
      "IMAGE",
      "sleep",
      "3600",
    ],
    settled: ended(2),
  },
  {
    name: "timeout",
    args: [
      ...FAST,
      "--health-cmd",
      "sleep 5",
      "--health-timeout",
      "300ms",
      "--health-retries",
      "1",
      "--restart-condition",
      "none",
      "IMAGE",
      "sleep",
      "3600",
    ],
    settled: ended(1),
  },
  {
    name: "start-period",
    args: [
      ...FAST,
      "--health-cmd",
      "exit 2",
      "--health-start-period",
      "1500ms",
      "--health-retries",
      "1",
      "--restart-condition",
      "none",
      "IMAGE",
      "sleep",
      "3600",
    ],
    settled: ended(1),
  },
  {
    // The command ends before the first probe: the task fails from starting, unhealthy or not.
    name: "exits-first",
    args: [
      "--health-cmd",
      "true",
      "--health-interval",
      "2s",
      "--restart-condition",
      "none",
      "IMAGE",
      "sh",
      "-c",
      "sleep 0.5; exit 3",
    ],
    settled: ended(1),
  },
  {
    // The first probe is a minute away: the container runs while its task is held in starting.
    name: "starting",
    args: ["--health-cmd", "true", "--health-interval", "1m", "IMAGE", "sleep", "3600"],
    settled: (tasks) => tasks.some((t) => t.startsWith("starting|")),
    up: true,
  },
  {
    name: "none",
    args: ["--no-healthcheck", "--restart-condition", "none", "IMAGE", "sleep", "3600"],
    settled: runs,
  },
];

const TASK =
  "{{.Status.State}}|{{.DesiredState}}|{{.Status.Message}}|{{.Status.Err}}|{{.Status.ContainerStatus.ExitCode}}|{{.Status.ContainerStatus.PID}}";

async function tasksOf(host: string, service: string) {
  const ids = (await docker(host, ["service", "ps", "-q", service])).stdout.split("\n").filter(Boolean);
  if (ids.length === 0) return [];
  const out = await docker(host, [
    "inspect",
    "--format",
    `${TASK}|{{.Status.ContainerStatus.ContainerID}}`,
    ...ids,
  ]);
  return out.stdout
    .trim()
    .split("\n")
    .map((line) => ({
      // A PID is a PID: whether there is one is what matters.
      line: line.slice(0, line.lastIndexOf("|")).replace(/\|[1-9]\d*$/, "|PID"),
      container: line.slice(line.lastIndexOf("|") + 1),
    }));
}

/** What both sides must agree on once the service has settled; times and IDs left out. */
async function outcome(host: string, c: Case, service: string) {
  let tasks: { line: string; container: string }[] = [];
  let first = "";
  let ps = "";
  for (let i = 0; i < 600; i++) {
    tasks = await tasksOf(host, service);
    // The oldest task's container: the one that ran (or is running) first.
    first = tasks.at(-1)?.container ?? "";
    ps = first
      ? (await docker(host, ["ps", "-a", "--no-trunc", "--filter", `id=${first}`, "--format", "{{.Status}}"]))
          .stdout
      : "";
    if (c.settled(tasks.map((t) => t.line)) && (!c.up || ps.startsWith("Up"))) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const inspected = JSON.parse((await docker(host, ["container", "inspect", first])).stdout)[0];
  const health = inspected.State.Health;
  return {
    tasks: tasks.map((t) => t.line).sort(),
    healthcheck: inspected.Config.Healthcheck,
    health: health && {
      Status: health.Status,
      FailingStreak: health.FailingStreak,
      // A healthy container goes on probing: only its first result is sure to be there on both.
      Log: health.Log.slice(0, health.Status === "healthy" ? 1 : undefined).map(
        (e: { ExitCode: number; Output: string }) => [e.ExitCode, e.Output],
      ),
    },
    ps: ps.trim().replace(/\d+ seconds?|Less than a second|About a minute/g, "N"),
  };
}

describe.skipIf(!engine || !hasCli)("health checks on the real engine and on the fake", () => {
  const prefix = `fhealth-${Math.random().toString(36).slice(2, 8)}`;
  const realHost = `unix://${engine?.socketPath}`;
  const image = engine?.images.current ?? "";
  const made = new Set<string>();
  let fake: FakeSwarm;
  let fakeHost = "";

  beforeAll(async () => {
    fake = await createFakeSwarm({ clock: "real", start: Date.now(), timings: { step: 5, stop: 10 } });
    const dir = mkdtempSync(join(tmpdir(), "flotilla-fake-health-"));
    fakeHost = (await fake.listen({ socketPath: join(dir, "fake.sock") })).dockerHost;
  });
  afterAll(async () => {
    if (made.size > 0) await docker(realHost, ["service", "rm", ...made]);
    await fake?.close();
  });

  const create = async (host: string, name: string, args: string[]) => {
    made.add(name);
    const out = await docker(host, [
      "service",
      "create",
      "--detach",
      "--quiet",
      "--name",
      name,
      ...args.map((a) => (a === "IMAGE" ? image : a)),
    ]);
    // Both sides first warn that no registry could be asked for the image's digest.
    return { code: out.code, error: out.stderr.trim().split("\n").at(-1) };
  };

  it("holds, runs, fails and restarts tasks by their health, and shows it", {
    timeout: 120_000,
  }, async () => {
    for (const c of CASES) {
      for (const host of [realHost, fakeHost])
        expect((await create(host, `${prefix}-${c.name}`, c.args)).code).toBe(0);
    }
    const results = await Promise.all(
      CASES.map(async (c) => {
        const service = `${prefix}-${c.name}`;
        const [real, onFake] = await Promise.all([
          outcome(realHost, c, service),
          outcome(fakeHost, c, service),
        ]);
        return { real: { case: c.name, ...real }, fake: { case: c.name, ...onFake } };
      }),
    );
    expect(results.map((r) => r.fake)).toEqual(results.map((r) => r.real));
  });

  it.each(["stop-first", "start-first"])(
    "pauses a %s rolling update whose new task never turns healthy",
    { timeout: 60_000 },
    async (order) => {
      const service = `${prefix}-roll-${order}`;
      const args = [
        ...FAST,
        "--health-cmd",
        "true",
        "--update-failure-action",
        "pause",
        "--update-order",
        order,
      ];
      const run = async (host: string) => {
        expect((await create(host, service, [...args, "IMAGE", "sleep", "3600"])).code).toBe(0);
        for (let i = 0; i < 300 && !runs((await tasksOf(host, service)).map((t) => t.line)); i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const update = ["service", "update", "--detach", "--health-cmd", "false", "--health-retries", "1"];
        await docker(host, [...update, service]);
        let state = "";
        for (let i = 0; i < 300 && !/^(paused|completed)/.test(state); i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          const format = "{{.UpdateStatus.State}} {{.UpdateStatus.Message}}";
          state = (await docker(host, ["service", "inspect", "--format", format, service])).stdout;
        }
        // Start-first leaves the old task running; stop-first has stopped it.
        const running = (await tasksOf(host, service)).filter((t) => t.line.startsWith("running|running|"));
        return { update: state.trim().replace(/task \w+$/, "task ID"), running: running.length };
      };
      const [real, onFake] = await Promise.all([run(realHost), run(fakeHost)]);
      expect(real.update).toBe("paused update paused due to failure or early termination of task ID");
      expect(onFake).toEqual(real);
    },
  );

  it("refuses bad health durations with the engine's errors", { timeout: 60_000 }, async () => {
    const bad = [
      ["--health-cmd", "true", "--health-interval", "500us"],
      ["--health-cmd", "true", "--health-timeout", "10us"],
      ["--health-cmd", "true", "--health-start-period", "999us"],
      ["--health-cmd", "true", "--health-retries", "-1"],
    ];
    for (const [i, flags] of bad.entries()) {
      const name = `${prefix}-bad${i}`;
      const [real, onFake] = await Promise.all(
        [realHost, fakeHost].map((host) => create(host, name, [...flags!, "IMAGE"])),
      );
      expect(real!.code).toBe(1);
      expect(onFake).toEqual(real);
    }
  });
});
