import type { FakeSwarm } from "@flotilla/testing";
import type { Transport } from "@flotilla/transport";
import { afterEach, beforeEach } from "vitest";
import { type CliResult, fakeSwarm, flotilla, type RunOptions } from "./harness.js";

/** A fresh three-node fake swarm per test, and `run("service ls")` bound to it. */
export function useFakeSwarm(options: Parameters<typeof fakeSwarm>[0] = {}) {
  const state = {} as { swarm: FakeSwarm; transport: Transport };
  beforeEach(async () => {
    state.swarm = await fakeSwarm(options);
    state.transport = state.swarm.transport();
  });
  afterEach(() => state.swarm.close());
  return {
    get swarm() {
      return state.swarm;
    },
    run(argv: string | string[], extra: RunOptions = {}): Promise<CliResult> {
      return flotilla(argv, { transport: state.transport, ...extra });
    },
    /** Runs and fails the test, showing stderr, unless the command succeeded. */
    async ok(argv: string | string[], extra: RunOptions = {}): Promise<CliResult> {
      const result = await flotilla(argv, { transport: state.transport, ...extra });
      if (result.code !== 0) throw new Error(`flotilla ${argv} exited ${result.code}: ${result.stderr}`);
      return result;
    },
  };
}
