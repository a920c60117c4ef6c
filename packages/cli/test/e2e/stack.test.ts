// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose files write their variables ${VAR}.

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { flotilla } from "./harness.js";

// `flotilla stack ...` on the fake swarm: deploy with -c (merged), the listing commands in their
// three output modes, config, the Kontena spellings, rm, and a failing service failing the deploy.

let swarm: FakeSwarm;
const folder = mkdtempSync(join(tmpdir(), "flotilla-cli-stack-"));
const base = join(folder, "compose.yml");
const override = join(folder, "override.yml");
const failing = join(folder, "failing.yml");

beforeAll(async () => {
  // The test image's own behaviour (commands run as written), so a crashing command crashes.
  swarm = await createFakeSwarm({ nodes: 1, clock: "real", timings: { step: 2, stop: 2 } });
  writeFileSync(join(folder, "token.txt"), "s3cret\n");
  writeFileSync(
    base,
    `services:
  web:
    image: flotilla-test/busybox:latest
    command: [sleep, "600"]
    environment:
      - GREETING=\${GREETING:-hello}
    secrets: [token]
    build: .
    deploy: { replicas: 2 }
  worker:
    image: flotilla-test/busybox:latest
    command: [sleep, "600"]
secrets:
  token: { file: ./token.txt }
`,
  );
  writeFileSync(override, "services:\n  web:\n    deploy: { replicas: 1, labels: { tier: front } }\n");
  writeFileSync(
    failing,
    "services:\n  crash:\n    image: flotilla-test/busybox:latest\n    command: [sh, -c, 'exit 3']\n",
  );
});
afterAll(() => swarm?.close());

describe("flotilla stack", () => {
  it("deploys merged files, printing what it creates and the ignored keys", async () => {
    const ran = await flotilla(["stack", "deploy", "-c", base, "-c", override, "app"], {
      transport: swarm.transport(),
      env: { GREETING: "hi" },
    });
    expect(ran.stderr).toContain("Ignoring unsupported options: build\n");
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout.split("\n")).toEqual([
      "Creating network app_default",
      "Creating secret app_token",
      "Creating service app_web",
      "Creating service app_worker",
      "",
    ]);
    expect(ran.stderr).toContain("Service converged");
    const again = await flotilla(["stack", "upgrade", "-c", base, "-c", override, "--detach", "app"], {
      transport: swarm.transport(),
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      /^Updating service app_web \(id: \w+\)\nUpdating service app_worker \(id: \w+\)\n$/,
    );
  });

  it("lists stacks, services and tasks with -q, --format json and templates", async () => {
    const transport = swarm.transport();
    const ls = await flotilla(["stack", "ls"], { transport });
    expect(ls.stdout).toMatch(/^NAME\s+SERVICES\napp\s+2\n$/);
    expect((await flotilla(["stack", "ls", "-q"], { transport })).stdout).toBe("app\n");
    expect((await flotilla(["stack", "ls", "--format", "json"], { transport })).stdout).toBe(
      '{"Name":"app","Services":2}\n',
    );
    const services = await flotilla(["stack", "services", "app", "--format", "{{.Name}} {{.Replicas}}"], {
      transport,
    });
    expect(services.stdout).toBe("app_web 1/1\napp_worker 1/1\n");
    const ps = await flotilla(["stack", "ps", "app", "--format", "{{.Name}}"], { transport });
    // With history, as docker stack ps shows it: the upgrade changed GREETING, so web was replaced.
    expect(ps.stdout.split("\n").filter(Boolean).sort()).toEqual([
      " \\_ app_web.1",
      "app_web.1",
      "app_worker.1",
    ]);
    const quiet = await flotilla(["stack", "ps", "-q", "app"], { transport });
    expect(quiet.stdout.trim().split("\n")).toHaveLength(3);
    const show = await flotilla(
      ["stack", "show", "app", "--format", "{{.Name}} {{len .Services}} {{.Secrets}}"],
      {
        transport,
      },
    );
    expect(show.stdout).toBe("app 2 [app_token]\n");
  });

  it("prints the merged document", async () => {
    const ran = await flotilla(["stack", "config", "-c", base, "-c", override], { env: {} });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain("GREETING: hello");
    expect(ran.stdout).toContain("replicas: 1");
    expect(ran.stdout).toContain(`file: ${join(folder, "token.txt")}`);
  });

  it("prints what docker stack config prints, but for the keys docker keeps and ignores", async () => {
    const fixture = new URL("../../../client/test/stacks/fixtures/full/compose.yml", import.meta.url)
      .pathname;
    const env = {
      WEB_PORT: "1",
      HOST_PORT: "2",
      UDP_PORT: "3",
      BACK_SUBNET: "10.9.9.0/24",
      FROM_ENV: "x",
      HOME: "/root",
    };
    const theirs = spawnSync(
      process.env.FLOTILLA_DOCKER_CLI ?? "docker",
      ["stack", "config", "-c", fixture],
      {
        env: { PATH: process.env.PATH, ...env },
      },
    );
    if (theirs.status !== 0) throw new Error(`docker stack config failed: ${theirs.stderr}`);
    const expected = parse(theirs.stdout.toString());
    for (const key of ["build", "container_name", "depends_on", "env_file"])
      delete expected.services.web[key];
    delete expected["x-common"];
    const ours = await flotilla(["stack", "config", "-c", fixture], { env });
    expect(ours.code, ours.stderr).toBe(0);
    // Compared as JSON text, so the order of keys counts too.
    expect(JSON.stringify(parse(ours.stdout), null, 1)).toBe(JSON.stringify(expected, null, 1));
  });

  it("refuses a bad file before sending anything, naming the path and the file", async () => {
    const bad = join(folder, "bad.yml");
    writeFileSync(bad, "services:\n  web:\n    image: a\n    deploy: { replicas: lots }\n");
    const ran = await flotilla(["stack", "deploy", "-c", bad, "bad"], { transport: swarm.transport() });
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toContain(
      `invalid compose file ${bad}: services.web.deploy.replicas: must be an integer`,
    );
    expect((await flotilla(["stack", "ls", "-q"], { transport: swarm.transport() })).stdout).toBe("app\n");
  });

  it("fails a deploy whose service fails, with the task's error", async () => {
    const ran = await flotilla(["stack", "install", "-c", failing, "--timeout", "30", "boom"], {
      transport: swarm.transport(),
    });
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toContain("boom_crash");
    expect(ran.stderr).toContain("exit (3)");
    await flotilla(["stack", "rm", "boom"], { transport: swarm.transport() });
  });

  it("removes stacks, saying when one has nothing", async () => {
    const ran = await flotilla(["stack", "rm", "app", "none"], { transport: swarm.transport() });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(
      "Removing service app_web\nRemoving service app_worker\nRemoving secret app_token\n",
    );
    expect(ran.stdout).toContain("Removing network app_default\n");
    expect(ran.stderr).toBe("Nothing found in stack: none\n");
    expect((await flotilla(["stack", "ls", "-q"], { transport: swarm.transport() })).stdout).toBe("");
  });
});
