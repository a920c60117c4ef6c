import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryTransport } from "./adapters/memory.js";
import { UnixSocketTransport } from "./adapters/unix-socket.js";
import { ConnectionError, NotFoundError, NotSwarmManagerError } from "./errors.js";
import { FailoverTransport, NoEndpointAnsweredError, UncertainWriteError } from "./failover-transport.js";
import type { Transport } from "./transport.js";

// Managers are memory transports whose handler answers with its name, or fails the way a dead
// engine's socket does; one test uses real unix sockets, a missing one and one cut mid-request.

const WORKER =
  "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";

type Behaviour = "answer" | "refused" | "unreachable" | "lost" | "worker" | "not-found";

function manager(name: string, behaviour: () => Behaviour, seen: string[]): Transport {
  const transport = new MemoryTransport(async (request) => {
    const what = `${name} ${request.method} ${new URL(request.url).pathname}`;
    switch (behaviour()) {
      case "refused":
        throw new ConnectionError("ERR_CONNECTION_REFUSED", {
          endpoint: name,
          problem: "connection refused",
          hint: "-",
        });
      case "unreachable":
        throw new ConnectionError(
          "ERR_CONNECTION",
          { endpoint: name, problem: "cannot connect (EHOSTUNREACH)", hint: "-" },
          { cause: Object.assign(new Error("connect EHOSTUNREACH"), { code: "EHOSTUNREACH" }) },
        );
      case "lost":
        seen.push(what);
        throw new ConnectionError("ERR_CONNECTION_LOST", { endpoint: name, problem: "closed", hint: "-" });
      case "worker":
        seen.push(what);
        return Response.json({ message: WORKER }, { status: 503 });
      case "not-found":
        seen.push(what);
        return Response.json({ message: "service x not found" }, { status: 404 });
      case "answer":
        seen.push(what);
        return Response.json({ from: name });
    }
  });
  Object.defineProperty(transport, "endpoint", { value: `memory://${name}` });
  return transport;
}

function swarm(
  behaviours: Record<string, Behaviour>,
  options?: ConstructorParameters<typeof FailoverTransport>[1],
) {
  const seen: string[] = [];
  const state = { ...behaviours };
  const transports = Object.keys(state).map((name) => manager(name, () => state[name]!, seen));
  return { failover: new FailoverTransport(transports, options), state, seen };
}

async function from(transport: Transport, method = "GET", path = "/services"): Promise<string> {
  const response = await transport.request({ method, path, body: method === "POST" ? {} : undefined });
  return ((await response.json()) as { from: string }).from;
}

describe("FailoverTransport", () => {
  it("moves a read to the next manager when the one in use refuses, and stays there", async () => {
    const { failover, state, seen } = swarm({ a: "answer", b: "answer", c: "answer" });
    expect(await from(failover)).toBe("a");
    state.a = "refused";
    expect(await from(failover)).toBe("b");
    expect(failover.endpoint).toBe("memory://b");
    state.a = "answer";
    expect(await from(failover)).toBe("b");
    expect(seen).toEqual(["a GET /services", "b GET /services", "b GET /services"]);
  });

  it("repeats a read whose connection was lost mid-request on the next manager", async () => {
    const { failover, state } = swarm({ a: "lost", b: "answer" });
    expect(await from(failover)).toBe("b");
    state.b = "lost";
    state.a = "answer";
    expect(await from(failover)).toBe("a");
  });

  it("moves a write on freely when the manager refused the connection (nothing was sent)", async () => {
    const { failover } = swarm({ a: "refused", b: "answer" });
    expect(await from(failover, "POST", "/services/create")).toBe("b");
    const { failover: far } = swarm({ a: "unreachable", b: "answer" });
    expect(await from(far, "POST", "/services/create")).toBe("b");
  });

  it("fails a write that may have reached a manager with UncertainWriteError, then uses the next", async () => {
    const { failover, seen } = swarm({ a: "lost", b: "answer" });
    const failure = await failover
      .request({ method: "POST", path: "/services/x/update", body: {} })
      .catch((e) => e);
    expect(failure).toBeInstanceOf(UncertainWriteError);
    expect(failure).toMatchObject({
      code: "ERR_WRITE_UNCERTAIN",
      endpoint: "memory://a",
      next: "memory://b",
      method: "POST",
      path: "/services/x/update",
    });
    expect(failure.message).toMatch(/may or may not have been applied/);
    expect(failure.cause).toBeInstanceOf(ConnectionError);
    // Not repeated anywhere; the next request goes to b.
    expect(seen).toEqual(["a POST /services/x/update"]);
    expect(await from(failover, "POST", "/services/x/update")).toBe("b");
  });

  it("repeats a lost write on the next manager when the caller allows it", async () => {
    const { failover } = swarm(
      { a: "lost", b: "answer" },
      { retryWrites: (request) => request.path.endsWith("/update") },
    );
    expect(await from(failover, "POST", "/services/x/update")).toBe("b");
    const { failover: strict } = swarm(
      { a: "lost", b: "answer" },
      { retryWrites: (request) => request.path.endsWith("/update") },
    );
    await expect(from(strict, "DELETE", "/services/x")).rejects.toBeInstanceOf(UncertainWriteError);
  });

  it("never repeats a write whose streamed body was already read", async () => {
    const { failover } = swarm({ a: "lost", b: "answer" }, { retryWrites: () => true });
    async function* body() {
      yield new TextEncoder().encode("{}");
    }
    await expect(failover.request({ method: "POST", path: "/build", body: body() })).rejects.toBeInstanceOf(
      UncertainWriteError,
    );
  });

  it("passes a worker's 503 by (it did nothing), writes included", async () => {
    const { failover } = swarm({ w: "worker", a: "answer" });
    expect(await from(failover, "POST", "/services/create")).toBe("a");
  });

  it("gives the engine's answer as it is when every node is a worker", async () => {
    const { failover } = swarm({ w1: "worker", w2: "worker" });
    await expect(from(failover)).rejects.toBeInstanceOf(NotSwarmManagerError);
  });

  it("does not move on for the engine's own answers, such as 404", async () => {
    const { failover, seen } = swarm({ a: "not-found", b: "answer" });
    await expect(from(failover)).rejects.toBeInstanceOf(NotFoundError);
    expect(seen).toEqual(["a GET /services"]);
  });

  it("names every manager and its failure when none answers", async () => {
    const { failover } = swarm({ a: "refused", b: "lost" });
    const failure = await from(failover).catch((e) => e);
    expect(failure).toBeInstanceOf(NoEndpointAnsweredError);
    expect(failure.code).toBe("ERR_NO_ENDPOINT");
    expect(failure.failures.map((f: { endpoint: string }) => f.endpoint)).toEqual([
      "memory://a",
      "memory://b",
    ]);
    expect(failure.message).toMatch(/memory:\/\/a: .*connection refused.*memory:\/\/b: /);
  });

  it("refuses work after close and closes every transport", async () => {
    const { failover } = swarm({ a: "answer", b: "answer" });
    await failover.close();
    await expect(from(failover)).rejects.toMatchObject({ code: "ERR_TRANSPORT_CLOSED" });
    for (const t of failover.transports)
      await expect(from(t)).rejects.toMatchObject({ code: "ERR_TRANSPORT_CLOSED" });
  });
});

describe("FailoverTransport over unix sockets", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  it("skips a missing socket, and reports a write cut mid-request as uncertain", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flotilla-failover-"));
    const live = join(dir, "live.sock");
    server = createServer((request, response) => {
      // The engine dies while handling a write: the connection closes with no answer.
      if (request.method === "POST") return request.socket.destroy();
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ from: "live" }));
    });
    await new Promise<void>((resolve) => server!.listen(live, resolve));
    await using failover = new FailoverTransport([
      new UnixSocketTransport({ socketPath: join(dir, "gone.sock") }),
      new UnixSocketTransport({ socketPath: live }),
    ]);
    expect(await from(failover)).toBe("live");
    expect(failover.endpoint).toBe(`unix://${live}`);
    const failure = await from(failover, "POST", "/services/create").catch((e) => e);
    // One endpoint left to try after the live one: the missing socket, so the write is not
    // repeated there either; what the caller learns is that the live one may have applied it.
    expect(failure).toBeInstanceOf(UncertainWriteError);
    expect(failure.cause).toMatchObject({ code: "ERR_CONNECTION_LOST" });
  });
});
