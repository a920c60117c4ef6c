import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { flotilla } from "./harness.js";
import { hasTmux, TmuxScreen } from "./tmux.js";

// The live views, driven under a pseudo-terminal (tmux) with the built `flotilla` against the
// real engine: deploy progress, monitor and stats -t, each read back from the screen.
const engine = inject("engine");
const bin = fileURLToPath(new URL("../../dist/bin.cjs", import.meta.url));
const ready = Boolean(engine) && hasTmux() && existsSync(bin);
const suffix = Math.random().toString(36).slice(2, 8);
const created: string[] = [];
let screen: TmuxScreen | undefined;

function open(): TmuxScreen {
  screen = new TmuxScreen({
    DOCKER_HOST: `unix://${engine!.socketPath}`,
    TERM: "xterm-256color",
    PATH: process.env.PATH ?? "",
  });
  return screen;
}

afterEach(() => screen?.close());
afterAll(async () => {
  for (const name of created)
    await flotilla(["service", "rm", name], { env: { DOCKER_HOST: `unix://${engine!.socketPath}` } });
});

describe.skipIf(!ready)("live views on a terminal", () => {
  it("shows per-slot progress bars while a deploy converges", { timeout: 90_000 }, async () => {
    const name = `cli-pty-progress-${suffix}`;
    created.push(name);
    const tty = open();
    tty.type(
      `node ${bin} service create ${name} ${engine!.images.current} --instances 2 --cmd 'sleep 3600' --deploy; echo "exit=$?"`,
    );
    const shown = await tty.waitFor(/exit=\d+/);
    expect(shown).toContain("exit=0");
    expect(shown).toMatch(new RegExp(`${name}: overall progress: 2 out of 2 tasks`));
    expect(shown).toMatch(/1\/2: running +\[=+>\]/);
    expect(shown).toMatch(/2\/2: running +\[=+>\]/);
    expect(shown).toContain("verify: Service converged");
    // Redrawn in place: the overall line appears once on the screen, not once per poll.
    expect(shown.match(/overall progress/g)).toHaveLength(1);
  });

  it("runs monitor full-screen and leaves the terminal clean on Ctrl-C", { timeout: 90_000 }, async () => {
    const name = `cli-pty-monitor-${suffix}`;
    created.push(name);
    const tty = open();
    tty.type(
      `node ${bin} service create ${name} ${engine!.images.current} --cmd 'sleep 3600' --deploy -q; echo "created=$?"`,
    );
    await tty.waitFor(/created=0/);
    tty.type(`clear; node ${bin} service monitor ${name} --interval 0.2; echo "exit=$?"`);
    const frame = await tty.waitFor(/Ctrl-C to quit[\s\S]*■ /);
    expect(frame).toMatch(new RegExp(`^${name} {2}replicated, 1/1, running`, "m"));
    expect(frame).toMatch(/\(ready, active\)\n {2}■ .*\.1 {2}running/);
    tty.interrupt();
    const after = await tty.waitFor(/exit=\d+/);
    expect(after).toContain("exit=0");
    expect(after).not.toContain("Ctrl-C to quit");
  });

  it("refreshes stats in place with -t until Ctrl-C", { timeout: 90_000 }, async () => {
    const name = `cli-pty-stats-${suffix}`;
    created.push(name);
    const tty = open();
    tty.type(
      `node ${bin} service create ${name} ${engine!.images.current} --cmd 'sleep 3600' --deploy -q; echo "created=$?"`,
    );
    await tty.waitFor(/created=0/);
    tty.type(`node ${bin} service stats ${name} -t --interval 0.2; echo "exit=$?"`);
    const table = await tty.waitFor(/INSTANCE +NODE +CPU %[\s\S]*\.1 +\S+ +\d+\.\d\d%/);
    expect(table.match(/INSTANCE/g)).toHaveLength(1);
    tty.interrupt();
    expect(await tty.waitFor(/exit=\d+/)).toContain("exit=0");
  });
});
