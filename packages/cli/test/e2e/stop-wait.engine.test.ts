import { describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";

// A scale-down waits for the containers it stops, against the real engine: `sleep` as a
// container's first process ignores SIGTERM, so the engine reports each removed instance
// `running` for its whole stop grace period (10 s) before killing it. The name is unique per run;
// the service is removed.
const engine = inject("engine");
const { ok, service } = engineSession(engine?.socketPath, "stopwait");
const name = service("web");

describe.skipIf(!engine)("waiting on the real engine", () => {
  it("ends a scale-down only once the removed instances' containers have stopped", {
    timeout: 120_000,
  }, async () => {
    await ok(["service", "create", name, engine!.images.current, "--instances", "2", "--cmd", "sleep 3600"]);
    await ok(["service", "deploy", name, "-q", "--timeout", "60"]);
    const scaled = await ok(["service", "scale", name, "1", "--timeout", "60"]);
    expect(scaled.stderr).toMatch(new RegExp(`^${name}: 1/1 running, 1 stopping$`, "m"));
    expect(scaled.stderr).toMatch(new RegExp(`^${name}: 1/1 running\\n${name}: Service converged\\n$`, "m"));
    const ps = await ok(["service", "ps", name, "-a", "--format", "{{.DesiredState}} {{.CurrentState}}"]);
    const stillRunning = ps.stdout.split("\n").filter((line) => /^(Shutdown|Remove) Running/i.test(line));
    expect(stillRunning).toEqual([]);
  });
});
