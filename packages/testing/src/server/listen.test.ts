import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TcpTransport, UnixSocketTransport } from "@flotilla/transport";
import { describe, expect, it } from "vitest";
import { createFakeSwarm } from "../index.js";
import { listen } from "./listen.js";

// The fake on real sockets: what every Docker client relies on before it sends a swarm call.

const dir = mkdtempSync(join(tmpdir(), "flotilla-listen-"));
const socketPath = (name: string) => join(dir, `${name}.sock`);

function get(target: { socketPath: string } | { port: number }, path: string, method = "GET") {
  return new Promise<{ res: IncomingMessage; body: string }>((resolve, reject) => {
    const req = httpRequest({ ...target, path, method }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ res, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a fake swarm served on a socket", () => {
  it("answers GET and HEAD /_ping with the engine's headers on a unix socket", async () => {
    await using swarm = await createFakeSwarm();
    const server = await swarm.listen({ socketPath: socketPath("ping") });
    expect(server.dockerHost).toBe(`unix://${socketPath("ping")}`);
    const got = await get({ socketPath: socketPath("ping") }, "/_ping");
    expect([got.res.statusCode, got.body]).toEqual([200, "OK"]);
    expect(got.res.headers).toMatchObject({
      "api-version": "1.41",
      "docker-experimental": "false",
      ostype: "linux",
      server: "Docker/20.10.24 (linux)",
      swarm: "active/manager",
    });
    // Go sends canonical header names; some clients print them as they came.
    expect(got.res.rawHeaders).toContain("Api-Version");
    const head = await get({ socketPath: socketPath("ping") }, "/v1.41/_ping", "HEAD");
    expect([head.res.statusCode, head.body, head.res.headers["api-version"]]).toEqual([200, "", "1.41"]);
  });

  it("answers an unknown endpoint with 404 and the engine's message on TCP, never hanging", async () => {
    await using swarm = await createFakeSwarm();
    const server = await swarm.listen({ port: 0, host: "127.0.0.1" });
    expect(server.dockerHost).toBe(`tcp://127.0.0.1:${server.port}`);
    for (const path of ["/v1.41/nope", "/v1.24/containers/abc/top", "/v1.56/images/abc/history"]) {
      const got = await get({ port: server.port! }, path);
      expect([got.res.statusCode, JSON.parse(got.body)]).toEqual([404, { message: "page not found" }]);
    }
    const tooNew = await get({ port: server.port! }, "/v1.57/_ping");
    expect(tooNew.res.statusCode).toBe(400);
  });

  it("never takes over a socket another server listens on, and replaces a stale one", async () => {
    await using first = await createFakeSwarm();
    const path = socketPath("taken");
    await first.listen({ socketPath: path });
    await using second = await createFakeSwarm();
    await expect(second.listen({ socketPath: path })).rejects.toMatchObject({
      code: "ERR_FAKE_LISTEN",
      message: `cannot listen: ${path} is in use by a running server`,
    });
    expect((await get({ socketPath: path }, "/_ping")).body).toBe("OK");
    const stale = socketPath("stale");
    writeFileSync(stale, "");
    await second.listen({ socketPath: stale });
    expect((await get({ socketPath: stale }, "/_ping")).body).toBe("OK");
  });

  it("carries our own transports over a unix socket and TCP", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2 });
    const unix = await swarm.listen({ socketPath: socketPath("transport") });
    const tcp = await swarm.listen({ port: 0 });
    await using overUnix = new UnixSocketTransport({ socketPath: unix.dockerHost.slice("unix://".length) });
    await using overTcp = new TcpTransport({ host: "127.0.0.1", port: tcp.port! });
    for (const transport of [overUnix, overTcp]) {
      const nodes = await transport.request({
        method: "GET",
        path: "/nodes",
        query: { filters: { role: ["manager"] } },
      });
      expect((await nodes.json<unknown[]>()).length).toBe(1);
    }
  });

  it("cancels a streamed body and aborts the request when the client goes away", async () => {
    let cancelled!: () => void;
    const gone = new Promise<void>((resolve) => {
      cancelled = resolve;
    });
    let aborted: AbortSignal | undefined;
    const server = await listen(
      async (request) => {
        aborted = request.signal;
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => controller.enqueue(new TextEncoder().encode("first\n")),
          cancel: () => cancelled(),
        });
        return new Response(body);
      },
      { socketPath: socketPath("cancel") },
    );
    await new Promise<void>((resolve) => {
      const req = httpRequest({ socketPath: socketPath("cancel"), path: "/events" }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    await gone;
    expect(aborted?.aborted).toBe(true);
    await server.close();
    expect(existsSync(socketPath("cancel"))).toBe(false);
  });

  it("ends open streams when it is closed, so `docker events` never holds it up", async () => {
    const swarm = await createFakeSwarm();
    const server = await swarm.listen({ socketPath: socketPath("events") });
    const ended = new Promise<number | undefined>((resolve) => {
      httpRequest({ socketPath: socketPath("events"), path: "/events" }, (res) => {
        res.resume();
        res.on("close", () => resolve(res.statusCode));
      }).end();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.close();
    expect(await ended).toBe(200);
    await swarm.close();
  });

  it.skipIf(!hasOpenssl())("serves over TLS", async () => {
    const tls = selfSigned();
    await using swarm = await createFakeSwarm();
    const server = await swarm.listen({ port: 0, tls: { key: tls.key, cert: tls.cert } });
    expect(server.tls).toBe(true);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      httpsRequest({ host: "127.0.0.1", port: server.port, path: "/_ping", ca: tls.cert }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(200);
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function selfSigned(): { key: string; cert: string } {
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
}
