import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFakeSwarm } from "../index.js";
import { HEADER_LIMIT } from "./bounds.js";

// The served fake's bounds on one connection, as Docker 20.10 has them (see bounds.ts for what
// was measured on the engine): how large a head it reads, how long it waits for one, and that
// neither bound touches an answer that streams.

const dir = mkdtempSync(join(tmpdir(), "flotilla-bounds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Go's page for a head past its limit, byte for byte as Docker 20.10.24 sends it. */
const GO_431 =
  "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large";

interface Exchange {
  /** Everything the server sent before it closed the connection. */
  received: string;
  /** Milliseconds from connecting to the server closing. */
  closedAfter: number;
}

/** Writes `bytes` on a fresh connection and reads until the server closes it (or `giveUp` ms). */
function exchange(socketPath: string, bytes: string | undefined, giveUp = 10_000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let received = "";
    const socket = connect(socketPath, () => {
      if (bytes !== undefined) socket.write(bytes);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`the server kept the connection open past ${giveUp} ms; got ${received.slice(0, 200)}`),
      );
    }, giveUp);
    socket.on("data", (data) => {
      received += data.toString("latin1");
    });
    // The server may reset a connection whose request it did not read whole: what came first counts.
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ received, closedAfter: performance.now() - started });
    });
  });
}

/** A `GET /_ping` whose head (request line, headers, blank line) is exactly `size` bytes. */
function pingOfSize(size: number): string {
  const start = "GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\nX-Padding: ";
  return `${start}${"a".repeat(size - start.length - 4)}\r\n\r\n`;
}

describe("the served fake's bound on a request's head", () => {
  it("reads a head up to Go's 1 MiB + 4096 bytes and answers one byte more with Go's 431", async () => {
    await using swarm = await createFakeSwarm();
    const socketPath = join(dir, "head.sock");
    await swarm.listen({ socketPath });
    expect(HEADER_LIMIT).toBe(1_052_672);
    const atLimit = await exchange(socketPath, pingOfSize(HEADER_LIMIT));
    expect(atLimit.received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(await exchange(socketPath, pingOfSize(HEADER_LIMIT + 1))).toMatchObject({ received: GO_431 });
    // Far past the limit node:http refuses it itself; the answer is still Go's.
    expect(await exchange(socketPath, pingOfSize(4 * HEADER_LIMIT))).toMatchObject({ received: GO_431 });
    // Many small headers count as one large one.
    const many = Array.from({ length: 30_000 }, (_, i) => `X-${i}: ${"v".repeat(40)}\r\n`).join("");
    const manyHeaders = await exchange(socketPath, `GET /_ping HTTP/1.1\r\nHost: d\r\n${many}\r\n`);
    expect(manyHeaders.received).toBe(GO_431);
    // Bytes that are no HTTP get Go's plain 400, never node's page.
    expect((await exchange(socketPath, "HELLO\r\n\r\n")).received).toBe(
      "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request",
    );
    // And the fake still answers.
    expect((await exchange(socketPath, pingOfSize(200))).received).toMatch(/^HTTP\/1\.1 200 OK/);
  });
});

describe("the served fake's timeouts", () => {
  // dockerd's are 5 minutes; the same bounds, made short, are what is tested here.
  const headerTimeout = 300;
  const requestTimeout = 600;

  it("closes, without an answer, a connection slow to send its head or its body, or idle after a request", async () => {
    await using swarm = await createFakeSwarm();
    const socketPath = join(dir, "slow.sock");
    await swarm.listen({ socketPath, bounds: { headerTimeout, requestTimeout } });
    const [silent, slowHead, slowBody, idle] = await Promise.all([
      exchange(socketPath, undefined),
      exchange(socketPath, "GET /_ping HTTP/1.1\r\nHost: d\r\n"),
      exchange(
        socketPath,
        'POST /v1.41/services/create HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"Name":',
      ),
      exchange(socketPath, "GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n"),
    ]);
    for (const closed of [silent, slowHead, slowBody]) expect(closed.received).toBe("");
    // Closed once the bound has passed, and not long after (node:http looks each tenth of it).
    for (const [closed, bound] of [
      [silent, headerTimeout],
      [slowHead, headerTimeout],
      [slowBody, requestTimeout],
    ] as const) {
      expect(closed.closedAfter).toBeGreaterThanOrEqual(bound - 5);
      expect(closed.closedAfter).toBeLessThan(bound + 5_000);
    }
    // The kept-alive connection got its answer, then was closed once idle past the bound.
    expect(idle.received).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\n2\r\nOK\r\n0\r\n\r\n$/);
    expect(idle.closedAfter).toBeGreaterThanOrEqual(headerTimeout - 5);
  });

  it("keeps an /events stream open for as long as its client reads, well past both bounds", async () => {
    await using swarm = await createFakeSwarm({ clock: "real" });
    const socketPath = join(dir, "stream.sock");
    await swarm.listen({ socketPath, bounds: { headerTimeout, requestTimeout } });
    const socket = connect(socketPath, () => socket.write("GET /v1.41/events HTTP/1.1\r\nHost: d\r\n\r\n"));
    let received = "";
    let closed = false;
    socket.on("data", (data) => {
      received += data;
    });
    socket.on("close", () => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 4 * requestTimeout));
    expect(closed).toBe(false);
    // An event sent long after the bounds still arrives on the stream.
    const created = await swarm.handle(
      new Request("http://fake/v1.41/configs/create", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ Name: "bounds-late", Data: Buffer.from("x").toString("base64") }),
      }),
    );
    expect(created.status).toBe(201);
    await expect.poll(() => received, { timeout: 5_000 }).toContain('"Action":"create"');
    socket.destroy();
  });
});
