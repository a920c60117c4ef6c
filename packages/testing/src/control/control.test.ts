import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { call, createService, serviceSpec } from "../../test/helpers.js";
import { createFakeSwarm } from "../index.js";

describe("test controls", () => {
  it("gives the same IDs for the same seed and the same calls", async () => {
    const run = async () => {
      await using swarm = await createFakeSwarm({ nodes: 2, seed: 42 });
      const id = await createService(swarm, serviceSpec("web", { Mode: { Replicated: { Replicas: 2 } } }));
      swarm.settle();
      return [id, ...swarm.tasks(id).map((t) => `${t.ID}@${t.NodeID}`)];
    };
    expect(await run()).toEqual(await run());
  });

  it("restores a snapshot, time and pending work included", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2, seed: 1 });
    const id = await createService(swarm, serviceSpec("web", { Mode: { Replicated: { Replicas: 2 } } }));
    const snapshot = swarm.snapshot();
    const before = swarm.now().getTime();
    swarm.settle();
    await call(swarm, "DELETE", `/services/${id}`);
    swarm.restore(snapshot);
    expect(swarm.now().getTime()).toBe(before);
    swarm.settle();
    expect(swarm.tasks(id).map((t) => t.Status!.State)).toEqual(["running", "running"]);
  });

  it("puts a task into a chosen state and lets the restart policy react", async () => {
    await using swarm = await createFakeSwarm({ seed: 2 });
    const id = await createService(swarm, serviceSpec("web"));
    swarm.settle();
    const [task] = swarm.tasks(id);
    swarm.setTaskState(task!.ID!, "failed", { exitCode: 137 });
    expect(swarm.tasks(id).find((t) => t.ID === task!.ID)!.Status).toMatchObject({
      State: "failed",
      Err: "task: non-zero exit (137)",
    });
    swarm.settle();
    expect(swarm.tasks(id).filter((t) => t.Status!.State === "running")).toHaveLength(1);
  });

  it("injects an error on chosen calls and records every call", async () => {
    await using swarm = await createFakeSwarm();
    swarm.inject({ method: "POST", path: "/services/create", status: 500, message: "boom", times: 1 });
    expect(await call(swarm, "POST", "/services/create", serviceSpec("a"))).toEqual({
      status: 500,
      body: { message: "boom" },
    });
    expect((await call(swarm, "POST", "/services/create", serviceSpec("a"))).status).toBe(201);
    expect(swarm.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      "POST /services/create 500",
      "POST /services/create 201",
    ]);
  });

  it("streams task output as multiplexed frames, and raw with a TTY", async () => {
    await using swarm = await createFakeSwarm({ seed: 3 });
    swarm.image("talker", { logs: ["hello", { line: "oops", stream: "stderr", after: "2s" }] });
    const id = await createService(
      swarm,
      serviceSpec("t", { TaskTemplate: { ContainerSpec: { Image: "talker" } } }),
    );
    swarm.advance("1s");
    const early = await swarm.handle(new Request(`http://fake/services/${id}/logs?stdout=1&stderr=1`));
    expect(new Uint8Array(await early.arrayBuffer())).toEqual(
      new Uint8Array([1, 0, 0, 0, 0, 0, 0, 6, ...Buffer.from("hello\n")]),
    );
    swarm.advance("5s");
    const all = new Uint8Array(
      await (await swarm.handle(new Request(`http://fake/services/${id}/logs?stderr=1`))).arrayBuffer(),
    );
    expect(all).toEqual(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 5, ...Buffer.from("oops\n")]));

    const tty = await createService(
      swarm,
      serviceSpec("tty", { TaskTemplate: { ContainerSpec: { Image: "talker", TTY: true } } }),
    );
    swarm.advance("5s");
    const raw = await swarm.handle(new Request(`http://fake/services/${tty}/logs?stdout=1&stderr=1`));
    // A terminal turns each newline into CRLF (as Docker 20.10 shows for a TTY service).
    expect(await raw.text()).toBe("hello\r\noops\r\n");
  });

  it("emits swarm events with the engine's attributes", async () => {
    await using swarm = await createFakeSwarm({ seed: 5 });
    const since = swarm.now().getTime() / 1000;
    const id = await createService(swarm, serviceSpec("web"));
    const version = swarm.service(id).Version!.Index;
    await call(
      swarm,
      "POST",
      `/services/${id}/update?version=${version}`,
      serviceSpec("web", { Mode: { Replicated: { Replicas: 2 } } }),
    );
    await call(swarm, "DELETE", `/services/${id}`);
    const until = swarm.now().getTime() / 1000 + 1;
    swarm.advance("2s");
    const response = await swarm.handle(new Request(`http://fake/events?since=${since}&until=${until}`));
    const events = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.map((e) => [e.Type, e.Action, e.Actor.Attributes, e.scope])).toEqual([
      ["service", "create", { name: "web" }, "swarm"],
      ["service", "update", { name: "web", "replicas.new": "2", "replicas.old": "1" }, "swarm"],
      ["service", "remove", { name: "web" }, "swarm"],
    ]);
    expect(events[0].Actor.ID).toBe(id);
    expect(events[0].timeNano).toBe(events[0].time * 1e9);
  });

  it("streams events live until the caller goes away", async () => {
    await using swarm = await createFakeSwarm({ seed: 5 });
    const abort = new AbortController();
    const response = await swarm.handle(new Request("http://fake/events", { signal: abort.signal }));
    const lines = Readable.fromWeb(response.body as never);
    await createService(swarm, serviceSpec("live"));
    const [chunk] = await lines.take(1).toArray();
    expect(JSON.parse(String(chunk))).toMatchObject({ Type: "service", Action: "create" });
    abort.abort();
  });
});
