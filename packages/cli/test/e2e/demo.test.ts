import { describe, expect, it } from "vitest";
import { flotilla } from "./harness.js";

describe("flotilla demo", () => {
  it("runs the whole tour on its own simulated swarm, printing each command before its output", {
    timeout: 60_000,
  }, async () => {
    const started = Date.now();
    const { code, stdout, stderr } = await flotilla("demo");
    expect(stderr.match(/^flotilla: .*$/gm)).toEqual([
      // The failing update is meant to fail: it is the rollback step.
      expect.stringMatching(
        /^flotilla: service web was rolled back: rollback completed; task \w+: task: non-zero exit \(1\)/,
      ),
    ]);
    expect(code).toBe(0);
    const commands = stdout.match(/^\$ flotilla .*$/gm)!.map((line) => line.split(" ").slice(2, 4).join(" "));
    expect(commands).toEqual([
      "node ls",
      "service create",
      "service deploy",
      "service ps",
      "service update",
      "node update",
      "service ps",
      "node update",
      "service update",
      "service logs",
      "service events",
      "service show",
      "service monitor",
      "service stop",
      "service ls",
      "service start",
      "stack deploy",
      "stack services",
      "stack ps",
      "stack rm",
      "service rm",
    ]);
    // The nodes, the spread of 6 instances, the drain, and the rollback back to version 2.
    expect(stdout).toMatch(/\* +node-1 +Ready +Active +Leader/);
    const [, afterDeploy, afterDrain] = stdout.split("$ flotilla service ps web");
    const nodesOf = (table: string | undefined) => new Set(table!.match(/node-\d/g));
    expect(nodesOf(afterDeploy!.split("\n#")[0])).toEqual(new Set(["node-1", "node-2", "node-3"]));
    expect(nodesOf(afterDrain!.split("\n$")[0])).toEqual(new Set(["node-1", "node-2"]));
    expect(stderr).toContain("web: 6/6 running\nweb: Service converged\n");
    expect(stdout).toMatch(/web\.\d\.\w+@node-\d \| GET \/ 200 from version 2 on web\.\d/);
    expect(stdout).toContain("updatestate.new=rollback_completed");
    expect(stdout).toContain("    - VERSION=2\n");
    expect(stdout).toMatch(/web +replicated +0\/6 +stopped/);
    // The stack: its compose file, the objects deployed as docker names them, its tasks, its removal.
    const stack = stdout.slice(
      stdout.indexOf("$ flotilla stack deploy"),
      stdout.indexOf("$ flotilla service rm"),
    );
    expect(stdout).toMatch(/^# \S+shop\.yml:\nservices:\n {2}front:\n/m);
    expect(stack).toContain(
      "Creating network shop_default\nCreating service shop_cache\nCreating service shop_front\n",
    );
    expect(stderr).toContain("shop_front: 2/2 running\nshop_front: Service converged\n");
    expect(stack).toMatch(/shop_cache +replicated +1\/1 +running/);
    expect(stack).toMatch(/shop_front +replicated +2\/2 +running/);
    expect(stack.match(/^shop_(front|cache)\.\d +node-\d +Running/gm)).toHaveLength(3);
    expect(stack).toContain(
      "Removing service shop_cache\nRemoving service shop_front\nRemoving network shop_default\n",
    );
    expect(stdout).toMatch(/That was flotilla\./);
    expect(stdout).toContain("`flotilla --context sandbox ui` serves a live view");
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("with --short, runs only the nodes, the deployment and the clean-up", async () => {
    const { code, stdout, stderr } = await flotilla("demo --short");
    expect(stderr).not.toMatch(/^flotilla: /m);
    expect(code).toBe(0);
    const commands = stdout.match(/^\$ flotilla .*$/gm)!.map((line) => line.split(" ").slice(2, 4).join(" "));
    expect(commands).toEqual(["node ls", "service create", "service deploy", "service ps", "service rm"]);
    const [, afterDeploy] = stdout.split("$ flotilla service ps web");
    expect(new Set(afterDeploy!.split("\n#")[0]!.match(/node-\d/g))).toEqual(
      new Set(["node-1", "node-2", "node-3"]),
    );
    expect(stderr).toContain("web: 6/6 running\nweb: Service converged\n");
    expect(stdout).toMatch(/That was flotilla\./);
  });
});
