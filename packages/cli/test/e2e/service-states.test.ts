import { type Transport, UnixSocketTransport } from "@flotilla/transport";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { fakeSwarm, flotilla } from "./harness.js";

// Every word `service ls` and `service show` print for a service, each brought about as a user
// would (specs the docker CLI or the library send), on the fake swarm and on the real engine, and
// read back from both commands, which must agree. The words' meanings are in service-rows.ts.

const engine = inject("engine");
const suffix = Math.random().toString(36).slice(2, 8);

interface Target {
  transport: Transport;
  image: string;
  nodes: number;
  /** Services are named per run: the engine is shared. */
  name(what: string): string;
}

type Spec = Record<string, unknown>;

async function create(target: Target, what: string, spec: Spec): Promise<string> {
  const name = target.name(what);
  const response = await target.transport.request({
    method: "POST",
    path: "/services/create",
    body: { Name: name, ...spec },
  });
  if (response.status !== 201) throw new Error(`create ${name}: ${await response.text()}`);
  await response.cancel();
  return name;
}

async function update(target: Target, name: string, change: (spec: Spec) => Spec): Promise<void> {
  const read = await target.transport.request({ method: "GET", path: `/services/${name}` });
  const service = await read.json<{ Version: { Index: number }; Spec: Spec }>();
  const response = await target.transport.request({
    method: "POST",
    path: `/services/${name}/update`,
    query: { version: service.Version.Index },
    body: change(service.Spec),
  });
  if (response.status !== 200) throw new Error(`update ${name}: ${await response.text()}`);
  await response.cancel();
}

const task = (target: Target, args: string[], extra: Spec = {}) => ({
  ContainerSpec: { Image: target.image, Args: args, StopGracePeriod: 1_000_000_000 },
  RestartPolicy: { Condition: "none" },
  ...extra,
});
const NO_NODE = { Placement: { Constraints: ["node.labels.flotilla-no-such-label==x"] } };
const SLOW_STEPS = { Parallelism: 1, Delay: 3600e9, Monitor: 2e9, MaxFailureRatio: 0 };
// Swarm counts a new task's failure only once it has run, and only while it watches (Monitor)
// after the last step's Delay: so these updates fail a second in, and have no delay.
const WATCHED = { Parallelism: 1, Delay: 0, Monitor: 30e9, MaxFailureRatio: 0 };
const FAILS = ["sh", "-c", "sleep 1; exit 1"];

/** `service ls` REPLICAS and STATE for one service, and `service show`'s state and replicas lines. */
async function read(target: Target, name: string) {
  const ls = await flotilla(
    ["service", "ls", "--filter", `name=${name}`, "--format", "{{.Replicas}}|{{.State}}"],
    {
      transport: target.transport,
    },
  );
  const shown = await flotilla(["service", "show", name], { transport: target.transport, now: Date.now() });
  const state = shown.stdout.match(/^ {2}state: (.*)$/m)?.[1];
  const replicas = shown.stdout.match(/^ {2}replicas: (.*)$/m)?.[1];
  return { ls: ls.stdout.trim(), show: `${replicas}|${state}` };
}

/** Polls until both commands print `expected` (a bounded wait for the engine to settle). */
async function settlesTo(target: Target, name: string, expected: string | RegExp, timeout = 40_000) {
  const deadline = Date.now() + timeout;
  let last = await read(target, name);
  const matches = (text: string) => (typeof expected === "string" ? text === expected : expected.test(text));
  while (!(matches(last.ls) && matches(last.show)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await read(target, name);
  }
  expect(last.ls, `${name}: service ls`).toMatch(expected);
  expect(last.show, `${name}: service show`).toMatch(expected);
}

function states(label: string, open: () => Promise<Target & { close(): Promise<void> }>, skip = false) {
  describe.skipIf(skip)(`service states on ${label}`, { timeout: 90_000 }, () => {
    let target: Target & { close(): Promise<void> };
    const created: string[] = [];
    const make = async (what: string, spec: Spec) => {
      const name = await create(target, what, spec);
      created.push(name);
      return name;
    };
    beforeAll(async () => {
      target = await open();
    });
    afterAll(async () => {
      if (!target) return;
      for (const name of created)
        await (await target.transport.request({ method: "DELETE", path: `/services/${name}` })).cancel();
      await target.close();
    });

    it("scaled to 0: replicated at 0 replicas, not 0/0 starting", async () => {
      const name = await make("zero", {
        Mode: { Replicated: { Replicas: 0 } },
        TaskTemplate: task(target, ["sleep", "3600"]),
      });
      await settlesTo(target, name, "0/0|scaled to 0");
    });

    it("no nodes: global with no node it may run on", async () => {
      const name = await make("nowhere", {
        Mode: { Global: {} },
        TaskTemplate: task(target, ["sleep", "3600"], NO_NODE),
      });
      await settlesTo(target, name, "0/0|no nodes");
    });

    it("starting: fewer running than wanted (here: no node to place it on)", async () => {
      const name = await make("unplaced", {
        Mode: { Replicated: { Replicas: 1 } },
        TaskTemplate: task(target, ["sleep", "3600"], NO_NODE),
      });
      await settlesTo(target, name, "0/1|starting");
    });

    it("running, then updating while an update waits between steps", async () => {
      const name = await make("steps", {
        Mode: { Replicated: { Replicas: 2 } },
        TaskTemplate: task(target, ["sleep", "3600"]),
        UpdateConfig: SLOW_STEPS,
      });
      await settlesTo(target, name, "2/2|running");
      await update(target, name, (spec) => ({
        ...spec,
        Labels: { step: "2" },
        TaskTemplate: task(target, ["sleep", "3601"]),
      }));
      await settlesTo(target, name, "2/2|updating");
    });

    it("update paused: an update whose new tasks fail, with FailureAction pause", async () => {
      const name = await make("paused", {
        Mode: { Replicated: { Replicas: 1 } },
        TaskTemplate: task(target, ["sleep", "3600"]),
        UpdateConfig: { ...WATCHED, FailureAction: "pause" },
      });
      await settlesTo(target, name, "1/1|running");
      await update(target, name, (spec) => ({ ...spec, TaskTemplate: task(target, FAILS) }));
      await settlesTo(target, name, /^0\/1\|update paused$/);
    });

    it("rolling back: a failed update going back, waiting between steps", async () => {
      const name = await make("back", {
        Mode: { Replicated: { Replicas: 2 } },
        TaskTemplate: task(target, ["sleep", "3600"]),
        UpdateConfig: { ...WATCHED, FailureAction: "rollback" },
        RollbackConfig: SLOW_STEPS,
      });
      await settlesTo(target, name, "2/2|running");
      await update(target, name, (spec) => ({ ...spec, TaskTemplate: task(target, FAILS) }));
      await settlesTo(target, name, /^\d\/2\|rolling back$/);
    });

    it("running, then complete: a replicated job", async () => {
      const running = await make("job-runs", {
        Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
        TaskTemplate: task(target, ["sleep", "3600"]),
      });
      await settlesTo(target, running, "1/1 (0/1 completed)|running");
      const done = await make("job-done", {
        Mode: { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 2 } },
        TaskTemplate: task(target, ["true"]),
      });
      await settlesTo(target, done, "0/2 (2/2 completed)|complete");
    });

    it("complete: a global job, once on each node", async () => {
      const name = await make("gjob-done", { Mode: { GlobalJob: {} }, TaskTemplate: task(target, ["true"]) });
      await settlesTo(target, name, `0/0 (${target.nodes} completed)|complete`);
    });
  });
}

states("the fake swarm", async () => {
  // No image behaviour: containers run their command through the fake's shell, as busybox would.
  const swarm = await fakeSwarm({ images: {} });
  return {
    transport: swarm.transport(),
    image: "flotilla-test/busybox:latest",
    nodes: 3,
    name: (what) => what,
    close: () => swarm.close(),
  };
});

states(
  "the real engine",
  async () => ({
    transport: new UnixSocketTransport({ socketPath: engine!.socketPath }),
    image: engine!.images.current,
    nodes: 1,
    name: (what) => `cli-states-${what}-${suffix}`,
    close: async () => {},
  }),
  !engine,
);
