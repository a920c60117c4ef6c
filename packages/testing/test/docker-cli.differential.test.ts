import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";
import { normalise } from "./docker-cli/normalise.js";
import { docker } from "./docker-cli/run-docker.js";
import { cleanUp, runScenario, type Step } from "./docker-cli/scenario.js";

// The real docker CLI (v28, which negotiates API 1.41 with both) runs one session against the real
// engine and against the fake served on a unix socket; the transcripts, with IDs, times and host
// names masked, must be the same. Then what one real node cannot show, against fakes alone.

const engine = inject("engine");
const hasCli = spawnSync(process.env.FLOTILLA_DOCKER_CLI ?? "docker", ["--version"]).status === 0;
const socketDir = mkdtempSync(join(tmpdir(), "flotilla-fake-cli-"));

/** A fake served as `flotilla-fake-engine` serves it: wall clock, fast tasks. */
async function servedFake(options: Parameters<typeof createFakeSwarm>[0] = {}) {
  const swarm = await createFakeSwarm({
    clock: "real",
    start: Date.now(),
    timings: { step: 5, stop: 10 },
    ...options,
  });
  const server = await swarm.listen({
    socketPath: join(socketDir, `${Math.random().toString(36).slice(2)}.sock`),
  });
  return { swarm, host: server.dockerHost };
}

describe.skipIf(!engine || !hasCli)("one docker CLI session on the real engine and on the fake", () => {
  const prefix = `fcli-${Math.random().toString(36).slice(2, 8)}`;
  const realHost = `unix://${engine?.socketPath}`;
  const images = engine?.images ?? { current: "", next: "" };
  let hostname = "";
  let fake: FakeSwarm | undefined;

  beforeAll(async () => {
    hostname = (await docker(realHost, ["info", "--format", "{{.Name}}"])).stdout.trim();
  });
  afterAll(async () => {
    await cleanUp(realHost, prefix);
    await fake?.close();
  });

  it("prints the same transcript, step by step", { timeout: 240_000 }, async () => {
    const real = await runScenario({ dockerHost: realHost, prefix, images });
    // The fake node takes the engine's hostname, so tables line up column for column. No image
    // behaviours: the fake runs the services' commands (`sleep 600`, the log service's `sh -c`).
    const served = await servedFake({ nodes: [{ hostname }] });
    fake = served.swarm;
    const onFake = await runScenario({ dockerHost: served.host, prefix, images });
    const show = (steps: Step[]) => steps.map((step) => normalise(step, [hostname]));
    expect(show(onFake)).toEqual(show(real));
  });
});

// One real node cannot show several nodes: these compare the fake with what Docker documents for
// `docker node` and global services (docs.docker.com, "Manage nodes in a swarm", "Drain a node").
describe.skipIf(!hasCli)("the docker CLI on a fake with three nodes", () => {
  let fake: Awaited<ReturnType<typeof servedFake>>;
  beforeAll(async () => {
    fake = await servedFake({ nodes: 3, seed: 3 });
  });
  afterAll(() => fake.swarm.close());
  const run = (...args: string[]) => docker(fake.host, args);
  const lines = (text: string) => text.replace(/\n$/, "").split("\n").sort();

  it("lists one leader and two workers, the answering node marked with *", async () => {
    const ls = await run(
      "node",
      "ls",
      "--format",
      "{{.Self}} {{.Hostname}} {{.Status}} {{.Availability}} {{.ManagerStatus}}",
    );
    expect(lines(ls.stdout)).toEqual([
      "false node-2 Ready Active ",
      "false node-3 Ready Active ",
      "true node-1 Ready Active Leader",
    ]);
  });

  it("runs a global service once on every node, and stops it on a node drained", async () => {
    await run(
      "service",
      "create",
      "--detach",
      "--quiet",
      "--mode",
      "global",
      "--name",
      "everywhere",
      "img:1",
    );
    const ps = ["service", "ps", "everywhere", "--format", "{{.Node}} {{.DesiredState}} {{.CurrentState}}"];
    const running = (text: string) => text.split("\n").filter((l) => / Running Running /.test(l)).length;
    let out = (await run(...ps)).stdout;
    for (let i = 0; i < 100 && running(out) < 3; i++) out = (await run(...ps)).stdout;
    expect(lines(out).map((l) => l.split(" ").slice(0, 3).join(" "))).toEqual([
      "node-1 Running Running",
      "node-2 Running Running",
      "node-3 Running Running",
    ]);
    expect((await run("node", "update", "--availability", "drain", "node-2")).stdout).toBe("node-2\n");
    for (let i = 0; i < 100 && !/node-2 Shutdown Shutdown/.test(out); i++) out = (await run(...ps)).stdout;
    expect(out).toMatch(/node-2 Shutdown Shutdown/);
  });

  it("promotes and demotes a worker, and refuses to remove a node that is up", async () => {
    expect((await run("node", "promote", "node-3")).stdout).toBe(
      "Node node-3 promoted to a manager in the swarm.\n",
    );
    expect((await run("node", "demote", "node-3")).stdout).toBe("Manager node-3 demoted in the swarm.\n");
    const rm = await run("node", "rm", "node-3");
    expect(rm.code).toBe(1);
    expect(rm.stderr).toMatch(
      /^Error response from daemon: rpc error: code = FailedPrecondition desc = node \w{25} is not down and can't be removed\n$/,
    );
  });
});

// The shared engine is in a swarm and must stay in it: init, join-token and leave run against a
// fake started outside a swarm, and are checked against the CLI's documented output.
describe.skipIf(!hasCli)("docker swarm init, join-token and leave on a fake outside a swarm", () => {
  it("initialises, hands out tokens, refuses a plain leave by the last manager, then leaves", async () => {
    await using served = await servedFake({ inSwarm: false, seed: 5 }).then((f) => ({
      ...f,
      [Symbol.asyncDispose]: () => f.swarm.close(),
    }));
    const run = (...args: string[]) => docker(served.host, args);
    expect((await run("node", "ls")).stderr).toBe(
      'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.\n',
    );
    const init = await run("swarm", "init");
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(
      /^Swarm initialized: current node \(\w{25}\) is now a manager\.\n\nTo add a worker to this swarm, run the following command:\n\n {4}docker swarm join --token SWMTKN-1-\w+-\w+ [\d.]+:2377\n\nTo add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions\.\n/,
    );
    const worker = (await run("swarm", "join-token", "-q", "worker")).stdout.trim();
    const manager = (await run("swarm", "join-token", "-q", "manager")).stdout.trim();
    expect(init.stdout).toContain(worker);
    expect(manager).not.toBe(worker);
    expect((await run("swarm", "join-token", "--rotate", "-q", "worker")).stdout.trim()).not.toBe(worker);
    const leave = await run("swarm", "leave");
    expect([leave.code, leave.stderr]).toEqual([
      1,
      "Error response from daemon: You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.\n",
    ]);
    expect((await run("swarm", "leave", "--force")).stdout).toBe("Node left the swarm.\n");
    expect((await run("info", "--format", "{{.Swarm.LocalNodeState}}")).stdout).toBe("inactive\n");
  });
});
