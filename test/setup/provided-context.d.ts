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
}
