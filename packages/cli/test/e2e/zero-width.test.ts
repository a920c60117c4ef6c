import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { fakeSwarm, flotilla, shippedBin } from "./harness.js";

// `script -c` without a terminal around it (as in CI) gives the command a pseudo-terminal of zero
// columns. A deploy's progress there must be readable lines, with no cut colour escapes and no
// redraws, on the real engine and on the fake served on a socket, through the shipped `flotilla`.

const engine = inject("engine");
const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
const ready = hasScript && existsSync(shippedBin);
const suffix = Math.random().toString(36).slice(2, 8);

/** Runs the shipped CLI under `script`, stdin closed so the pseudo-terminal has no size. */
function underScript(dockerHost: string, args: string[]): Promise<string> {
  const quoted = ["node", shippedBin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", `stty size; ${quoted}; echo "exit=$?"`, "/dev/null"], {
      env: { PATH: process.env.PATH ?? "", TERM: "xterm-256color", DOCKER_HOST: dockerHost, HOME: tmpdir() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(out.replace(/\r\n/g, "\n"));
    });
  });
}

function expectPlainProgress(shown: string, name: string) {
  expect(shown).toMatch(/^0 0\n/); // the pseudo-terminal really has no width
  expect(shown).toContain("exit=0");
  expect(shown).toContain(`${name}: 1/1: running\n`);
  expect(shown).toContain(`${name}: 1/1 running\n`);
  expect(shown).toContain(`${name}: Service converged\n`);
  // No frame (cursor moves, line erases) and no escape of any kind, whole or cut.
  expect(shown).not.toContain("\x1b");
}

const removed: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const remove of removed) await remove();
});

describe.skipIf(!ready || !engine)("progress on a zero-width terminal, real engine", () => {
  it("prints plain lines", { timeout: 120_000 }, async () => {
    const name = `cli-zero-width-${suffix}`;
    const host = `unix://${engine!.socketPath}`;
    removed.push(() => flotilla(["service", "rm", name], { env: { DOCKER_HOST: host } }));
    const shown = await underScript(host, [
      "service",
      "create",
      name,
      engine!.images.current,
      "--cmd",
      "sleep 3600",
      "--deploy",
      "--timeout",
      "60",
    ]);
    expectPlainProgress(shown, name);
  });
});

describe.skipIf(!ready)("progress on a zero-width terminal, served fake", () => {
  it("prints plain lines", { timeout: 120_000 }, async () => {
    const swarm = await fakeSwarm();
    const socketPath = join(mkdtempSync(join(tmpdir(), "flotilla-zero-width-")), "engine.sock");
    const server = await swarm.listen({ socketPath });
    removed.push(async () => {
      await server[Symbol.asyncDispose]();
      swarm.close();
    });
    const shown = await underScript(server.dockerHost, [
      "service",
      "create",
      "web",
      "flotilla-test/busybox:latest",
      "--deploy",
      "--timeout",
      "60",
    ]);
    expectPlainProgress(shown, "web");
  });
});
