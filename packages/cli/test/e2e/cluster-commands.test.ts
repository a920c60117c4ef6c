import { describe, expect, it } from "vitest";
import { useFakeSwarm } from "./fixture.js";

// swarm, node, task, secret, config and network commands against the fake swarm (three nodes:
// node-1 the leader and only manager, node-2 and node-3 workers).
const cli = useFakeSwarm();
const IMAGE = "flotilla-test/busybox:latest";

describe("flotilla swarm", () => {
  it("prints the join command for workers and managers, and the token alone with -q", async () => {
    const tokens = JSON.parse((await cli.ok("swarm inspect")).stdout)[0].JoinTokens;
    const worker = await cli.ok("swarm join-token worker");
    expect(worker.stdout).toMatch(
      new RegExp(
        `^To add a worker to this swarm, run on it:\\n\\n    flotilla swarm join --token ${tokens.Worker} \\S+:2377\\n\\n$`,
      ),
    );
    expect((await cli.ok("swarm join-token manager -q")).stdout).toBe(`${tokens.Manager}\n`);
    expect(await cli.run("swarm join-token admin")).toMatchObject({
      code: 2,
      stderr: 'flotilla: join-token: "admin" is not a role; use worker or manager\n',
    });
  });

  it("rotates a join token", async () => {
    const before = (await cli.ok("swarm join-token worker -q")).stdout;
    const rotated = await cli.ok("swarm join-token worker --rotate -q");
    expect(rotated.stdout).not.toBe(before);
    expect(rotated.stdout).toMatch(/^SWMTKN-/);
  });

  it("updates the swarm's settings and leaves the others as they were", async () => {
    const before = JSON.parse((await cli.ok("swarm inspect")).stdout)[0].Spec;
    expect(
      (
        await cli.ok(
          "swarm update --task-history-limit 2 --dispatcher-heartbeat 10s --cert-expiry 720h --snapshot-interval 5000",
        )
      ).stdout,
    ).toBe("Swarm updated.\n");
    const spec = JSON.parse((await cli.ok("swarm inspect")).stdout)[0].Spec;
    expect(spec.Orchestration.TaskHistoryRetentionLimit).toBe(2);
    expect(spec.Dispatcher.HeartbeatPeriod).toBe(10e9);
    expect(spec.CAConfig.NodeCertExpiry).toBe(720 * 3600e9);
    expect(spec.Raft.SnapshotInterval).toBe(5000);
    expect(spec.Raft.ElectionTick).toBe(before.Raft.ElectionTick);
    expect(
      (await cli.ok(["swarm", "inspect", "--format", "{{.Spec.Orchestration.TaskHistoryRetentionLimit}}"]))
        .stdout,
    ).toBe("2\n");
  });

  it("turns autolock on, prints the unlock key, rotates it, and refuses a key when it is off", async () => {
    expect(await cli.run("swarm unlock-key")).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("autolock is off"),
    });
    const locked = await cli.ok("swarm update --autolock");
    expect(locked.stdout).toMatch(
      /^Swarm updated\.\n\nManagers are locked at rest[\s\S]*\n {4}SWMKEY-1-\S+\n/,
    );
    const key = (await cli.ok("swarm unlock-key -q")).stdout;
    expect(key).toMatch(/^SWMKEY-1-/);
    expect(locked.stdout).toContain(key.trim());
    const rotated = await cli.ok("swarm unlock-key --rotate -q");
    expect(rotated.stdout).not.toBe(key);
    await cli.ok("swarm update --autolock=false");
    expect((await cli.run("swarm unlock-key")).code).toBe(1);
  });

  it("refuses to unlock a swarm that is not locked, and needs a key on stdin", async () => {
    expect(await cli.run("swarm unlock", { stdin: "SWMKEY-1-x\n" })).toMatchObject({
      code: 1,
      stderr: "flotilla: swarm is not locked\n",
    });
    expect((await cli.run("swarm unlock", { stdin: "" })).code).toBe(2);
  });

  it("refuses an update with nothing to change, and a bad duration", async () => {
    expect((await cli.run("swarm update")).code).toBe(2);
    expect(await cli.run("swarm update --cert-expiry soon")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--cert-expiry: "soon" is not a duration'),
    });
  });

  // `init` after `leave` is exercised on the scratch engine (swarm-lifecycle.engine.test.ts): the
  // fake keeps its ingress network after leaving, so a second init there fails.
  it("leaves only with --force as the last manager, and refuses init inside a swarm", async () => {
    expect((await cli.run("swarm init")).stderr).toMatch(/already part of a swarm/);
    const refused = await cli.run("swarm leave");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Use `--force` to ignore this message.");
    expect((await cli.ok("swarm leave --force")).stdout).toBe("Node left the swarm.\n");
    expect((await cli.run("node ls")).code).toBe(1);
  });
});

describe("flotilla node", () => {
  it("lists nodes with status, availability and manager status, marking the answering node", async () => {
    const ls = await cli.ok("node ls");
    const lines = ls.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+HOSTNAME\s+STATUS\s+AVAILABILITY\s+MANAGER STATUS\s+ENGINE VERSION$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^[a-z0-9]{25} \*\s+node-1\s+Ready\s+Active\s+Leader\s+\S+$/);
    expect(lines[2]).toMatch(/^[a-z0-9]{25}\s+node-2\s+Ready\s+Active\s+\S+$/);
    expect(
      (await cli.ok(["node", "ls", "--format", "{{.Hostname}} {{.Self}}", "-f", "role=worker"])).stdout,
    ).toBe("node-2 false\nnode-3 false\n");
    expect((await cli.ok("node ls -q")).stdout.trim().split("\n")).toHaveLength(3);
  });

  it("inspects by hostname, ID prefix and self, as JSON or --pretty", async () => {
    const [node] = JSON.parse((await cli.ok("node inspect node-2")).stdout);
    expect(node.Description.Hostname).toBe("node-2");
    const [byPrefix] = JSON.parse((await cli.ok(`node inspect ${node.ID.slice(0, 6)}`)).stdout);
    expect(byPrefix.ID).toBe(node.ID);
    expect((await cli.ok(["node", "inspect", "self", "--format", "{{.Description.Hostname}}"])).stdout).toBe(
      "node-1\n",
    );
    const pretty = (await cli.ok("node inspect --pretty self")).stdout;
    expect(pretty).toMatch(
      /^ID: +[a-z0-9]{25}\nHostname: +node-1\nJoined at: +\S+\nStatus:\n State: +Ready\n/,
    );
    expect(pretty).toContain("Manager Status:\n");
    expect(pretty).toMatch(/\n Leader: +Yes\n/);
    expect(await cli.run("node inspect nowhere")).toMatchObject({
      code: 1,
      stderr: 'flotilla: node "nowhere" not found\n',
    });
  });

  it("updates availability and labels, and promotes and demotes", async () => {
    expect(
      (await cli.ok("node update node-3 --availability drain --label-add az=b --label-add disk=ssd")).stdout,
    ).toBe("node-3\n");
    await cli.ok("node update node-3 --label-rm disk");
    const [node] = JSON.parse((await cli.ok("node inspect node-3")).stdout);
    expect(node.Spec.Availability).toBe("drain");
    expect(node.Spec.Labels).toEqual({ az: "b" });
    expect((await cli.ok("node promote node-2")).stdout).toBe(
      "Node node-2 promoted to a manager in the swarm.\n",
    );
    expect(
      (await cli.ok(["node", "ls", "--format", "{{.Hostname}} {{.ManagerStatus}}", "-f", "role=manager"]))
        .stdout,
    ).toBe("node-1 Leader\nnode-2 Reachable\n");
    expect((await cli.ok("node demote node-2")).stdout).toBe("Manager node-2 demoted in the swarm.\n");
    expect((await cli.run("node update node-3 --availability sleepy")).code).toBe(2);
    expect((await cli.run("node update node-3")).code).toBe(2);
  });

  it("lists the tasks on a node, default self", async () => {
    await cli.ok(`service create web ${IMAGE} --instances 6 --deploy -q --cmd 'sleep 3600'`);
    const onTwo = await cli.ok(["node", "ps", "node-2", "--format", "{{.Name}} {{.Node}} {{.DesiredState}}"]);
    const lines = onTwo.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^web\.\d node-2 Running$/);
    const self = await cli.ok(["node", "ps", "--format", "{{.Node}}"]);
    expect(new Set(self.stdout.trim().split("\n"))).toEqual(new Set(["node-1"]));
  });

  it("removes a node only when it is down or forced", async () => {
    expect((await cli.run("node rm node-3")).code).toBe(1);
    expect((await cli.ok("node rm --force node-3")).stdout).toBe("node-3\n");
    expect((await cli.ok(["node", "ls", "--format", "{{.Hostname}}"])).stdout).toBe("node-1\nnode-2\n");
  });
});

describe("flotilla task", () => {
  it("lists every service's tasks, filtered by service name, node name and desired state", async () => {
    await cli.ok(`service create web ${IMAGE} --instances 3 --deploy -q --cmd 'sleep 3600'`);
    await cli.ok(`service create api ${IMAGE} --instances 1 --deploy -q --cmd 'sleep 3600'`);
    const all = await cli.ok(["task", "ls", "--format", "{{.Name}} {{.DesiredState}}"]);
    expect(all.stdout).toBe("api.1 Running\nweb.1 Running\nweb.2 Running\nweb.3 Running\n");
    expect((await cli.ok(["task", "ls", "-f", "service=api", "--format", "{{.Name}}"])).stdout).toBe(
      "api.1\n",
    );
    const onNode = await cli.ok(["task", "ls", "-f", "node=node-2", "--format", "{{.Node}}"]);
    for (const line of onNode.stdout.trim().split("\n")) expect(line).toBe("node-2");
    expect((await cli.run("task ls -f colour=red")).code).toBe(2);
  });

  it("inspects tasks by ID and prefix, and prints a task's logs", async () => {
    await cli.ok([
      "service",
      "create",
      "hello",
      // The fake runs commands for busybox images (flotilla-test/busybox is the engine tests' name).
      "busybox:latest",
      "--deploy",
      "-q",
      "--cmd",
      "sh -c 'echo hello from the task; sleep 3600'",
    ]);
    const id = (await cli.ok("task ls -q --no-trunc -f service=hello")).stdout.trim();
    expect(id).toMatch(/^[a-z0-9]{25}$/);
    const [task] = JSON.parse((await cli.ok(`task inspect ${id.slice(0, 5)}`)).stdout);
    expect(task.ID).toBe(id);
    expect((await cli.ok(["task", "inspect", id, "--format", "{{.Slot}} {{.DesiredState}}"])).stdout).toBe(
      "1 running\n",
    );
    expect((await cli.ok(`task logs ${id}`)).stdout).toBe("hello from the task\n");
    expect(await cli.run("task inspect zzzz")).toMatchObject({
      code: 1,
      stderr: 'flotilla: task "zzzz" not found\n',
    });
  });
});

describe.each(["secret", "config"])("flotilla %s", (kind) => {
  it("creates from stdin with labels, lists, inspects and removes", async () => {
    const created = await cli.ok(`${kind} create db-password - --label app=db`, { stdin: "s3cr3t-value" });
    expect(created.stdout).toMatch(/^[a-z0-9]{25}\n$/);
    expect(
      (await cli.ok(["secret" === kind ? "secret" : "config", "ls", "--format", "{{.Name}} {{.Labels}}"]))
        .stdout,
    ).toBe("db-password app=db\n");
    const ls = await cli.ok(`${kind} ls`);
    expect(ls.stdout).toMatch(/^ID\s+NAME\s+DRIVER\s+CREATED\s+UPDATED\n[a-z0-9]{25}\s+db-password\s+/);
    const inspected = (await cli.ok(`${kind} inspect db-password`)).stdout;
    expect(JSON.parse(inspected)[0].Spec.Labels).toEqual({ app: "db" });
    if (kind === "secret") expect(inspected).not.toContain(Buffer.from("s3cr3t-value").toString("base64"));
    else expect(JSON.parse(inspected)[0].Spec.Data).toBe(Buffer.from("s3cr3t-value").toString("base64"));
    expect((await cli.ok(`${kind} rm db-password`)).stdout).toBe("db-password\n");
    expect(await cli.run(`${kind} inspect db-password`)).toMatchObject({
      code: 1,
      stderr: `flotilla: ${kind} "db-password" not found\n`,
    });
  });

  it("creates from a file and refuses a duplicate name", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "flotilla-")), "value.txt");
    writeFileSync(file, "from a file");
    await cli.ok(`${kind} create tls-key ${file}`);
    const again = await cli.run(`${kind} create tls-key ${file}`);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });
});

describe("flotilla network", () => {
  it("creates an attachable overlay with a subnet, lists, inspects and removes it", async () => {
    const id = (
      await cli.ok("network create backend --attachable --subnet 10.20.0.0/24 --label team=core")
    ).stdout.trim();
    expect(id).toMatch(/^[a-z0-9]{25}$/);
    const ls = await cli.ok([
      "network",
      "ls",
      "-f",
      "name=backend",
      "--format",
      "{{.Name}} {{.Driver}} {{.Scope}} {{.Attachable}}",
    ]);
    expect(ls.stdout).toBe("backend overlay swarm true\n");
    expect((await cli.ok("network ls")).stdout).toMatch(/^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\n/);
    // The fake allocates its own subnet whatever is asked; the engine test checks --subnet.
    const [network] = JSON.parse((await cli.ok("network inspect backend")).stdout);
    expect(network.Attachable).toBe(true);
    expect(network.Labels).toEqual({ team: "core" });
    expect((await cli.ok("network rm backend")).stdout).toBe("backend\n");
    expect(await cli.run("network rm backend")).toMatchObject({
      code: 1,
      stderr: 'flotilla: network "backend" not found\n',
    });
  });
});
