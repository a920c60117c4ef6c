import { fork } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contenders } from "./contenders.js";

// CPU time per request of this process, Flotilla against raw undici only: a fixed number of
// requests each, alternating, five times. Steadier than requests per second on a shared machine,
// since another process's load takes wall-clock time from both but little CPU time from either.
// CPU_CALL=ping|services (default ping), CPU_IN_FLIGHT (default 1), CPU_COUNT (default 20000),
// CPU_SOCKET to use an engine's socket instead of the minimal server.

const call = (process.env.CPU_CALL ?? "ping") as "ping" | "services";
const inFlight = Number(process.env.CPU_IN_FLIGHT ?? 1);
const count = Number(process.env.CPU_COUNT ?? 20_000);

const engineSocket = process.env.CPU_SOCKET;
const socketPath = engineSocket ?? join(mkdtempSync(join(tmpdir(), "flotilla-bench-")), "minimal.sock");
const server = engineSocket
  ? undefined
  : fork(new URL("./minimal-server.mjs", import.meta.url), [socketPath]);
if (server) await new Promise((resolve) => server.once("message", resolve));

const all = (await contenders(socketPath)).filter((c) => c.name === "flotilla" || c.name === "undici (raw)");

async function cpuPerRequest(run: () => Promise<void>): Promise<number> {
  let left = count;
  const start = process.cpuUsage();
  const worker = async () => {
    while (left-- > 0) await run();
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

try {
  for (const c of all) await cpuPerRequest(c[call]); // warm-up
  const results = new Map<string, number[]>();
  for (let round = 0; round < 5; round++) {
    for (const c of round % 2 ? [...all].reverse() : all) {
      results.set(c.name, [...(results.get(c.name) ?? []), await cpuPerRequest(c[call])]);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [flotilla, undici] = [median(results.get("flotilla")!), median(results.get("undici (raw)")!)];
  console.log(`${call}, ${inFlight} in flight, ${count} requests x 5, CPU µs per request (median):`);
  console.log(
    `  flotilla ${flotilla.toFixed(1)}, undici (raw) ${undici.toFixed(1)}, undici/flotilla = ${(undici / flotilla).toFixed(2)}x`,
  );
} finally {
  await Promise.all(all.map((c) => c.close()));
  server?.kill();
}
