import { fork } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { UnixSocketTransport, withApiVersion } from "@flotilla/transport";
import { type Contender, contenders } from "./contenders.js";

// Requests per second, side by side in one run: GET /_ping and GET /services (100 services),
// 1 and 16 in flight, against a minimal local server and the real engine, over a unix socket.
// BENCH_SECONDS (default 1) per measurement, BENCH_ROUNDS (default 5) rounds, median. The order
// of contenders rotates each round: on a small machine whoever runs first or last is favoured.

const seconds = Number(process.env.BENCH_SECONDS ?? 1);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const engineSocket = process.env.FLOTILLA_ENGINE_SOCKET ?? "/var/run/docker.sock";

// A run stopped with ctrl-c ends its measurements early so that cleanup still removes the 100
// services it made on a shared engine.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    stopping = true;
  });
}

async function rate(call: () => Promise<void>, inFlight: number, ms: number): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < end && !stopping) {
      await call();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done / ((performance.now() - start) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bench(target: string, socketPath: string): Promise<void> {
  const all = await contenders(socketPath);
  for (const endpoint of ["ping", "services"] as const) {
    for (const inFlight of [1, 16]) {
      const results = new Map<string, number[]>();
      for (const c of all) await rate(c[endpoint], inFlight, 300); // warm-up: connections, JIT
      for (let round = 0; round < rounds; round++) {
        const order = [...all.slice(round % all.length), ...all.slice(0, round % all.length)];
        for (const c of order) {
          const r = await rate(c[endpoint], inFlight, seconds * 1000);
          results.set(c.name, [...(results.get(c.name) ?? []), r]);
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
  results: Map<string, number[]>,
) {
  const flotilla = median(results.get("flotilla")!);
  const path = endpoint === "ping" ? "GET /_ping" : "GET /services (100)";
  console.log(`\n${target} | ${path} | ${inFlight} in flight`);
  for (const c of all) {
    const r = median(results.get(c.name)!);
    const ratio = c.name === "flotilla" ? "" : `  flotilla/${c.name} = ${(flotilla / r).toFixed(2)}x`;
    console.log(`  ${c.name.padEnd(18)} ${r.toFixed(0).padStart(7)} req/s${ratio}`);
  }
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
  await bench("minimal server", socketPath);
  if (existsSync(engineSocket)) await withHundredServices(() => bench("real engine", engineSocket));
  else console.log(`\nno engine at ${engineSocket}: real-engine figures skipped`);
} finally {
  server.kill();
}
