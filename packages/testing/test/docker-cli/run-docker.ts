import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Runs the real `docker` CLI against one endpoint, the way a person at a shell would, and keeps
// what it printed. A private DOCKER_CONFIG keeps the user's contexts, plugins and hints out.

export interface Ran {
  stdout: string;
  stderr: string;
  code: number;
}

const config = mkdtempSync(join(tmpdir(), "flotilla-docker-config-"));
const cli = process.env.FLOTILLA_DOCKER_CLI ?? "docker";

function cliEnv(dockerHost: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: process.env.HOME ?? tmpdir(),
    DOCKER_HOST: dockerHost,
    DOCKER_CONFIG: config,
    DOCKER_CLI_HINTS: "false",
  };
}

export function docker(
  dockerHost: string,
  args: readonly string[],
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, {
      env: cliEnv(dockerHost),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    // A CLI that never returns is a failure to report, not a test that hangs until CI gives up.
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? (signal === "SIGKILL" ? 137 : 128) });
    });
    // A CLI that exits before reading stdin (a usage error) must not crash the run with EPIPE.
    child.stdin.on("error", () => {});
    child.stdin.end(options.stdin ?? "");
  });
}

/** Starts a long-running command (`logs -f`, `events`), returns once `ready` matches its output. */
export function dockerUntil(
  dockerHost: string,
  args: readonly string[],
  ready: (stdout: string) => boolean,
  timeoutMs = 20_000,
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, {
      env: cliEnv(dockerHost),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGINT");
    };
    const timer = setTimeout(finish, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      if (ready(stdout)) finish();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ stdout, stderr, code: code ?? 130 }));
  });
}
