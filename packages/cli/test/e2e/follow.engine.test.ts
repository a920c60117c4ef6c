import { describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";
import { type CliResult, flotilla } from "./harness.js";

// `service logs -t --timestamps` and `service events -t` against the real engine: both keep
// following until interrupted, so each run is stopped through its signal once it showed what was
// asked of it. Names are unique per run; everything made is removed.
const engine = inject("engine");
const { env, ok, service: unique } = engineSession(engine?.socketPath, "follow");

/** Runs a following command until its output satisfies `enough`, then interrupts it as Ctrl-C would. */
async function followUntil(
  argv: string[],
  enough: (stdout: string) => boolean,
  onStarted?: () => Promise<void>,
) {
  const interrupt = new AbortController();
  let seen = "";
  let started = false;
  const running = flotilla(argv, {
    env,
    signal: interrupt.signal,
    onStdout: (text) => {
      seen += text;
      if (!started) {
        started = true;
        void onStarted?.();
      }
      if (enough(seen)) interrupt.abort();
    },
  });
  // A bound of its own, so a run that never shows enough fails here with what it did show.
  const bound = setTimeout(() => interrupt.abort(), 45_000);
  const result: CliResult = await running.finally(() => clearTimeout(bound));
  return { ...result, satisfied: enough(result.stdout) };
}

describe.skipIf(!engine)("following against the real engine", () => {
  it("follows a service's output with -t, each line with the engine's timestamp under --timestamps", {
    timeout: 90_000,
  }, async () => {
    const name = unique("logs");
    await ok([
      "service",
      "create",
      name,
      engine!.images.current,
      "--cmd",
      "sh -c 'i=0; while true; do i=$((i+1)); echo line-$i; sleep 0.3; done'",
      "--deploy",
      "-q",
      "--timeout",
      "60",
    ]);
    const started = Date.now();
    const lines = (stdout: string) => stdout.split("\n").filter(Boolean);
    // --lines 1: one line from before the run; every further line arrived while following.
    const result = await followUntil(
      ["service", "logs", name, "-t", "--timestamps", "--lines", "1"],
      (stdout) => lines(stdout).length >= 4,
    );
    expect(result).toMatchObject({ code: 0, stderr: "", satisfied: true });
    const pattern = new RegExp(
      `^${name}\\.1\\.[a-z0-9]{12}@\\S+ \\| (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z) line-(\\d+)$`,
    );
    const parsed = lines(result.stdout).map((line) => {
      const match = pattern.exec(line);
      expect(match, line).not.toBeNull();
      return { time: Date.parse(match![1]!), n: Number(match![2]) };
    });
    // Consecutive lines of the loop, in order, stamped in order and within this test's minutes.
    for (let i = 1; i < parsed.length; i++) {
      expect(parsed[i]!.n).toBe(parsed[i - 1]!.n + 1);
      expect(parsed[i]!.time).toBeGreaterThanOrEqual(parsed[i - 1]!.time);
    }
    expect(parsed.at(-1)!.time).toBeGreaterThan(started - 60_000);
    expect(parsed.at(-1)!.time).toBeLessThan(Date.now() + 60_000);
  });

  it("follows a service's events with -t: a scale made while following shows up", {
    timeout: 90_000,
  }, async () => {
    const name = unique("events");
    await ok([
      "service",
      "create",
      name,
      engine!.images.current,
      "--cmd",
      "sleep 3600",
      "--deploy",
      "-q",
      "--timeout",
      "60",
    ]);
    const scaled = new RegExp(`^\\S+Z service update ${name} \\(replicas\\.new=2, replicas\\.old=1\\)$`, "m");
    const secondRunning = new RegExp(`^\\S+Z task ${name}\\.2 \\([a-z0-9]{12}\\) running$`, "m");
    let scale: Promise<unknown> | undefined;
    const result = await followUntil(
      ["service", "events", name, "-t"],
      (stdout) => scaled.test(stdout) && secondRunning.test(stdout),
      async () => {
        scale = ok(["service", "scale", name, "2", "--detach"]);
      },
    );
    await scale;
    expect(result).toMatchObject({ code: 0, stderr: "", satisfied: true });
    // What was there before following: the service's creation and its first task running.
    const lines = result.stdout.split("\n").filter(Boolean);
    expect(lines[0]).toMatch(new RegExp(`^\\S+Z service create ${name}$`));
    expect(result.stdout).toMatch(new RegExp(`^\\S+Z task ${name}\\.1 \\([a-z0-9]{12}\\) running$`, "m"));
    // Every line starts with its time, RFC 3339 in UTC.
    const times = lines.map((line) => Date.parse(line.split(" ")[0]!));
    expect(times.every((t) => !Number.isNaN(t))).toBe(true);
  });
});
