import { describe, expect, it } from "vitest";
import { call, createService, serviceSpec } from "../../test/helpers.js";
import { FakeSwarm } from "../fake-swarm.js";

// Constraints name labels by the user's keys: a key such as `constructor` is a label the node
// lacks, not Object.prototype's.

describe("placement constraints on labels named like Object.prototype's keys", () => {
  it.each([
    "node.labels.constructor==x",
    "node.labels.toString!=x",
    "engine.labels.__proto__==x",
    "node.labels.hasOwnProperty==x",
  ])("%s places by the node's own labels", async (constraint) => {
    await using swarm = new FakeSwarm({ clock: "virtual", seed: 1 });
    const id = await createService(
      swarm,
      serviceSpec("web", {
        TaskTemplate: { ContainerSpec: { Image: "app:1" }, Placement: { Constraints: [constraint] } },
      }),
    );
    swarm.advance("5s");
    const { status, body } = await call(
      swarm,
      "GET",
      `/tasks?filters=${encodeURIComponent(JSON.stringify({ service: [id] }))}`,
    );
    expect(status).toBe(200);
    const state = (body as { Status: { State: string } }[])[0]?.Status.State;
    // `==` on a label the node lacks places nothing; `!=` holds.
    expect(state).toBe(constraint.includes("!=") ? "running" : "pending");
  });
});

describe("other lookups by the user's names", () => {
  it("filters label=constructor to the services that have such a label, not to all", async () => {
    await using swarm = new FakeSwarm({ clock: "virtual", seed: 1 });
    await createService(swarm, serviceSpec("plain"));
    await createService(swarm, serviceSpec("labelled", { Labels: { constructor: "yes" } }));
    const { body } = await call(
      swarm,
      "GET",
      `/services?filters=${encodeURIComponent('{"label":{"constructor":true}}')}`,
    );
    expect((body as { Spec: { Name: string } }[]).map((s) => s.Spec.Name)).toEqual(["labelled"]);
  });

  it("runs a container whose command is `toString` as a command not found (exit 127)", async () => {
    await using swarm = new FakeSwarm({ clock: "virtual", seed: 1 });
    const id = await createService(
      swarm,
      serviceSpec("cmd", {
        TaskTemplate: {
          ContainerSpec: { Image: "flotilla-test/busybox:latest", Command: ["sh", "-c", "toString"] },
          RestartPolicy: { Condition: "none" },
        },
      }),
    );
    swarm.advance("10s");
    const { body } = await call(
      swarm,
      "GET",
      `/tasks?filters=${encodeURIComponent(JSON.stringify({ service: [id] }))}`,
    );
    expect(
      (body as { Status: { State: string; ContainerStatus?: { ExitCode?: number } } }[])[0]?.Status,
    ).toMatchObject({
      State: "failed",
      ContainerStatus: { ExitCode: 127 },
    });
  });
});
