import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { ConnectionError, FailoverTransport } from "@flotilla/transport";
import { describe, expect, it } from "vitest";
import { Client } from "../client.js";
import { StackDeployInterruptedError } from "./interrupted.js";
import type { StackEvent } from "./stacks.js";

// A stack deploy that loses its manager, on the fake swarm's per-node engines: a write lost with
// its manager is settled through the next one, and a deploy that cannot go on says which services
// it wrote. test/multinode/ does the same to the real swarm (its leader killed mid-deploy).

const IMAGE = "flotilla-test/busybox:latest";
const NEXT = "flotilla-test/busybox:next";
const MANAGERS = ["m1", "m2", "m3"];

function fakeSwarm(): Promise<FakeSwarm> {
  return createFakeSwarm({
    seed: 18,
    clock: "real",
    timings: { step: 2, stop: 2 },
    nodes: MANAGERS.map((hostname) => ({ hostname, role: "manager" as const })),
    images: { [IMAGE]: {}, [NEXT]: {} },
  });
}

function failoverClient(swarm: FakeSwarm): Client {
  const transport = new FailoverTransport(MANAGERS.map((node) => swarm.transport({ node })));
  return new Client({ transport, registryAuth: false });
}

function stack(image: string, keys: string[]) {
  const services = Object.fromEntries(keys.map((key) => [key, { image, command: ["sleep", "60"] }]));
  return [{ name: "compose.yml", content: { services } }];
}

const noWait = { resolveImage: "never", wait: false } as const;

/**
 * Deploy options under which the first manager dies while its answer to the first write matching
 * `path` is held back: the write is applied, its answer lost.
 */
function managerDiesDuring(swarm: FakeSwarm, path: RegExp) {
  let armed = true;
  return {
    ...noWait,
    onEvent: (event: StackEvent) => {
      if (event.kind === "progress" || event.kind === "warning" || !armed) return;
      armed = false;
      swarm.inject({ method: "POST", path, latency: 30, times: 1 });
      setTimeout(() => swarm.nodeDown(MANAGERS[0]!), 10);
    },
  };
}

const writes = (swarm: FakeSwarm, path: RegExp) =>
  swarm.calls.filter((c) => c.method === "POST" && path.test(c.path)).length;

describe("a stack deploy whose manager dies", () => {
  it("finds a create the dead manager applied through the next one, and does not create it twice", async () => {
    await using swarm = await fakeSwarm();
    await using client = failoverClient(swarm);
    const create = /^\/services\/create$/;
    const result = await client.stacks.deploy(
      "lost",
      stack(IMAGE, ["a", "b"]),
      managerDiesDuring(swarm, create),
    );
    expect(result.services.map((s) => [s.name, s.created])).toEqual([
      ["lost_a", true],
      ["lost_b", true],
    ]);
    expect(writes(swarm, create)).toBe(2);
    expect((await client.stacks.services("lost")).map((s) => s.name)).toEqual(["lost_a", "lost_b"]);
  });

  it("sees an update the dead manager applied in the next one's read, and does not send it again", async () => {
    await using swarm = await fakeSwarm();
    await using client = failoverClient(swarm);
    await client.stacks.deploy("lost", stack(IMAGE, ["a"]), noWait);
    const update = /^\/services\/[^/]+\/update$/;
    await client.stacks.deploy("lost", stack(NEXT, ["a"]), managerDiesDuring(swarm, update));
    expect(writes(swarm, update)).toBe(1);
    const [service] = await client.stacks.services("lost");
    expect(service?.attrs.Spec?.TaskTemplate?.ContainerSpec?.Image).toBe(NEXT);
    // A second, identical write would have made the new spec its own PreviousSpec.
    expect(service?.attrs.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image).toBe(IMAGE);
  });

  it("names the services created, updated, in doubt and not done when no manager can go on", async () => {
    await using swarm = await fakeSwarm();
    await using client = failoverClient(swarm);
    await client.stacks.deploy("part", stack(IMAGE, ["a", "c"]), noWait);
    // The manager holds the create of b until it gives up, as while the swarm elects a leader.
    swarm.inject({
      method: "POST",
      path: /^\/services\/create$/,
      status: 500,
      message: "context deadline exceeded",
      times: 1,
    });
    const failure = await client.stacks
      .deploy("part", stack(NEXT, ["a", "b", "c", "d"]), noWait)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StackDeployInterruptedError);
    expect(failure).toMatchObject({
      code: "ERR_STACK_DEPLOY_INTERRUPTED",
      stage: "write",
      stackName: "part",
      created: [],
      updated: ["part_a"],
      inDoubt: "part_b",
      notDone: ["part_c", "part_d"],
    });
    expect((failure as Error).message).toBe(
      "stack part was deployed only in part because a manager gave up waiting for the swarm's leader " +
        "(500: context deadline exceeded) (updated part_a; unknown whether part_b was written; " +
        "not created or updated: part_c, part_d); deploy it again to finish",
    );
  });

  it("ends every service's convergence wait at the first poll that finds the only manager lost", async () => {
    await using swarm = await fakeSwarm();
    await using client = new Client({
      transport: swarm.transport({ node: MANAGERS[1]! }),
      registryAuth: false,
    });
    let lostAt = 0;
    const failure = await client.stacks
      .deploy("cut", stack(IMAGE, ["a", "b", "c"]), {
        resolveImage: "never",
        convergence: { interval: 200 },
        onEvent: (event) => {
          if (event.kind !== "progress" || lostAt !== 0) return;
          lostAt = performance.now();
          swarm.nodeDown(MANAGERS[1]!);
        },
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StackDeployInterruptedError);
    expect(failure).toMatchObject({ stage: "wait", created: ["cut_a", "cut_b", "cut_c"], notDone: [] });
    expect((failure as Error).cause).toBeInstanceOf(ConnectionError);
    // A liveness bound: the first failed poll stops the other waits.
    expect(performance.now() - lostAt).toBeLessThan(1000);
  });
});
