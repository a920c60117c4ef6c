import Docker from "dockerode";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";
import { attempt } from "./helpers.js";

// dockerode's read-modify-write, twice, of a node, the swarm, a secret, a config and a service, on
// the real engine and on the fake served on a unix socket. dockerode sends its options in the
// body, so `obj.update({ version, ...spec, change })` puts a stray `version` key there: the engine
// drops it, and the next `{ version: current, ...inspected.Spec }` must succeed on both. Each
// answer and what is read back, masked, must be the same, key order included.

const engine = inject("engine");

const MASKED = new Set(["ID", "Id", "CreatedAt", "UpdatedAt", "Index", "Created", "PreviousSpec"]);

function mask(value: unknown, key = ""): unknown {
  if (MASKED.has(key) && value !== undefined && value !== null) return "<masked>";
  if (Array.isArray(value)) return value.map((v) => mask(v));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
  return value;
}

type Versioned = { Version: { Index: number }; Spec: Record<string, unknown> };

interface Updatable {
  inspect(): Promise<unknown>;
  update(opts: object): Promise<unknown>;
}

/** `update({ version, ...spec, ...change })`, then `update({ version: current, ...inspected.Spec })`. */
async function spreadTwice(object: Updatable, change: (spec: Record<string, unknown>) => object) {
  const first = (await object.inspect()) as Versioned;
  const updated = await attempt(() =>
    object.update({ version: first.Version.Index, ...first.Spec, ...change(first.Spec) }),
  );
  const inspected = (await object.inspect()) as Versioned;
  const again = await attempt(() => object.update({ version: inspected.Version.Index, ...inspected.Spec }));
  const last = (await object.inspect()) as Versioned;
  return { updated, stored: inspected.Spec, again, storedAgain: last.Spec };
}

async function session(docker: Docker, prefix: string, image: string) {
  const out: Record<string, unknown> = {};
  const self = ((await docker.info()) as { Swarm: { NodeID: string } }).Swarm.NodeID;
  const node = docker.getNode(self);
  const original = ((await node.inspect()) as Versioned).Spec;
  // The shared engine's one manager stays active: drain would stop other tests' tasks.
  const onNode = await spreadTwice(node, (spec) => ({
    Availability: "active",
    Labels: { ...(spec.Labels as object), [`${prefix}.zone`]: "a" },
  }));
  const label = (spec: Record<string, unknown>) => (spec.Labels as Record<string, string>)[`${prefix}.zone`];
  // Which keys, not their order: raw-updates.differential.test.ts compares that.
  out.node = {
    updated: onNode.updated,
    again: onNode.again,
    keys: Object.keys(onNode.storedAgain).sort(),
    label: [label(onNode.stored), label(onNode.storedAgain)],
    availability: onNode.storedAgain.Availability,
  };
  const current = (await node.inspect()) as Versioned;
  await node.update({ version: current.Version.Index, ...original });

  // The swarm's spec back as it came: its values are the shared engine's history, so what is
  // compared is the answers and that nothing changed.
  const swarm = { inspect: () => docker.swarmInspect(), update: (o: object) => docker.swarmUpdate(o) };
  const before = ((await swarm.inspect()) as Versioned).Spec;
  const onSwarm = await spreadTwice(swarm, () => ({}));
  out.swarm = {
    updated: onSwarm.updated,
    again: onSwarm.again,
    unchanged: JSON.stringify(sorted(onSwarm.storedAgain)) === JSON.stringify(sorted(before)),
  };

  const data = Buffer.from("round trip").toString("base64");
  const secret = docker.getSecret((await docker.createSecret({ Name: `${prefix}-sec`, Data: data })).id);
  out["secret"] = mask(await spreadTwice(secret, () => ({ Labels: { [prefix]: "" } })));
  out.secretData = await attempt(() =>
    secret.inspect().then((s) => secret.update({ version: s.Version?.Index, Name: "x", Data: data })),
  );
  await secret.remove();
  const config = docker.getConfig((await docker.createConfig({ Name: `${prefix}-cfg`, Data: data })).id);
  out["config"] = mask(await spreadTwice(config, () => ({ Labels: { [prefix]: "" } })));
  await config.remove();

  const created = (await docker.createService({
    Name: `${prefix}-svc`,
    Labels: { [prefix]: "" },
    TaskTemplate: { ContainerSpec: { Image: image, Command: ["sleep", "600"] } },
    Mode: { Replicated: { Replicas: 0 } },
  })) as { ID?: string; id?: string };
  const service = docker.getService(created.ID ?? created.id ?? "");
  out["service"] = mask(
    await spreadTwice({ inspect: () => service.inspect(), update: (o) => service.update(o) }, (spec) => ({
      Labels: { ...(spec.Labels as object), step: "1" },
    })),
  );
  await service.remove();
  return JSON.parse(JSON.stringify(out).split(prefix).join("P")) as Record<string, unknown>;
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sorted(v)]),
    );
  return value;
}

describe.skipIf(!engine)("dockerode's read-modify-write on the real engine and on the fake", () => {
  const prefix = `fdr-${Math.random().toString(36).slice(2, 8)}`;
  let fake: FakeSwarm | undefined;
  afterAll(() => fake?.close());

  it("takes the second write as the first, on every object", { timeout: 60_000 }, async () => {
    const real = await session(
      new Docker({ socketPath: engine!.socketPath }),
      prefix,
      engine!.images.current,
    );
    fake = await createFakeSwarm({ clock: "real", start: Date.now(), timings: { step: 5, stop: 10 } });
    const server = await fake.listen({ socketPath: `/tmp/${prefix}.sock` });
    const onFake = await session(
      new Docker({ socketPath: server.dockerHost.slice("unix://".length) }),
      prefix,
      engine!.images.current,
    );
    expect(Object.keys(onFake)).toEqual(Object.keys(real));
    for (const key of Object.keys(real)) {
      expect.soft(onFake[key], key).toEqual(real[key]);
      expect.soft(JSON.stringify(onFake[key]), `${key} (key order)`).toBe(JSON.stringify(real[key]));
    }
  });
});
