// What an applet sees of the process that runs it: its descriptors and the shell's state. Apart
// from applets.ts, which lists the applets, so that each applet module depends on this alone.

/** Where output goes: the container's streams, a file, nowhere, or the next pipeline stage. */
export type Sink = { stream: 1 | 2 } | { path: string } | { discard: true } | { capture: { text: string } };
/** Standard input (empty when absent) and output descriptors. */
export type Io = { 0?: string } & Record<1 | 2, Sink>;

/** What an applet may do to the process running it. */
export interface Shell {
  readonly vars: Map<string, string>;
  readonly files: Map<string, string>;
  status: number;
  errexit: boolean;
  /** The shell's argv[0] as given (`sh`, `/bin/sh`), which prefixes its messages. */
  readonly invokedAs: string;
  write(io: Io, fd: 1 | 2, text: string): void;
  /** Lets `ms` pass (Infinity: forever). */
  sleep(ms: number): void;
  exit(code: number): never;
  exec(name: string, args: string[], io: Io): number;
  resolve(name: string): string;
  runScript(script: string, name: string, args: string[], io: Io): number;
  /** Names passed to the environment of commands. */
  readonly exported: Set<string>;
  /** Set once `sh` runs: it then orders the environment its own way. */
  inShell: boolean;
  /** Unix milliseconds now, when the fake knows when the process started. */
  now(): number | undefined;
  /** Runs `run` with exactly these variables, all exported, then puts the old ones back. */
  withEnvironment(environment: Map<string, string>, run: () => number): number;
}
