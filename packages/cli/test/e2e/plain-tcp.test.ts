import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeSwarm, flotilla } from "./harness.js";

// An engine on plain TCP (dockerd -H tcp://0.0.0.0:2375 without --tlsverify): refused before any
// connection unless --allow-plain-tcp or FLOTILLA_ALLOW_PLAIN_TCP=1 asks for it, with a warning
// that says what it risks. The fake swarm served on 127.0.0.1 plays that engine.

const swarm = await fakeSwarm();
const server = await swarm.listen({ host: "127.0.0.1", port: 0 });
const host = `tcp://127.0.0.1:${server.port}`;
const config = mkdtempSync(join(tmpdir(), "flotilla-plain-tcp-"));
const base = { DOCKER_CONFIG: config, HOME: config };

// A listener that only counts connections, to show a refusal connects to nothing.
let connections = 0;
const counter = createServer((socket) => {
  connections++;
  socket.destroy();
});
let counted: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => counter.listen(0, "127.0.0.1", resolve));
  const address = counter.address();
  counted = `tcp://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  counter.close();
  await swarm.close();
});

const NODES = "node-1\nnode-2\nnode-3\n";
const risk = (allowedBy: string) =>
  new RegExp(
    `^flotilla: warning: tcp://127\\.0\\.0\\.1:\\d+ is plain TCP \\(${allowedBy}\\): .*unencrypted.*not verified.*root on its host`,
  );

describe("a tcp:// engine without TLS", () => {
  it("is refused, naming --allow-plain-tcp and FLOTILLA_ALLOW_PLAIN_TCP, before connecting", async () => {
    const created = await flotilla(["context", "create", "plain", "--docker", `host=${counted}`], {
      env: base,
    });
    expect(created.code).toBe(0);
    const cases = [
      { argv: ["node", "ls"], env: { ...base, DOCKER_HOST: counted }, from: "DOCKER_HOST" },
      { argv: ["-H", counted, "node", "ls"], env: base, from: "-H" },
      { argv: ["--context", "plain", "service", "ls"], env: base, from: 'context "plain"' },
    ];
    for (const { argv, env, from } of cases) {
      const result = await flotilla(argv, { env });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(
        /^flotilla: tcp:\/\/127\.0\.0\.1:\d+ \(from (.*?)\) is plain TCP: no TLS/,
      );
      expect(result.stderr).toContain(`(from ${from})`);
      expect(result.stderr).toContain("pass --allow-plain-tcp (or set FLOTILLA_ALLOW_PLAIN_TCP=1)\n");
      expect(result.stderr).not.toContain("allowPlainTcp");
    }
    expect(connections).toBe(0);
  });

  it("is used with --allow-plain-tcp, with a warning on stderr that says the risk", async () => {
    const result = await flotilla(["--allow-plain-tcp", "node", "ls", "--format", "{{.Hostname}}"], {
      env: { ...base, DOCKER_HOST: host },
    });
    expect(result).toMatchObject({ code: 0, stdout: NODES });
    expect(result.stderr).toMatch(risk("--allow-plain-tcp"));
  });

  it("is used with FLOTILLA_ALLOW_PLAIN_TCP=1 (or true), with the same warning", async () => {
    for (const value of ["1", "true"]) {
      const result = await flotilla(["-H", host, "node", "ls", "--format", "{{.Hostname}}"], {
        env: { ...base, FLOTILLA_ALLOW_PLAIN_TCP: value },
      });
      expect(result).toMatchObject({ code: 0, stdout: NODES });
      expect(result.stderr).toMatch(risk(`FLOTILLA_ALLOW_PLAIN_TCP=${value}`));
    }
  });

  it("stays refused with FLOTILLA_ALLOW_PLAIN_TCP=0, and a value that is not a yes or no is refused by name", async () => {
    const off = await flotilla(["-H", host, "node", "ls"], {
      env: { ...base, FLOTILLA_ALLOW_PLAIN_TCP: "0" },
    });
    expect(off.code).toBe(2);
    expect(off.stderr).toContain("--allow-plain-tcp");
    const bad = await flotilla(["-H", host, "node", "ls"], {
      env: { ...base, FLOTILLA_ALLOW_PLAIN_TCP: "yes please" },
    });
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'flotilla: FLOTILLA_ALLOW_PLAIN_TCP: "yes please" is not 1, true, 0 or false\n',
    });
  });

  it("is listed in --help", async () => {
    const help = await flotilla(["--help"], { env: base });
    expect(help.stdout).toMatch(/--allow-plain-tcp +allow a tcp:\/\/ engine without TLS/);
  });
});
