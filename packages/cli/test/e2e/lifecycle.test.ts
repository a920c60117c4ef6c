import { describe, expect, it } from "vitest";
import { useFakeSwarm } from "./fixture.js";

const cli = useFakeSwarm();
const IMAGE = "flotilla-test/busybox:latest";
const NEXT = "flotilla-test/busybox:next";
const states = "service ls --format '{{.Name}} {{.Replicas}} {{.State}}'";

function runningTasks(swarm: typeof cli.swarm, name: string) {
  return swarm.tasks(name).filter((t) => t.DesiredState === "running").length;
}

describe("create, deploy, stop, start, scale, restart, remove", () => {
  it("registers without starting, prints the ID, then deploy starts it and waits", async () => {
    const created = await cli.ok(`service create web ${IMAGE} --instances 3`);
    expect(created.stdout).toMatch(/^[a-z0-9]{25}\n$/);
    expect(created.stderr).toBe("web: registered; start it with `flotilla service deploy web`\n");
    expect(runningTasks(cli.swarm, "web")).toBe(0);
    expect((await cli.ok(states)).stdout).toBe("web 0/3 registered\n");
    const deployed = await cli.ok("service deploy web");
    expect(deployed.stderr).toMatch(/web: 3\/3 running\nweb: Service converged\n$/);
    expect(runningTasks(cli.swarm, "web")).toBe(3);
    expect((await cli.ok(states)).stdout).toBe("web 3/3 running\n");
  });

  it("registers and deploys a global service, one instance per node", async () => {
    await cli.ok(`service create agent ${IMAGE} --deploy-strategy daemon`);
    expect((await cli.ok(states)).stdout).toBe("agent 0/0 registered\n");
    expect(runningTasks(cli.swarm, "agent")).toBe(0);
    await cli.ok("service deploy agent -q");
    expect(runningTasks(cli.swarm, "agent")).toBe(3);
  });

  it("stops keeping the instance count, and start restores it (replicated and global)", async () => {
    await cli.ok(`service create web ${IMAGE} --instances 2 --deploy -q`);
    await cli.ok(`service create agent ${IMAGE} --mode global --deploy -q`);
    await cli.ok("service stop web -q");
    await cli.ok("service stop agent -q");
    expect((await cli.ok(states)).stdout).toBe("agent 0/0 stopped\nweb 0/2 stopped\n");
    expect(runningTasks(cli.swarm, "agent")).toBe(0);
    await cli.ok("service start web -q");
    await cli.ok("service start agent -q");
    expect((await cli.ok(states)).stdout).toBe("agent 3/3 running\nweb 2/2 running\n");
  });

  it("refuses to start a service that was never deployed", async () => {
    await cli.ok(`service create web ${IMAGE}`);
    const result = await cli.run("service start web");
    expect(result).toMatchObject({
      code: 2,
      stderr: 'flotilla: service "web" has never been deployed; use `flotilla service deploy web`\n',
    });
  });

  it("scales and waits; a registered service just remembers the new count", async () => {
    await cli.ok(`service create web ${IMAGE} --deploy -q`);
    const scaled = await cli.ok("service scale web 4");
    expect(scaled.stderr).toMatch(/web: Service converged\n$/);
    expect(runningTasks(cli.swarm, "web")).toBe(4);
    await cli.ok(`service create later ${IMAGE}`);
    expect((await cli.ok("service scale later 5")).stderr).toBe(
      "later: will run 5 instances when deployed\n",
    );
    expect((await cli.ok(states)).stdout).toBe("later 0/5 registered\nweb 4/4 running\n");
  });

  it("refuses to scale a global service", async () => {
    await cli.ok(`service create agent ${IMAGE} --mode global`);
    expect(await cli.run("service scale agent 2")).toMatchObject({
      code: 2,
      stderr: 'flotilla: service "agent" is global (one instance per node) and cannot be scaled\n',
    });
  });

  it("restarts every instance with a force update", async () => {
    await cli.ok(`service create web ${IMAGE} --instances 2 --deploy -q`);
    const before = cli.swarm.service("web").Spec?.TaskTemplate?.ForceUpdate ?? 0;
    await cli.ok("service restart web -q");
    expect(cli.swarm.service("web").Spec?.TaskTemplate?.ForceUpdate).toBe(before + 1);
    expect(runningTasks(cli.swarm, "web")).toBe(2);
  });

  it("updates a running service and waits; rolls back to the previous image", async () => {
    await cli.ok(`service create web ${IMAGE} --deploy -q`);
    await cli.ok(`service update web --image ${NEXT} -e A=1 -q`);
    const spec = cli.swarm.service("web").Spec!;
    expect(spec.TaskTemplate?.ContainerSpec?.Image).toBe(NEXT);
    expect(spec.TaskTemplate?.ContainerSpec?.Env).toEqual(["A=1"]);
    await cli.ok("service rollback web -q");
    expect(cli.swarm.service("web").Spec?.TaskTemplate?.ContainerSpec?.Image).toBe(IMAGE);
  });

  it("does not redeploy a stateful service on update; deploy applies the change", async () => {
    await cli.ok(`service create db ${IMAGE} --stateful -v /data --deploy -q`);
    const mount = cli.swarm.service("db").Spec?.TaskTemplate?.ContainerSpec?.Mounts?.[0];
    expect(mount).toMatchObject({ Type: "volume", Source: "db-{{.Task.Slot}}-data", Target: "/data" });
    const updated = await cli.ok("service update db -e MODE=replica");
    expect(updated.stderr).toBe(
      "db: stateful service updated but not redeployed; apply with `flotilla service deploy db`\n",
    );
    expect(cli.swarm.service("db").Spec?.TaskTemplate?.ContainerSpec?.Env).toBeUndefined();
    expect((await cli.ok("service show db")).stdout).toContain(
      "  pending: changes wait for `flotilla service deploy`\n",
    );
    await cli.ok("service deploy db -q");
    expect(cli.swarm.service("db").Spec?.TaskTemplate?.ContainerSpec?.Env).toEqual(["MODE=replica"]);
  });

  it("removes services by name (rm is an alias) and prints each name", async () => {
    await cli.ok(`service create a ${IMAGE}`);
    await cli.ok(`service create b ${IMAGE}`);
    expect((await cli.ok("service rm a b")).stdout).toBe("a\nb\n");
    expect(cli.swarm.services()).toHaveLength(0);
  });

  it("returns at once with --detach", async () => {
    await cli.ok(`service create web ${IMAGE}`);
    expect(await cli.ok("service deploy web --detach")).toMatchObject({ stdout: "", stderr: "" });
  });

  it("maps Kontena's create options onto the spec", async () => {
    await cli.ok([
      "service",
      "create",
      "web",
      IMAGE,
      "-p",
      "8080:80",
      "-e",
      "A=1",
      "-v",
      "data:/data",
      "-a",
      "node==node-1",
      "-m",
      "256m",
      "--cmd",
      "sleep 1000",
      "-u",
      "nobody",
      "--cap-add",
      "NET_ADMIN",
      "--log-driver",
      "json-file",
      "--log-opt",
      "max-size=10m",
      "--deploy-strategy",
      "ha",
      "--deploy-min-health",
      "0.5",
      "--instances",
      "4",
      "--label",
      "team=a",
    ]);
    const spec = cli.swarm.service("web").Spec!;
    const container = spec.TaskTemplate?.ContainerSpec;
    expect(container).toMatchObject({
      Env: ["A=1"],
      Args: ["sleep", "1000"],
      User: "nobody",
      CapabilityAdd: ["NET_ADMIN"],
    });
    expect(container?.Mounts).toEqual([
      expect.objectContaining({ Type: "volume", Source: "data", Target: "/data" }),
    ]);
    expect(spec.TaskTemplate?.Placement?.Constraints).toEqual(["node.hostname==node-1"]);
    expect(spec.TaskTemplate?.Placement?.Preferences).toEqual([
      { Spread: { SpreadDescriptor: "node.labels.az" } },
    ]);
    expect(spec.TaskTemplate?.Resources?.Limits?.MemoryBytes).toBe(256 * 1024 * 1024);
    expect(spec.TaskTemplate?.LogDriver).toEqual({ Name: "json-file", Options: { "max-size": "10m" } });
    expect(spec.UpdateConfig?.Parallelism).toBe(2);
    expect(spec.EndpointSpec?.Ports).toEqual([
      expect.objectContaining({ PublishedPort: 8080, TargetPort: 80 }),
    ]);
    expect(spec.Labels).toMatchObject({
      team: "a",
      "io.flotilla.instances": "4",
      "io.flotilla.state": "registered",
    });
  });
});
