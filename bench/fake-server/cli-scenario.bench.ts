import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeSwarm } from "@flotilla/testing";
import { cleanUp, runScenario } from "../../packages/testing/test/docker-cli/scenario.ts";
import { type Recording, recordingProxy, replayServer, type ServingTime } from "./replay-server.ts";

// The docker CLI session of packages/testing/test/docker-cli.differential.test.ts, timed end to
// end (every `docker` process included) against the real engine and against the fake served on a
// unix socket the way `flotilla-fake-engine` serves it, and, as the floor, against a server that
// replays what the fake answered in a recorded run of the same session (replay-server.ts).
// Usage: bench:fake-server [variant] [runs] [grace]
//   detached (default): as CI runs it, `--detach` on service create and scale, and the web
//     service's --stop-grace-period set to `grace` (default 1s)
//   operator: as an operator types it, with the CLI's defaults: no `--detach` (the CLI waits for
//     convergence) and no --stop-grace-period (the engine's 10s)

const variant = process.argv[2] ?? "detached";
if (variant !== "detached" && variant !== "operator") throw new Error(`unknown variant ${variant}`);
const runs = Number(process.argv[3] ?? 3);
const style =
  variant === "operator"
    ? { detach: false, stopGracePeriod: null }
    : { detach: true, stopGracePeriod: process.argv[4] ?? "1s" };
const socket = process.env.FLOTILLA_ENGINE_SOCKET ?? "/var/run/docker.sock";
const images = {
  current: process.env.FLOTILLA_TEST_IMAGE ?? "flotilla-test/busybox:latest",
  next: process.env.FLOTILLA_TEST_IMAGE_NEXT ?? "flotilla-test/busybox:next",
};
const dir = mkdtempSync(join(tmpdir(), "flotilla-bench-fake-"));
const hostname = spawnSync("docker", ["-H", `unix://${socket}`, "info", "--format", "{{.Name}}"])
  .stdout.toString()
  .trim();

async function fakeSwarm() {
  return createFakeSwarm({
    nodes: [{ hostname }],
    clock: "real",
    start: Date.now(),
    timings: { step: 5, stop: 10 },
  });
}

async function timed(target: "engine" | "fake" | "replay", run: number): Promise<number> {
  const prefix = `fbench-${process.pid}-${run}`;
  if (target === "engine") {
    const host = `unix://${socket}`;
    const start = performance.now();
    try {
      await runScenario({ dockerHost: host, prefix, images, ...style });
      return performance.now() - start;
    } finally {
      await cleanUp(host, prefix);
    }
  }
  await using swarm = await fakeSwarm();
  const served = join(dir, `${prefix}-fake.sock`);
  const server = await swarm.listen({ socketPath: served });
  if (target === "fake") {
    const start = performance.now();
    await runScenario({ dockerHost: server.dockerHost, prefix, images, ...style });
    return performance.now() - start;
  }
  // Recorded untimed through a proxy, then replayed, timed, with the same names.
  const recording: Recording = new Map();
  const proxied = join(dir, `${prefix}-proxy.sock`);
  const serving: ServingTime = { ms: 0, requests: 0 };
  const closeProxy = await recordingProxy(served, proxied, recording, serving);
  await runScenario({ dockerHost: `unix://${proxied}`, prefix, images, ...style });
  await closeProxy();
  servingTimes.push(serving);
  const replayed = join(dir, `${prefix}-replay.sock`);
  const closeReplay = await replayServer(replayed, recording);
  try {
    const start = performance.now();
    await runScenario({ dockerHost: `unix://${replayed}`, prefix, images, ...style });
    return performance.now() - start;
  } finally {
    await closeReplay();
  }
}

/** How long the fake took to answer, in each recorded run. */
const servingTimes: ServingTime[] = [];
const results: Record<string, number[]> = { engine: [], fake: [], replay: [] };
for (let run = 0; run < runs; run++) {
  for (const target of ["engine", "fake", "replay"] as const) results[target]!.push(await timed(target, run));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
for (const [target, times] of Object.entries(results)) {
  console.log(`${target.padEnd(6)} median ${s(median(times))}  (${times.map(s).join(", ")})`);
}
const ratio = (target: string) => (median(results.engine!) / median(results[target]!)).toFixed(1);
console.log(`${variant} ${JSON.stringify(style)}: the fake is ${ratio("fake")}x faster`);
console.log(`the floor (replayed answers, no work) is ${ratio("replay")}x faster: no fake can beat that`);
for (const { ms, requests } of servingTimes) {
  console.log(`the fake answered ${requests} requests in ${(ms / 1000).toFixed(3)} s in all (recorded run)`);
}
