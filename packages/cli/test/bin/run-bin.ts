import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// Runs the built `flotilla` (dist/bin.cjs, what `npm i -g` installs) as a user would: its own
// process, against DOCKER_HOST, with a home and docker config of its own so nothing of this
// machine's user (contexts, credentials) comes into it.

/** FLOTILLA_BIN runs the same tests on another build (an installed copy, an older one). */
export const BIN = process.env.FLOTILLA_BIN ?? fileURLToPath(new URL("../../dist/bin.cjs", import.meta.url));

export interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Fails, naming what to do, when the bin has not been built: these tests are about what ships. */
export function requireBuiltBin(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm build\` first`);
}

export function startBin(args: readonly string[], dockerHost: string): ChildProcess {
  const home = mkdtempSync(join(tmpdir(), "flotilla-bin-home-"));
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      DOCKER_CONFIG: join(home, ".docker"),
      DOCKER_HOST: dockerHost,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.on("close", () => rmSync(home, { recursive: true, force: true }));
  return child;
}

/** Output and how the process ended; it is killed if still running after `timeoutMs`. */
export function finished(child: ChildProcess, timeoutMs = 15_000): Promise<BinResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve) => {
    const bound = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(bound);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function runBin(args: readonly string[], dockerHost: string): Promise<BinResult> {
  return finished(startBin(args, dockerHost));
}
