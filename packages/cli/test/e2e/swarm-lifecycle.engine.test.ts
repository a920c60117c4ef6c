import { describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";

// The one file that uses the CLI's scratch engine (`engine.scratch.cli`): outside any swarm, in
// its own network namespace. It makes a swarm, changes it, and leaves it, so the engine ends as
// it started.
const engine = inject("engine");
const socket = engine?.scratch.cli;

const { ok, run, cleanUp } = engineSession(socket, "swarm");
cleanUp(["swarm", "leave", "--force"]);

describe.skipIf(!socket)("a swarm's lifecycle on the scratch engine", () => {
  it("inits, prints and rotates join tokens, updates settings, turns autolock on and off, and leaves", {
    timeout: 120_000,
  }, async () => {
    const init = await ok(
      "swarm init --advertise-addr 127.0.0.1 --task-history-limit 2 --dispatcher-heartbeat 7s",
    );
    expect(init.stdout).toMatch(
      /^Swarm initialized: this node \([a-z0-9]{25}\) is now a manager\.\n\nTo add a worker to this swarm, run on it:\n\n {4}flotilla swarm join --token SWMTKN-\S+ 127\.0\.0\.1:2377\n\n/,
    );
    const [swarm] = JSON.parse((await ok("swarm inspect")).stdout);
    expect(swarm.Spec.Orchestration.TaskHistoryRetentionLimit).toBe(2);
    expect(swarm.Spec.Dispatcher.HeartbeatPeriod).toBe(7e9);

    const worker = (await ok("swarm join-token worker -q")).stdout;
    const rotated = (await ok("swarm join-token worker --rotate -q")).stdout;
    expect(rotated).toMatch(/^SWMTKN-/);
    expect(rotated).not.toBe(worker);
    expect((await ok("swarm join-token -q manager")).stdout).toBe(
      `${(JSON.parse((await ok("swarm inspect")).stdout)[0]).JoinTokens.Manager}\n`,
    );

    await ok("swarm update --snapshot-interval 5000 --cert-expiry 720h --max-snapshots 1");
    const spec = JSON.parse((await ok("swarm inspect")).stdout)[0].Spec;
    expect(spec.Raft.SnapshotInterval).toBe(5000);
    expect(spec.Raft.KeepOldSnapshots).toBe(1);
    expect(spec.CAConfig.NodeCertExpiry).toBe(720 * 3600e9);
    expect(spec.Orchestration.TaskHistoryRetentionLimit).toBe(2);

    expect((await run("swarm unlock-key")).code).toBe(1);
    const locked = await ok("swarm update --autolock");
    const key = (await ok("swarm unlock-key -q")).stdout.trim();
    expect(key).toMatch(/^SWMKEY-1-/);
    expect(locked.stdout).toContain(`    ${key}\n`);
    const newKey = (await ok("swarm unlock-key --rotate -q")).stdout.trim();
    expect(newKey).not.toBe(key);
    expect((await run("swarm unlock", newKey)).stderr).toBe("flotilla: swarm is not locked\n");
    await ok("swarm update --autolock=false");

    const hostname = (
      await ok(["node", "inspect", "self", "--format", "{{.Description.Hostname}}"])
    ).stdout.trim();
    await ok(`node update ${hostname} --availability pause --label-add zone=a --label-add tier=x`);
    await ok(`node update self --label-rm tier`);
    const [node] = JSON.parse((await ok("node inspect self")).stdout);
    expect(node.Spec).toMatchObject({ Availability: "pause", Labels: { zone: "a" } });
    expect((await ok("node promote self")).stdout).toBe(`Node ${hostname} is already a manager.\n`);
    const demoted = await run("node demote self");
    expect(demoted.code).toBe(1);
    await ok("node update self --availability active");

    expect((await run("swarm leave")).code).toBe(1);
    expect((await ok("swarm leave --force")).stdout).toBe("Node left the swarm.\n");
    expect((await run("node ls")).code).toBe(1);
  });
});
