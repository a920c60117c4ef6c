import { randomUUID } from "node:crypto";
import { isFlotillaError } from "@flotilla/types";
import { expect, it } from "vitest";
import { jsonLines } from "../src/streams/json-lines.js";
import type { Transport } from "../src/transport.js";
import { withApiVersion } from "../src/versioned-transport.js";

// One behaviour suite for every adapter: what a caller sees must not depend on how bytes travel.
// Each case talks to a real engine through the socket adapters and to `tinyEngine` in memory.

export interface ContractTarget {
  /** A fresh raw (unversioned) transport to the engine. */
  open(): Transport;
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (isFlotillaError(error)) return error.code;
    throw error;
  }
  throw new Error("expected a rejection");
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _ of stream);
}

export function transportContract(target: ContractTarget): void {
  it("answers GET /version with JSON", async () => {
    await using transport = withApiVersion(target.open());
    const response = await transport.request({ method: "GET", path: "/version" });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toContain("application/json");
    const version = await response.json<{ ApiVersion: string }>();
    expect(version.ApiVersion).toMatch(/^\d+\.\d+$/);
    expect(transport.apiVersion).toMatch(/^\d+\.\d+$/);
  });

  it("turns a 404 into NotFoundError carrying the engine's message", async () => {
    await using transport = withApiVersion(target.open());
    const id = `flotilla-missing-${randomUUID()}`;
    const failure = await transport
      .request({ method: "GET", path: `/services/${id}` })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "ERR_NOT_FOUND", status: 404, method: "GET" });
    expect((failure as { engineMessage: string }).engineMessage).toContain(id);
  });

  it("sends a JSON body, reads an empty one, and refuses to read a body twice", async () => {
    await using transport = withApiVersion(target.open());
    const name = `flotilla-contract-${randomUUID()}`;
    const created = await transport.request({
      method: "POST",
      path: "/volumes/create",
      body: { Name: name },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ Name: name });
    expect(() => created.stream()).toThrow(expect.objectContaining({ code: "ERR_BODY_USED" }));
    const removed = await transport.request({ method: "DELETE", path: `/volumes/${name}` });
    expect(removed.status).toBe(204);
    expect(await removed.json()).toBeUndefined();
  });

  it("streams newline-delimited JSON from /events", async () => {
    await using transport = withApiVersion(target.open());
    const name = `flotilla-contract-${randomUUID()}`;
    const since = Math.floor(Date.now() / 1000) - 1;
    await (
      await transport.request({ method: "POST", path: "/volumes/create", body: { Name: name } })
    ).cancel();
    await (await transport.request({ method: "DELETE", path: `/volumes/${name}` })).cancel();
    const until = Math.ceil(Date.now() / 1000);
    const response = await transport.request({
      method: "GET",
      path: "/events",
      query: { since, until, filters: { type: ["volume"], volume: [name] } },
    });
    const actions: string[] = [];
    for await (const event of jsonLines<{ Action: string; Actor: { ID: string } }>(response.stream())) {
      expect(event.Actor.ID).toBe(name);
      actions.push(event.Action);
    }
    expect(actions).toEqual(["create", "destroy"]);
  });

  it("ends an endless stream with AbortError when the caller aborts", async () => {
    await using transport = withApiVersion(target.open());
    const controller = new AbortController();
    const response = await transport.request({ method: "GET", path: "/events", signal: controller.signal });
    const reading = codeOf(drain(response.stream()));
    controller.abort(new Error("user pressed ctrl-c"));
    expect(await reading).toBe("ERR_ABORTED");
  });

  it("refuses a request whose signal already fired", async () => {
    await using transport = withApiVersion(target.open());
    const request = transport.request({ method: "GET", path: "/version", signal: AbortSignal.abort() });
    expect(await codeOf(request)).toBe("ERR_ABORTED");
  });

  it("times out a body that goes silent", async () => {
    await using transport = withApiVersion(target.open());
    const response = await transport.request({ method: "GET", path: "/events", timeout: { body: 300 } });
    const failure = await drain(response.stream()).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "ERR_TIMEOUT", stage: "body", ms: 300 });
  });

  it("closes with a stream open: the stream fails ERR_TRANSPORT_CLOSED, new work is refused", async () => {
    const transport = withApiVersion(target.open());
    const response = await transport.request({ method: "GET", path: "/events" });
    const reading = codeOf(drain(response.stream()));
    await transport.close();
    expect(await reading).toBe("ERR_TRANSPORT_CLOSED");
    expect(await codeOf(transport.request({ method: "GET", path: "/version" }))).toBe("ERR_TRANSPORT_CLOSED");
    await transport.close();
  });

  it("serves concurrent requests", async () => {
    await using transport = withApiVersion(target.open());
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        transport.request({ method: "GET", path: "/_ping" }).then((r) => r.text()),
      ),
    );
    expect(answers).toEqual(Array(12).fill("OK"));
  });
}
