import { MemoryTransport } from "@flotilla/transport";
import { describe, expect, it } from "vitest";
import { useFakeSwarm } from "./fixture.js";
import { flotilla } from "./harness.js";

const cli = useFakeSwarm();
const IMAGE = "flotilla-test/busybox:latest";

describe("env, secrets, links", () => {
  it("lists, adds and removes environment variables", async () => {
    await cli.ok(`service create web ${IMAGE} -e A=1 -e B=2`);
    await cli.ok("service env add web C=3 A=9");
    expect((await cli.ok("service env list web")).stdout).toBe("B=2\nC=3\nA=9\n");
    await cli.ok("service env remove web B");
    expect((await cli.ok("service env ls web")).stdout).toBe("C=3\nA=9\n");
    expect(await cli.run("service env rm web NOPE")).toMatchObject({
      code: 2,
      stderr: 'flotilla: service "web" has no environment variable NOPE\n',
    });
  });

  it("links existing secrets only, and unlinks them", async () => {
    await cli.ok(`service create web ${IMAGE}`);
    expect(await cli.run("service secret link web db-password")).toMatchObject({
      code: 1,
      stderr: 'flotilla: secret "db-password" not found\n',
    });
    await cli.swarm.handle(
      new Request("http://fake/v1.41/secrets/create", {
        method: "POST",
        body: JSON.stringify({ Name: "db-password", Data: btoa("s3cret") }),
      }),
    );
    await cli.ok("service secret link web db-password:password");
    const secrets = cli.swarm.service("web").Spec?.TaskTemplate?.ContainerSpec?.Secrets;
    expect(secrets).toEqual([
      expect.objectContaining({
        SecretName: "db-password",
        File: expect.objectContaining({ Name: "password" }),
      }),
    ]);
    await cli.ok("service secret unlink web db-password");
    // The engine leaves an emptied list out of the spec (Go's omitempty), and so does the fake.
    expect(cli.swarm.service("web").Spec?.TaskTemplate?.ContainerSpec?.Secrets).toBeUndefined();
  });

  it("links a service to another through the target's overlay network and alias", async () => {
    await cli.ok(`service create db ${IMAGE}`);
    await cli.ok(`service create web ${IMAGE}`);
    const linked = await cli.ok("service link web db:database");
    expect(linked.stderr).toBe(
      'created overlay network flotilla-link-db for links to db\ndb: joins network flotilla-link-db as "database" (not running: nothing restarts)\n',
    );
    const networkOf = (name: string) => cli.swarm.service(name).Spec?.TaskTemplate?.Networks ?? [];
    expect(networkOf("db")).toEqual([expect.objectContaining({ Aliases: ["database"] })]);
    expect(networkOf("web").map((n) => n.Target)).toEqual(networkOf("db").map((n) => n.Target));
    await cli.ok("service unlink web db");
    expect(networkOf("web")).toEqual([]);
    expect(await cli.run("service unlink web db")).toMatchObject({
      code: 2,
      stderr: 'flotilla: service "web" is not linked to db\n',
    });
  });
});

describe("logs and events", () => {
  it("prints each instance's output with the instance and node prefix", async () => {
    cli.swarm.image("chatty:1", { logs: ["hello", "world"] });
    await cli.ok("service create web chatty:1 --instances 2 --deploy -q");
    const { stdout } = await cli.ok("service logs web");
    const lines = stdout.trim().split("\n").sort();
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^web\.1\.[a-z0-9]{12}@node-\d \| hello$/);
    const one = (await cli.ok("service logs web -i 2 --lines 1")).stdout;
    expect(one).toMatch(/^web\.2\.[a-z0-9]{12}@node-\d \| world\n$/);
    expect(await cli.run("service logs web -i 7")).toMatchObject({
      code: 2,
      stderr: 'flotilla: service "web" has no instance 7\n',
    });
    expect((await cli.run("service logs web --since yesterday-ish")).code).toBe(2);
  });

  it("prints the service's events merged with its tasks' state changes", async () => {
    await cli.ok(`service create web ${IMAGE} --deploy -q`);
    const { stdout } = await cli.ok("service events web", { now: cli.swarm.now().getTime() + 1000 });
    expect(stdout).toMatch(/Z service create web\n/);
    expect(stdout).toMatch(/Z task web\.1 \([a-z0-9]{12}\) running\n/);
  });
});

describe("stats and monitor", () => {
  it("shows numbers for instances on the endpoint's node and a reason for the others", async () => {
    await cli.ok(`service create web ${IMAGE} --instances 3 --deploy -q`);
    const stats = {
      cpu_stats: { cpu_usage: { total_usage: 300 }, system_cpu_usage: 2000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 100 }, system_cpu_usage: 1000 },
      memory_stats: { usage: 64 * 1024 ** 2, limit: 256 * 1024 ** 2, stats: { inactive_file: 0 } },
      networks: { eth0: { rx_bytes: 2048, tx_bytes: 1024 } },
    };
    const transport = new MemoryTransport((request) =>
      /\/containers\/[^/]+\/stats/.test(new URL(request.url).pathname)
        ? Response.json(stats)
        : cli.swarm.handle(request),
    );
    const { stdout, code } = await flotilla(
      "service stats web --format '{{.Instance}} {{.CPU}} {{.Memory}} {{.NetIO}} {{.Note}}'",
      { transport },
    );
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines.filter((l) => l.includes("40.00% 64MiB / 256MiB 2KiB / 1KiB"))).not.toHaveLength(0);
    expect(lines.filter((l) => l.includes("which this endpoint cannot reach"))).not.toHaveLength(0);
  });

  it("prints monitor frames when not a terminal and stops cleanly on the signal", async () => {
    await cli.ok(`service create web ${IMAGE} --instances 2 --deploy -q`);
    const stop = new AbortController();
    const { stdout, code } = await cli.run("service monitor web --interval 0.1", {
      signal: stop.signal,
      onStdout: (text) => {
        if (text.includes("running")) stop.abort();
      },
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^web {2}replicated, 2\/2, running/);
    expect(stdout).toMatch(/\nnode-\d \(ready, active\)\n {2}■ web\.\d {2}running\n/);
    expect(stdout).not.toContain("\x1b[");
  });
});
