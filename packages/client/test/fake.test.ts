import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { ApiError } from "@flotilla/transport";
import { afterAll, describe, expect, it } from "vitest";
import { Client } from "../src/index.js";
import { describeClientContract } from "./contract/client-contract.js";

// The same contract against the fake swarm, on the wall clock (starting now) so waits, `since` and
// `until` behave as with an engine.

const images = { current: "flotilla-test/busybox:latest", next: "flotilla-test/busybox:next" };
const swarms: FakeSwarm[] = [];
let shared: FakeSwarm | undefined;

afterAll(async () => {
  for (const swarm of swarms) await swarm[Symbol.asyncDispose]();
});

describeClientContract({
  name: "the fake swarm",
  images,
  // The fake runs the test image's commands as the engine does, so the same crash serves both.
  crash: { command: ["sh", "-c", "exit 3"] },
  async makeClient(options = {}) {
    if (!shared) {
      shared = await createFakeSwarm({ nodes: 1, clock: "real", start: Date.now() });
      swarms.push(shared);
    }
    const transport = shared.transport();
    return new Client({
      transport: options.wrap ? options.wrap(transport) : transport,
      apiVersion: options.apiVersion,
      registryAuth: options.registryAuth ?? false,
      onWarning: options.onWarning,
    });
  },
  async makeNonSwarmClient() {
    const outside = await createFakeSwarm({ inSwarm: false });
    swarms.push(outside);
    return new Client({ transport: outside.transport(), registryAuth: false });
  },
});

// A single-node engine cannot show a promotion or a worker's removal; a fake swarm of several can.
describe("node roles on a fake swarm of several nodes", () => {
  it("promotes a worker to manager and demotes it again, but never the last manager", async () => {
    await using swarm = await createFakeSwarm({ nodes: 3, managers: 1 });
    await using client = new Client({ transport: swarm.transport(), registryAuth: false });
    const [leader] = await client.nodes.list({ role: "manager" });
    const workers = await client.nodes.list({ role: "worker" });
    expect(workers).toHaveLength(2);
    const worker = workers[0]!;

    const promoted = await client.nodes.promote(worker.id);
    expect(promoted.spec.Role).toBe("manager");
    expect(promoted.attrs.ManagerStatus).toMatchObject({ Reachability: "reachable" });
    expect((await client.nodes.list({ role: "manager" })).map((n) => n.id).sort()).toEqual(
      [leader!.id, worker.id].sort(),
    );

    const demoted = await client.nodes.demote(worker.id);
    expect(demoted.spec.Role).toBe("worker");
    expect(demoted.attrs.ManagerStatus).toBeUndefined();
    // Demoting keeps the rest of the spec: the helpers change the role only.
    expect(demoted.spec.Availability).toBe(worker.spec.Availability);

    const error = await client.nodes.demote(leader!.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).engineMessage).toBe(
      "rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm",
    );
  });

  it("removes a worker only once it is down or forced, and never a manager", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2, managers: 1 });
    await using client = new Client({ transport: swarm.transport(), registryAuth: false });
    const [leader] = await client.nodes.list({ role: "manager" });
    const [worker] = await client.nodes.list({ role: "worker" });
    await expect(client.nodes.remove(worker!.id)).rejects.toMatchObject({
      engineMessage: `rpc error: code = FailedPrecondition desc = node ${worker!.id} is not down and can't be removed`,
    });
    await expect(client.nodes.remove(leader!.id, { force: true })).rejects.toMatchObject({
      engineMessage: expect.stringContaining("must be demoted to worker before removal"),
    });
    await client.nodes.remove(worker!.id, { force: true });
    expect((await client.nodes.list()).map((n) => n.id)).toEqual([leader!.id]);
  });
});
