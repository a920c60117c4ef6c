import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFakeSwarm, type FakeSwarm, type FakeSwarmOptions } from "@flotilla/testing";
import type { Transport } from "@flotilla/transport";
import { afterAll } from "vitest";
import { runCli } from "../../src/run-cli.js";

// Runs `flotilla` with captured output. A run that talks to an engine through the environment and
// flags (the real engine, a served fake, a context) runs what ships: the built `dist/bin.cjs`, as
// `npm i -g` installs it (a `flotilla` link on PATH), through its loader and code cache, in a
// process of its own. A run handed a transport (a fake swarm in-process), a pinned clock or a
// terminal's size runs the sources in-process, the only way to inject those; no module mocks.

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** In-process only: the transport to use instead of resolving an endpoint. */
  transport?: Transport;
  /** The whole environment of the run (the built bin also gets PATH, and a code cache directory). */
  env?: Record<string, string>;
  /** In-process only. */
  isTTY?: boolean;
  /** In-process only. */
  columns?: number;
  /** Aborting it interrupts the run as Ctrl-C does (SIGINT to the built bin). */
  signal?: AbortSignal;
  /** In-process only. */
  now?: number;
  /** What the command reads on stdin (`secret create NAME -`). */
  stdin?: string;
  /** Sees stdout as it is written, to act on what a long-running command shows. */
  onStdout?: (text: string) => void;
}

export async function flotilla(
  argv: string | readonly string[],
  options: RunOptions = {},
): Promise<CliResult> {
  const args = typeof argv === "string" ? splitArgs(argv) : argv;
  const inProcess =
    options.transport !== undefined ||
    options.now !== undefined ||
    options.isTTY !== undefined ||
    options.columns !== undefined;
  return inProcess ? runInProcess(args, options) : runShipped(args, options);
}

async function runInProcess(args: readonly string[], options: RunOptions): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    stdout: {
      write: (text: string) => {
        out.push(text);
        options.onStdout?.(text);
      },
      isTTY: options.isTTY,
      columns: options.columns,
    },
    stderr: { write: (text: string) => err.push(text), isTTY: options.isTTY, columns: options.columns },
    env: options.env ?? {},
    transport: options.transport,
    signal: options.signal,
    stdin: options.stdin === undefined ? undefined : textStream(options.stdin),
    pollInterval: 10,
    now: options.now === undefined ? undefined : () => options.now!,
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** The package's `bin`, as built. */
export const shippedBin = fileURLToPath(new URL("../../dist/bin.cjs", import.meta.url));

let installed: { root: string; binDir: string; cacheDir: string } | undefined;
// Registered by each test file that imports this module (vitest loads it once per file).
afterAll(() => {
  if (installed) rmSync(installed.root, { recursive: true, force: true });
  installed = undefined;
});
/**
 * A `flotilla` on PATH linking to the built bin, as a global install makes, and one code cache
 * directory for this test process: the first run makes the cache, later runs start from it.
 */
function install() {
  if (!existsSync(shippedBin))
    throw new Error(`no ${shippedBin}: build the CLI first (pnpm --filter @flotilla/cli build)`);
  if (!installed) {
    const root = mkdtempSync(join(tmpdir(), "flotilla-shipped-"));
    const binDir = join(root, "bin");
    mkdirSync(binDir);
    symlinkSync(shippedBin, join(binDir, "flotilla"));
    installed = { root, binDir, cacheDir: join(root, "cache") };
  }
  return installed;
}

/**
 * Runs the installed `flotilla` with exactly `options.env`, plus PATH (to find node and, where a
 * test puts one, a credential helper) and XDG_CACHE_HOME (unless the test sets its own).
 */
export function runShipped(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const { binDir, cacheDir } = install();
  const path = [binDir, dirname(process.execPath), options.env?.PATH ?? process.env.PATH ?? ""].join(
    delimiter,
  );
  const env = { XDG_CACHE_HOME: cacheDir, ...options.env, PATH: path };
  return new Promise((resolve, reject) => {
    const child = spawn("flotilla", args, { env, stdio: ["pipe", "pipe", "pipe"] });
    const out: string[] = [];
    const err: string[] = [];
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      out.push(text);
      options.onStdout?.(text);
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => err.push(text));
    const interrupt = () => child.kill("SIGINT");
    if (options.signal?.aborted) interrupt();
    options.signal?.addEventListener("abort", interrupt, { once: true });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      options.signal?.removeEventListener("abort", interrupt);
      const stderr = err.join("") + (signal ? `[killed by ${signal}]` : "");
      resolve({ code: code ?? 128, stdout: out.join(""), stderr });
    });
    child.stdin.on("error", () => {}); // a command that never reads its input exits before it is written
    child.stdin.end(options.stdin ?? "");
  });
}

/** Words split on spaces, with '...' keeping spaces (enough for test command lines). */
export function splitArgs(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/**
 * A fake swarm on the wall clock with quick agents, so waits converge in milliseconds. The tests'
 * services mostly give no command; the test image's own CMD (/bin/sh) exits at once, on the
 * engine and the fake alike, so it is registered here as a server that runs until stopped.
 */
export function fakeSwarm(options: FakeSwarmOptions = {}): Promise<FakeSwarm> {
  return createFakeSwarm({
    nodes: 3,
    seed: 7,
    clock: "real",
    timings: { step: 2, stop: 2 },
    images: { "flotilla-test/busybox": {} },
    ...options,
  });
}

async function* textStream(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}
