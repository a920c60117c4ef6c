import { MemoryTransport, NotSwarmManagerError, VersionError } from "@flotilla/transport";
import { ValidationError } from "@flotilla/types";
import { describe, expect, it } from "vitest";
import { Client } from "./client.js";

// The raw call against an in-memory engine: a handler that records what it receives.

function engine(answer: (request: Request) => Response | Promise<Response> = () => Response.json({})) {
  const seen: Request[] = [];
  const transport = new MemoryTransport(async (request) => {
    seen.push(request);
    if (new URL(request.url).pathname === "/_ping")
      return new Response("OK", { headers: { "api-version": "1.41" } });
    return answer(request);
  });
  return { seen, client: new Client({ transport, registryAuth: false }) };
}

describe("Client.raw", () => {
  it("negotiates the version once and prefixes every path with it", async () => {
    const { seen, client } = engine(() => Response.json([]));
    expect(client.apiVersion).toBeUndefined();
    await client.raw("GET /services");
    await client.raw("GET /nodes");
    expect(client.apiVersion).toBe("1.41");
    expect(seen.map((r) => new URL(r.url).pathname)).toEqual(["/_ping", "/v1.41/services", "/v1.41/nodes"]);
  });

  it("fills path parameters, encoding them, and sends query, headers and body", async () => {
    const { seen, client } = engine(() => Response.json({ Warnings: [] }));
    const result = await client.raw("POST /services/{id}/update", {
      path: { id: "a b" },
      query: { version: 7 },
      headers: { "X-Registry-Auth": "e30" },
      body: { Name: "x", TaskTemplate: { ContainerSpec: { Image: "busybox" } } },
    });
    expect(result).toEqual({ Warnings: [] });
    const sent = seen.at(-1)!;
    expect(new URL(sent.url).pathname).toBe("/v1.41/services/a%20b/update");
    expect(new URL(sent.url).searchParams.get("version")).toBe("7");
    expect(sent.headers.get("x-registry-auth")).toBe("e30");
    expect(await sent.json()).toEqual({ Name: "x", TaskTemplate: { ContainerSpec: { Image: "busybox" } } });
  });

  it("refuses an invalid body before sending anything, naming the field", async () => {
    const { seen, client } = engine();
    const error = await client
      .raw("POST /services/create", {
        body: { TaskTemplate: { ContainerSpec: { Mounts: [{ Type: "nfs" as "bind" }] } } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe("TaskTemplate.ContainerSpec.Mounts[0].Type");
    expect(seen).toHaveLength(0);
  });

  it("refuses a route, a query parameter or a field newer than the pinned version", async () => {
    const seen: Request[] = [];
    const transport = new MemoryTransport((request) => {
      seen.push(request);
      return Response.json({});
    });
    const old = new Client({ transport, apiVersion: "1.28" });
    await expect(old.raw("GET /configs")).rejects.toThrow(
      /GET \/configs needs API 1\.30; the client is pinned to API 1\.28/,
    );
    await expect(old.raw("GET /services", { query: { status: true } })).rejects.toThrow(
      /"status" needs API 1\.41/,
    );
    await expect(
      old.raw("POST /services/create", {
        body: { TaskTemplate: { ContainerSpec: { Image: "x", Init: true } } },
      }),
    ).rejects.toBeInstanceOf(VersionError);
    await expect(old.services.create("x", { ulimits: { nofile: 1 } })).rejects.toThrow(
      /ContainerSpec\.Ulimits needs API 1\.41; the client is pinned to API 1\.28/,
    );
    expect(seen).toHaveLength(0);
  });

  it("refuses rollback config on an engine older than 1.28", async () => {
    const old = new Client({ transport: new MemoryTransport(() => Response.json({})), apiVersion: "1.27" });
    await expect(old.services.create("x", { rollbackConfig: { parallelism: 1 } })).rejects.toThrow(
      /RollbackConfig needs API 1\.28; the client is pinned to API 1\.27/,
    );
  });

  it("says the engine's version, not a pin, when the version was negotiated", async () => {
    const transport = new MemoryTransport(
      () => new Response("OK", { headers: { "Api-Version": "1.29", "Content-Type": "text/plain" } }),
    );
    const negotiated = new Client({ transport });
    await expect(negotiated.raw("GET /configs")).rejects.toThrow(
      /^GET \/configs needs API 1\.30; the engine speaks API 1\.29$/,
    );
  });

  it("turns the engine's 503 for a node outside a swarm into NotSwarmManagerError", async () => {
    const { client } = engine(() =>
      Response.json(
        {
          message:
            'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
        },
        { status: 503 },
      ),
    );
    const error = await client.services.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSwarmManagerError);
    expect((error as NotSwarmManagerError).code).toBe("ERR_NOT_SWARM_MANAGER");
  });

  it("closes its transport when disposed", async () => {
    const transport = new MemoryTransport(() => Response.json({}));
    {
      await using client = new Client({ transport, apiVersion: "1.41" });
      await client.system.version();
    }
    expect(transport.closed).toBe(true);
  });
});
