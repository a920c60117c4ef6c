import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finished, requireBuiltBin, startBin } from "./run-bin.js";

// One Ctrl-C (SIGINT) or SIGTERM stops the built `flotilla` at once, even with a request in
// flight to an engine that never answers: the signal reaches the transport through the client,
// the exchange is dropped and the run exits 130 or 143, well within a second, instead of waiting
// for the request's own timeout (two minutes).

const IMAGE = "flotilla-test/busybox:latest";

describe("the built flotilla on SIGINT and SIGTERM", () => {
  let dir: string;
  let server: Server;
  const connections: Socket[] = [];
  let connected: (() => void) | undefined;

  beforeAll(async () => {
    requireBuiltBin();
    dir = mkdtempSync(join(tmpdir(), "flotilla-silent-"));
    // An engine that accepts and reads, and never says a word.
    server = createServer((socket) => {
      connections.push(socket);
      socket.resume();
      connected?.();
    });
    await new Promise<void>((resolve) => server.listen(join(dir, "engine.sock"), resolve));
  });
  afterAll(async () => {
    for (const socket of connections) socket.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ["SIGINT", 130, ["service", "ls"]],
    ["SIGTERM", 143, ["service", "ls"]],
    // Version pinned: what hangs is the write itself, not the negotiation before it.
    ["SIGINT", 130, ["--api-version", "1.41", "service", "create", "web", IMAGE]],
    ["SIGTERM", 143, ["--api-version", "1.41", "service", "update", "web", "--env-add", "A=1"]],
  ] as const)("%s exits %i within a second: %j", async (signal, code, args) => {
    const reached = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const child = startBin(args, `unix://${join(dir, "engine.sock")}`);
    const result = finished(child, 10_000);
    await reached;
    // Let the request be written and waited on, as a user would wait before pressing Ctrl-C.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sent = Date.now();
    child.kill(signal);
    const { code: exited, stderr } = await result;
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(exited).toBe(code);
    expect(stderr).not.toContain("    at ");
  });
});
