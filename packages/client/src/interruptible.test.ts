import { MemoryTransport } from "@flotilla/transport";
import { describe, expect, it } from "vitest";
import { Client } from "./client.js";

// A client given a signal gives up on whatever is in flight when it fires: the request itself
// (its signal reaches the transport) and the version negotiation before it.

/** An engine that takes every request and never answers; it says which requests were dropped. */
function silentEngine() {
  const dropped: string[] = [];
  const transport = new MemoryTransport(
    (request) =>
      new Promise<Response>((_, reject) => {
        request.signal.addEventListener("abort", () => {
          dropped.push(`${request.method} ${new URL(request.url).pathname}`);
          reject(request.signal.reason);
        });
      }),
  );
  return { transport, dropped };
}

async function abortedAfter(ms: number, call: (signal: AbortSignal) => Promise<unknown>) {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("Ctrl-C")), ms);
  const started = Date.now();
  const error = await call(controller.signal).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error: error as { code?: string } | undefined, took: Date.now() - started };
}

describe("a client with a signal", () => {
  it("drops a request in flight when the signal fires, down to the transport", async () => {
    const { transport, dropped } = silentEngine();
    const { error, took } = await abortedAfter(50, (signal) =>
      new Client({ transport, apiVersion: "1.41", registryAuth: false, signal }).services.list(),
    );
    expect(error?.code).toBe("ERR_ABORTED");
    expect(took).toBeLessThan(1000);
    expect(dropped).toEqual(["GET /v1.41/services"]);
  });

  it("gives up on the version negotiation before it, which no single caller's signal owns", async () => {
    const { transport } = silentEngine();
    const { error, took } = await abortedAfter(50, (signal) =>
      new Client({ transport, registryAuth: false, signal }).services.list(),
    );
    expect(error?.code).toBe("ERR_ABORTED");
    expect(took).toBeLessThan(1000);
  });

  it("sends nothing once the signal has fired", async () => {
    const { transport, dropped } = silentEngine();
    const signal = AbortSignal.abort(new Error("Ctrl-C"));
    const client = new Client({ transport, apiVersion: "1.41", registryAuth: false, signal });
    await expect(client.nodes.list()).rejects.toMatchObject({ code: "ERR_ABORTED" });
    expect(dropped).toEqual([]);
  });
});
