import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryTransport } from "./adapters/memory.js";
import { UnixSocketTransport } from "./adapters/unix-socket.js";
import { SocketTransport } from "./socket-transport.js";
import type { Transport } from "./transport.js";

// Behaviour no engine can be asked to show on demand: dropped connections, silent servers.

const socketPath = join(mkdtempSync(join(tmpdir(), "flotilla-sock-")), "engine.sock");
let server: Server;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/drop") {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"partial":');
      setImmediate(() => req.socket.destroy());
    } else if (req.url === "/silent") {
      // Never answers: the headers timeout has to end this.
    } else if (req.url === "/auth") {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "unauthorized" }));
    } else {
      res.end("OK");
    }
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function codeOf(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => "resolved",
    (error: { code?: string }) => error.code,
  );
}

describe("SocketTransport over a local server", () => {
  it("keeps connections alive across sequential requests", async () => {
    await using transport = new UnixSocketTransport({ socketPath });
    const before = connections;
    for (let i = 0; i < 50; i++)
      expect(await (await transport.request({ method: "GET", path: "/" })).text()).toBe("OK");
    // undici may open a second socket while the first is still settling; never one per request.
    expect(connections - before).toBeLessThanOrEqual(2);
  });

  it("ends a body cut mid-stream with ERR_CONNECTION_LOST", async () => {
    await using transport = new UnixSocketTransport({ socketPath });
    const response = await transport.request({ method: "GET", path: "/drop" });
    expect(await codeOf(response.text())).toBe("ERR_CONNECTION_LOST");
  });

  it("times out a server that never answers, at the headers stage", async () => {
    await using transport = new UnixSocketTransport({ socketPath, timeout: { headers: 200 } });
    const failure = await transport.request({ method: "GET", path: "/silent" }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "ERR_TIMEOUT", stage: "headers" });
  });

  it("times out a connection that never opens, at the connect stage", async () => {
    await using transport = new SocketTransport({
      endpoint: "test://never",
      openSocket: () => new Promise<Duplex>(() => {}),
    });
    const failure = await transport
      .request({ method: "GET", path: "/", timeout: { connect: 100 } })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "ERR_TIMEOUT", stage: "connect" });
  });

  it("keeps registry credentials out of the errors it throws", async () => {
    const secret = "eyJwYXNzd29yZCI6Imh1bnRlcjIifQ==";
    for (const transport of [new UnixSocketTransport({ socketPath }), memoryAnswering401()] as Transport[]) {
      await using t = transport;
      const failure = await t
        .request({
          method: "POST",
          path: "/auth",
          headers: { "X-Registry-Auth": secret },
          body: { password: "hunter2" },
        })
        .catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: "ERR_API", status: 401 });
      expect(inspect(failure, { depth: 10, showHidden: true })).not.toMatch(/eyJwYXNz|hunter2/);
    }
  });
});

describe("SocketTransport with every connection busy", () => {
  // One connection, held by a request the server never answers: the next request must wait for
  // a connection, and that wait must still end on abort or at the connect limit.
  async function busyTransport() {
    const transport = new UnixSocketTransport({ socketPath, connections: 1 });
    const holder = new AbortController();
    const held = transport.request({ method: "GET", path: "/silent", signal: holder.signal });
    held.catch(() => {});
    // The first request has the socket once another can be served nowhere else.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return {
      transport,
      [Symbol.asyncDispose]: async () => {
        holder.abort();
        await transport.close();
      },
    };
  }

  it("aborts a request waiting for a connection, at once", async () => {
    await using busy = await busyTransport();
    const controller = new AbortController();
    const waiting = busy.transport.request({ method: "GET", path: "/", signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user pressed ctrl-c")), 50);
    // Not answered at once, it would wait out the holder's 2-minute headers limit (and this test's).
    expect(await codeOf(waiting)).toBe("ERR_ABORTED");
  });

  it("times out a request waiting for a connection, at the connect stage", async () => {
    await using busy = await busyTransport();
    const failure = await busy.transport
      .request({ method: "GET", path: "/", timeout: { connect: 100 } })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "ERR_TIMEOUT", stage: "connect", ms: 100 });
  });

  it("keeps counting busy connections right after requests end, fail and are given up", async () => {
    await using transport = new UnixSocketTransport({ socketPath, connections: 1 });
    for (let i = 0; i < 10; i++) {
      expect(await (await transport.request({ method: "GET", path: "/" })).text()).toBe("OK");
      await (await transport.request({ method: "GET", path: "/" })).cancel();
      await codeOf(transport.request({ method: "GET", path: "/drop" }).then((r) => r.text()));
      await codeOf(transport.request({ method: "GET", path: "/", signal: AbortSignal.abort() }));
      await codeOf(transport.request({ method: "GET", path: "/auth" }));
    }
    // Had any of those leaked or double-counted, this request would not be seen as waiting, and
    // would hang behind the silent one instead of timing out at the connect stage.
    const holder = new AbortController();
    transport.request({ method: "GET", path: "/silent", signal: holder.signal }).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    const failure = await transport
      .request({ method: "GET", path: "/", timeout: { connect: 100 } })
      .catch((e: unknown) => e);
    holder.abort();
    expect(failure).toMatchObject({ code: "ERR_TIMEOUT", stage: "connect" });
  });

  it("serves a waiting request once the busy connection is free", async () => {
    await using transport = new UnixSocketTransport({ socketPath, connections: 1 });
    const first = await transport.request({ method: "GET", path: "/" });
    // The first body is unread, so its connection is still taken.
    const second = transport.request({ method: "GET", path: "/", timeout: { connect: 5_000 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await first.text()).toBe("OK");
    expect(await (await second).text()).toBe("OK");
  });
});

function memoryAnswering401(): MemoryTransport {
  return new MemoryTransport(
    () => new Response(JSON.stringify({ message: "unauthorized" }), { status: 401 }),
  );
}

describe("MemoryTransport edge cases", () => {
  it("reports a body stream that errors as ERR_CONNECTION_LOST", async () => {
    await using transport = new MemoryTransport(() => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("{"));
          controller.error(new TypeError("handler bug"));
        },
      });
      return new Response(body);
    });
    const response = await transport.request({ method: "GET", path: "/x" });
    expect(await codeOf(response.text())).toBe("ERR_CONNECTION_LOST");
  });

  it("times out a handler that never answers and tells it through request.signal", async () => {
    let aborted: unknown;
    await using transport = new MemoryTransport(
      (request) =>
        new Promise<Response>(() => {
          request.signal.addEventListener("abort", () => {
            aborted = request.signal.reason;
          });
        }),
    );
    const failure = await transport
      .request({ method: "GET", path: "/x", timeout: { headers: 50 } })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "ERR_TIMEOUT", stage: "headers" });
    expect(aborted).toBe(failure);
  });

  it("streams a request body to the handler", async () => {
    await using transport = new MemoryTransport(async (request) => new Response(await request.text()));
    async function* parts() {
      yield new TextEncoder().encode("tar ");
      yield new TextEncoder().encode("bytes");
    }
    const response = await transport.request({ method: "POST", path: "/build", body: parts() });
    expect(await response.text()).toBe("tar bytes");
  });
});
