import { Client } from "@flotilla/client";
import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { MemoryTransport } from "@flotilla/transport";
import { ValidationError } from "@flotilla/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtures } from "./fixtures.js";
import { badRequests, type Fixtures } from "./requests.js";
import { overHandler } from "./send.js";

// The client's column of the table: every mistake it can know about is refused with a
// ValidationError naming the field, before a single request leaves it.

const refused = badRequests.flatMap((entry) =>
  "refuses" in entry.client ? [[entry.name, entry.client] as const] : [],
);

describe("the client refuses the bad requests it can know about before sending", () => {
  let swarm: FakeSwarm;
  let fixtures: Fixtures;
  const sent: string[] = [];
  let client: Client;

  beforeAll(async () => {
    swarm = await createFakeSwarm();
    fixtures = await createFixtures(overHandler(swarm.handle), "fbad-client");
    const transport = new MemoryTransport((request) => {
      sent.push(`${request.method} ${new URL(request.url).pathname}`);
      return swarm.handle(request);
    });
    client = new Client({ transport, registryAuth: false });
  });
  afterAll(async () => {
    await client?.[Symbol.asyncDispose]();
    await swarm?.[Symbol.asyncDispose]();
  });

  it("knows about most of the table", () => {
    expect(refused.length).toBeGreaterThanOrEqual(40);
  });

  it.each(refused)("%s", async (_name, column) => {
    sent.length = 0;
    const error = await column.call(client, fixtures).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, "the call should have been refused").toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((issue) => issue.path);
    expect(paths).toContain(column.refuses);
    expect(sent, "requests sent before refusing").toEqual([]);
  });
});
