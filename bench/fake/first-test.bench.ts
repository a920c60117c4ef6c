import { performance } from "node:perf_hooks";
import { Client } from "@flotilla/client";
import { createFakeSwarm, type FakeSwarmOptions } from "@flotilla/testing";

// The testing README's first test, as a scenario: a 3-node fake swarm, a client on its transport,
// a service of 2 replicas, `waitUntilConverged({ timeout: 5000 })`, the running tasks listed. Timed
// on the default clock ("auto") and on the wall clock ("real"), alternating, after a warm-up.
// Run: pnpm --filter @flotilla/bench bench:first-test

const ROUNDS = 15;

async function scenario(clock: FakeSwarmOptions["clock"]): Promise<number> {
  const started = performance.now();
  await using swarm = await createFakeSwarm({ nodes: 3, clock, start: Date.now() });
  await using client = new Client({ transport: swarm.transport(), registryAuth: false });
  const web = await client.services.create("nginx:alpine", { name: "web", replicas: 2 });
  await web.waitUntilConverged({ timeout: 5000 });
  const running = await web.tasks({ desiredState: "running" });
  if (running.filter((t) => t.state === "running").length !== 2) throw new Error(`${clock}: not 2 running`);
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

await scenario("auto");
await scenario("real");
const auto: number[] = [];
const real: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  auto.push(await scenario("auto"));
  real.push(await scenario("real"));
}
const fmt = (values: number[]) =>
  `median ${median(values).toFixed(1)} ms (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)})`;
console.log(`clock "auto": ${fmt(auto)}`);
console.log(`clock "real": ${fmt(real)}`);
console.log(`real / auto: ${(median(real) / median(auto)).toFixed(0)}x`);
