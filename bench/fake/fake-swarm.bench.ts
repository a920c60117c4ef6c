import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { Pool } from "undici";

// The fake swarm at size: 1,000 services of 10 replicas converged on the virtual clock, listing
// the 10,000 tasks, memory held, and the cost of scaling one service in that swarm. The task list
// is timed three ways: through the handler, over HTTP on the unix socket the fake serves (as
// `flotilla-fake-engine` does, read by raw undici), and, as the peer, `JSON.stringify` of the
// same 10,000 task objects parsed back from that body: the floor for writing them at all.
// Run: pnpm --filter @flotilla/bench bench:fake   (node --expose-gc is set by the script)

const SERVICES = 1000;
const REPLICAS = 10;

async function call(swarm: FakeSwarm, method: string, path: string, body?: unknown): Promise<string> {
  const response = await swarm.handle(
    new Request(`http://fake/v1.41${path}`, {
      method,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }),
  );
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/**
 * The process's CPU time in ms (all threads, GC included). On a shared machine the wall clock also
 * counts the time others' work held the cores; CPU time much less so.
 */
function cpu(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs `body` `n` times: the median wall and CPU time of one run. */
async function timed(n: number, body: () => unknown): Promise<{ wall: number; cpu: number; text: string }> {
  const wall: number[] = [];
  const used: number[] = [];
  for (let i = 0; i < n; i++) {
    const [t0, c0] = [performance.now(), cpu()];
    await body();
    wall.push(performance.now() - t0);
    used.push(cpu() - c0);
  }
  const [w, c] = [median(wall), median(used)];
  return { wall: w, cpu: c, text: `${ms(w)} (CPU ${ms(c)})` };
}
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

gc();
const heapBefore = process.memoryUsage().heapUsed;
const swarm = await createFakeSwarm({ nodes: 10, seed: 1 });

const [started, startedCpu] = [performance.now(), cpu()];
const ids: string[] = [];
for (let i = 0; i < SERVICES; i++) {
  const body = JSON.parse(
    await call(swarm, "POST", "/services/create", {
      Name: `svc-${i}`,
      TaskTemplate: { ContainerSpec: { Image: "app:1" } },
      Mode: { Replicated: { Replicas: REPLICAS } },
    }),
  ) as { ID: string };
  ids.push(body.ID);
}
const created = performance.now();
swarm.settle();
const [converged, convergedCpu] = [performance.now(), cpu() - startedCpu];
const running = swarm.tasks().filter((t) => t.Status?.State === "running").length;
if (running !== SERVICES * REPLICAS)
  throw new Error(`expected ${SERVICES * REPLICAS} running tasks, saw ${running}`);

let listedText = "";
const onHandler = await timed(15, async () => {
  listedText = await call(swarm, "GET", "/tasks");
});
const listed = (JSON.parse(listedText) as unknown[]).length;
listedText = "";

gc();
const heap = process.memoryUsage().heapUsed - heapBefore;
const rss = process.memoryUsage().rss;

// Over HTTP: the socket, the server's framing and undici's reading of the whole body included.
const socketDir = mkdtempSync(join(tmpdir(), "flotilla-bench-fake-"));
const server = await swarm.listen({ socketPath: join(socketDir, "fake.sock") });
const pool = new Pool("http://fake", { socketPath: join(socketDir, "fake.sock"), connections: 1 });
let tasksText = "";
const overHttp = await timed(15, async () => {
  const answer = await pool.request({ method: "GET", path: "/v1.41/tasks" });
  tasksText = await answer.body.text();
});
await pool.close();
await server.close();
rmSync(socketDir, { recursive: true, force: true });
const sameObjects = JSON.parse(tasksText) as unknown[];
const stringified = await timed(15, () => JSON.stringify(sameObjects));

// One scale on the full swarm: the work is the one service's tasks, not the swarm's.
const target = swarm.service(ids[500]!);
const versionBefore = swarm.cluster.store.data.version;
const t0 = performance.now();
const spec = { ...target.Spec, Mode: { Replicated: { Replicas: REPLICAS + 1 } } };
await call(swarm, "POST", `/services/${target.ID}/update?version=${target.Version!.Index}`, spec);
swarm.settle();
const scaleMs = performance.now() - t0;
const writes = swarm.cluster.store.data.version - versionBefore;

const ratio = (a: { wall: number; cpu: number }) =>
  `${(a.wall / stringified.wall).toFixed(1)}x wall, ${(a.cpu / stringified.cpu).toFixed(1)}x CPU`;
console.log(`fake swarm: ${SERVICES} services x ${REPLICAS} replicas on 10 nodes (virtual clock)`);
console.log(`  create ${SERVICES} services over the handler: ${ms(created - started)}`);
console.log(`  converge to ${running} running tasks:        ${ms(converged - created)}`);
console.log(`  total create + converge: ${ms(converged - started)} (CPU ${ms(convergedCpu)})`);
console.log(`  GET /tasks (${listed} tasks), median of 15:`);
console.log(`    on the handler:                  ${onHandler.text}, ${ratio(onHandler)} the peer`);
console.log(
  `    over HTTP (unix socket, undici, ${mb(Buffer.byteLength(tasksText))}): ${overHttp.text}, ${ratio(overHttp)} the peer`,
);
console.log(`    peer, JSON.stringify of the same tasks: ${stringified.text}`);
console.log(`  heap held by the swarm: ${mb(heap)}; process RSS: ${mb(rss)}`);
console.log(`  scale one service 10 -> 11 and converge: ${ms(scaleMs)}, ${writes} object writes`);
await swarm.close();
