import { fork } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { UnixSocketTransport, withApiVersion } from "@flotilla/transport";
import { type Contender, contenders } from "./contenders.js";

// Requests per second, side by side in one run: GET /_ping and GET /services (100 services),
// 1 and 16 in flight, against a minimal local server and the real engine, over a unix socket.
// Each round measures every contender for BENCH_SECONDS (default 0.5), BENCH_ROUNDS (default 7)
// rounds, in a fresh random order each round, after a garbage collection and a short pause: what
// one contender leaves behind (garbage, sockets winding down) must not land on the same other one
// every time, as it did when the order only rotated (rotating keeps who-follows-whom unchanged).
// Rates are medians over rounds; a ratio is the median of the ratios taken within each round, so
// that load from other work, which drifts over seconds, mostly cancels. Beside the rate, the
// client's CPU time per request: on a shared machine the steadier figure.

const seconds = Number(process.env.BENCH_SECONDS ?? 0.5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const engineSocket = process.env.FLOTILLA_ENGINE_SOCKET ?? "/var/run/docker.sock";
// BENCH_TARGETS=minimal skips the real engine (and the 100 services made on it) for quick runs.
const targets = (process.env.BENCH_TARGETS ?? "minimal,engine").split(",");

// A run stopped with ctrl-c ends its measurements early so that cleanup still removes the 100
// services it made on a shared engine.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    stopping = true;
  });
}

interface Sample {
  /** Requests per second, wall clock. */
  rate: number;
  /** This process's CPU time per request, in µs: the client's own cost, which other work on the
   * machine disturbs far less than the wall clock. */
  cpu: number;
}

async function measure(call: () => Promise<void>, inFlight: number, ms: number): Promise<Sample> {
  let done = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const worker = async () => {
    while (performance.now() < end && !stopping) {
      await call();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const cpu = process.cpuUsage(cpuStart);
  return { rate: done / ((performance.now() - start) / 1000), cpu: (cpu.user + cpu.system) / done };
}

/** There when node runs with --expose-gc, as `bench:transport` runs it. */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bench(target: string, socketPath: string): Promise<void> {
  const all = await contenders(socketPath);
  for (const endpoint of ["ping", "services"] as const) {
    for (const inFlight of [1, 16]) {
      const results = new Map<string, Sample[]>();
      // Warm-up, 1 s each: connections opened, each contender's own code optimised. With 300 ms,
      // on a busy machine, the first figure of a run came out low for Flotilla alone.
      for (const c of all) await measure(c[endpoint], inFlight, 1000);
      for (let round = 0; round < rounds; round++) {
        for (const c of shuffled(all)) {
          // Collect the previous contender's garbage now, not on this one's time.
          collectGarbage?.();
          await sleep(20);
          const sample = await measure(c[endpoint], inFlight, seconds * 1000);
          results.set(c.name, [...(results.get(c.name) ?? []), sample]);
        }
      }
      report(target, endpoint, inFlight, all, results);
    }
  }
  await Promise.all(all.map((c) => c.close()));
}

function report(
  target: string,
  endpoint: string,
  inFlight: number,
  all: Contender[],
  results: Map<string, Sample[]>,
) {
  const flotilla = results.get("flotilla")!;
  const path = endpoint === "ping" ? "GET /_ping" : "GET /services (100)";
  console.log(`\n${target} | ${path} | ${inFlight} in flight`);
  console.log(`  ${"".padEnd(18)} ${"req/s".padStart(7)} ${"CPU µs/req".padStart(10)}`);
  for (const c of all) {
    const samples = results.get(c.name)!;
    let ratios = "";
    if (c.name !== "flotilla") {
      // Within each round: flotilla's rate over theirs, and their CPU per request over flotilla's.
      const byRate = samples.map((s, round) => flotilla[round]!.rate / s.rate);
      const byCpu = samples.map((s, round) => s.cpu / flotilla[round]!.cpu);
      ratios = `  flotilla/${c.name}: rate ${summary(byRate)}, CPU ${summary(byCpu)}`;
    }
    const rate = median(samples.map((s) => s.rate)).toFixed(0);
    const cpu = median(samples.map((s) => s.cpu)).toFixed(1);
    console.log(`  ${c.name.padEnd(18)} ${rate.padStart(7)} ${cpu.padStart(10)}${ratios}`);
  }
}

/** The median ratio, with the range over rounds. */
function summary(ratios: number[]): string {
  return `${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}

/** 100 services with 0 replicas under a unique prefix, removed afterwards even on failure. */
async function withHundredServices(work: () => Promise<void>): Promise<void> {
  const prefix = `flotilla-bench-${process.pid}-${Date.now().toString(36)}`;
  await using docker = withApiVersion(new UnixSocketTransport({ socketPath: engineSocket }), {
    version: "1.41",
  });
  const ids: string[] = [];
  try {
    for (let i = 0; i < 100 && !stopping; i++) {
      const spec = {
        Name: `${prefix}-${i}`,
        Labels: { "flotilla.bench": prefix },
        TaskTemplate: {
          ContainerSpec: { Image: process.env.FLOTILLA_TEST_IMAGE ?? "flotilla-test/busybox:latest" },
        },
        Mode: { Replicated: { Replicas: 0 } },
      };
      const created = await docker.request({ method: "POST", path: "/services/create", body: spec });
      ids.push((await created.json<{ ID: string }>()).ID);
    }
    if (!stopping) await work();
  } finally {
    for (const id of ids)
      await (await docker.request({ method: "DELETE", path: `/services/${id}` })).cancel();
  }
}

const dir = mkdtempSync(join(tmpdir(), "flotilla-bench-"));
const socketPath = join(dir, "minimal.sock");
const server = fork(new URL("./minimal-server.mjs", import.meta.url), [socketPath], { stdio: "inherit" });

await new Promise((resolve) => server.once("message", resolve));
console.log(`node ${process.version}, ${seconds}s x ${rounds} rounds per figure (median)`);
try {
  if (targets.includes("minimal")) await bench("minimal server", socketPath);
  if (!targets.includes("engine")) console.log("\nreal engine skipped (BENCH_TARGETS)");
  else if (existsSync(engineSocket)) await withHundredServices(() => bench("real engine", engineSocket));
  else console.log(`\nno engine at ${engineSocket}: real-engine figures skipped`);
} finally {
  server.kill();
}
