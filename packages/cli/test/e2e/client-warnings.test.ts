import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";
import { fakeSwarm, flotilla } from "./harness.js";

// What the client goes on past (here: a docker config naming a credential helper that is not
// installed) reaches the user as one `flotilla: warning:` line on stderr, not as Node's
// `(node:PID) Warning:` report, and the command still succeeds.

const engine = inject("engine");
const config = mkdtempSync(join(tmpdir(), "flotilla-warnings-"));
writeFileSync(join(config, "config.json"), JSON.stringify({ credsStore: "flotilla-no-such-helper" }));
afterAll(() => rmSync(config, { recursive: true, force: true }));

const WARNING =
  /^flotilla: warning: docker-credential-flotilla-no-such-helper \(named in .*config\.json\) is not installed; sending no registry credentials from it$/m;

describe("client warnings", () => {
  it("on the fake swarm: one line on stderr", async () => {
    const swarm = await fakeSwarm();
    try {
      const result = await flotilla(["service", "create", "web", "flotilla-test/busybox:latest"], {
        transport: swarm.transport(),
        env: { DOCKER_CONFIG: config },
      });
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(WARNING);
      expect(result.stderr.match(/^flotilla: warning:|Warning:/gm)).toHaveLength(1);
    } finally {
      await swarm.close();
    }
  });

  const session = engineSession(engine?.socketPath, "warnings");
  it.skipIf(!engine)("on the real engine, through the shipped bin: one line on stderr", async () => {
    const name = session.service("helper");
    const result = await flotilla(["service", "create", name, engine!.images.current], {
      env: { ...session.env, DOCKER_CONFIG: config },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(WARNING);
    expect(result.stderr.match(/^flotilla: warning:|Warning:/gm)).toHaveLength(1);
  });
});
