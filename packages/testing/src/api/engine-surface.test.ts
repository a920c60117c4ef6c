import { describe, expect, it } from "vitest";
import { call, createService, serviceSpec } from "../../test/helpers.js";
import { createFakeSwarm } from "../index.js";

// Calls real clients make beside the swarm's own: `docker ps` and `docker inspect` of task
// containers, the node's local networks, and the checks dockerd runs before swarmkit. Texts
// and shapes checked against Docker 20.10.

const filters = (value: object) => encodeURIComponent(JSON.stringify(value));

describe("the engine surface around the swarm", () => {
  it("lists and inspects the containers of the tasks on the answering node", async () => {
    await using swarm = await createFakeSwarm({ seed: 1 });
    const id = await createService(swarm, {
      ...serviceSpec("web"),
      TaskTemplate: {
        ContainerSpec: {
          Image: "busybox",
          Args: ["sleep", "60"],
          Labels: { tier: "web" },
          Hostname: "h-{{.Task.Slot}}",
        },
      },
    });
    swarm.advance("2s");
    const task = swarm.tasks(id)[0]!;
    const name = `web.1.${task.ID}`;
    const { body: list } = await call(
      swarm,
      "GET",
      `/containers/json?filters=${filters({ label: ["com.docker.swarm.service.name=web"] })}`,
    );
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      Id: task.Status?.ContainerStatus?.ContainerID,
      Names: [`/${name}`],
      Image: "busybox",
      Command: "sleep 60",
      State: "running",
      Status: "Up 1 second",
      Labels: {
        "com.docker.swarm.node.id": task.NodeID,
        "com.docker.swarm.service.id": id,
        "com.docker.swarm.service.name": "web",
        "com.docker.swarm.task": "",
        "com.docker.swarm.task.id": task.ID,
        "com.docker.swarm.task.name": name,
        tier: "web",
      },
    });
    expect(Object.keys(list[0].NetworkSettings.Networks)).toEqual(["bridge"]);
    const { body: inspected } = await call(swarm, "GET", `/containers/${name}/json`);
    expect(inspected).toMatchObject({
      Path: "sleep",
      Args: ["60"],
      State: { Status: "running", Running: true },
      Config: { Hostname: "h-1", Image: "busybox" },
    });
    expect(await call(swarm, "GET", "/containers/nope/json")).toEqual({
      status: 404,
      body: { message: "No such container: nope" },
    });
    const stopped = await call(swarm, "GET", `/containers/json?filters=${filters({ bogus: ["1"] })}`);
    expect(stopped).toEqual({ status: 400, body: { message: "Invalid filter 'bogus'" } });
  });

  it("lists the node's bridge, host and none networks, which cannot be removed", async () => {
    await using swarm = await createFakeSwarm({ seed: 2 });
    const builtin = await call(swarm, "GET", `/networks?filters=${filters({ type: ["builtin"] })}`);
    const shown = builtin.body.map((n: { Name: string; Driver: string }) => `${n.Name} ${n.Driver}`);
    expect(shown.sort()).toEqual(["bridge bridge", "host host", "none null"]);
    expect(await call(swarm, "DELETE", "/networks/bridge")).toEqual({
      status: 403,
      body: { message: "bridge is a pre-defined network and cannot be removed" },
    });
    // Swarm networks are matched by their whole name; ingress, which the node runs, by pattern.
    await call(swarm, "POST", "/networks/create", { Name: "app-net", Driver: "overlay" });
    const byName = async (name: string) =>
      (await call(swarm, "GET", `/networks?filters=${filters({ name: [name] })}`)).body.map(
        (n: { Name: string }) => n.Name,
      );
    expect(await byName("app")).toEqual([]);
    expect(await byName("app-net")).toEqual(["app-net"]);
    expect(await byName("ingr")).toEqual(["ingress"]);
  });

  it.each([
    [{ Name: "n", Driver: "nosuch" }, 404, 'plugin "nosuch" not found'],
    [
      { Name: "n", Driver: "overlay", IPAM: { Config: [{ Subnet: "bogus" }] } },
      500,
      "Invalid subnet bogus : invalid CIDR address: bogus",
    ],
    [
      { Name: "n", Driver: "overlay", IPAM: { Config: [{ Subnet: "10.9.0.0/24", Gateway: "10.8.0.1" }] } },
      400,
      "rpc error: code = InvalidArgument desc = ipam configuration: subnet 10.9.0.0/24 does not contain gateway 10.8.0.1",
    ],
    [{ Name: "", Driver: "overlay" }, 500, "invalid name: "],
  ])("refuses the network %j", async (request, status, message) => {
    await using swarm = await createFakeSwarm({ seed: 3 });
    expect(await call(swarm, "POST", "/networks/create", request)).toEqual({ status, body: { message } });
  });

  it("keeps maps in Go's sorted order and answers null IPAM options", async () => {
    await using swarm = await createFakeSwarm({ seed: 4 });
    await call(swarm, "POST", "/networks/create", {
      Name: "n",
      Driver: "overlay",
      Labels: { z: "1", a: "2" },
      IPAM: { Driver: "default", Options: {} },
    });
    const { body } = await call(swarm, "GET", "/networks/n");
    expect(Object.keys(body.Labels)).toEqual(["a", "z"]);
    expect(body.IPAM.Options).toBeNull();
  });

  it("refuses an unknown desired-state filter, and finds a stack's tasks by its service labels", async () => {
    await using swarm = await createFakeSwarm({ seed: 5 });
    await createService(swarm, serviceSpec("st_app", { Labels: { "com.docker.stack.namespace": "st" } }));
    expect(await call(swarm, "GET", `/tasks?filters=${filters({ "desired-state": ["bogus"] })}`)).toEqual({
      status: 500,
      body: { message: "Invalid desired-state filter: 'bogus'" },
    });
    const stack = await call(
      swarm,
      "GET",
      `/tasks?filters=${filters({ label: ["com.docker.stack.namespace=st"] })}`,
    );
    expect(stack.body).toHaveLength(1);
  });

  it("takes a mode written in lower case, as docker-py writes it", async () => {
    await using swarm = await createFakeSwarm({ seed: 6 });
    const id = await createService(swarm, serviceSpec("web"));
    const version = swarm.service(id).Version?.Index;
    const scaled = await call(swarm, "POST", `/services/${id}/update?version=${version}`, {
      ...serviceSpec("web"),
      Mode: { replicated: { Replicas: 3 } },
    });
    expect(scaled.status).toBe(200);
    expect(swarm.service(id).Spec?.Mode).toEqual({ Replicated: { Replicas: 3 } });
  });

  it("starts a new swarm, with a new ingress, after leaving the old one", async () => {
    await using swarm = await createFakeSwarm({ seed: 7 });
    await createService(swarm, serviceSpec("web"));
    expect((await call(swarm, "POST", "/swarm/leave?force=1")).status).toBe(200);
    expect((await call(swarm, "POST", "/swarm/init", { ListenAddr: "0.0.0.0:2377" })).status).toBe(200);
    expect((await call(swarm, "GET", "/services")).body).toEqual([]);
    const { body } = await call(swarm, "GET", `/networks?filters=${filters({ scope: ["swarm"] })}`);
    expect(body.map((n: { Name: string }) => n.Name)).toEqual(["ingress"]);
  });

  it("shows the volumes and images its tasks used, and checks a logs tail", async () => {
    await using swarm = await createFakeSwarm({ seed: 8 });
    const id = await createService(swarm, {
      ...serviceSpec("db"),
      TaskTemplate: {
        ContainerSpec: { Image: "busybox", Mounts: [{ Type: "volume", Source: "data", Target: "/d" }] },
      },
    });
    swarm.advance("2s");
    const { body } = await call(swarm, "GET", "/volumes");
    expect(body.Volumes.map((v: { Name: string; Mountpoint: string }) => [v.Name, v.Mountpoint])).toEqual([
      ["data", "/var/lib/docker/volumes/data/_data"],
    ]);
    expect(await call(swarm, "GET", "/volumes/nope")).toEqual({
      status: 404,
      body: { message: "get nope: no such volume" },
    });
    const images = await call(swarm, "GET", "/images/json");
    expect(images.body.map((i: { RepoTags: string[] }) => i.RepoTags)).toEqual([["busybox:latest"]]);
    expect((await call(swarm, "GET", "/images/nope/json")).body).toEqual({
      message: "no such image: nope: No such image: nope:latest",
    });
    expect((await call(swarm, "GET", `/services/${id}/logs?stdout=1&tail=x`)).body).toEqual({
      message: 'tail value must be a positive integer or "all"',
    });
  });

  it("fills in swarmkit's defaults when asked to, in Go's field order", async () => {
    await using swarm = await createFakeSwarm({ seed: 9 });
    const id = await createService(swarm, {
      ...serviceSpec("web"),
      TaskTemplate: {
        ContainerSpec: { Image: "busybox", Args: ["true"] },
        RestartPolicy: { Condition: "none" },
      },
      UpdateConfig: { Parallelism: 2 },
    });
    const plain = (await call(swarm, "GET", `/services/${id}`)).body.Spec;
    expect(plain.RollbackConfig).toBeUndefined();
    const { body } = await call(swarm, "GET", `/services/${id}?insertDefaults=true`);
    const task = body.Spec.TaskTemplate;
    expect(Object.keys(task.ContainerSpec)).toEqual([
      "Image",
      "Args",
      "StopGracePeriod",
      "DNSConfig",
      "Isolation",
    ]);
    expect(task.ContainerSpec.StopGracePeriod).toBe(10e9);
    expect(task.RestartPolicy).toEqual({ Condition: "none", Delay: 5e9, MaxAttempts: 0 });
    expect(Object.keys(task)).toEqual([
      "ContainerSpec",
      "Resources",
      "RestartPolicy",
      "Placement",
      "ForceUpdate",
      "Runtime",
    ]);
    const defaults = { FailureAction: "pause", Monitor: 5e9, MaxFailureRatio: 0, Order: "stop-first" };
    expect(body.Spec.UpdateConfig).toEqual({ Parallelism: 2, ...defaults });
    expect(body.Spec.RollbackConfig).toEqual({ Parallelism: 1, ...defaults });
  });
});
