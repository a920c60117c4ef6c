import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnixSocketTransport } from "./adapters/unix-socket.js";

// How a socket response's body reaches the caller: whole, streamed with backpressure, or dropped.
// undici hands the chunks straight to the response (no stream in between), so these check what a
// stream used to guarantee by itself.

const socketPath = join(mkdtempSync(join(tmpdir(), "flotilla-body-")), "engine.sock");
const MiB = 1024 * 1024;
let server: Server;
let connections = 0;
/** Bytes the server had handed to its socket for the last /flood, and whether it finished. */
const flood = { written: 0, finished: false };

/** Deterministic bytes, so a reordered or lost chunk shows. */
function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 10)) & 0xff;
  return bytes;
}
const big = pattern(8 * MiB);

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/flood") {
      // Writes 64 KiB at a time while the socket takes it: how far it gets shows the backpressure.
      flood.written = 0;
      flood.finished = false;
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const more = () => {
        while (flood.written < big.length) {
          const chunk = big.subarray(flood.written, flood.written + 64 * 1024);
          flood.written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", more);
        }
        flood.finished = true;
        res.end();
      };
      more();
    } else if (req.url === "/big") {
      res.end(big.subarray(0, MiB));
    } else if (req.url === "/utf8") {
      // A byte-order mark, then "é" split across two writes.
      res.write(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3]));
      setTimeout(() => res.end(Buffer.from([0xa9, 0x22, 0x7d])), 10);
    } else if (req.url === "/repeated") {
      res.setHeader("x-many", ["a", "b"]);
      res.setHeader("Api-Version", "1.41");
      res.end("OK");
    } else if (req.url === "/endless") {
      // An event stream: chunked, no length, never ends on its own.
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"Action":"create"}\n');
    } else if (req.url === "/drop") {
      res.writeHead(200);
      res.write("partial");
      setTimeout(() => req.socket.destroy(), 10);
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("socket response bodies", () => {
  it("holds back a server whose streamed body is not being read, and loses nothing", async () => {
    await using transport = new UnixSocketTransport({ socketPath });
    const response = await transport.request({ method: "GET", path: "/flood" });
    const reader = response.stream()[Symbol.asyncIterator]();
    const first = await reader.next();
    await sleep(200);
    // What we buffer (64 KiB) plus the kernel's socket buffers; not the 8 MiB the server has.
    expect(flood.finished).toBe(false);
    expect(flood.written).toBeLessThan(4 * MiB);
    const chunks = [first.value as Uint8Array];
    for (let next = await reader.next(); !next.done; next = await reader.next()) chunks.push(next.value);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
  });

  it("reads a body of many chunks whole, as bytes", async () => {
    await using transport = new UnixSocketTransport({ socketPath });
    const bytes = await (await transport.request({ method: "GET", path: "/flood" })).bytes();
    expect(Buffer.from(bytes).equals(big)).toBe(true);
  });

  it("decodes text split inside a character and drops a byte-order mark", async () => {
    await using transport = new UnixSocketTransport({ socketPath });
    expect(await (await transport.request({ method: "GET", path: "/utf8" })).json()).toEqual({ a: "é" });
  });

  it("joins repeated headers and lower-cases every name", async () => {
    await using transport = new UnixSocketTransport({ socketPath });
    const response = await transport.request({ method: "GET", path: "/repeated" });
    expect(response.headers).toMatchObject({ "x-many": "a, b", "api-version": "1.41" });
    await response.cancel();
  });

  it("ends a stream cut mid-body with ERR_CONNECTION_LOST after the bytes that arrived", async () => {
    await using transport = new UnixSocketTransport({ socketPath });
    const response = await transport.request({ method: "GET", path: "/drop" });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const chunk of response.stream()) seen.push(Buffer.from(chunk).toString());
    })().catch((e: unknown) => e);
    expect(seen.join("")).toBe("partial");
    expect(failure).toMatchObject({ code: "ERR_CONNECTION_LOST" });
  });

  it("frees the connection of a small body nobody reads", async () => {
    await using transport = new UnixSocketTransport({ socketPath, connections: 1 });
    const unread = await transport.request({ method: "GET", path: "/" });
    // With the only connection still held, this would time out at the connect stage.
    const next = await transport.request({ method: "GET", path: "/", timeout: { connect: 500 } });
    expect(await next.text()).toBe("OK");
    expect(await unread.text()).toBe("OK");
  });

  it("keeps the connection of a large body nobody reads, so the next request waits and times out", async () => {
    await using transport = new UnixSocketTransport({ socketPath, connections: 1 });
    const unread = await transport.request({ method: "GET", path: "/flood" });
    const failure = await transport
      .request({ method: "GET", path: "/", timeout: { connect: 100 } })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "ERR_TIMEOUT", stage: "connect" });
    await unread.cancel();
  });

  it("reads the rest of a short cancelled body and reuses its connection", async () => {
    await using transport = new UnixSocketTransport({ socketPath, connections: 1 });
    await (await transport.request({ method: "GET", path: "/" })).text();
    const before = connections;
    await (await transport.request({ method: "GET", path: "/" })).cancel();
    expect(await (await transport.request({ method: "GET", path: "/" })).text()).toBe("OK");
    expect(connections).toBe(before);
  });

  it("fails a whole read still waiting when the body is cancelled, instead of giving part of it", async () => {
    await using transport = new UnixSocketTransport({ socketPath, connections: 1 });
    const response = await transport.request({ method: "GET", path: "/flood" });
    const reading = response.text().catch((e: unknown) => e);
    await response.cancel();
    expect(await reading).toMatchObject({ code: "ERR_ABORTED" });
    expect(await (await transport.request({ method: "GET", path: "/" })).text()).toBe("OK");
  });

  it("cuts a long cancelled body instead of reading it, and the next request still works", async () => {
    await using transport = new UnixSocketTransport({ socketPath, connections: 1 });
    const response = await transport.request({ method: "GET", path: "/flood" });
    await response.cancel();
    expect(flood.finished).toBe(false);
    expect(await (await transport.request({ method: "GET", path: "/big" })).bytes()).toHaveLength(MiB);
  });

  it("ends a stream its reader leaves early and frees the connection", async () => {
    await using transport = new UnixSocketTransport({ socketPath, connections: 1 });
    const response = await transport.request({ method: "GET", path: "/flood" });
    for await (const _ of response.stream()) break;
    const next = await transport.request({ method: "GET", path: "/", timeout: { connect: 1_000 } });
    expect(await next.text()).toBe("OK");
  });

  it("cuts an endless stream its reader leaves, at once", async () => {
    await using transport = new UnixSocketTransport({ socketPath });
    const response = await transport.request({ method: "GET", path: "/endless" });
    for await (const chunk of response.stream()) {
      expect(Buffer.from(chunk).toString()).toContain("create");
      break;
    }
    // Read to its end instead, it would never come back.
  });

  it("cancels an endless stream nobody reads, at once", async () => {
    await using transport = new UnixSocketTransport({ socketPath });
    const response = await transport.request({ method: "GET", path: "/endless" });
    await response.cancel();
    expect(await (await transport.request({ method: "GET", path: "/" })).text()).toBe("OK");
  });
});
