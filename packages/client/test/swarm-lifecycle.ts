import { ApiError, ConflictError, NotSwarmManagerError, UnixSocketTransport } from "@flotilla/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StaleVersionError, swarmSpec } from "../src/index.js";

// A swarm's whole life on an engine of its own: join refused, init, tokens, autolock, the sole
// manager's refusals, leave. The engine starts outside a swarm and is left that way; it has no
// images, so nothing here runs a task.

const ALREADY_IN_SWARM =
  'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.';

async function leaveAnySwarm(client: Client): Promise<void> {
  const info = await client.system.info();
  if (info.Swarm?.LocalNodeState !== "inactive") await client.swarm.leave({ force: true });
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

export function describeSwarmLifecycle(socketPath: string): void {
  describe("the swarm lifecycle, on an engine of its own", () => {
    let client: Client;
    let nodeId: string;

    beforeAll(async () => {
      client = new Client({ transport: new UnixSocketTransport({ socketPath }), registryAuth: false });
      // A run killed midway would have left it in a swarm.
      await leaveAnySwarm(client);
    });
    afterAll(async () => {
      if (!client) return;
      await leaveAnySwarm(client);
      await client.close();
    });

    it("refuses a join with a malformed token at once, in the engine's words", async () => {
      const started = Date.now();
      const error = await rejection(
        client.swarm.join({
          remoteAddrs: ["127.0.0.1:2399"],
          joinToken: "SWMTKN-not-a-token",
          listenAddr: "127.0.0.1:2377",
        }),
      );
      expect(error).toMatchObject({ status: 500, method: "POST", engineMessage: "invalid join token" });
      expect(error.path).toMatch(/\/swarm\/join$/);
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await client.system.info()).Swarm?.LocalNodeState).toBe("inactive");
    });

    it("initialises a swarm with its addresses, spec and address pool", async () => {
      nodeId = await client.swarm.init({
        advertiseAddr: "127.0.0.1",
        listenAddr: "127.0.0.1:2377",
        defaultAddrPool: ["10.123.0.0/16"],
        subnetSize: 26,
        spec: swarmSpec({
          labels: { "flotilla.test": "lifecycle" },
          taskHistoryRetentionLimit: 2,
          snapshotInterval: 5000,
          dispatcherHeartbeatPeriod: "10s",
          nodeCertExpiry: "720h",
        }),
      });
      expect(nodeId).toMatch(/^[a-z0-9]{25}$/);

      const swarm = await client.swarm.inspect();
      expect(swarm).toMatchObject({ DefaultAddrPool: ["10.123.0.0/16"], SubnetSize: 26 });
      expect(swarm.Spec).toMatchObject({
        Labels: { "flotilla.test": "lifecycle" },
        Orchestration: { TaskHistoryRetentionLimit: 2 },
        Raft: { SnapshotInterval: 5000 },
        Dispatcher: { HeartbeatPeriod: 10e9 },
        CAConfig: { NodeCertExpiry: 720 * 3600e9 },
        EncryptionConfig: { AutoLockManagers: false },
      });
      const info = await client.system.info();
      expect(info.Swarm).toMatchObject({
        NodeID: nodeId,
        NodeAddr: "127.0.0.1",
        LocalNodeState: "active",
        ControlAvailable: true,
      });
      const self = await client.nodes.get(nodeId);
      expect(self.attrs.ManagerStatus).toMatchObject({ Leader: true, Addr: "127.0.0.1:2377" });
    });

    it("refuses a second init or a join while in a swarm", async () => {
      for (const call of [
        () => client.swarm.init({ advertiseAddr: "127.0.0.1", listenAddr: "127.0.0.1:2377" }),
        () => client.swarm.join({ remoteAddrs: ["127.0.0.1:2377"], joinToken: "SWMTKN-not-a-token" }),
      ]) {
        const error = await rejection(call());
        expect(error).toMatchObject({ status: 503, engineMessage: ALREADY_IN_SWARM });
        expect(error).not.toBeInstanceOf(NotSwarmManagerError);
      }
    });

    it("gives join tokens and rotates each on request", async () => {
      const before = await client.swarm.joinTokens();
      expect(before.Worker).toMatch(/^SWMTKN-1-\w+-\w+$/);
      expect(before.Manager).toMatch(/^SWMTKN-1-\w+-\w+$/);
      // Both tokens name the same root CA; only the secret after it differs.
      const ca = (token: string | undefined) => token?.split("-")[2];
      expect(ca(before.Manager)).toBe(ca(before.Worker));

      await client.swarm.update({ rotateWorkerToken: true });
      const workerRotated = await client.swarm.joinTokens();
      expect(workerRotated.Worker).not.toBe(before.Worker);
      expect(workerRotated.Manager).toBe(before.Manager);

      await client.swarm.update({ rotateManagerToken: true });
      const managerRotated = await client.swarm.joinTokens();
      expect(managerRotated.Manager).not.toBe(before.Manager);
      expect(managerRotated.Worker).toBe(workerRotated.Worker);
    });

    it("refuses an update based on a version the swarm has moved past", async () => {
      const { Version } = await client.swarm.inspect();
      await client.swarm.update({ spec: { labels: { "flotilla.test": "moved" } } });
      const error = await client.swarm
        .update({ version: Version!.Index!, spec: { taskHistoryRetentionLimit: 3 } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StaleVersionError);
      expect((error as StaleVersionError).cause).toMatchObject({
        engineMessage: expect.stringMatching(/out of sequence/),
      });
      expect((await client.swarm.inspect()).Spec?.Orchestration?.TaskHistoryRetentionLimit).toBe(2);
    });

    it("turns autolock on and off, with an unlock key to rotate; unlocking an unlocked swarm is refused", async () => {
      expect(await client.swarm.unlockKey()).toBe("");
      const locked = await client.swarm.update({ spec: { autolockManagers: true } });
      expect(locked.Spec?.EncryptionConfig?.AutoLockManagers).toBe(true);
      // The rest of the spec is kept: the change is merged onto it.
      expect(locked.Spec?.Orchestration?.TaskHistoryRetentionLimit).toBe(2);
      const key = await client.swarm.unlockKey();
      expect(key).toMatch(/^SWMKEY-1-[A-Za-z0-9+/]+$/);

      await client.swarm.update({ rotateManagerUnlockKey: true });
      const rotated = await client.swarm.unlockKey();
      expect(rotated).toMatch(/^SWMKEY-1-/);
      expect(rotated).not.toBe(key);

      const error = await rejection(client.swarm.unlock(rotated));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ status: 409, engineMessage: "swarm is not locked" });

      await client.swarm.update({ spec: { autolockManagers: false } });
      expect(await client.swarm.unlockKey()).toBe("");
    });

    it("refuses to demote or remove the sole manager", async () => {
      const demote = await rejection(client.nodes.demote(nodeId));
      expect(demote).toMatchObject({
        status: 400,
        engineMessage:
          "rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm",
      });
      const remove = await rejection(client.nodes.remove(nodeId));
      expect(remove.status).toBe(400);
      expect(remove.engineMessage).toBe(
        `rpc error: code = FailedPrecondition desc = node ${nodeId} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`,
      );
      expect((await client.nodes.get(nodeId)).spec.Role).toBe("manager");
    });

    it("refuses to leave as the sole manager without force, and leaves with it", async () => {
      const error = await rejection(client.swarm.leave());
      expect(error.status).toBe(503);
      expect(error.engineMessage).toBe(
        "You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.",
      );
      expect((await client.system.info()).Swarm?.LocalNodeState).toBe("active");

      await client.swarm.leave({ force: true });
      expect((await client.system.info()).Swarm?.LocalNodeState).toBe("inactive");
      await expect(client.swarm.inspect()).rejects.toBeInstanceOf(NotSwarmManagerError);
      const again = await rejection(client.swarm.leave({ force: true }));
      expect(again).toMatchObject({ status: 503, engineMessage: "This node is not part of a swarm" });
    });
  });
}
