import type { Client } from "@flotilla/client";
import type { Transport } from "@flotilla/transport";
import type { GlobalOptions } from "./engine/global-options.js";
import { type CliIo, sleep } from "./io.js";
import { type Palette, palette } from "./output/color.js";

/** Runs one more command line in this process, as `flotilla ARGV...` would; returns its exit code. */
export type RunCommandLine = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * What a command's action works with: the streams, the global options, colours, and a client
 * opened on first use (so `--help` and bad input never touch the engine) and closed at exit.
 */
export class CommandContext {
  readonly io: CliIo;
  readonly globals: GlobalOptions;
  readonly colors: Palette;
  /** For a command that runs others (the demo); given by the runner that runs this one. */
  readonly runCommandLine: RunCommandLine | undefined;
  #transport: Promise<Transport> | undefined;
  #client: Promise<Client> | undefined;

  constructor(io: CliIo, globals: GlobalOptions, runCommandLine?: RunCommandLine) {
    this.io = io;
    this.globals = globals;
    this.runCommandLine = runCommandLine;
    const wanted = globals.color !== false && io.env.NO_COLOR === undefined && io.env.TERM !== "dumb";
    this.colors = palette(wanted && io.stdout.isTTY === true);
  }

  get stdout() {
    return this.io.stdout;
  }

  get stderr() {
    return this.io.stderr;
  }

  get signal(): AbortSignal | undefined {
    return this.io.signal;
  }

  get pollInterval(): number {
    return this.io.pollInterval ?? 500;
  }

  now(): number {
    return this.io.now?.() ?? Date.now();
  }

  sleep(ms: number): Promise<void> {
    return (this.io.sleep ?? sleep)(ms, this.io.signal);
  }

  transport(): Promise<Transport> {
    this.#transport ??= import("./engine/open-transport.js").then(({ openTransport }) =>
      openTransport(this.globals, this.io),
    );
    return this.#transport;
  }

  client(): Promise<Client> {
    this.#client ??= Promise.all([import("@flotilla/client"), this.transport()]).then(
      // The run's signal goes to every request: Ctrl-C drops what is in flight at once.
      ([{ Client }, transport]) =>
        new Client({
          transport,
          registryAuth: { env: this.io.env },
          signal: this.io.signal,
          // What the client went on past (a credential helper not installed): one line each, as
          // the CLI's other warnings, never Node's `(node:PID) Warning:` report.
          onWarning: (warning) => this.io.stderr.write(`flotilla: warning: ${warning.message}\n`),
        }),
    );
    return this.#client;
  }

  async close(): Promise<void> {
    const transport = await this.#transport?.catch(() => undefined);
    // A test's own transport belongs to the test; only what we opened is ours to close.
    if (transport && !this.io.transport) await transport.close();
  }
}
