import { join } from "node:path";
import { Client } from "@flotilla/client";
import { UnixSocketTransport } from "@flotilla/transport";
import { afterAll, describe, expect, inject, it } from "vitest";
import { flotilla } from "../../packages/cli/test/e2e/harness.js";
import {
  converged,
  docker,
  fixtureCopy,
  removeQuietly,
  removeStackVolumes,
  stackEnv,
  stackObjects,
} from "../../packages/client/test/stacks/parity.js";

// `flotilla stack deploy` (the CLI, not only the library) makes what `docker stack deploy` makes
// from the file with every field (the client's fixture), and `docker stack ps/rm` take its stack.
// It sits with the repo's cross-package tests: it uses the CLI's harness and the client's fixture.

const engine = inject("engine");

describe.skipIf(!engine)("flotilla stack on the real engine", () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const ofDocker = `csd${suffix}`;
  const ofFlotilla = `csf${suffix}`;
  const client = new Client({
    transport: new UnixSocketTransport({ socketPath: engine?.socketPath ?? "" }),
    registryAuth: false,
  });
  const target = { dockerHost: `unix://${engine?.socketPath}`, client };
  const file = join(fixtureCopy(), "compose.yml");

  afterAll(async () => {
    for (const stack of [ofDocker, ofFlotilla]) {
      await removeQuietly(client, stack);
      await removeStackVolumes(target, stack);
    }
    await client.close();
  });

  it("deploys as docker stack deploy does, and docker stack ps/rm take the stack", {
    timeout: 300_000,
  }, async () => {
    const dockerEnv = stackEnv();
    const flotillaEnv = stackEnv();
    const theirs = await docker(
      target,
      ["stack", "deploy", "--detach=true", "-c", file, ofDocker],
      dockerEnv,
    );
    expect(theirs.code, theirs.stderr).toBe(0);
    const ours = await flotilla(["stack", "deploy", "-c", file, "--timeout", "120", ofFlotilla], {
      env: { DOCKER_HOST: target.dockerHost, ...flotillaEnv },
    });
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stderr).toContain("Ignoring unsupported options: build, restart\n\n");
    // The same lines as docker's (which come in map order, so both are sorted).
    const lines = (text: string, stack: string) =>
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => l.replaceAll(stack, "<stack>"))
        .sort();
    expect(lines(ours.stdout, ofFlotilla)).toEqual(lines(theirs.stdout, ofDocker));
    expect(ours.stdout).toContain(`Creating service ${ofFlotilla}_web\n`);
    await converged(client, ofDocker);
    expect(await stackObjects(client, ofFlotilla, flotillaEnv)).toEqual(
      await stackObjects(client, ofDocker, dockerEnv),
    );

    const ps = await docker(target, ["stack", "ps", ofFlotilla, "--format", "{{.Name}}"]);
    expect(ps.stdout).toContain(`${ofFlotilla}_worker.`);
    const mine = await flotilla(["stack", "services", ofDocker, "--format", "{{.Name}}"], {
      env: { DOCKER_HOST: target.dockerHost },
    });
    expect(mine.stdout.trim().split("\n")).toEqual(
      ["job", "once", "web", "worker"].map((s) => `${ofDocker}_${s}`),
    );
    const rm = await docker(target, ["stack", "rm", ofFlotilla]);
    expect(rm.code, rm.stderr).toBe(0);
    const removed = await flotilla(["stack", "rm", ofDocker], { env: { DOCKER_HOST: target.dockerHost } });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`Removing service ${ofDocker}_web\n`);
  });
});
