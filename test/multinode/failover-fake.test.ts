import { Client } from "@flotilla/client";
import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { ConnectionError, FailoverTransport, UncertainWriteError } from "@flotilla/transport";
import { describe, expect, it } from "vitest";
import { DEFAULT_SHAPE } from "./target.js";

// Client failover and a log stream whose node dies, on the fake swarm's per-node engines: the
// same behaviour failover.ts shows on the real swarm (see multinode.test.ts), in milliseconds.

const IMAGE = "flotilla-test/busybox:latest";
const NEXT = "flotilla-test/busybox:next";

/** The real swarm's shape, on the wall clock with quick agents so updates roll in milliseconds. */
function fakeSwarm(): Promise<FakeSwarm> {
  return createFakeSwarm({
    seed: 31,
    clock: "real",
    timings: { step: 2, stop: 2 },
    nodes: [
      ...DEFAULT_SHAPE.managers.map((hostname) => ({ hostname, role: "manager" as const })),
      ...DEFAULT_SHAPE.workers.map((hostname) => ({ hostname, role: "worker" as const })),
    ],
    images: {
      [IMAGE]: { logs: Array.from({ length: 400 }, (_, i) => ({ after: i * 20, line: `tick ${i}` })) },
      [NEXT]: {},
    },
  });
}

/** A client over every node's engine, the worker first: it only ever answers 503, and is passed by. */
function failoverClient(swarm: FakeSwarm): { client: Client; failover: FailoverTransport } {
  const hostnames = [...DEFAULT_SHAPE.workers, ...DEFAULT_SHAPE.managers];
  const failover = new FailoverTransport(hostnames.map((node) => swarm.transport({ node })));
  return { client: new Client({ transport: failover, registryAuth: false }), failover };
}

describe("client failover on the fake swarm's per-node engines", () => {
  it("finishes a read-modify-write update through another manager when the first dies mid-write", async () => {
    await using swarm = await fakeSwarm();
    const { client, failover } = failoverClient(swarm);
    await using _ = client;
    const [first, second] = DEFAULT_SHAPE.managers;
    const created = await client.services.create(IMAGE, {
      name: "failover-update",
      replicas: 3,
      updateConfig: { parallelism: 1, delay: "20ms", monitor: "20ms" },
      // Its tasks stay off the manager that dies: the update is about the API, not rescheduling.
      constraints: [`node.hostname!=${first}`],
    });
    await client.services.waitUntilConverged(created.id, { interval: 5, stableFor: 0 });
    expect(failover.endpoint).toBe(`fake://${first}`);
    const before = (await client.services.get(created.id)).version;

    // The update reaches the first manager, which dies before answering.
    swarm.inject({ method: "POST", path: /^\/services\/[^/]+\/update$/, latency: 30, times: 1 });
    const updating = client.services.update(created.id, { image: NEXT });
    await new Promise((resolve) => setTimeout(resolve, 10));
    swarm.nodeDown(first!);
    const updated = await updating;

    expect(failover.endpoint).toBe(`fake://${second}`);
    expect(updated.attrs.Spec?.TaskTemplate?.ContainerSpec?.Image).toBe(NEXT);
    // The swarm had applied the write whose answer was lost; the retry read it back through the
    // next manager, saw the change already in, and wrote nothing more. A second, identical write
    // would have made the new spec its own PreviousSpec and cleared the update's status.
    const writes = swarm.calls.filter((c) => c.method === "POST" && c.path.endsWith("/update"));
    expect(writes.map((w) => [w.status, Number(w.query.version)])).toEqual([[200, before]]);
    expect(updated.attrs.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image).toBe(IMAGE);
    expect(updated.attrs.UpdateStatus?.State).toMatch(/^(updating|completed)$/);
    await client.services.waitUntilConverged(created.id, { interval: 5, stableFor: 0 });
    const running = await client.tasks.list({ service: created.id, desiredState: "running" });
    expect(running.map((t) => t.attrs.Spec?.ContainerSpec?.Image)).toEqual([NEXT, NEXT, NEXT]);
    expect((await client.services.get(created.id)).attrs.UpdateStatus?.State).toBe("completed");
  });

  it("finishes a node update through another manager when the first dies after the write landed", async () => {
    await using swarm = await fakeSwarm();
    const { client, failover } = failoverClient(swarm);
    await using _ = client;
    const [first, second] = DEFAULT_SHAPE.managers;
    const worker = DEFAULT_SHAPE.workers[0]!;
    swarm.inject({ method: "POST", path: /^\/nodes\/[^/]+\/update$/, latency: 30, times: 1 });
    const updating = client.nodes.update(worker, { labels: { zone: "b" } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    swarm.nodeDown(first!);
    const updated = await updating;

    expect(failover.endpoint).toBe(`fake://${second}`);
    expect(updated.attrs.Spec?.Labels).toMatchObject({ zone: "b" });
    // The re-read through the next manager showed the label already set: no second write.
    const writes = swarm.calls.filter((c) => c.method === "POST" && c.path.endsWith("/update"));
    expect(writes.map((w) => w.status)).toEqual([200]);
  });

  it("fails a write at a pinned version with UncertainWriteError, and reads go on elsewhere", async () => {
    await using swarm = await fakeSwarm();
    const { client, failover } = failoverClient(swarm);
    await using _ = client;
    const created = await client.services.create(IMAGE, { name: "failover-pinned", replicas: 1 });
    swarm.inject({ method: "POST", path: /^\/services\/[^/]+\/update$/, latency: 30, times: 1 });
    const updating = client.services.update(created.id, { replicas: 2 }, { version: created.version });
    await new Promise((resolve) => setTimeout(resolve, 10));
    swarm.nodeDown(DEFAULT_SHAPE.managers[0]!);
    const failure = await updating.catch((e) => e);
    expect(failure).toBeInstanceOf(UncertainWriteError);
    expect(failure).toMatchObject({
      endpoint: `fake://${DEFAULT_SHAPE.managers[0]}`,
      next: `fake://${DEFAULT_SHAPE.managers[1]}`,
    });
    expect((await client.services.list()).map((s) => s.name)).toEqual(["failover-pinned"]);
    expect(failover.endpoint).toBe(`fake://${DEFAULT_SHAPE.managers[1]}`);
  });

  it("ends a followed log stream with a ConnectionError when the node serving it goes down", async () => {
    await using swarm = await fakeSwarm();
    const serving = DEFAULT_SHAPE.managers[1]!;
    await using client = new Client({ transport: swarm.transport({ node: serving }), registryAuth: false });
    const created = await client.services.create(IMAGE, { name: "failover-logs", replicas: 2 });
    await client.services.waitUntilConverged(created.id, { interval: 5, stableFor: 0 });
    const lines: string[] = [];
    let stoppedAt = 0;
    const following = (async () => {
      for await (const entry of client.services.logs(created.id, { follow: true })) {
        lines.push(entry.line);
        if (lines.length === 4) {
          stoppedAt = performance.now();
          swarm.nodeDown(serving);
        }
      }
    })();
    const failure = await following.then(
      () => new Error("the stream ended cleanly"),
      (error: unknown) => error,
    );
    const ms = performance.now() - stoppedAt;
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(failure).toMatchObject({ code: "ERR_CONNECTION_LOST", endpoint: `fake://${serving}` });
    // A liveness bound (the stream must not hang), not a speed measure.
    expect(ms).toBeLessThan(1000);
  });
});
