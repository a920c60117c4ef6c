import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { flotilla } from "./harness.js";

const bin = new URL("../../dist/bin.cjs", import.meta.url).pathname;
// The docker CLI scripts/engine-up.sh found newest (the machine may also have an older one on PATH).
const docker = process.env.FLOTILLA_DOCKER_CLI ?? "docker";
const hasDocker = spawnSync(docker, ["--version"]).status === 0;

function home() {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-sandbox-"));
  return {
    dir,
    env: { HOME: dir, DOCKER_CONFIG: join(dir, ".docker"), FLOTILLA_SANDBOX_DIR: join(dir, "sb") },
  };
}

async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await done()); i++) await new Promise((r) => setTimeout(r, 25));
}

describe("flotilla sandbox --foreground", () => {
  it("serves a fake swarm as the sandbox context until interrupted, and keeps its state in a file", {
    timeout: 30_000,
  }, async () => {
    const { dir, env } = home();
    const state = join(dir, "swarm.state");
    const startOnce = async (work: () => Promise<void>) => {
      const stop = new AbortController();
      let out = "";
      const running = flotilla(["sandbox", "--foreground", "--nodes", "2", "--state", state], {
        env,
        signal: stop.signal,
        onStdout: (text) => {
          out += text;
        },
      });
      await until(() => out.includes("Stop it with Ctrl-C."));
      await work();
      stop.abort();
      return { ...(await running), stdout: out };
    };
    const first = await startOnce(async () => {
      const nodes = await flotilla(["--context", "sandbox", "node", "ls", "--format", "{{.Hostname}}"], {
        env,
      });
      expect(nodes.stdout).toBe("node-1\nnode-2\n");
      const created = await flotilla(["--context", "sandbox", "secret", "create", "kept", "-"], {
        env,
        stdin: "x",
      });
      expect(created.code).toBe(0);
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`unix://${join(dir, "sb", "engine.sock")}`);
    expect(first.stdout).toContain("docker --context sandbox service ls");
    expect(first.stderr).toContain(`state saved in ${state}`);
    expect((await flotilla("context ls -q", { env })).stdout).toBe("default\n");
    const second = await startOnce(async () => {
      const secrets = await flotilla(["--context", "sandbox", "secret", "ls", "--format", "{{.Name}}"], {
        env,
      });
      expect(secrets.stdout).toBe("kept\n");
    });
    expect(second.stderr).toContain(`sandbox state restored from ${state}`);
  });
});

describe.skipIf(!existsSync(bin))("flotilla sandbox in the background (built CLI)", () => {
  it("starts, answers flotilla and the docker CLI through its context, and stops", {
    timeout: 30_000,
  }, () => {
    const { env } = home();
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], {
        encoding: "utf8",
        env: { ...process.env, ...env, DOCKER_HOST: "" },
      });
    try {
      const started = run("sandbox", "--nodes", "3");
      expect(started.status, started.stderr).toBe(0);
      expect(started.stdout).toMatch(/^Sandbox running in the background \(pid \d+\)/);
      expect(run("sandbox", "status").stdout).toMatch(/^Sandbox running \(pid \d+\)/);
      expect(run("--context", "sandbox", "node", "ls", "-q").stdout.trim().split("\n")).toHaveLength(3);
      if (hasDocker) {
        const listed = spawnSync(
          docker,
          ["--context", "sandbox", "node", "ls", "--format", "{{.Hostname}}"],
          {
            encoding: "utf8",
            env: { ...process.env, ...env, DOCKER_HOST: "" },
          },
        );
        expect(listed.stdout).toBe("node-1\nnode-2\nnode-3\n");
      }
    } finally {
      const stopped = run("sandbox", "stop");
      expect(stopped.stdout).toBe("Sandbox stopped.\n");
    }
    expect(run("sandbox", "status").stdout).toMatch(/^No sandbox is running/);
    expect(run("sandbox", "stop").status).toBe(1);
  });
});
