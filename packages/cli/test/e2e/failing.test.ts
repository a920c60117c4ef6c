import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";
import { type CliResult, fakeSwarm, flotilla, type RunOptions } from "./harness.js";

// A crash-looping service (its command exits 3; swarm restarts it after --restart-delay) must read
// as failing everywhere a user looks, with the last error, the exit code and the restart count:
// `service ls`, `ps`, `show`, `monitor` and `stats`. On the real engine and on the fake swarm.

const engine = inject("engine");

interface Target {
  run(argv: string[]): Promise<CliResult>;
  /** As run, with the harness's signal and onStdout, for a command that runs until stopped. */
  follow(argv: string[], options: RunOptions): Promise<CliResult>;
  /** A unique service name, removed after the file's tests. */
  service(what: string): string;
  image: string;
}

/** Polls `service ls` (a bounded wait: the first exit and the restart take seconds). */
async function lsState(target: Target, name: string, wanted: string): Promise<string> {
  const deadline = Date.now() + 40_000;
  let state = "";
  while (Date.now() < deadline) {
    const ls = await target.run(["service", "ls", "--filter", `name=${name}`, "--format", "{{.State}}"]);
    state = ls.stdout.trim();
    if (state === wanted) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return state;
}

function failing(label: string, open: () => Promise<Target & { close(): Promise<void> }>, skip = false) {
  describe.skipIf(skip)(`a crash-looping service on ${label}`, { timeout: 90_000 }, () => {
    let target: Target & { close(): Promise<void> };
    let name: string;
    beforeAll(async () => {
      target = await open();
      name = target.service("crash");
      const created = await target.run([
        ...["service", "create", name, target.image, "--cmd", "sh -c 'exit 3'"],
        ...["--restart-delay", "20s", "--deploy", "-d"],
      ]);
      expect(created.stderr).toBe("");
    });
    afterAll(() => target?.close());

    it("reads as failing in service ls, once it has failed", async () => {
      expect(await lsState(target, name, "failing")).toBe("failing");
    });

    it("service ps shows the failed task, its error and exit code, under the waiting restart", async () => {
      await lsState(target, name, "failing");
      const ps = await target.run([
        "service",
        "ps",
        name,
        "--format",
        "{{.DesiredState}}|{{.CurrentState}}|{{.Error}}|{{.ExitCode}}",
      ]);
      const rows = ps.stdout.trim().split("\n");
      expect(rows).toContainEqual(
        expect.stringMatching(/^Shutdown\|Failed .*\|"task: non-zero exit \(3\)"\|3$/),
      );
      // The current task has not exited: no exit code, not 0.
      const current = rows.filter((row) => !row.startsWith("Shutdown"));
      expect(current.length).toBeGreaterThan(0);
      for (const row of current) expect(row).toMatch(/\|\|$/);
    });

    it("service show says failing, and why: error, exit code, restarts", async () => {
      await lsState(target, name, "failing");
      const show = await target.run(["service", "show", name]);
      expect(show.stdout).toMatch(/^ {2}state: failing$/m);
      expect(show.stdout).not.toContain("(none running)");
      expect(show.stdout).toMatch(
        /^ {6}last failure: task: non-zero exit \(3\), exit code 3, \d+ restarts? \(/m,
      );
    });

    it("service monitor says failing, with the instance's last failure", async () => {
      await lsState(target, name, "failing");
      const stop = new AbortController();
      let seen = "";
      await target.follow(["service", "monitor", name, "--interval", "1"], {
        signal: stop.signal,
        onStdout: (text) => {
          seen += text;
          if (seen.includes("(every")) stop.abort();
        },
      });
      expect(seen).toMatch(new RegExp(`^${name} {2}replicated, 0/1, failing`, "m"));
      expect(seen).toMatch(/last failure: task: non-zero exit \(3\), exit code 3/);
    });

    it("service stats names the instance and why it is not running", async () => {
      await lsState(target, name, "failing");
      const stats = await target.run(["service", "stats", name, "--format", "{{.Note}}"]);
      expect(stats.stdout).toMatch(/last failure: task: non-zero exit \(3\), exit code 3/);
    });
  });
}

failing("the fake swarm", async () => {
  // No image behaviour: the command runs through the fake's shell, as busybox would, and exits 3.
  const swarm = await fakeSwarm({ images: {} });
  const transport = swarm.transport();
  return {
    run: (argv) => flotilla(argv, { transport }),
    follow: (argv, options) => flotilla(argv, { transport, ...options }),
    service: (what) => what,
    image: "flotilla-test/busybox:latest",
    close: () => swarm.close(),
  };
});

const session = engineSession(engine?.socketPath, "failing");
failing(
  "the real engine",
  async () => ({
    run: (argv) => session.run(argv),
    follow: (argv, options) => flotilla(argv, { env: session.env, ...options }),
    service: (what) => session.service(what),
    image: engine!.images.current,
    close: async () => {},
  }),
  !engine,
);
