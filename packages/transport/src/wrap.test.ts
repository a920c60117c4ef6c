import { describe, expect, it } from "vitest";
import { MemoryTransport } from "./adapters/memory.js";
import { ConnectionError } from "./errors.js";
import { stackTransports } from "./stack-transports.js";
import type { Transport } from "./transport.js";
import { isVersionedTransport, withApiVersion } from "./versioned-transport.js";
import { composeTransport, type TransportWrapper, wrapTransport } from "./wrap.js";

/** An engine on API 1.41 that answers with the path it was asked for, or is down. */
function engine(name: string, down = false): Transport {
  const transport = new MemoryTransport((request) => {
    if (down) {
      throw new ConnectionError("ERR_CONNECTION_REFUSED", { endpoint: name, problem: "refused", hint: "-" });
    }
    const path = new URL(request.url).pathname;
    return new Response(path === "/_ping" ? "OK" : JSON.stringify({ name, path }), {
      headers: { "api-version": "1.41" },
    });
  });
  Object.defineProperty(transport, "endpoint", { value: `memory://${name}` });
  return transport;
}

/** A wrapper that records, under `label`, each path it is asked for. */
function recording(label: string, seen: string[]): TransportWrapper {
  return (transport) =>
    wrapTransport(transport, (request, inner) => {
      seen.push(`${label} ${request.path}`);
      return inner.request(request);
    });
}

describe("wrapTransport", () => {
  it("forwards the endpoint, close and dispose to the transport it wraps", async () => {
    let closed = 0;
    const inner = engine("a");
    const close = inner.close.bind(inner);
    inner.close = () => {
      closed++;
      return close();
    };
    const wrapped = wrapTransport(inner, (request, next) => next.request(request));
    expect(wrapped.endpoint).toBe("memory://a");
    await wrapped.close();
    await wrapped[Symbol.asyncDispose]();
    expect(closed).toBe(2);
  });

  it("composes wrappers with the first innermost", async () => {
    const seen: string[] = [];
    const transport = composeTransport(engine("a"), [recording("inner", seen), recording("outer", seen)]);
    await (await transport.request({ method: "GET", path: "/info" })).cancel();
    expect(seen).toEqual(["outer /info", "inner /info"]);
  });
});

describe("stackTransports", () => {
  it("puts failover under the caller's wrappers and version negotiation outermost", async () => {
    const seen: string[] = [];
    const transport = stackTransports([engine("dead", true), engine("alive")], {
      wrappers: [recording("log", seen)],
      apiVersion: { env: {} },
    });
    const answer = await (await transport.request({ method: "GET", path: "/services" })).json();
    // The log sees the negotiation's ping and the versioned path once each, whichever manager
    // failover chose beneath it.
    expect(seen).toEqual(["log /_ping", "log /v1.41/services"]);
    expect(answer).toEqual({ name: "alive", path: "/v1.41/services" });
    expect(transport.endpoint).toBe("memory://alive");
    expect(isVersionedTransport(transport)).toBe(true);
  });

  it("leaves version paths out when asked to", async () => {
    const transport = stackTransports([engine("a")], { apiVersion: false });
    expect(isVersionedTransport(transport)).toBe(false);
    expect(await (await transport.request({ method: "GET", path: "/info" })).json()).toEqual({
      name: "a",
      path: "/info",
    });
  });

  it("refuses an empty list of endpoints with a message", () => {
    expect(() => stackTransports([])).toThrow(/no endpoint/);
  });
});

describe("isVersionedTransport", () => {
  it("knows a versioned transport by its brand, so a second copy of the package is recognised", () => {
    expect(isVersionedTransport(withApiVersion(engine("a"), { env: {} }))).toBe(true);
    expect(isVersionedTransport(engine("a"))).toBe(false);
    // What a VersionedTransport from another installed copy carries: the same Symbol.for brand.
    const foreign = Object.assign(engine("b"), { [Symbol.for("flotilla.transport.versioned")]: true });
    expect(isVersionedTransport(foreign)).toBe(true);
  });
});
