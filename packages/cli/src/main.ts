import { once } from "node:events";
import { runCli } from "./run-cli.js";

/** Runs the process's command line and exits with its code. */
export async function main(): Promise<void> {
  // The first Ctrl-C asks the running command to stop and clean up (restore the screen, stop
  // following); a second one quits at once.
  const interrupt = new AbortController();
  process.on("SIGINT", () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  });
  // Output piped into a reader that stops early (`| head`): end quietly, as other CLIs do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(0);
    });
  }
  // A background sandbox is stopped with SIGTERM and saves its state first, as on Ctrl-C.
  process.on("SIGTERM", () => {
    if (interrupt.signal.aborted) process.exit(143);
    interrupt.abort();
  });
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

declare global {
  /**
   * Set by the bundle's loader to save V8's code cache before exiting; `ranCommand` says the run
   * went past parsing, so the cache it makes covers what commands run (help or version do not).
   */
  var flotillaBeforeExit: ((run: { ranCommand: boolean }) => void | Promise<void>) | undefined;
}
