import { describe, expect, it } from "vitest";
import { MemoryTransport } from "./adapters/memory.js";
import { withApiVersion } from "./versioned-transport.js";

/** An engine that reports `version` on /_ping and echoes the path it was asked for. */
function engineAt(version: string | null, seen: string[] = []) {
  return new MemoryTransport((request) => {
    const path = new URL(request.url).pathname;
    seen.push(path);
    const headers: Record<string, string> = version ? { "api-version": version } : {};
    return new Response(path === "/_ping" ? "OK" : JSON.stringify({ path }), { headers });
  });
}

describe("withApiVersion", () => {
  it("uses the engine's version when it is older than ours", async () => {
    await using transport = withApiVersion(engineAt("1.41"), { env: {} });
    expect(await (await transport.request({ method: "GET", path: "/services" })).json()).toEqual({
      path: "/v1.41/services",
    });
    expect(transport.apiVersion).toBe("1.41");
  });

  it("uses ours when the engine is newer", async () => {
    await using transport = withApiVersion(engineAt("1.99"), { env: {} });
    expect(await transport.negotiate()).toBe("1.56");
  });

  it("pings once for many concurrent first requests", async () => {
    const seen: string[] = [];
    await using transport = withApiVersion(engineAt("1.44", seen), { env: {} });
    await Promise.all([1, 2, 3].map(() => transport.request({ method: "GET", path: "/nodes" })));
    expect(seen.filter((p) => p === "/_ping")).toHaveLength(1);
  });

  it("is pinned by DOCKER_API_VERSION without a ping", async () => {
    const seen: string[] = [];
    await using transport = withApiVersion(engineAt("1.44", seen), { env: { DOCKER_API_VERSION: "1.30" } });
    await transport.request({ method: "GET", path: "/info" });
    expect(seen).toEqual(["/v1.30/info"]);
  });

  it("refuses an engine older than 1.24 with VersionError", async () => {
    await using transport = withApiVersion(engineAt("1.12"), { env: {} });
    await expect(transport.request({ method: "GET", path: "/info" })).rejects.toMatchObject({
      code: "ERR_API_VERSION",
      engineVersion: "1.12",
    });
  });

  it("assumes 1.24 when the engine does not say, as the docker CLI does", async () => {
    await using transport = withApiVersion(engineAt(null), { env: {} });
    expect(await transport.negotiate()).toBe("1.24");
  });

  it("refuses a malformed pinned version", () => {
    expect(() => withApiVersion(engineAt("1.41"), { version: "latest" })).toThrow(
      expect.objectContaining({ code: "ERR_API_VERSION" }),
    );
  });

  it("turns the engine's 'client version is too new' into VersionError", async () => {
    const engine = new MemoryTransport(
      () =>
        new Response(
          JSON.stringify({
            message: "client version 1.99 is too new. Maximum supported API version is 1.41",
          }),
          {
            status: 400,
          },
        ),
    );
    await using transport = withApiVersion(engine, { version: "1.99" });
    await expect(transport.request({ method: "GET", path: "/info" })).rejects.toMatchObject({
      code: "ERR_API_VERSION",
      engineVersion: "1.41",
    });
  });
});
