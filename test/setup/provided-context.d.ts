// What the root global setup (test/setup/engine.ts) hands to every test through `inject("engine")`.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    engine: EngineUnderTest | null;
  }
}

export interface EngineUnderTest {
  /** The engine's unix socket. */
  socketPath: string;
  /** API version the engine speaks (its /_ping API-Version header). */
  apiVersion: string;
  /** Mutual-TLS TCP endpoint, when scripts/engine-up.sh set one up. */
  tls: { host: string; port: number; certPath: string; otherCaPath: string } | null;
  /** Local sshd whose logins can reach the engine, when scripts/engine-up.sh set one up. */
  ssh: { host: string; port: number; user: string; identityFile: string; knownHostsFile: string } | null;
  /**
   * Engines outside any swarm, each in its own network namespace, by the one test file allowed to
   * change its state: `conformance` (test/spec-conformance.test.ts), `client` and `cli` (those
   * packages' swarm lifecycle tests). Each starts outside a swarm; its user leaves it that way.
   */
  scratch: Record<string, string>;
  /** Two distinct locally imported images, for creating and then updating services. */
  images: { current: string; next: string };
  /** The multi-node swarm of scripts/swarm-up.sh, apart from this engine and its swarm. */
  swarm: MultiNodeSwarm | null;
}

/**
 * Several engines, each in its own network and UTS namespace, in one swarm of their own; only
 * test/multinode/ uses it. Its tests stop engines and bring them back with `upCommand`.
 */
export interface MultiNodeSwarm {
  managers: SwarmNodeUnderTest[];
  workers: SwarmNodeUnderTest[];
  /** scripts/swarm-up.sh with this shape: restarts any engine that is down and waits until all are ready. */
  upCommand: string[];
}

export interface SwarmNodeUnderTest {
  /** The node's hostname, as `node ls` shows it (flotilla-node-N). */
  hostname: string;
  role: "manager" | "worker";
  /** Its address on the swarm's own bridge, which it advertises. */
  addr: string;
  socketPath: string;
  /** The dockerd's pidfile, for the tests that stop it. */
  pidFile: string;
}
