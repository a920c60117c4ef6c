import { afterAll } from "vitest";
import { type CliResult, flotilla } from "./harness.js";

// What every engine-backed test file needs: the CLI pointed at one engine, names no other run
// uses (the engine is shared), and what the file made removed once its tests are done.

export interface EngineSession {
  /** The environment that points the CLI at the engine. */
  env: Record<string, string>;
  run(argv: string | string[], stdin?: string): Promise<CliResult>;
  /** As run, but a non-zero exit fails the test with the CLI's message. */
  ok(argv: string | string[], stdin?: string): Promise<CliResult>;
  /** `cli-<file>-<what>-<run>`: unique to this run. */
  name(what: string): string;
  /** Runs `argv` after the file's tests, the last registered first. */
  cleanUp(argv: string[]): void;
  /** A unique service name; the service is removed after the file's tests. */
  service(what: string): string;
}

export function engineSession(socketPath: string | undefined, file: string): EngineSession {
  const suffix = Math.random().toString(36).slice(2, 8);
  const cleanup: string[][] = [];
  const env = { DOCKER_HOST: `unix://${socketPath}` };
  const run = (argv: string | string[], stdin?: string) => flotilla(argv, { env, stdin });
  const name = (what: string) => `cli-${file}-${what}-${suffix}`;
  afterAll(async () => {
    if (socketPath) for (const argv of cleanup.reverse()) await run(argv);
  });
  return {
    env,
    run,
    async ok(argv, stdin) {
      const result = await run(argv, stdin);
      if (result.code !== 0) {
        const line = typeof argv === "string" ? argv : argv.join(" ");
        throw new Error(`flotilla ${line} exited ${result.code}: ${result.stderr}`);
      }
      return result;
    },
    name,
    cleanUp: (argv) => cleanup.push(argv),
    service(what) {
      const service = name(what);
      cleanup.push(["service", "rm", service]);
      return service;
    },
  };
}
