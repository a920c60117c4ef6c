import Docker from "dockerode";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";
import { attempt } from "./helpers.js";

// dockerode (from npm) drives the real engine and the fake, served on a unix socket, through its
// swarm calls. Each answer, with IDs, times and versions masked, must be the same on both.

const engine = inject("engine");

const MASKED = new Set([
  "ID",
  "Id",
  "CreatedAt",
  "UpdatedAt",
  "Timestamp",
  "Index",
  "NodeID",
  "ServiceID",
  "SecretID",
  "ConfigID",
  "Target",
  "ContainerID",
  "PID",
  "StartedAt",
  "CompletedAt",
  "time",
  "timeNano",
  "Created",
]);

/** IDs, times and version indexes differ between any two engines; the rest must not. */
function mask(value: unknown, key = ""): unknown {
  if (MASKED.has(key) && value !== undefined && value !== null) return "<masked>";
  if (Array.isArray(value)) return value.map((v) => mask(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
  }
  if (typeof value === "string")
    return value.replace(/\b[0-9a-z]{25}\b/g, "<id>").replace(/\b[0-9a-f]{64}\b/g, "<hex64>");
  return value;
}

/** Every key path in a JSON object, sorted. */
function fieldPaths(value: unknown, path = ""): string[] {
  if (!value || typeof value !== "object" || Array.isArray(value)) return [path];
  return Object.entries(value)
    .flatMap(([k, v]) => fieldPaths(v, `${path}.${k}`))
    .sort();
}

/** One session of swarm calls; returns each answer under a name, masked. */
async function session(docker: Docker, prefix: string, images: { current: string; next: string }) {
  const out: Record<string, unknown> = {};
  const label = { [prefix]: "" };
  const mine = { label: [prefix] };
  const swarm = (await docker.swarmInspect()) as { Spec: unknown };
  // Only the spec's fields: its values are whatever the shared engine's swarm was made with and
  // later given, which is the machine's history. swarm-init.differential.test.ts compares the
  // values, on a swarm it makes itself from a known request.
  out.swarmSpecFields = fieldPaths(swarm.Spec);
  const self = ((await docker.info()) as { Swarm: { NodeID: string } }).Swarm.NodeID;
  const node = docker.getNode(self);
  const before = (await node.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> };
  out.nodeUpdate = await node.update({
    version: before.Version.Index,
    ...before.Spec,
    Labels: { ...(before.Spec.Labels as object), [`${prefix}.zone`]: "a" },
  });
  out.nodeLabel = ((await node.inspect()) as { Spec: { Labels: Record<string, string> } }).Spec.Labels[
    `${prefix}.zone`
  ];
  const restored = (await node.inspect()) as { Version: { Index: number } };
  await node.update({ version: restored.Version.Index, ...before.Spec });
  out.nodeRole = (
    (await docker.listNodes({ filters: { role: ["manager"] } } as object)) as { Spec: { Role: string } }[]
  ).map((n) => n.Spec.Role)[0];

  const secret = await docker.createSecret({
    Name: `${prefix}-sec`,
    Labels: label,
    Data: Buffer.from("s3cret").toString("base64"),
  });
  out.secret = await docker.getSecret(secret.id).inspect();
  const config = await docker.createConfig({
    Name: `${prefix}-cfg`,
    Labels: label,
    Data: Buffer.from("k=v").toString("base64"),
  });
  out.config = await docker.getConfig(config.id).inspect();
  const network = await docker.createNetwork({
    Name: `${prefix}-net`,
    Driver: "overlay",
    Attachable: true,
    Labels: label,
  });
  out.secretsOldFilterForm = (
    await docker.listSecrets({ filters: JSON.stringify({ label: { [prefix]: true } }) })
  ).length;
  out.configs = (await docker.listConfigs({ filters: mine })).length;

  const spec = {
    Name: `${prefix}-web`,
    Labels: label,
    TaskTemplate: {
      ContainerSpec: {
        Image: images.current,
        Args: ["sleep", "600"],
        Env: ["MODE=test"],
        StopGracePeriod: 1_000_000_000,
        Secrets: [
          {
            SecretID: secret.id,
            SecretName: `${prefix}-sec`,
            File: { Name: "sec", UID: "0", GID: "0", Mode: 0o400 },
          },
        ],
        Configs: [
          {
            ConfigID: config.id,
            ConfigName: `${prefix}-cfg`,
            File: { Name: "/app.conf", UID: "0", GID: "0", Mode: 0o444 },
          },
        ],
      },
      Resources: { Limits: { MemoryBytes: 64 * 1024 * 1024 } },
      RestartPolicy: { Condition: "on-failure", MaxAttempts: 3 },
      Placement: { Constraints: ["node.role==manager"] },
      Networks: [{ Target: network.id }],
    },
    Mode: { Replicated: { Replicas: 2 } },
    UpdateConfig: { Parallelism: 2, Monitor: 100_000_000, FailureAction: "rollback", Order: "start-first" },
  };
  const created = (await docker.createService(spec)) as { ID?: string; id?: string };
  const service = docker.getService(created.ID ?? created.id ?? "");
  // Listed once the service is in: a just-created swarm network lists with Driver "" on the engine
  // until its allocator has run (a race the fake, allocating at once, does not have).
  out.networks = (
    (await docker.listNetworks({ filters: { label: [prefix] } })) as {
      Name: string;
      Driver: string;
      Scope: string;
    }[]
  ).map((n) => [n.Name, n.Driver, n.Scope]);
  out.duplicate = await attempt(() => docker.createService(spec));
  const running = async (n: number) => {
    for (let i = 0; i < 200; i++) {
      const tasks = (await docker.listTasks({
        filters: { service: [`${prefix}-web`], "desired-state": ["running"] },
      })) as {
        Status: { State: string };
        NetworksAttachments?: unknown;
      }[];
      if (tasks.length === n && tasks.every((t) => t.Status.State === "running")) return tasks;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${n} tasks never ran`);
  };
  // The fake allocates no addresses (README: "What is not simulated"): attachments and VIPs are
  // left out of the comparison, on both sides.
  out.tasks = (await running(2))
    .map(({ NetworksAttachments: _, ...task }) => task as { Slot?: number })
    .sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0));
  const inspected = (await service.inspect()) as {
    Version: { Index: number };
    Spec: Record<string, unknown>;
    Endpoint: { VirtualIPs?: unknown };
  };
  out.service = { ...inspected, Endpoint: { ...inspected.Endpoint, VirtualIPs: undefined } };
  out.listed = (
    (await docker.listServices({ filters: mine, status: true } as object)) as { ServiceStatus: unknown }[]
  ).map((s) => s.ServiceStatus);
  out.stale = await attempt(() => service.update({ version: 1, ...inspected.Spec }));
  out.update = await service.update({
    version: inspected.Version.Index,
    ...inspected.Spec,
    TaskTemplate: {
      ...(inspected.Spec.TaskTemplate as object),
      ContainerSpec: {
        ...(inspected.Spec.TaskTemplate as { ContainerSpec: object }).ContainerSpec,
        Image: images.next,
      },
    },
  });
  for (let i = 0; i < 200; i++) {
    const state = ((await service.inspect()) as { UpdateStatus?: { State: string } }).UpdateStatus?.State;
    if (state === "completed") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  out.updated = ((await service.inspect()) as { UpdateStatus: unknown }).UpdateStatus;
  const logs = (await service.logs({
    stdout: true,
    stderr: true,
    follow: false,
  } as object)) as unknown as Buffer;
  out.logsAreFramed = Buffer.isBuffer(logs)
    ? logs.length === 0 || logs[0] === 1 || logs[0] === 2
    : typeof logs;
  out.missing = await attempt(() => docker.getService(`${prefix}-nope`).inspect());
  out.badFilter = await attempt(() => docker.listTasks({ filters: { bogus: ["x"] } }));
  out.unknownPath = await attempt(() => docker.getContainer(`${prefix}-nope`).inspect());
  out.remove = await service.remove();
  await docker.getSecret(secret.id).remove();
  await docker.getConfig(config.id).remove();
  for (let i = 0; i < 100; i++) {
    const gone = await attempt(() => docker.getNetwork(network.id).remove());
    if (!(gone && typeof gone === "object" && "statusCode" in gone)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  out.leftOver =
    (await docker.listServices({ filters: mine })).length +
    (await docker.listSecrets({ filters: mine })).length;
  return mask(out) as Record<string, unknown>;
}

describe.skipIf(!engine)("dockerode on the real engine and on the fake", () => {
  const prefix = `fdo-${Math.random().toString(36).slice(2, 8)}`;
  let fake: FakeSwarm | undefined;
  afterAll(() => fake?.close());

  it("gets the same answers to the same swarm calls", { timeout: 120_000 }, async () => {
    const images = engine!.images;
    const real = await session(new Docker({ socketPath: engine!.socketPath }), prefix, images);
    fake = await createFakeSwarm({ clock: "real", start: Date.now(), timings: { step: 5, stop: 10 } });
    const server = await fake.listen({ socketPath: `/tmp/${prefix}.sock` });
    const onFake = await session(
      new Docker({ socketPath: server.dockerHost.slice("unix://".length) }),
      prefix,
      images,
    );
    for (const key of Object.keys(real)) expect.soft(onFake[key], key).toEqual(real[key]);
  });
});
