import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { UnixSocketTransport } from "@flotilla/transport";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client } from "../../src/index.js";
import {
  converged,
  docker,
  eventually,
  expectDeployFailsWithTaskErrors,
  fixtureCopy,
  prunedFile,
  removeQuietly,
  removeStackVolumes,
  stackEnv,
  stackObjects,
  type Target,
} from "./parity.js";

// `docker stack deploy` and `client.stacks.deploy` on the same file make the same objects, and
// each side's stack commands work on the other's stack: on the real engine and on the fake.

const engine = inject("engine");
const suffix = () => Math.random().toString(36).slice(2, 8);

function describeParity(
  name: string,
  makeTarget: () => Promise<Target & { close(): Promise<void> }>,
  skip: boolean,
  // The engine keeps the volumes a stack's mounts made; the fake's go with it.
  removesVolumes: boolean,
) {
  describe.skipIf(skip)(`stacks on ${name}`, () => {
    let target: Target & { close(): Promise<void> };
    const ofDocker = `fsd${suffix()}`;
    const ofFlotilla = `fsf${suffix()}`;
    const failing = `fsx${suffix()}`;
    const dockerEnv = stackEnv();
    const flotillaEnv = stackEnv();
    const folder = fixtureCopy();
    const file = join(folder, "compose.yml");

    beforeAll(async () => {
      target = await makeTarget();
    });
    afterAll(async () => {
      for (const stack of [ofDocker, ofFlotilla, failing]) {
        await removeQuietly(target.client, stack);
        if (removesVolumes) await removeStackVolumes(target, stack);
      }
      await target.close();
    });

    it("deploys the file with every field as docker stack deploy does", { timeout: 300_000 }, async () => {
      const ran = await docker(target, ["stack", "deploy", "--detach=true", "-c", file, ofDocker], dockerEnv);
      expect(ran.stderr).toContain("Ignoring unsupported options: build, restart");
      expect(ran.code, ran.stderr).toBe(0);
      const events: string[] = [];
      const result = await target.client.stacks.deploy(ofFlotilla, [file], {
        env: flotillaEnv,
        convergence: { timeout: 120_000 },
        onEvent: (e) => {
          if (e.kind !== "progress") events.push(e.kind === "warning" ? e.message : `${e.kind} ${e.object}`);
        },
      });
      expect(result.warnings[0]).toBe("Ignoring unsupported options: build, restart");
      expect(events).toContain("create service");
      await converged(target.client, ofDocker);
      expect(await stackObjects(target.client, ofFlotilla, flotillaEnv)).toEqual(
        await stackObjects(target.client, ofDocker, dockerEnv),
      );
    });

    it("lets docker stack ls/services/ps see flotilla's stack, and flotilla see docker's", async () => {
      const ls = await docker(target, ["stack", "ls", "--format", "{{.Name}} {{.Services}}"]);
      expect(ls.stdout.split("\n")).toEqual(expect.arrayContaining([`${ofDocker} 4`, `${ofFlotilla} 4`]));
      const services = await docker(target, ["stack", "services", ofFlotilla, "--format", "{{.Name}}"]);
      expect(services.stdout.trim().split("\n").sort()).toEqual(
        ["job", "once", "web", "worker"].map((s) => `${ofFlotilla}_${s}`),
      );
      const ps = await docker(target, ["stack", "ps", ofFlotilla, "--format", "{{.Name}}"]);
      expect(ps.code, ps.stderr).toBe(0);
      expect(ps.stdout).toContain(`${ofFlotilla}_web.1`);

      const stacks = await target.client.stacks.list();
      expect(stacks).toEqual(
        expect.arrayContaining([
          { name: ofDocker, services: 4 },
          { name: ofFlotilla, services: 4 },
        ]),
      );
      const theirs = await target.client.stacks.services(ofDocker);
      expect(theirs.map((s) => s.name)).toEqual(
        ["job", "once", "web", "worker"].map((s) => `${ofDocker}_${s}`),
      );
      const tasks = await target.client.stacks.tasks(ofDocker);
      expect(tasks.map((t) => t.attrs.ServiceID)).toEqual(expect.arrayContaining(theirs.map((s) => s.id)));
    });

    it("redeploys with --prune as docker does", { timeout: 300_000 }, async () => {
      const pruned = prunedFile(folder);
      const ran = await docker(
        target,
        ["stack", "deploy", "--prune", "--detach=true", "-c", pruned, ofDocker],
        dockerEnv,
      );
      expect(ran.code, ran.stderr).toBe(0);
      const events: string[] = [];
      await target.client.stacks.deploy(ofFlotilla, [pruned], {
        env: flotillaEnv,
        prune: true,
        convergence: { timeout: 120_000 },
        onEvent: (e) => {
          if (e.kind === "remove") events.push(e.name);
        },
      });
      expect(events).toEqual([`${ofFlotilla}_once`]);
      await converged(target.client, ofDocker);
      const mine = await stackObjects(target.client, ofFlotilla, flotillaEnv);
      expect(Object.keys((mine as { services: object }).services).sort()).toEqual([
        "<stack>_job",
        "<stack>_web",
        "<stack>_worker",
      ]);
      expect(mine).toEqual(await stackObjects(target.client, ofDocker, dockerEnv));
    });

    it("fails a deploy whose service fails, with its tasks' errors", { timeout: 120_000 }, async () => {
      await expectDeployFailsWithTaskErrors(target, failing);
    });

    it("removes flotilla's stack with docker stack rm, and docker's with flotilla", {
      timeout: 120_000,
    }, async () => {
      const rm = await docker(target, ["stack", "rm", ofFlotilla]);
      expect(rm.code, rm.stderr).toBe(0);
      expect(await target.client.stacks.remove(ofDocker)).toBe(true);
      await eventually(async () => {
        const names = (await target.client.stacks.list()).map((s) => s.name);
        return !names.includes(ofDocker) && !names.includes(ofFlotilla);
      });
      const ls = await docker(target, ["stack", "ls", "--format", "{{.Name}}"]);
      expect(ls.stdout.split("\n")).not.toContain(ofDocker);
      expect(ls.stdout.split("\n")).not.toContain(ofFlotilla);
    });
  });
}

describeParity(
  "the real engine",
  async () => {
    const client = new Client({
      transport: new UnixSocketTransport({ socketPath: engine!.socketPath }),
      registryAuth: false,
    });
    return { dockerHost: `unix://${engine!.socketPath}`, client, close: () => client.close() };
  },
  !engine,
  true,
);

describeParity(
  "the fake swarm",
  async () => {
    const fake: FakeSwarm = await createFakeSwarm({
      nodes: 1,
      clock: "real",
      start: Date.now(),
      timings: { step: 5, stop: 10 },
    });
    const server = await fake.listen({
      socketPath: join(mkdtempSync(join(tmpdir(), "flotilla-fake-stack-")), "fake.sock"),
    });
    const client = new Client({ transport: fake.transport(), registryAuth: false });
    return {
      dockerHost: server.dockerHost,
      client,
      close: async () => {
        await client.close();
        await fake.close();
      },
    };
  },
  false,
  false,
);
