import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useFakeSwarm } from "./fixture.js";

const cli = useFakeSwarm();
const IMAGE = "flotilla-test/busybox:latest";

describe("errors and exit codes", () => {
  it("says an unknown service is not found, on one line, exit 1", async () => {
    for (const command of [
      "show web",
      "inspect web",
      "ps web",
      "scale web 2",
      "rm web",
      "logs web",
      "deploy web",
      "stop web",
    ]) {
      const result = await cli.run(`service ${command}`);
      expect(result, command).toMatchObject({
        code: 1,
        stdout: "",
        stderr: 'flotilla: service "web" not found\n',
      });
    }
  });

  it.each([
    [
      "--cpu-shares 512",
      "--cpu-shares is not supported: swarm services have no relative CPU shares; use --limit-cpu or --reserve-cpu (a number of CPUs)",
    ],
    ["-c 512", "--cpu-shares is not supported"],
    [
      "--memory-swap 1g",
      "--memory-swap is not supported: swarm services have no swap limit; use -m/--memory",
    ],
    ["--pid host", "--pid is not supported: swarm tasks cannot join the host's PID namespace"],
    [
      "--volumes-from other",
      "--volumes-from is not supported: swarm tasks cannot mount another container's volumes",
    ],
    [
      "--privileged",
      "--privileged is not supported: swarm services cannot run privileged containers; grant the capabilities needed with --cap-add",
    ],
  ])("refuses %s with a reason and what to use instead, exit 2", async (option, message) => {
    const result = await cli.run(`service create web ${IMAGE} ${option}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`flotilla: ${message}`);
    expect(cli.swarm.services()).toHaveLength(0);
  });

  it.each([
    ["-p 80:80:80", '--ports: "80:80:80" is not a port: a host address cannot be given in swarm mode'],
    ["-p http", '--ports: "http" is not a port: "http" is not a port number (1-65535)'],
    [
      "-m 12q",
      '--memory: "12q" is not a size; write a number with an optional unit b, k, m, g, t or p (512m, 1g)',
    ],
    ["--limit-memory lots", '--limit-memory: "lots" is not a size'],
    ["-a node=x", '--affinity: "node=x" is not an affinity rule'],
    ["-a service==db", "swarm cannot place a task next to (or away from) another service"],
    ["--deploy-strategy fast", '--deploy-strategy: "fast" is not a strategy; use ha, random or daemon'],
    ["--instances many", '--instances: "many" is not a whole number'],
    ["--mode daemon", '--mode: "daemon" is not a mode'],
    ["--stateful", "--stateful needs at least one volume without a source"],
    ["--health-interval soon", '--health-interval: "soon" is not a duration'],
    ["--update-order random", '--update-order: "random" must be stop-first or start-first'],
  ])("refuses bad input %s, exit 2", async (option, message) => {
    const result = await cli.run(`service create web ${IMAGE} ${option}`);
    expect(result.stderr).toContain(message);
    expect(result.code).toBe(2);
  });

  it("reports usage errors from the parser with exit 2", async () => {
    expect(await cli.run("service frobnicate")).toMatchObject({ code: 2 });
    const missing = await cli.run("service create web");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^flotilla: missing required argument 'image'/);
    expect((await cli.run("service ls --bogus")).stderr).toMatch(/^flotilla: unknown option '--bogus'/);
  });

  it("exits 0 for --help and --version", async () => {
    const help = await cli.run("service --help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("create [options] <name> <image>");
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(await cli.run("--version")).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("prints a stack trace only with --debug, after a request log", async () => {
    const plain = await cli.run("service show nope");
    expect(plain.stderr).not.toContain("    at ");
    const debug = await cli.run("--debug service show nope");
    expect(debug.stderr).toMatch(/^> GET \/v[\d.]+\/services\/nope$/m);
    expect(debug.stderr).toMatch(/^< failed GET \/v[\d.]+\/services\/nope \(\d+ ms\): .*404/m);
    expect(debug.stderr).toContain("    at ");
  });

  it("exits 3 when a wait times out", async () => {
    cli.swarm.image("slow/never:1", { failsToStart: "no such binary" });
    const result = await cli.run("service create web slow/never:1 --deploy --timeout 0.3 -q");
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^flotilla: /);
  });
});
