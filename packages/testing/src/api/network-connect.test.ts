import { describe, expect, it } from "vitest";
import { FakeSwarm } from "../fake-swarm.js";

// POST /networks/{id}/connect and /disconnect with bodies that are not objects, as the engine
// answers them (checked against Docker 20.10): `null` is Go's zero value, with no container named;
// another kind is refused by its type. The fuzz run found `null` throwing a TypeError.

async function post(swarm: FakeSwarm, path: string, body: string) {
  const response = await swarm.handle(
    new Request(`http://fake/v1.41${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }),
  );
  return { status: response.status, body: (await response.json()) as { message: string } };
}

describe("network connect and disconnect bodies", () => {
  it.each(["connect", "disconnect"])("%s: null names no container (400)", async (what) => {
    await using swarm = new FakeSwarm({ clock: "virtual", seed: 1 });
    expect(await post(swarm, `/networks/ingress/${what}`, "null")).toEqual({
      status: 400,
      body: { message: 'invalid name or ID supplied: ""' },
    });
  });

  it.each(["5", '"x"', "[1]", "true"])(
    "disconnect: %s is refused as a body of the wrong kind (400)",
    async (body) => {
      await using swarm = new FakeSwarm({ clock: "virtual", seed: 1 });
      const answer = await post(swarm, "/networks/ingress/disconnect", body);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(
        /^json: cannot unmarshal (number|string|array|bool) into Go value of type /,
      );
    },
  );
});

describe("other bodies the fuzz run found throwing", () => {
  it("POST /swarm/unlock with null is an unlock without a key, not a TypeError", async () => {
    await using swarm = new FakeSwarm({ clock: "virtual", seed: 1 });
    const answer = await post(swarm, "/swarm/unlock", "null");
    expect(answer.status).toBeLessThan(500);
    expect(answer.body.message).not.toMatch(/Cannot read properties/);
  });

  it("POST /swarm/init naming the interface `constructor` is refused as no such interface", async () => {
    await using swarm = new FakeSwarm({ clock: "virtual", seed: 1, inSwarm: false });
    const answer = await post(
      swarm,
      "/swarm/init",
      JSON.stringify({ ListenAddr: "constructor", AdvertiseAddr: "constructor" }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.message).not.toMatch(/is not a function/);
  });
});
