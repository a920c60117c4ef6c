import { Client } from "@flotilla/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeSwarm } from "../../../test/e2e/harness.js";
import { describeNetworks } from "./links.js";

// describeNetworks, for `show`: the spec holds network IDs; people know names and links.
describe("describeNetworks", () => {
  let swarm: Awaited<ReturnType<typeof fakeSwarm>>;
  beforeEach(async () => {
    swarm = await fakeSwarm();
  });
  afterEach(() => swarm.close());

  it("names each attached network, what a link network links to, and the aliases", async () => {
    const client = new Client({ transport: swarm.transport() });
    const plain = await client.networks.create({ name: "backend", driver: "overlay" });
    const link = await client.networks.create({
      name: "flotilla-link-db",
      driver: "overlay",
      labels: { "io.flotilla.link": "db" },
    });
    const lines = await describeNetworks(client, {
      TaskTemplate: { Networks: [{ Target: plain }, { Target: link, Aliases: ["database"] }] },
    });
    expect(lines).toEqual(["backend", "flotilla-link-db (link to db) (as database)"]);
  });
});
