import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeSwarm } from "@flotilla/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeSwarm, runShipped } from "../e2e/harness.js";

// `flotilla ui` as installed: the built bin, against a fake swarm served on a socket, prints its
// address, serves the page there (and only there), and runs until interrupted.

let swarm: FakeSwarm;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  swarm = await fakeSwarm();
  dir = mkdtempSync(join(tmpdir(), "flotilla-ui-command-"));
  await swarm.listen({ socketPath: join(dir, "engine.sock") });
  env = { DOCKER_HOST: `unix://${join(dir, "engine.sock")}`, HOME: dir };
});

afterAll(async () => {
  await swarm?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("flotilla ui", () => {
  it("prints a tokened address on 127.0.0.1, serves the page there, and stops on Ctrl-C", {
    timeout: 30_000,
  }, async () => {
    const interrupt = new AbortController();
    let printed = "";
    let answered: { page: number; bare: number; body: string } | undefined;
    const run = runShipped(["ui"], {
      env,
      signal: interrupt.signal,
      onStdout: (text) => {
        printed += text;
        const url = printed.match(/http:\/\/127\.0\.0\.1:\d+\/[\w-]+\//)?.[0];
        if (!url || answered) return;
        answered = { page: 0, bare: 0, body: "" };
        void (async () => {
          const page = await fetch(url);
          const bare = await fetch(new URL("/", url));
          answered = { page: page.status, bare: bare.status, body: await page.text() };
          interrupt.abort();
        })();
      },
    });
    const bound = setTimeout(() => interrupt.abort(), 20_000);
    const result = await run.finally(() => clearTimeout(bound));
    expect(result.stdout).toMatch(/^flotilla ui: the swarm at http:\/\/127\.0\.0\.1:\d+\/[\w-]{43}\/\n/);
    expect(answered?.page).toBe(200);
    expect(answered?.body).toContain("assets/app.js");
    expect(answered?.bare).toBe(403);
    expect(result.code).toBe(130);
    expect(result.stderr).toBe("");
  });

  it("listens on the port asked for, and says so when it is taken", { timeout: 30_000 }, async () => {
    const { createServer } = await import("node:net");
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    const result = await runShipped(["ui", "--port", String(port)], { env });
    taken.close();
    expect(result.stderr).toBe(`flotilla: --port ${port}: that port is in use\n`);
    expect(result.code).toBe(1);
  });

  it("refuses a port that is not one", async () => {
    const result = await runShipped(["ui", "--port", "http"], { env });
    expect(result.stderr).toContain('--port: "http" is not a port number (1-65535)');
    expect(result.code).toBe(2);
  });
});
