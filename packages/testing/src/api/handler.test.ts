import { describe, expect, it } from "vitest";
import { call, createService, serviceSpec } from "../../test/helpers.js";
import { createFakeSwarm } from "../index.js";

describe("the Engine API handler", () => {
  it("answers on versioned and bare paths and refuses versions newer than the spec (1.56)", async () => {
    await using swarm = await createFakeSwarm();
    const bare = await swarm.handle(new Request("http://fake/_ping"));
    expect(bare.status).toBe(200);
    expect(bare.headers.get("api-version")).toBe("1.41");
    expect(await bare.text()).toBe("OK");
    expect(await call(swarm, "GET", "/services")).toEqual({ status: 200, body: [] });
    const tooNew = await swarm.handle(new Request("http://fake/v1.99/services"));
    expect(tooNew.status).toBe(400);
    expect(await tooNew.json()).toEqual({
      message: "client version 1.99 is too new. Maximum supported API version is 1.56",
    });
  });

  it("refuses a duplicate service name with the engine's conflict", async () => {
    await using swarm = await createFakeSwarm();
    await createService(swarm, serviceSpec("web"));
    expect(await call(swarm, "POST", "/services/create", serviceSpec("web"))).toEqual({
      status: 409,
      body: {
        message:
          "rpc error: code = AlreadyExists desc = name conflicts with an existing object: service web already exists",
      },
    });
  });

  it.each([
    [
      "two modes",
      { Mode: { Global: {}, Replicated: { Replicas: 2 } } },
      400,
      "must specify only one service mode",
    ],
    [
      "a bad mount type",
      { TaskTemplate: { ContainerSpec: { Image: "x", Mounts: [{ Type: "nope", Target: "/x" }] } } },
      400,
      'invalid MountType: "nope"',
    ],
    [
      "an unknown network",
      { TaskTemplate: { ContainerSpec: { Image: "x" }, Networks: [{ Target: "nonet" }] } },
      500,
      "network nonet not found",
    ],
    [
      "an unknown secret",
      {
        TaskTemplate: {
          ContainerSpec: {
            Image: "x",
            Secrets: [{ SecretID: "abc", SecretName: "nosec", File: { Name: "f" } }],
          },
        },
      },
      400,
      "rpc error: code = InvalidArgument desc = secret not found: nosec",
    ],
    [
      "negative replicas",
      { Mode: { Replicated: { Replicas: -1 } } },
      400,
      "json: cannot unmarshal number -1 into Go struct field ReplicatedService.Mode.Replicated.Replicas of type uint64",
    ],
    [
      "a negative restart delay",
      { TaskTemplate: { ContainerSpec: { Image: "x" }, RestartPolicy: { Delay: -5 } } },
      400,
      "rpc error: code = InvalidArgument desc = TaskSpec: restart-delay cannot be negative",
    ],
    [
      "no image",
      { TaskTemplate: { ContainerSpec: {} } },
      400,
      "rpc error: code = InvalidArgument desc = ContainerSpec: image reference must be provided",
    ],
    [
      "a constraint without operator",
      { TaskTemplate: { ContainerSpec: { Image: "x" }, Placement: { Constraints: ["node.foo=bar"] } } },
      500,
      "rpc error: code = Unknown desc = constraint expected one operator from ==, !=",
    ],
  ])("refuses a service with %s", async (_, extra, status, message) => {
    await using swarm = await createFakeSwarm();
    expect(await call(swarm, "POST", "/services/create", serviceSpec("s", extra))).toEqual({
      status,
      body: { message },
    });
  });

  it("refuses stale versions, mode changes and renames as the engine does", async () => {
    await using swarm = await createFakeSwarm();
    const id = await createService(swarm, serviceSpec("web"));
    const version = swarm.service(id).Version!.Index!;
    expect(await call(swarm, "POST", `/services/${id}/update?version=1`, serviceSpec("web"))).toEqual({
      status: 500,
      body: { message: "rpc error: code = Unknown desc = update out of sequence" },
    });
    expect(
      await call(
        swarm,
        "POST",
        `/services/${id}/update?version=${version}`,
        serviceSpec("web", { Mode: { Global: {} } }),
      ),
    ).toEqual({
      status: 501,
      body: { message: "rpc error: code = Unimplemented desc = service mode change is not allowed" },
    });
    expect(
      await call(swarm, "POST", `/services/${id}/update?version=${version}`, serviceSpec("web2")),
    ).toEqual({
      status: 501,
      body: { message: "rpc error: code = Unimplemented desc = renaming services is not supported" },
    });
    expect(await call(swarm, "POST", `/services/${id}/update`, serviceSpec("web"))).toEqual({
      status: 400,
      body: { message: `invalid service version '': strconv.ParseUint: parsing "": invalid syntax` },
    });
  });

  it("shares one version index across all objects", async () => {
    await using swarm = await createFakeSwarm({ seed: 1 });
    const a = await createService(swarm, serviceSpec("a"));
    const { body } = await call(swarm, "POST", "/secrets/create", { Name: "s", Data: "aGVsbG8=" });
    const secret = await call(swarm, "GET", `/secrets/${body.ID}`);
    expect(secret.body.Version.Index).toBeGreaterThan(swarm.service(a).Version!.Index!);
  });

  it("never returns secret data and allows only label updates", async () => {
    await using swarm = await createFakeSwarm();
    const { body } = await call(swarm, "POST", "/secrets/create", { Name: "db-pass", Data: "aGVsbG8=" });
    const secret = await call(swarm, "GET", `/secrets/${body.ID}`);
    expect(secret.body.Spec).toEqual({ Name: "db-pass", Labels: {} });
    const list = await call(swarm, "GET", "/secrets");
    expect(list.body[0].Spec.Data).toBeUndefined();
    const version = secret.body.Version.Index;
    expect(
      await call(swarm, "POST", `/secrets/${body.ID}/update?version=${version}`, {
        Name: "db-pass",
        Data: "d29ybGQ=",
      }),
    ).toEqual({
      status: 400,
      body: { message: "rpc error: code = InvalidArgument desc = only updates to Labels are allowed" },
    });
    expect(await call(swarm, "POST", "/secrets/create", { Name: "db-pass", Data: "aGVsbG8=" })).toEqual({
      status: 409,
      body: { message: "rpc error: code = AlreadyExists desc = secret db-pass already exists" },
    });
  });

  it("refuses to remove a manager node", async () => {
    await using swarm = await createFakeSwarm();
    const self = swarm.nodes()[0]!.ID;
    expect(await call(swarm, "DELETE", `/nodes/${self}`)).toEqual({
      status: 400,
      body: {
        message: `rpc error: code = FailedPrecondition desc = node ${self} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`,
      },
    });
  });

  it("answers 503 on swarm calls when the node is not in a swarm or not a manager", async () => {
    await using swarm = await createFakeSwarm({ inSwarm: false });
    const out = await call(swarm, "GET", "/services");
    expect(out.status).toBe(503);
    expect(out.body.message).toMatch(/^This node is not a swarm manager. Use "docker swarm init"/);
    swarm.setLocalNode("active", "worker");
    expect((await call(swarm, "GET", "/nodes")).body.message).toMatch(
      /Worker nodes can't be used to view or modify cluster state/,
    );
  });

  it("shows the swarm with join tokens, ingress and no default address pool, as `docker swarm init` leaves it", async () => {
    await using swarm = await createFakeSwarm({ seed: 4 });
    const { body } = await call(swarm, "GET", "/swarm");
    expect(body.JoinTokens.Worker).toMatch(/^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
    // The docker CLI sends an empty pool list and a subnet size of 24; the engine reports no pool.
    expect([body.DefaultAddrPool, body.SubnetSize, body.DataPathPort]).toEqual([null, 24, 4789]);
    expect(body.Spec.Orchestration.TaskHistoryRetentionLimit).toBe(5);
    const networks = await call(swarm, "GET", "/networks");
    const shown = networks.body.map((n: { Name: string; Scope: string }) => `${n.Name} ${n.Scope}`);
    // The swarm's networks come first, as Docker 20.10 lists them, then the node's own.
    expect(shown[0]).toBe("ingress swarm");
    expect(shown.slice(1).sort()).toEqual([
      "bridge local",
      "docker_gwbridge local",
      "host local",
      "none local",
    ]);
    // Each part in ID order, as swarmkit's store and libnetwork's list them.
    const local = networks.body.slice(1).map((n: { Id: string }) => n.Id);
    expect(local).toEqual([...local].sort());
  });

  it("issues an unlock key once autolock is turned on", async () => {
    await using swarm = await createFakeSwarm();
    const { body } = await call(swarm, "GET", "/swarm");
    const spec = { ...body.Spec, EncryptionConfig: { AutoLockManagers: true } };
    expect((await call(swarm, "POST", `/swarm/update?version=${body.Version.Index}`, spec)).status).toBe(200);
    expect((await call(swarm, "GET", "/swarm/unlockkey")).body.UnlockKey).toMatch(/^SWMKEY-1-/);
  });

  it("lists services with status counts and filters tasks by service name and desired state", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2 });
    await createService(swarm, serviceSpec("web", { Mode: { Replicated: { Replicas: 2 } } }));
    await createService(swarm, serviceSpec("other"));
    swarm.settle();
    const services = await call(
      swarm,
      "GET",
      `/services?status=true&filters=${encodeURIComponent('{"name":["web"]}')}`,
    );
    expect(services.body.map((s: { ServiceStatus: unknown }) => s.ServiceStatus)).toEqual([
      { RunningTasks: 2, DesiredTasks: 2, CompletedTasks: 0 },
    ]);
    const filters = encodeURIComponent(JSON.stringify({ service: ["web"], "desired-state": ["running"] }));
    expect((await call(swarm, "GET", `/tasks?filters=${filters}`)).body).toHaveLength(2);
  });
});
