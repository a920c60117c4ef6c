import { describe, expect, it } from "vitest";
import { fakeSwarm, flotilla } from "./harness.js";

// What a write command sends, from the fake's call history: no more than `docker service scale`
// and `update` send (ping, GET the service, POST the update), and a write that lost the race to
// another writer is made again on what won rather than failing.

const OUT_OF_SEQUENCE = "rpc error: code = Unknown desc = update out of sequence";

async function swarmWithWeb() {
  const swarm = await fakeSwarm();
  const created = await flotilla(
    ["service", "create", "web", "flotilla-test/busybox:latest", "--cmd", "sleep 300", "--deploy", "-d"],
    { transport: swarm.transport() },
  );
  expect(created.code, created.stderr).toBe(0);
  return swarm;
}

describe("write round trips", () => {
  it.each([
    ["scale", ["service", "scale", "web", "3", "-d"]],
    ["update", ["service", "update", "web", "--env-add", "A=1", "-d"]],
    ["restart", ["service", "restart", "web", "-d"]],
    ["stop", ["service", "stop", "web", "-d"]],
  ])("%s reads the service once and writes once, reading nothing after", async (_, argv) => {
    await using swarm = await swarmWithWeb();
    const transport = swarm.transport();
    swarm.clearCalls();
    const result = await flotilla(argv, { transport });
    expect(result.code, result.stderr).toBe(0);
    const sent = swarm.calls.map((c) => `${c.method} ${c.path}`);
    const id = swarm.service("web").ID;
    expect(sent.filter((r) => r !== "GET /_ping" && r !== "GET /version")).toEqual([
      "GET /services/web",
      `POST /services/${id}/update`,
    ]);
    // The docker CLI's three: HEAD /_ping, GET /services/web, POST /services/ID/update.
    expect(sent.length).toBeLessThanOrEqual(3);
  });

  it("scale makes a write that lost the race again on the service as it is now", async () => {
    await using swarm = await swarmWithWeb();
    const id = swarm.service("web").ID;
    swarm.inject({
      method: "POST",
      path: `/services/${id}/update`,
      status: 500,
      message: OUT_OF_SEQUENCE,
      times: 1,
    });
    swarm.clearCalls();
    const result = await flotilla(["service", "scale", "web", "2", "-d"], { transport: swarm.transport() });
    expect(result.code, result.stderr).toBe(0);
    const sent = swarm.calls.map((c) => `${c.method} ${c.path} ${c.status}`);
    expect(sent.filter((r) => r.startsWith("POST"))).toEqual([
      `POST /services/${id}/update 500`,
      `POST /services/${id}/update 200`,
    ]);
    expect(swarm.service("web").Spec?.Mode).toEqual({ Replicated: { Replicas: 2 } });
  });
});
