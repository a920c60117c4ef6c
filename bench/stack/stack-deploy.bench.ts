import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { Client } from "@flotilla/client";
import { createFakeSwarm } from "@flotilla/testing";
import { type Transport, UnixSocketTransport } from "@flotilla/transport";

// A stack of 50 services (1 replica each) deployed and converged, three ways, on the real engine
// and on the fake served on a unix socket:
//   library: client.stacks.deploy(), which waits for convergence itself (each service polled every
//            500 ms, and counted once it has stayed converged for 1 s, as the CLI's waits do);
//   library-poll: client.stacks.deploy({ wait: false }), then the polling docker's run gets;
//   cli:     `flotilla stack deploy -c FILE NAME` (the built CLI, waiting by default);
//   docker:  `docker stack deploy --detach=true -c FILE NAME`, then polling `GET /services?status=true`
//            every 250 ms until every service runs its replica.
// Each round runs the three in a fresh random order; the stack is removed (untimed) between runs.
// Usage: bench:stack [engine|fake|both] [rounds]

const run = promisify(execFile);
const where = process.argv[2] ?? "both";
const rounds = Number(process.argv[3] ?? 2);
const SERVICES = 50;
const socket = process.env.FLOTILLA_ENGINE_SOCKET ?? "/var/run/docker.sock";
const image = process.env.FLOTILLA_TEST_IMAGE ?? "flotilla-test/busybox:latest";
const dockerCli = process.env.FLOTILLA_DOCKER_CLI ?? "docker";
const flotillaCli = new URL("../../packages/cli/dist/bin.cjs", import.meta.url).pathname;
const folder = mkdtempSync(join(tmpdir(), "flotilla-bench-stack-"));
const file = join(folder, "compose.yml");

const services = Array.from(
  { length: SERVICES },
  (_, i) => `  s${i}:\n    image: ${image}\n    command: [sleep, "3600"]\n    stop_grace_period: 1s\n`,
).join("");
writeFileSync(file, `services:\n${services}`);

async function allRunning(client: Client, stack: string): Promise<boolean> {
  const list = await client.raw("GET /services", {
    query: { status: true, filters: JSON.stringify({ label: [`com.docker.stack.namespace=${stack}`] }) },
  });
  return list.length === SERVICES && list.every((s) => s.ServiceStatus?.RunningTasks === 1);
}

async function removeAndSettle(client: Client, stack: string): Promise<void> {
  await client.stacks.remove(stack).catch(() => {});
  for (let i = 0; i < 240; i++) {
    const tasks = await client.raw("GET /tasks", {
      query: { filters: JSON.stringify({ label: [`com.docker.stack.namespace=${stack}`] }) },
    });
    const networks = await client.raw("GET /networks", {
      query: { filters: JSON.stringify({ label: [`com.docker.stack.namespace=${stack}`] }) },
    });
    if (tasks.length === 0 && networks.length === 0) return;
    if (networks.length > 0) await client.stacks.remove(stack).catch(() => {});
    await sleep(500);
  }
  throw new Error(`stack ${stack} did not go away`);
}

type Contender = (stack: string) => Promise<void>;

function contenders(client: Client, dockerHost: string): Record<string, Contender> {
  const env = { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CLI_HINTS: "false" };
  return {
    library: async (stack) => {
      await client.stacks.deploy(stack, [file], { env: {}, convergence: { timeout: 600_000 } });
    },
    // The deploy alone, then the same polling as docker's: what the deploy costs apart from the wait.
    "library-poll": async (stack) => {
      await client.stacks.deploy(stack, [file], { env: {}, wait: false });
      while (!(await allRunning(client, stack))) await sleep(250);
    },
    cli: async (stack) => {
      await run(
        process.execPath,
        [flotillaCli, "stack", "deploy", "-q", "--timeout", "600", "-c", file, stack],
        {
          env,
        },
      );
    },
    docker: async (stack) => {
      await run(dockerCli, ["stack", "deploy", "--detach=true", "-c", file, stack], { env });
      while (!(await allRunning(client, stack))) await sleep(250);
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function measure(label: string, transport: Transport, dockerHost: string): Promise<void> {
  const client = new Client({ transport, registryAuth: false });
  const all = contenders(client, dockerHost);
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(all).map((name) => [name, []]));
  const prefix = `bst${Math.random().toString(36).slice(2, 6)}`;
  try {
    for (let round = 0; round < rounds; round++) {
      const order = Object.keys(all).sort(() => Math.random() - 0.5);
      for (const name of order) {
        const stack = `${prefix}${name.replace("-", "")}${round}`;
        const started = performance.now();
        await all[name]!(stack);
        times[name]!.push((performance.now() - started) / 1000);
        await removeAndSettle(client, stack);
      }
    }
  } finally {
    await client.close();
  }
  const docker = median(times.docker!);
  console.log(`\n${label}: ${SERVICES} services, ${rounds} rounds, seconds to deployed and converged`);
  for (const [name, values] of Object.entries(times)) {
    const m = median(values);
    console.log(
      `  ${name.padEnd(12)} median ${m.toFixed(2)} s  (${values.map((v) => v.toFixed(2)).join(", ")})  ratio to docker ${(m / docker).toFixed(2)}`,
    );
  }
}

if (where === "engine" || where === "both") {
  await measure("real engine", new UnixSocketTransport({ socketPath: socket }), `unix://${socket}`);
}
if (where === "fake" || where === "both") {
  const hostname = (
    await run(dockerCli, ["-H", `unix://${socket}`, "info", "--format", "{{.Name}}"])
  ).stdout.trim();
  const fake = await createFakeSwarm({
    nodes: [{ hostname }],
    clock: "real",
    start: Date.now(),
    timings: { step: 5, stop: 10 },
  });
  const server = await fake.listen({ socketPath: join(folder, "fake.sock") });
  try {
    // The library talks to the served fake too, so all three pay for the same socket.
    const transport = new UnixSocketTransport({ socketPath: join(folder, "fake.sock") });
    await measure("fake (served on a unix socket)", transport, server.dockerHost);
  } finally {
    await fake.close();
  }
}
