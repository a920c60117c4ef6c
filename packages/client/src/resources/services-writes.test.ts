import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import type { Transport, TransportRequest } from "@flotilla/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../client.js";
import { StaleVersionError } from "../errors.js";

// Writes through `services.modify`: what goes over the wire (the fake's call history), how a lost
// race is retried, and when registry credentials are sent.

const image = "flotilla-test/busybox:latest";
let config: string;
let swarm: FakeSwarm;

beforeAll(async () => {
  config = await mkdtemp(join(tmpdir(), "flotilla-writes-"));
  const auth = Buffer.from("user:secret").toString("base64");
  await writeFile(
    join(config, "config.json"),
    JSON.stringify({ auths: { "https://index.docker.io/v1/": { auth } } }),
  );
  swarm = await createFakeSwarm({ nodes: 1 });
});

afterAll(async () => {
  await swarm.close();
  await rm(config, { recursive: true, force: true });
});

/** A transport over the fake that notes which requests carried credentials, and can add warnings. */
function observed(warnings?: string[]): Transport & { authSent: string[] } {
  const inner = swarm.transport();
  const wrapper = {
    authSent: [] as string[],
    get endpoint() {
      return inner.endpoint;
    },
    async request(request: TransportRequest) {
      const path = request.path.replace(/^\/v[\d.]+/, "");
      if (request.headers?.["X-Registry-Auth"]) wrapper.authSent.push(`${request.method} ${path}`);
      const response = await inner.request(request);
      if (!warnings || !path.endsWith("/update")) return response;
      return { ...response, json: async <T>() => ({ Warnings: warnings }) as T };
    },
    close: () => inner.close(),
    [Symbol.asyncDispose]: () => inner.close(),
  };
  return wrapper;
}

function clientOver(transport: Transport): Client {
  return new Client({ transport, apiVersion: "1.41", registryAuth: { env: { DOCKER_CONFIG: config } } });
}

const calls = () => swarm.calls.map((c) => `${c.method} ${c.path}`);

describe("services.modify", () => {
  it("edits the service it was handed and writes at its version, reading nothing", async () => {
    await using client = clientOver(observed());
    const service = await client.services.create(image, { name: "writes-handed", replicas: 1 });
    swarm.clearCalls();
    const written = await client.services.modify(
      service.id,
      (spec) => ({ ...spec, Mode: { Replicated: { Replicas: 3 } } }),
      { current: service.attrs },
    );
    expect(written).toEqual({ id: service.id, warnings: [] });
    expect(calls()).toEqual([`POST /services/${service.id}/update`]);
    expect(swarm.service(service.id).Spec?.Mode).toEqual({ Replicated: { Replicas: 3 } });
  });

  it("after losing the race reads the service again and edits what won", async () => {
    await using client = clientOver(observed());
    const stale = await client.services.create(image, { name: "writes-race", labels: { a: "1" } });
    await client.services.update(stale.id, { labelsAdd: { b: "2" } });
    swarm.clearCalls();
    const seen: (string | undefined)[] = [];
    await client.services.modify(
      stale.id,
      (spec) => {
        seen.push(spec.Labels?.b);
        return { ...spec, Labels: { ...spec.Labels, c: "3" } };
      },
      { current: stale.attrs },
    );
    expect(seen).toEqual([undefined, "2"]);
    expect(calls()).toEqual([
      `POST /services/${stale.id}/update`,
      `GET /services/${stale.id}`,
      `POST /services/${stale.id}/update`,
    ]);
    expect(swarm.service(stale.id).Spec?.Labels).toEqual({ a: "1", b: "2", c: "3" });
  });

  it("with a pinned version fails with StaleVersionError instead of retrying", async () => {
    await using client = clientOver(observed());
    const stale = await client.services.create(image, { name: "writes-pinned" });
    await client.services.scale(stale.id, 2);
    const error = await client.services
      .modify(stale.id, (spec) => spec, { current: stale.attrs, version: stale.version })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleVersionError);
  });

  it("gives its edit a copy: changing it in place leaves the caller's document alone", async () => {
    await using client = clientOver(observed());
    const service = await client.services.create(image, { name: "writes-copy" });
    await client.services.modify(
      service.id,
      (spec) => {
        spec.Labels = { changed: "yes" };
        return spec;
      },
      { current: service.attrs },
    );
    expect(service.attrs.Spec?.Labels).toEqual({});
  });
});

describe("services.updateSpec", () => {
  it("returns the engine's warnings, without reading the service again", async () => {
    await using client = clientOver(observed(["image could not be accessed on a registry"]));
    const service = await client.services.create(image, { name: "writes-warnings" });
    swarm.clearCalls();
    const spec = service.attrs.Spec ?? {};
    const written = await client.services.updateSpec(service.id, spec, service.version, { basedOn: spec });
    expect(written.warnings).toEqual(["image could not be accessed on a registry"]);
    expect(calls()).toEqual([`POST /services/${service.id}/update`]);
  });
});

describe("registry credentials", () => {
  it("go with a create, and with an update only when it changes the image or asks for them", async () => {
    const transport = observed();
    await using client = clientOver(transport);
    const service = await client.services.create(image, { name: "writes-auth" });
    await client.services.scale(service.id, 2);
    await client.services.update(service.id, { envAdd: { A: "1" } });
    await client.services.forceUpdate(service.id);
    await client.services.update(service.id, { image: "flotilla-test/busybox:next" });
    await client.services.update(service.id, { labelsAdd: { b: "2" } }, { registryAuth: true });
    await client.services.update(service.id, { image }, { registryAuth: false });
    const update = `POST /services/${service.id}/update`;
    expect(transport.authSent).toEqual(["POST /services/create", update, update]);
  });

  it("are not sent on a create that says so", async () => {
    const transport = observed();
    await using client = clientOver(transport);
    await client.services.create(image, { name: "writes-no-auth", registryAuth: false });
    expect(transport.authSent).toEqual([]);
  });
});
