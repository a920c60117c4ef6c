import { createFakeSwarm, type FakeSwarm, type FakeSwarmOptions } from "@flotilla/testing";
import type { Transport } from "@flotilla/transport";
import { runCli } from "../../src/run-cli.js";

// Runs `flotilla` in-process with captured output: against a fake swarm (fast, every command)
// or any transport (the real engine). No module mocks: the transport is injected.

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  transport?: Transport;
  env?: Record<string, string>;
  isTTY?: boolean;
  columns?: number;
  signal?: AbortSignal;
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
  const out: string[] = [];
  const err: string[] = [];
  const args = typeof argv === "string" ? splitArgs(argv) : argv;
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
