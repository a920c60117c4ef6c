import type { FakeSwarm } from "@flotilla/testing";
import type { Transport } from "@flotilla/transport";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeSwarm, flotilla } from "./harness.js";

let swarm: FakeSwarm;
let transport: Transport;
beforeEach(async () => {
  swarm = await fakeSwarm();
  transport = swarm.transport();
});
afterEach(() => swarm.close());

describe("flotilla service ls", () => {
  it("lists registered and deployed services in a stable plain table when not a TTY", async () => {
    expect(
      (await flotilla("service create web flotilla-test/busybox:latest --instances 2", { transport })).code,
    ).toBe(0);
    expect(
      (await flotilla("service create db flotilla-test/busybox:latest --deploy -p 5432:5432", { transport }))
        .code,
    ).toBe(0);
    const { code, stdout } = await flotilla(
      "service ls --format '{{.Name}} {{.Mode}} {{.Replicas}} {{.State}} {{.Ports}}'",
      { transport },
    );
    expect(code).toBe(0);
    expect(stdout).toBe("db replicated 1/1 running *:5432->5432/tcp\nweb replicated 0/2 registered \n");
  });
});
