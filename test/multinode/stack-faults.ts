import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Client, type Service, Client as SwarmClient } from "@flotilla/client";
import { UnixSocketTransport } from "@flotilla/transport";
import { type CliRun, managersByRole, runCli } from "./failover.js";
import type { EngineSwarmTarget } from "./target.js";

// Faults in `flotilla stack deploy` on the real swarm: the leader manager killed while the CLI
// writes a 20-service stack through a context of all three managers, and the connection cut while
// a deploy waits for its services to converge. Run from multinode.test.ts (only one file may stop
// the swarm's engines at a time); the killed engine is started again before the run returns.

export const SERVICES = 20;
/**
 * Whether the first deploy has service `i` (15 of the 20): the second updates those and creates
 * every fourth, so the services written before the kill are both updated and created ones.
 */
export const inFirstDeploy = (i: number) => i % 4 !== 0;
/** The deploy line after which the leader is killed: some services written, most not. */
const KILL_AFTER_LINE = 8;
const VERSION_LABEL = "flotilla.test.version";

let counter = 0;
const uniqueStack = (what: string) => `faults-${what}-${Date.now().toString(36)}-${++counter}`;

export const serviceKey = (i: number) => `s${String(i).padStart(2, "0")}`;

/**
 * The stack at `version`: each version differs in four fields of every service (image, an
 * environment variable, a service label, a container label), so a spec applied in part shows.
 */
function composeFile(version: 1 | 2, image: string, avoid: string): string {
  const lines = ["services:"];
  for (let i = 1; i <= SERVICES; i++) {
    if (version === 1 && !inFirstDeploy(i)) continue;
    lines.push(
      `  ${serviceKey(i)}:`,
      `    image: ${image}`,
      `    command: [sleep, "3600"]`,
      "    stop_grace_period: 1s",
      `    environment: { VERSION: "${version}" }`,
      `    labels: { ${VERSION_LABEL}: "${version}" }`,
      "    deploy:",
      "      replicas: 1",
      `      labels: { ${VERSION_LABEL}: "${version}" }`,
      // Off the manager that dies: what is shown is the API's failover, not rescheduling.
      `      placement: { constraints: ["node.hostname!=${avoid}"] }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Which version a service's spec is at, field by field: "1", "2", or the fields that disagree. */
export function specVersion(service: Service | undefined, images: Record<1 | 2, string>): string {
  if (!service) return "absent";
  const spec = service.attrs.Spec;
  const container = spec?.TaskTemplate?.ContainerSpec;
  const fields = {
    image: container?.Image === images[1] ? "1" : container?.Image === images[2] ? "2" : "?",
    env: (container?.Env ?? []).find((e) => e.startsWith("VERSION="))?.slice("VERSION=".length) ?? "?",
    label: spec?.Labels?.[VERSION_LABEL] ?? "?",
    containerLabel: container?.Labels?.[VERSION_LABEL] ?? "?",
  };
  const values = new Set(Object.values(fields));
  return values.size === 1 ? [...values][0]! : JSON.stringify(fields);
}

/** Each planned service of the stack, by name, at the version its spec holds. */
async function versions(
  observer: Client,
  stack: string,
  images: Record<1 | 2, string>,
): Promise<Record<string, string>> {
  const services = await observer.stacks.services(stack);
  const byName = new Map(services.map((s) => [s.name, s]));
  const out: Record<string, string> = {};
  for (let i = 1; i <= SERVICES; i++) {
    const name = `${stack}_${serviceKey(i)}`;
    out[name] = specVersion(byName.get(name), images);
  }
  return out;
}

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms: number,
): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch {
      // The swarm is between leaders: read again.
    }
    if (Date.now() > deadline) return last;
    await sleep(250);
  }
}

/** The three managers reachable and one of them the leader, read through `client`. */
export async function swarmWhole(client: Client): Promise<{ reachable: number; leaders: number }> {
  const managers = await client.nodes.list({ role: "manager" });
  return {
    reachable: managers.filter((n) => n.attrs.ManagerStatus?.Reachability === "reachable").length,
    leaders: managers.filter((n) => n.attrs.ManagerStatus?.Leader).length,
  };
}

/** The deploy's one-line error, taken apart: what it says was and was not written. */
export interface ReportedStanding {
  created: string[];
  updated: string[];
  inDoubt: string | undefined;
  notDone: string[];
}

export function parseStanding(line: string): ReportedStanding | undefined {
  const inner = /was deployed only in part because .* \(([^()]*)\); deploy it again to finish$/.exec(
    line,
  )?.[1];
  if (inner === undefined) return undefined;
  const part = (prefix: string) =>
    inner
      .split("; ")
      .find((p) => p.startsWith(prefix))
      ?.slice(prefix.length)
      .split(", ") ?? [];
  return {
    created: part("created "),
    updated: part("updated "),
    inDoubt: /unknown whether (\S+) was written/.exec(inner)?.[1],
    notDone: part("not created or updated: "),
  };
}

export interface DeployUnderKill {
  stack: string;
  hosts: string[];
  killed: string;
  /** The deploy's output lines (Creating/Updating) before the kill. */
  linesAtKill: number;
  cli: CliRun;
  killedAt: number;
  /** Each service's spec version once a new leader answered, before the deploy ran again. */
  afterKill: Record<string, string> | undefined;
  /** From the kill to a new leader answering. */
  electionMs: number;
  again: CliRun;
  afterAgain: Record<string, string> | undefined;
  /** Tasks running at the new spec once the second deploy returned, by service. */
  runningAfterAgain: number;
  /** scripts/swarm-up.sh's restart of the killed engine, and the wait for three reachable managers. */
  healMs: number;
  healed: { reachable: number; leaders: number } | undefined;
}

/**
 * Deploys version 1 (15 services), then version 2 (20: 15 updates, 5 creates) through a context
 * of the three managers, the leader first so the CLI talks to it; the leader is killed once the
 * eighth service is being written. Then the same deploy runs again, and the swarm is healed.
 */
export async function deployWhileLeaderDies(
  target: EngineSwarmTarget,
  images: Record<1 | 2, string>,
): Promise<DeployUnderKill> {
  const { leader, followers } = await managersByRole(target.client());
  const hosts = [leader, ...followers];
  // The observer talks to a manager that stays up; the CLI never uses it.
  await using observer = new SwarmClient({
    transport: new UnixSocketTransport({ socketPath: target.socketOf(followers[0]!) }),
    registryAuth: false,
  });
  const config = mkdtempSync(join(tmpdir(), "flotilla-stack-faults-"));
  const stack = uniqueStack("leader");
  const v1 = join(config, "v1.yml");
  const v2 = join(config, "v2.yml");
  writeFileSync(v1, composeFile(1, images[1], leader));
  writeFileSync(v2, composeFile(2, images[2], leader));
  const deploy = (file: string) =>
    runCli(
      [
        "--context",
        "managers",
        "stack",
        "deploy",
        stack,
        "-c",
        file,
        "--resolve-image",
        "never",
        "--timeout",
        "120",
      ],
      config,
    );
  const finished = (cli: ReturnType<typeof deploy>) => within(cli, 150_000);
  let killed = false;
  try {
    const specs = hosts.flatMap((h) => ["--docker", `host=unix://${target.socketOf(h)}`]);
    const created = await runCli(["context", "create", "managers", ...specs], config).running;
    if (created.code !== 0) throw new Error(`context create failed: ${created.stderr}`);
    const first = await finished(deploy(v1));
    if (first.code !== 0) throw new Error(`the first deploy failed: ${first.stderr}`);

    const cli = deploy(v2);
    let linesAtKill = 0;
    const written = () =>
      cli
        .stdout()
        .split("\n")
        .filter((l) => /^(Creating|Updating) service /.test(l)).length;
    while (!cli.exited() && written() < KILL_AFTER_LINE) await sleep(5);
    linesAtKill = written();
    // Set first: a kill that fails part way still leaves the swarm to heal.
    killed = true;
    const killedAt = await target.killEngine(leader);
    const run = await finished(cli);

    const electedAt = await until(
      async () => (await managersByRole(observer)).leader,
      (now) => now !== leader,
      90_000,
    );
    const electionMs = performance.now() - killedAt;
    if (electedAt === undefined) throw new Error("no new leader within 90 s of the kill");
    const afterKill = await until(
      () => versions(observer, stack, images),
      () => true,
      20_000,
    );

    // A new leader counts every node as unknown until it heartbeats again, and schedules nothing
    // on it till then ("no suitable node"): the deploy runs again once every node but the killed
    // one is ready, as an operator would wait for `node ls` to show them back.
    await until(
      () => observer.nodes.list(),
      (nodes) => nodes.filter((n) => n.attrs.Status?.State === "ready").length >= nodes.length - 1,
      90_000,
    );
    const again = await finished(deploy(v2));
    const afterAgain = await until(
      () => versions(observer, stack, images),
      () => true,
      20_000,
    );
    let runningAfterAgain = 0;
    for (const service of await observer.stacks.services(stack)) {
      const tasks = await service.tasks({ desiredState: "running" });
      if (tasks.some((t) => t.state === "running" && t.attrs.Spec?.ContainerSpec?.Image === images[2]))
        runningAfterAgain++;
    }

    const heal = await healSwarm(target, observer);
    killed = false;
    return {
      stack,
      hosts,
      killed: leader,
      linesAtKill,
      cli: run,
      killedAt,
      afterKill,
      electionMs,
      again,
      afterAgain,
      runningAfterAgain,
      ...heal,
    };
  } finally {
    if (killed) await healSwarm(target, observer).catch(() => undefined);
    await observer.stacks.remove(stack).catch(() => undefined);
    rmSync(config, { recursive: true, force: true });
  }
}

/** The CLI's exit, or a failure once `ms` pass (the CLI is killed: a hang must not outlive the test). */
async function within(cli: ReturnType<typeof runCli>, ms: number): Promise<CliRun> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cli.kill();
      reject(new Error(`the CLI did not exit within ${ms} ms; its output: ${cli.stdout()}`));
    }, ms);
  });
  return Promise.race([cli.running, hung]).finally(() => clearTimeout(timer));
}

/** Restarts every stopped engine (scripts/swarm-up.sh) and waits for three reachable managers and a leader. */
async function healSwarm(
  target: EngineSwarmTarget,
  observer: Client,
): Promise<{ healMs: number; healed: { reachable: number; leaders: number } | undefined }> {
  const started = performance.now();
  await target.restartEngines();
  const managers = target.shape.managers.length;
  const healed = await until(
    () => swarmWhole(observer),
    (w) => w.reachable === managers && w.leaders === 1,
    60_000,
  );
  return { healMs: performance.now() - started, healed };
}

/** A unix socket that forwards every connection to `upstream` until `cut()` destroys them all. */
export class CuttableProxy implements AsyncDisposable {
  readonly socketPath: string;
  readonly #server: Server;
  /** Both ends of every open connection. */
  readonly #sockets: Set<Socket>;
  readonly #folder: string;

  private constructor(server: Server, sockets: Set<Socket>, folder: string, socketPath: string) {
    this.#server = server;
    this.#sockets = sockets;
    this.#folder = folder;
    this.socketPath = socketPath;
  }

  static async listen(upstream: string): Promise<CuttableProxy> {
    const folder = mkdtempSync(join(tmpdir(), "flotilla-cut-"));
    const socketPath = join(folder, "engine.sock");
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const engine = createConnection(upstream);
      for (const socket of [client, engine]) {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(engine);
      engine.pipe(client);
      client.on("close", () => engine.destroy());
      engine.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, resolve);
    });
    return new CuttableProxy(server, sockets, folder, socketPath);
  }

  /** Every open connection destroyed at once, and no new one accepted (closing removes the socket file). */
  cut(): void {
    this.#server.close();
    for (const socket of this.#sockets) socket.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.cut();
    rmSync(this.#folder, { recursive: true, force: true });
  }
}

export interface CutWhileWaiting {
  /** The deploy's services and the progress events seen before the cut. */
  services: number;
  eventsBeforeCut: number;
  error: unknown;
  /** From the cut to the deploy's rejection. */
  ms: number;
}

/**
 * A deploy through a proxy to one manager; at the first progress event of its convergence wait
 * the proxy destroys every connection and stops accepting. One service can never be placed, so
 * the wait cannot have ended by itself before the cut.
 */
export async function deployCutWhileWaiting(
  target: EngineSwarmTarget,
  image: string,
): Promise<CutWhileWaiting> {
  const { leader } = await managersByRole(target.client());
  await using proxy = await CuttableProxy.listen(target.socketOf(leader));
  await using client = new SwarmClient({
    transport: new UnixSocketTransport({ socketPath: proxy.socketPath }),
    registryAuth: false,
  });
  const stack = uniqueStack("cut");
  const runnable = ["a", "b", "c", "d"];
  const services = Object.fromEntries([
    ...runnable.map((key) => [key, { image, command: ["sleep", "3600"], stop_grace_period: "1s" }]),
    [
      "unplaceable",
      {
        image,
        command: ["sleep", "3600"],
        deploy: { placement: { constraints: ["node.labels.flotilla.test.nowhere==yes"] } },
      },
    ],
  ]);
  let cutAt = 0;
  let events = 0;
  try {
    const error = await client.stacks
      .deploy(stack, [{ name: "compose.yml", content: { services } }], {
        resolveImage: "never",
        convergence: { timeout: 60_000 },
        onEvent: (event) => {
          if (event.kind !== "progress" || cutAt !== 0) return;
          events++;
          cutAt = performance.now();
          proxy.cut();
        },
      })
      .then(
        () => new Error("the deploy converged"),
        (failure: unknown) => failure,
      );
    return { services: runnable.length + 1, eventsBeforeCut: events, error, ms: performance.now() - cutAt };
  } finally {
    await target
      .client(leader)
      .stacks.remove(stack)
      .catch(() => undefined);
  }
}
