import { describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";
import { useFakeSwarm } from "./fixture.js";
import type { CliResult } from "./harness.js";

// `service create --mode replicated-job | global-job`: a job that runs `true` completes, on the
// real engine and on the fake, and `service ls` and `service ps --all` show it done.

const engine = inject("engine");
const IMAGE = "flotilla-test/busybox:latest";

interface Cli {
  ok(argv: string[]): Promise<CliResult>;
  run(argv: string[]): Promise<CliResult>;
  name(what: string): string;
}

function jobTests(cli: () => Cli) {
  const ls = (name: string) =>
    cli().ok([
      "service",
      "ls",
      "--filter",
      `name=${name}`,
      "--format",
      "{{.Name}} {{.Mode}} {{.Replicas}} {{.State}}",
    ]);
  const ps = async (name: string, ...flags: string[]) =>
    (
      await cli().ok(["service", "ps", name, ...flags, "--format", "{{.DesiredState}} {{.CurrentState}}"])
    ).stdout
      .trim()
      .split("\n")
      .map((line) => line.split(" ").slice(0, 2).join(" "));

  it("runs a replicated job to its completions and shows it complete", { timeout: 90_000 }, async () => {
    const name = cli().name("rjob");
    const created = await cli().ok([
      "service",
      "create",
      name,
      IMAGE,
      "--mode",
      "replicated-job",
      "--replicas",
      "2",
      "--cmd",
      "true",
      "--deploy",
      "--timeout",
      "60",
    ]);
    expect(created.stderr).toMatch(new RegExp(`${name}: Service converged\\n$`));
    expect((await ls(name)).stdout).toBe(`${name} replicated job 0/2 (2/2 completed) complete\n`);
    expect(await ps(name, "--all")).toEqual(["Complete Complete", "Complete Complete"]);
    // A finished job's tasks are wanted "complete": they are its tasks now, as docker shows them.
    expect(await ps(name)).toEqual(["Complete Complete", "Complete Complete"]);
    const [inspected] = JSON.parse((await cli().ok(["service", "inspect", name])).stdout);
    expect(inspected.Spec.Mode).toEqual({ ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 2 } });
  });

  it("registers a global job without running it, and deploy runs it once", { timeout: 90_000 }, async () => {
    const name = cli().name("gjob");
    await cli().ok(["service", "create", name, IMAGE, "--mode", "global-job", "--cmd", "true"]);
    expect((await ls(name)).stdout).toBe(`${name} global job 0/0 registered\n`);
    await cli().ok(["service", "deploy", name, "-q", "--timeout", "60"]);
    const listed = (await ls(name)).stdout;
    expect(listed).toMatch(new RegExp(`^${name} global job 0/0 \\(\\d+ completed\\) complete\\n$`));
    const nodes = Number(/\((\d+) completed\)/.exec(listed)![1]);
    expect(await ps(name, "--all")).toEqual(Array(nodes).fill("Complete Complete"));
    expect(await ps(name)).toEqual(Array(nodes).fill("Complete Complete"));
  });

  it("lists a failed job's waiting retry without --all, and its failed run with it", {
    timeout: 60_000,
  }, async () => {
    const name = cli().name("fjob");
    const flags = ["--mode", "replicated-job", "--restart-delay", "60s", "--deploy", "-d"];
    await cli().ok(["service", "create", name, IMAGE, "--cmd", "sh -c 'exit 2'", ...flags]);
    // The run fails at once; its retry, assigned, then waits out the restart delay as "ready".
    const settled = ["Ready Ready", "Shutdown Failed"];
    const deadline = Date.now() + 30_000;
    let all = await ps(name, "--all");
    while (JSON.stringify(all) !== JSON.stringify(settled) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      all = await ps(name, "--all");
    }
    expect(all).toEqual(settled);
    // Without --all too: the retry, and the run that failed last (its error is why it waits).
    expect(await ps(name)).toEqual(settled);
  });

  it("refuses --replicas for a global job and an unknown mode, naming the flag", async () => {
    const global = await cli().run([
      "service",
      "create",
      cli().name("bad"),
      IMAGE,
      "--mode",
      "global-job",
      "--replicas",
      "2",
    ]);
    expect(global).toMatchObject({ code: 2 });
    expect(global.stderr).toMatch(/^flotilla: --replicas does not apply to a global job/);
    const unknown = await cli().run(["service", "create", cli().name("bad"), IMAGE, "--mode", "job"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      '--mode: "job" is not a mode; use replicated, global, replicated-job or global-job',
    );
  });
}

describe("job modes on the fake swarm", () => {
  // No behaviour for the image: the fake runs the command (`true`) in its busybox simulator.
  const fake = useFakeSwarm({ images: {} });
  jobTests(() => ({ ok: (a) => fake.ok(a), run: (a) => fake.run(a), name: (what) => what }));
});

describe.skipIf(!engine)("job modes on the real engine", () => {
  const session = engineSession(engine?.socketPath, "job");
  jobTests(() => ({ ok: session.ok, run: session.run, name: session.service }));
});
