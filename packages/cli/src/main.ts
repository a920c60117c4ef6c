import { once } from "node:events";
import { describeError, EXIT_FAILURE, InterruptedError } from "./errors.js";
import { runCli } from "./run-cli.js";

/** Runs the process's command line and exits with its code. */
export async function main(): Promise<void> {
  // The first Ctrl-C (or SIGTERM) aborts the run's signal: what is in flight is dropped, waits,
  // follows and full-screen views stop and clean up (restore the screen, save a sandbox's state),
  // and the run exits 130 (143); a second signal quits at once.
  const interrupt = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      const stop = new InterruptedError(signal);
      if (interrupt.signal.aborted) process.exit(stop.exitCode);
      interrupt.abort(stop);
    });
  }
  // Output piped into a reader that stops early (`| head`): end quietly, as other CLIs do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
      lastResort(error);
    });
  }
  // A failure nothing awaited is a bug, but it must still read as one line, never as Node's
  // report (which quotes the bundle's source line: the whole minified bundle).
  process.on("unhandledRejection", lastResort);
  process.on("uncaughtException", lastResort);
  let ranCommand = false;
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: interrupt.signal,
    // process.stdin opens a handle when first touched: only commands that read it pay for that.
    stdin: {
      get isTTY() {
        return process.stdin.isTTY;
      },
      [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator](),
    },
    onCommand: () => {
      ranCommand = true;
    },
  });
  // Exit as soon as the output is out: the HTTP pool's timers would otherwise hold the process
  // for ~100 ms after the transport is closed, a third of a `service ls`.
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableNeedDrain) await once(stream, "drain");
  }
  await globalThis.flotillaBeforeExit?.({ ranCommand });
  process.exit(code);
}

/** One line on stderr and exit 1, for an error that escaped every handler. */
function lastResort(error: unknown): never {
  try {
    process.stderr.write(`flotilla: unexpected error: ${describeError(error).split("\n", 1)[0]}\n`);
    if (process.argv.includes("--debug") && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  } finally {
    process.exit(EXIT_FAILURE);
  }
}

declare global {
  /**
   * Set by the bundle's loader to save V8's code cache before exiting; `ranCommand` says the run
   * went past parsing, so the cache it makes covers what commands run (help or version do not).
   */
  var flotillaBeforeExit: ((run: { ranCommand: boolean }) => void | Promise<void>) | undefined;
}
