import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, Client as SwarmClient } from "@flotilla/client";
import { UnixSocketTransport } from "@flotilla/transport";
import type { EngineSwarmTarget } from "./target.js";

// Managers killed under a running client, on the real swarm: a `flotilla service update` that
// finishes through another manager, and a followed log stream that ends with a typed error. The
// swarm is restored (scripts/swarm-up.sh) after each kill. Run from multinode.test.ts, after the
// scenarios, because a stopped engine must not overlap the other multi-node tests.

const BIN = fileURLToPath(new URL("../../packages/cli/dist/bin.cjs", import.meta.url));

let counter = 0;
const uniqueName = (what: string) => `failover-${what}-${Date.now().toString(36)}-${++counter}`;

/** The current leader and the other managers, from any manager's node list. */
export async function managersByRole(client: Client): Promise<{ leader: string; followers: string[] }> {
  const managers = (await client.nodes.list({ role: "manager" })).map((n) => n.attrs);
  const leader = managers.find((n) => n.ManagerStatus?.Leader)?.Description?.Hostname;
  if (!leader) throw new Error("no manager is the leader");
  const followers = managers
    .map((n) => n.Description?.Hostname ?? "")
    .filter((h) => h !== leader)
    .sort();
  return { leader, followers };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** performance.now() when the process exited. */
  exitedAt: number;
}

/** Runs the built CLI with its own DOCKER_CONFIG; `running` resolves on exit, `stdout` is what it printed so far. */
export function runCli(
  args: string[],
  config: string,
): { running: Promise<CliRun>; exited: () => boolean; stdout: () => string; kill: () => void } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: config, DOCKER_CONFIG: config, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let done = false;
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const running = new Promise<CliRun>((resolve) => {
    child.on("close", (code) => {
      done = true;
      resolve({ code, stdout, stderr, exitedAt: performance.now() });
    });
  });
  return { running, exited: () => done, stdout: () => stdout, kill: () => child.kill("SIGKILL") };
}

export interface UpdateUnderKill {
  /** The managers of the context, in the order the CLI tries them. */
  hosts: string[];
  killed: string;
  /** Whether the CLI was still running (waiting for the rollout) when its manager died. */
  runningAtKill: boolean;
  /** The service's UpdateStatus.State when its manager died. */
  stateAtKill: string | undefined;
  cli: CliRun;
  killedAt: number;
  image: string | undefined;
  updateState: string | undefined;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `flotilla service update --image NEXT` through a context of the three managers, the leader last;
 * once the rollout runs, the manager the CLI talks to is killed. Losing a follower keeps the
 * swarm's leader, so the other managers answer at once: what is shown is the client moving on,
 * not a raft election (multinode.test.ts shows that one).
 */
export async function updateWhileManagerDies(
  target: EngineSwarmTarget,
  images: { current: string; next: string },
): Promise<UpdateUnderKill> {
  const { leader, followers } = await managersByRole(target.client());
  const hosts = [...followers, leader];
  const doomed = hosts[0]!;
  // The observer talks to the leader, which stays up; the CLI never uses this client.
  await using observer = new SwarmClient({
    transport: new UnixSocketTransport({ socketPath: target.socketOf(leader) }),
    registryAuth: false,
  });
  const config = mkdtempSync(join(tmpdir(), "flotilla-failover-"));
  const name = uniqueName("update");
  try {
    const specs = hosts.flatMap((h) => ["--docker", `host=unix://${target.socketOf(h)}`]);
    const created = await runCli(["context", "create", "managers", ...specs], config).running;
    if (created.code !== 0) throw new Error(`context create failed: ${created.stderr}`);
    const service = await observer.services.create(images.current, {
      name,
      command: "sleep 3600",
      stopGracePeriod: "1s",
      replicas: 3,
      // One task at a time with a pause between: the rollout takes several seconds.
      updateConfig: { parallelism: 1, delay: "1s", monitor: "1s" },
      // Off the manager that dies, so the rollout is about the API, not about rescheduling.
      constraints: [`node.hostname!=${doomed}`],
    });
    await observer.services.waitUntilConverged(service.id, { timeout: 60_000, interval: 250 });

    const cli = runCli(
      ["--context", "managers", "service", "update", name, "--image", images.next, "--timeout", "120"],
      config,
    );
    const status = await until(
      async () => (await observer.services.get(service.id)).attrs.UpdateStatus?.State,
      (state) => state === "updating" || cli.exited(),
      30_000,
    );
    // A moment into the rollout, so the CLI is polling the doomed manager when it dies.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const runningAtKill = !cli.exited();
    const killedAt = await target.killEngine(doomed);
    const run = await cli.running;
    const after = (await observer.services.get(service.id)).attrs;
    return {
      hosts,
      killed: doomed,
      runningAtKill,
      stateAtKill: status,
      cli: run,
      killedAt,
      image: after.Spec?.TaskTemplate?.ContainerSpec?.Image,
      updateState: after.UpdateStatus?.State,
    };
  } finally {
    await target.restartEngines();
    await observer.services.remove(name).catch(() => {});
    rmSync(config, { recursive: true, force: true });
  }
}

export interface StreamUnderKill {
  linesBeforeKill: number;
  error: unknown;
  /** From the kill to the iterator's error. */
  ms: number;
}

/** Follows a service's logs through one manager's socket, kills that manager, times the end. */
export async function logStreamWhileManagerDies(
  target: EngineSwarmTarget,
  image: string,
): Promise<StreamUnderKill> {
  const { leader, followers } = await managersByRole(target.client());
  const serving = followers[0]!;
  await using observer = new SwarmClient({
    transport: new UnixSocketTransport({ socketPath: target.socketOf(leader) }),
    registryAuth: false,
  });
  await using client = new SwarmClient({
    transport: new UnixSocketTransport({ socketPath: target.socketOf(serving) }),
    registryAuth: false,
  });
  const name = uniqueName("logs");
  try {
    const service = await observer.services.create(image, {
      name,
      command: ["sh", "-c", "while true; do echo tick; sleep 0.1; done"],
      stopGracePeriod: "1s",
      replicas: 2,
      constraints: [`node.hostname!=${serving}`],
    });
    await observer.services.waitUntilConverged(service.id, { timeout: 60_000, interval: 250 });
    let lines = 0;
    let killing: Promise<number> | undefined;
    let failure: unknown;
    try {
      for await (const _ of client.services.logs(service.id, { follow: true, tail: 1 })) {
        lines++;
        if (lines === 5) killing = target.killEngine(serving);
      }
      failure = new Error("the followed stream ended cleanly");
    } catch (error) {
      failure = error;
    }
    const endedAt = performance.now();
    const killedAt = killing ? await killing : endedAt;
    return { linesBeforeKill: lines, error: failure, ms: endedAt - killedAt };
  } finally {
    await target.restartEngines();
    await observer.services.remove(name).catch(() => {});
  }
}
