import { describe, expect, it } from "vitest";
import { useFakeSwarm } from "./fixture.js";

const cli = useFakeSwarm();
const IMAGE = "flotilla-test/busybox:latest";

describe("output modes", () => {
  it("prints an aligned table by default, the same on every run", async () => {
    await cli.ok(`service create web ${IMAGE} --instances 2 -p 8080:80`);
    const id = cli.swarm.service("web").ID!.slice(0, 12);
    expect((await cli.ok("service ls")).stdout).toBe(
      [
        "ID             NAME   MODE         REPLICAS   STATE        IMAGE                          PORTS",
        `${id}   web    replicated   0/2        registered   flotilla-test/busybox:latest   *:8080->80/tcp`,
        "",
      ].join("\n"),
    );
  });

  it("prints JSON lines, IDs with -q, and aligned columns for a table template", async () => {
    await cli.ok(`service create web ${IMAGE}`);
    await cli.ok(`service create api ${IMAGE} --mode global`);
    const json = (await cli.ok("service ls --format json")).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(json.map((r) => [r.Name, r.Mode, r.State])).toEqual([
      ["api", "global", "registered"],
      ["web", "replicated", "registered"],
    ]);
    expect((await cli.ok("service ls -q")).stdout).toMatch(/^[a-z0-9]{12}\n[a-z0-9]{12}\n$/);
    expect((await cli.ok("service ls --format 'table {{.Name}}\\t{{.Mode}}'")).stdout).toBe(
      "NAME   MODE\napi    global\nweb    replicated\n",
    );
    expect((await cli.ok("service ls --filter name=web --format '{{upper .Name}}'")).stdout).toBe("WEB\n");
  });

  it("refuses -q with --format and a bad template with exit 2", async () => {
    expect(await cli.run("service ls -q --format json")).toMatchObject({
      code: 2,
      stderr: "flotilla: --quiet and --format cannot be used together\n",
    });
    const bad = await cli.run("service ls --format '{{.Nmae}}'");
    await cli.ok(`service create web ${IMAGE}`);
    expect(bad.code).toBe(0); // no rows, nothing evaluated
    const refused = await cli.run("service ls --format '{{.Nmae}}'");
    expect(refused).toMatchObject({ code: 2 });
    expect(refused.stderr).toMatch(
      /^flotilla: template: field \.Nmae does not exist; fields here: ID, Name, Mode/,
    );
  });

  it("colours only on a TTY, never with --no-color", async () => {
    await cli.ok(`service create web ${IMAGE}`);
    expect((await cli.ok("service ls", { isTTY: true, columns: 200 })).stdout).toContain("\x1b[2mregistered");
    expect((await cli.ok("--no-color service ls", { isTTY: true, columns: 200 })).stdout).not.toContain(
      "\x1b[",
    );
    expect(
      (await cli.ok("service ls", { isTTY: true, columns: 200, env: { NO_COLOR: "1" } })).stdout,
    ).not.toContain("\x1b[");
  });

  it("lists tasks with ps, named by slot, with node names", async () => {
    await cli.ok(`service create web ${IMAGE} --instances 2 --deploy -q`);
    const rows = (await cli.ok("service ps web --format '{{.Name}} {{.Node}} {{.DesiredState}}'")).stdout;
    expect(rows).toMatch(/^web\.1 node-\d Running\nweb\.2 node-\d Running\n$/);
    expect((await cli.ok("service ps web -q")).stdout.trim().split("\n")).toHaveLength(2);
  });

  it("inspects as the engine's JSON, or through a template", async () => {
    await cli.ok(`service create web ${IMAGE}`);
    const [service] = JSON.parse((await cli.ok("service inspect web")).stdout);
    expect(service.Spec.Name).toBe("web");
    expect(
      (await cli.ok("service inspect web --format '{{.Spec.Name}} {{.Spec.Mode.Replicated.Replicas}}'"))
        .stdout,
    ).toBe("web 0\n");
  });

  it("shows a service as a person reads it, each instance with node and state", async () => {
    await cli.ok(`service create web ${IMAGE} --instances 2 -e A=1 -p 8080:80 --deploy -q`);
    const shown = (await cli.ok("service show web", { now: Date.now() })).stdout;
    expect(shown).toContain("web:\n  id: ");
    expect(shown).toContain("  state: running\n  replicas: 2/2\n");
    expect(shown).toContain("  mode: replicated, 2 instances\n");
    expect(shown).toContain("  env:\n    - A=1\n  ports:\n    - *:8080->80/tcp\n");
    expect(shown).toContain("  deploy:\n    strategy: random\n    parallelism: 1\n");
    expect(shown).toMatch(/ {2}instances:\n {4}web\.1:\n {6}node: node-\d\n {6}state: running \(/);
  });
});
