import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@flotilla/client";
import { createFakeSwarm } from "@flotilla/testing";
import { chromium } from "playwright-core";

// `flotilla ui` at size: the built CLI's server (its own process) on a fake swarm of 100 services
// × 10 tasks on 10 nodes, served on a unix socket from this process, watched by headless chromium.
// One engine change at a time (a service scaled 10 → 11 or back), every `pace` ms, for `minutes`:
// - latency: from the change sent to the engine to the page's board showing it (a MutationObserver
//   in the page notes the time the card count of that service becomes right);
// - the page's JS heap (after a forced GC), each minute;
// - the server's CPU (user + system, from /proc) over the run, per change.
// Usage: bench:ui [minutes=10] [pace-ms=1000]

const minutes = Number(process.argv[2] ?? 10);
const pace = Number(process.argv[3] ?? 1000);
const SERVICES = Number(process.env.BENCH_UI_SERVICES ?? 100);
const REPLICAS = 10;
const bin = fileURLToPath(new URL("../../packages/cli/dist/bin.cjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "flotilla-bench-ui-"));

const swarm = await createFakeSwarm({
  nodes: 10,
  clock: "real",
  start: Date.now(),
  timings: { step: 2, stop: 2 },
  images: { "bench/app": {} },
});
const socket = join(dir, "engine.sock");
await swarm.listen({ socketPath: socket });
const client = new Client({ transport: swarm.transport() });
const ids: string[] = [];
for (let i = 0; i < SERVICES; i++)
  ids.push((await client.services.create("bench/app", { name: `svc-${i}`, replicas: REPLICAS })).id);
while (swarm.tasks().filter((t) => t.Status?.State === "running").length < SERVICES * REPLICAS)
  await new Promise((r) => setTimeout(r, 100));

process.stderr.write(`${SERVICES * REPLICAS} tasks running\n`);
const server = spawn(process.execPath, [bin, "ui"], {
  env: { PATH: process.env.PATH, HOME: dir, DOCKER_HOST: `unix://${socket}` },
  stdio: ["ignore", "pipe", "inherit"],
});
const url = await new Promise<string>((resolve) => {
  let seen = "";
  server.stdout.setEncoding("utf8").on("data", (text: string) => {
    seen += text;
    const found = seen.match(/http:\/\/127\.0\.0\.1:\d+\/[\w-]+\//)?.[0];
    if (found) resolve(found);
  });
});

process.on("exit", () => server.kill("SIGINT"));

/** The server process's CPU so far, in ms (utime + stime from /proc, in clock ticks of 10 ms). */
function serverCpuMs(): number {
  const fields = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

process.stderr.write(`server at ${url}\n`);
const profile = join(dir, "chromium");
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.FLOTILLA_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1600, height: 1000 },
});
const page = await browser.newPage();
const cdp = await browser.newCDPSession(page);
await page.goto(url);
await page.waitForFunction(`document.querySelectorAll(".card").length === ${SERVICES * REPLICAS}`, null, {
  timeout: 60_000,
});

async function heapMb(): Promise<number> {
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
  return usedSize / 1e6;
}

process.stderr.write("board complete\n");
const latencies: number[] = [];
const heap: { minute: number; mb: number }[] = [{ minute: 0, mb: await heapMb() }];
const cpuStart = serverCpuMs();
const started = Date.now();
let changes = 0;
const replicas = new Map(ids.map((id) => [id, REPLICAS]));
while (Date.now() - started < minutes * 60_000) {
  const at = Date.now();
  const id = ids[changes % SERVICES]!;
  const want = replicas.get(id) === REPLICAS ? REPLICAS + 1 : REPLICAS;
  const selector = `.card[data-service="svc-${ids.indexOf(id)}"]:not(.leaving)`;
  // The observer is in place before the change is sent; it notes the page's time of the change.
  // As text: tsx's compiled functions call helpers the page does not have.
  await page.evaluate(`void (window.seen = new Promise((resolve) => {
    const right = () => document.querySelectorAll(${JSON.stringify(selector)}).length === ${want};
    const observer = new MutationObserver(() => {
      if (right()) { observer.disconnect(); resolve(Date.now()); }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    setTimeout(() => resolve(-document.querySelectorAll(${JSON.stringify(selector)}).length), 10000);
  }))`);
  const sent = Date.now();
  await client.services.scale(id, want);
  replicas.set(id, want);
  const shown = (await page.evaluate("window.seen")) as number;
  if (shown < 0) throw new Error(`${selector}: ${-shown} cards after 10 s, not ${want}`);
  latencies.push(shown - sent);
  changes++;
  const minute = Math.floor((Date.now() - started) / 60_000);
  if (minute > heap.at(-1)!.minute) heap.push({ minute, mb: await heapMb() });
  await new Promise((r) => setTimeout(r, Math.max(0, pace - (Date.now() - at))));
}
const cpuMs = serverCpuMs() - cpuStart;
heap.push({ minute: (Date.now() - started) / 60_000, mb: await heapMb() });

const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
console.log(
  `flotilla ui, ${SERVICES} services x ${REPLICAS} tasks on 10 fake nodes, one change every ${pace} ms for ${minutes} min`,
);
console.log(`changes: ${changes}`);
console.log(
  `event -> screen: median ${pct(50)} ms, p90 ${pct(90)} ms, p99 ${pct(99)} ms, max ${sorted.at(-1)} ms`,
);
console.log(
  `page JS heap (after GC): ${heap.map((h) => `${h.minute.toFixed(0)} min ${h.mb.toFixed(1)} MB`).join(", ")}`,
);
console.log(
  `server CPU: ${cpuMs} ms over ${changes} changes = ${(cpuMs / changes).toFixed(1)} ms per change`,
);

await browser.close();
server.kill("SIGINT");
await new Promise((r) => server.on("close", r));
await client.close();
await swarm.close();
rmSync(dir, { recursive: true, force: true });
