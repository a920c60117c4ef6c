import { clockOf } from "@flotilla/types";
import { describe, expect, it } from "vitest";
import { createService, serviceSpec } from "../test/helpers.js";
import { createFakeSwarm } from "./index.js";

// The default clock: virtual time that moves on by itself while every client sleeps on it.

describe('clock "auto"', () => {
  it("jumps to the first sleeper once nothing else is going on, running the swarm on the way", async () => {
    await using swarm = await createFakeSwarm({ nodes: 2, seed: 3 });
    const id = await createService(swarm, serviceSpec("web", { Mode: { Replicated: { Replicas: 2 } } }));
    const clock = clockOf(swarm.transport())!;
    const start = clock.now();
    expect(swarm.tasks(id).map((t) => t.Status?.State)).toEqual(["assigned", "assigned"]);
    const late = clock.sleep(5000);
    await clock.sleep(1000);
    expect(clock.now() - start).toBe(1000);
    expect(swarm.tasks(id).map((t) => t.Status?.State)).toEqual(["running", "running"]);
    await late;
    expect(clock.now() - start).toBe(5000);
  });

  it("keeps time still while a request is being answered", async () => {
    await using swarm = await createFakeSwarm({ seed: 3 });
    const clock = swarm.clock!;
    // A request still being answered 50 ms of real time later: time must wait for it.
    swarm.inject({ path: "/_ping", latency: 50 });
    const start = clock.now();
    const answered = swarm.handle(new Request("http://fake/_ping")).then(() => clock.now());
    const slept = clock.sleep(1000).then(() => clock.now());
    expect(await answered).toBe(start);
    expect(await slept).toBe(start + 1000);
  });

  it("lets an aborted sleeper go without moving time", async () => {
    await using swarm = await createFakeSwarm();
    const clock = swarm.clock!;
    const start = clock.now();
    const stop = new AbortController();
    const slept = clock.sleep(60_000, stop.signal);
    stop.abort(new Error("no longer waiting"));
    await expect(slept).rejects.toThrow("no longer waiting");
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.now()).toBe(start);
  });

  it("is not offered in the other modes, so clients keep the wall clock", async () => {
    await using virtual = await createFakeSwarm({ clock: "virtual" });
    await using real = await createFakeSwarm({ clock: "real" });
    expect(clockOf(virtual.transport())).toBeUndefined();
    expect(clockOf(real.transport())).toBeUndefined();
  });
});
