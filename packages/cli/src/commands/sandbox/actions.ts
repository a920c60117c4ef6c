import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { deserialize, serialize } from "node:v8";
import type { CommandContext } from "../../context.js";
import { ContextStore } from "../../contexts/context-store.js";
import { CommandFailedError, UsageError } from "../../errors.js";
import { parseCount } from "../../options/units.js";

// The sandbox is one process serving the fake swarm on a unix socket. `start` spawns it detached
// (this same program with --foreground), waits until the socket answers, and records its pid;
// `stop` sends it SIGTERM, on which it saves its state and removes its context. With --state the
// whole swarm (objects, pending timers, clock) is written with v8.serialize, on stop and every
// few seconds, and read back at the next start.

const CONTEXT = "sandbox";
const SAVE_EVERY_MS = 5000;
const START_TIMEOUT_MS = 15_000;

interface StartFlags {
  nodes: string;
  managers: string;
  state?: string;
  socket?: string;
  foreground?: boolean;
  advertiseAddr?: string;
  listenAddr?: string;
  dataPathAddr?: string;
  dataPathPort?: string;
  defaultAddrPool?: string[];
  defaultAddrPoolMaskLength?: string;
}

/** `docker swarm init`'s flags, by their names on the command line. */
function initFlags(flags: StartFlags) {
  return {
    "advertise-addr": flags.advertiseAddr,
    "listen-addr": flags.listenAddr,
    "data-path-addr": flags.dataPathAddr,
    "data-path-port": flags.dataPathPort,
    "default-addr-pool": flags.defaultAddrPool,
    "default-addr-pool-mask-length": flags.defaultAddrPoolMaskLength,
  };
}

/** The swarm's init request, checked as the engine checks it before anything starts. */
async function initRequest(flags: StartFlags) {
  const { swarmInitRequest, FakeSwarmError } = await import("@flotilla/testing");
  try {
    return swarmInitRequest(initFlags(flags));
  } catch (error) {
    if (error instanceof FakeSwarmError) throw new UsageError(error.message);
    throw error;
  }
}

interface Paths {
  dir: string;
  socket: string;
  pidFile: string;
  logFile: string;
}

function pathsOf(context: CommandContext, socket?: string): Paths {
  const env = context.io.env;
  const home = env.HOME ?? homedir();
  const dir =
    env.FLOTILLA_SANDBOX_DIR ??
    join(env.XDG_STATE_HOME ?? join(home, ".local", "state"), "flotilla", "sandbox");
  return {
    dir,
    socket: resolve(socket ?? join(dir, "engine.sock")),
    pidFile: join(dir, "sandbox.pid"),
    logFile: join(dir, "sandbox.log"),
  };
}

export async function start(context: CommandContext, _operands: string[], flags: StartFlags): Promise<void> {
  const nodes = parseCount(flags.nodes, "--nodes");
  const managers = parseCount(flags.managers, "--managers");
  if (nodes < 1 || managers < 1 || managers > nodes)
    throw new UsageError("--nodes must be at least 1, and --managers between 1 and --nodes");
  const init = await initRequest(flags);
  const paths = pathsOf(context, flags.socket);
  mkdirSync(paths.dir, { recursive: true });
  if (flags.foreground) return serve(context, paths, { nodes, managers, state: flags.state, init });
  const running = runningPid(paths);
  if (running !== undefined) {
    context.stderr.write(`flotilla: a sandbox is already running (pid ${running})\n`);
    context.stdout.write(instructions(paths, running, flags.state));
    return;
  }
  rmSync(paths.socket, { force: true });
  const self = context.io.self ?? { command: process.execPath, args: ["--", process.argv[1]!] };
  const log = openSync(paths.logFile, "w");
  const child = spawn(
    self.command,
    [
      ...self.args,
      "sandbox",
      "start",
      "--foreground",
      "--nodes",
      String(nodes),
      "--managers",
      String(managers),
      "--socket",
      paths.socket,
      ...(flags.state ? ["--state", resolve(flags.state)] : []),
      ...Object.entries(initFlags(flags)).flatMap(([flag, value]) =>
        [value ?? []].flat().flatMap((v) => [`--${flag}`, v]),
      ),
    ],
    { detached: true, stdio: ["ignore", log, log], env: { ...context.io.env } as NodeJS.ProcessEnv },
  );
  closeSync(log);
  let exited: number | null | undefined;
  child.once("exit", (code) => {
    exited = code;
  });
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answers(paths.socket))) {
    if (exited !== undefined || Date.now() > deadline) {
      if (exited === undefined) child.kill("SIGTERM");
      const log = readFileSync(paths.logFile, "utf8").trim();
      throw new CommandFailedError(`the sandbox did not start${log ? `:\n${log}` : ""}`);
    }
    await context.sleep(50);
  }
  writeFileSync(paths.pidFile, `${child.pid}\n`);
  context.stdout.write(instructions(paths, child.pid!, flags.state));
}

/** Serves the fake swarm until the command's signal fires (Ctrl-C, or SIGTERM from `stop`). */
async function serve(
  context: CommandContext,
  paths: Paths,
  options: { nodes: number; managers: number; state?: string; init: Awaited<ReturnType<typeof initRequest>> },
): Promise<void> {
  const { createFakeSwarm } = await import("@flotilla/testing");
  const swarm = await createFakeSwarm({
    nodes: Array.from({ length: options.nodes }, (_, i) => ({
      role: i < options.managers ? ("manager" as const) : ("worker" as const),
    })),
    init: options.init,
    clock: "real",
    start: Date.now(),
    timings: { step: 5, stop: 10 },
  });
  const state = options.state && resolve(options.state);
  if (state && existsSync(state)) {
    swarm.restore(deserialize(readFileSync(state)));
    context.stderr.write(`flotilla: sandbox state restored from ${state}\n`);
  }
  const save = () => {
    if (!state) return;
    writeFileSync(`${state}.tmp`, serialize(swarm.snapshot()));
    renameSync(`${state}.tmp`, state);
  };
  rmSync(paths.socket, { force: true });
  await swarm.listen({ socketPath: paths.socket });
  const store = new ContextStore(context.io.env);
  store.put({
    name: CONTEXT,
    description: `flotilla sandbox: a simulated swarm of ${swarm.nodes().length} nodes`,
    host: `unix://${paths.socket}`,
  });
  context.stdout.write(instructions(paths, undefined, state));
  const saver = setInterval(save, SAVE_EVERY_MS);
  try {
    await new Promise<void>((done) => {
      if (context.signal?.aborted) return done();
      context.signal?.addEventListener("abort", () => done(), { once: true });
    });
  } finally {
    clearInterval(saver);
    save();
    await swarm.close();
    rmSync(paths.socket, { force: true });
    forgetContext(context, store);
    context.stderr.write(`flotilla: sandbox stopped${state ? `; state saved in ${state}` : ""}\n`);
  }
}

export async function stop(context: CommandContext): Promise<void> {
  const paths = pathsOf(context);
  const pid = runningPid(paths);
  if (pid === undefined) {
    rmSync(paths.pidFile, { force: true });
    throw new CommandFailedError(
      "no sandbox is running in the background (one in the foreground stops with Ctrl-C)",
    );
  }
  process.kill(pid, "SIGTERM");
  for (let waited = 0; alive(pid); waited += 50) {
    if (waited > 10_000) throw new CommandFailedError(`the sandbox (pid ${pid}) did not stop within 10 s`);
    await context.sleep(50);
  }
  rmSync(paths.pidFile, { force: true });
  forgetContext(context, new ContextStore(context.io.env));
  context.stdout.write("Sandbox stopped.\n");
}

export async function status(context: CommandContext): Promise<void> {
  const paths = pathsOf(context);
  const pid = runningPid(paths);
  context.stdout.write(
    pid === undefined
      ? "No sandbox is running. Start one with `flotilla sandbox`.\n"
      : `Sandbox running (pid ${pid}) on unix://${paths.socket}\n`,
  );
}

/** Removes the `sandbox` context; if it was the current one, the default becomes current again. */
function forgetContext(context: CommandContext, store: ContextStore): void {
  if (!store.has(CONTEXT)) return;
  const wasCurrent = store.configuredCurrent() === CONTEXT;
  store.remove(CONTEXT);
  if (wasCurrent) {
    store.use("default");
    context.stderr.write('flotilla: the current context was "sandbox"; it is "default" again\n');
  }
}

/** The recorded pid, if that process is alive and is a flotilla sandbox (pids are reused). */
function runningPid(paths: Paths): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(paths.pidFile, "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (!cmdline.includes("sandbox")) return undefined;
  } catch {}
  return pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(socketPath);
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

function instructions(paths: Paths, pid: number | undefined, state: string | undefined): string {
  const host = `unix://${paths.socket}`;
  return [
    `Sandbox running${pid === undefined ? "" : ` in the background (pid ${pid})`}: a simulated swarm on ${host}`,
    ...(state ? [`Its state is kept in ${resolve(state)}.`] : []),
    "",
    "Point flotilla or the docker CLI at it:",
    "  flotilla --context sandbox node ls",
    "  docker --context sandbox service ls",
    "  flotilla --context sandbox stack deploy -c compose.yml app",
    "  flotilla context use sandbox       # the current context for both tools",
    `  export DOCKER_HOST=${host}`,
    "",
    pid === undefined ? "Stop it with Ctrl-C." : "Stop it with `flotilla sandbox stop`.",
    "",
  ].join("\n");
}
