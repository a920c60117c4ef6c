import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
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

/** Starts the sandbox in this process with `flags`, runs `work`, and stops it. */
async function withSandbox(
  flags: string[],
  work: (env: Record<string, string>, printed: string) => Promise<void>,
) {
  const { env } = home();
  const stop = new AbortController();
  let out = "";
  const running = flotilla(["sandbox", "--foreground", "--nodes", "1", ...flags], {
    env,
    signal: stop.signal,
    onStdout: (text) => {
      out += text;
    },
  });
  await until(() => out.includes("Stop it with Ctrl-C."));
  try {
    await work(env, out);
  } finally {
    stop.abort();
    expect((await running).code).toBe(0);
  }
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

describe("a stack on the sandbox", () => {
  it("deploys a compose file with flotilla stack deploy, which the docker CLI sees as a stack", {
    timeout: 30_000,
  }, async () => {
    const { dir } = home();
    const compose = join(dir, "compose.yml");
    writeFileSync(
      compose,
      "services:\n  web:\n    image: busybox:1.36\n    command: sleep 3600\n    deploy:\n      replicas: 2\n",
    );
    await withSandbox(["--nodes", "2"], async (env, printed) => {
      expect(printed).toContain("flotilla --context sandbox stack deploy -c compose.yml app\n");
      const sandbox = (argv: string[]) => flotilla(["--context", "sandbox", ...argv], { env });
      const deployed = await sandbox(["stack", "deploy", "-c", compose, "--resolve-image", "never", "app"]);
      expect(deployed.stdout).toBe("Creating network app_default\nCreating service app_web\n");
      expect(deployed.stderr).toContain("app_web: Service converged\n");
      expect(deployed.code).toBe(0);
      expect((await sandbox(["stack", "ls", "--format", "{{.Name}} {{.Services}}"])).stdout).toBe("app 1\n");
      const tasks = await sandbox(["stack", "ps", "app", "--format", "{{.Name}} {{.CurrentState}}"]);
      expect(tasks.stdout).toMatch(/^app_web\.1 Running .*\napp_web\.2 Running .*\n$/);
      if (hasDocker) {
        const listed = spawnSync(
          docker,
          ["--context", "sandbox", "stack", "services", "app", "--format", "{{.Name}} {{.Replicas}}"],
          {
            encoding: "utf8",
            env: { ...process.env, ...env, DOCKER_HOST: "" },
          },
        );
        expect(listed.stdout).toBe("app_web 2/2\n");
      }
      expect((await sandbox(["stack", "rm", "app"])).stdout).toBe(
        "Removing service app_web\nRemoving network app_default\n",
      );
      expect((await sandbox(["stack", "ls", "-q"])).stdout).toBe("");
    });
  });
});

describe("flotilla sandbox's swarm init flags", () => {
  const addresses = async (env: Record<string, string>) => {
    const swarm = await flotilla(["--context", "sandbox", "swarm", "inspect"], { env });
    const node = await flotilla(["--context", "sandbox", "node", "inspect", "self"], { env });
    const [{ DefaultAddrPool, SubnetSize, DataPathPort }] = JSON.parse(swarm.stdout);
    const [self] = JSON.parse(node.stdout);
    return [DefaultAddrPool, SubnetSize, DataPathPort, self.Status.Addr, self.ManagerStatus.Addr];
  };

  it("answers as a swarm `docker swarm init` made, by default", { timeout: 30_000 }, async () => {
    await withSandbox([], async (env) => {
      expect(await addresses(env)).toEqual([null, 24, 4789, "10.10.0.1", "10.10.0.1:2377"]);
    });
  });

  it("starts the swarm with the address and pool given", { timeout: 30_000 }, async () => {
    const flags = ["--advertise-addr", "127.0.0.1:4567", "--default-addr-pool", "10.20.0.0/16"];
    const more = ["--default-addr-pool-mask-length", "26", "--data-path-port", "5000"];
    await withSandbox([...flags, ...more], async (env) => {
      expect(await addresses(env)).toEqual([["10.20.0.0/16"], 26, 5000, "127.0.0.1", "127.0.0.1:4567"]);
    });
  });

  it.each([
    [["--advertise-addr", "nowhere"], "--advertise-addr: advertise address must be"],
    [["--default-addr-pool", "10.0.0.0/33"], "--default-addr-pool: invalid base pool 10.0.0.0/33"],
    [["--data-path-port", "80"], "--data-path-port: Datapath port number is not in valid range"],
  ])("refuses %j before starting, naming the flag", { timeout: 30_000 }, async (flags, message) => {
    const { dir, env } = home();
    const refused = await flotilla(["sandbox", ...flags], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(message);
    expect(existsSync(join(dir, "sb", "sandbox.pid"))).toBe(false);
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
