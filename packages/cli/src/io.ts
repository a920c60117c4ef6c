import type { Transport } from "@flotilla/transport";

/** Where a stream of text goes; `isTTY` and `columns` are what a terminal adds. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/**
 * Everything a command touches outside itself, passed in so tests hand over strings and a fake
 * swarm instead of mocking modules. `bin.ts` fills it from the real process.
 */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  /** A ready transport (the fake swarm's, in tests); when absent the endpoint is resolved from options and env. */
  transport?: Transport;
  /** Fires on Ctrl-C: waits, follows and full-screen views stop and clean up. */
  signal?: AbortSignal;
  /** Milliseconds since the epoch; tests pin it so relative times are stable. */
  now?: () => number;
  /** Milliseconds between polls of waits and live views; tests shorten it. */
  pollInterval?: number;
  /** Waits between polls; tests may shorten it. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** How long a service must stay converged before a wait ends (default 1000 ms); the demo shortens it. */
  convergedFor?: number;
  /** What `-` reads (`secret create NAME -`, `swarm unlock`); the process's stdin in `bin.ts`. */
  stdin?: AsyncIterable<Uint8Array | string> & { isTTY?: boolean };
  /** How to start this same program in the background (`sandbox`); the running script by default. */
  self?: { command: string; args: readonly string[] };
  /** Called when a command's action starts (not for help, version or a usage error). */
  onCommand?: () => void;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** All of `stdin` as bytes; a usage error when there is none to read. */
export async function readAll(stdin: CliIo["stdin"], what: string): Promise<Buffer> {
  if (!stdin) throw new Error(`${what}: no standard input to read`);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
