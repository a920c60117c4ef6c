import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { afterAll, describe, expect, inject, it } from "vitest";
import { eventually, rawRequest, uniqueName } from "../support/raw-engine.js";

// Task counts after the same raw requests on the real engine and on the fake (served on a
// socket): `ServiceStatus` of `GET /services?status=true`, and the shut-down history a service
// keeps through scaling and updates. Each step waits (bounded) for its side to settle first.

const engine = inject("engine");

type Task = {
  Slot?: number;
  DesiredState: string;
  Status: { State: string };
  Spec: { ForceUpdate?: number; ContainerSpec: { Env?: string[] } };
};
type Service = {
  ID: string;
  Version: { Index: number };
  Spec: {
    Mode: { Replicated: { Replicas: number } };
    TaskTemplate: { ForceUpdate?: number; ContainerSpec: { Image: string; Env?: string[] } };
    Labels?: Record<string, string>;
  };
};

const STOPPED = new Set(["complete", "shutdown", "failed", "rejected", "orphaned", "remove"]);

function side(socketPath: string) {
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const answer = await rawRequest(socketPath, method, `/v1.41${path}`, body);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.text()}`);
    return (answer.body.length ? answer.json() : undefined) as T;
  };
  const tasksOf = (id: string) =>
    call<Task[]>("GET", `/tasks?filters=${encodeURIComponent(JSON.stringify({ service: [id] }))}`);
  const statusOf = async (name: string) =>
    (
      await call<{ ServiceStatus: unknown }[]>(
        "GET",
        `/services?status=true&filters=${encodeURIComponent(JSON.stringify({ name: [name] }))}`,
      )
    )[0]!.ServiceStatus;
  /** Every task stopped (and reaped) or running the service's current spec, as many as wanted. */
  const settled = (id: string) =>
    eventually(`service ${id} to settle`, 60, async () => {
      const service = await call<Service>("GET", `/services/${id}`);
      const tasks = await tasksOf(id);
      const template = service.Spec.TaskTemplate;
      const current = (t: Task) =>
        t.Status.State === "running" &&
        JSON.stringify(t.Spec.ContainerSpec.Env ?? null) ===
          JSON.stringify(template.ContainerSpec.Env ?? null) &&
        (t.Spec.ForceUpdate ?? 0) === (template.ForceUpdate ?? 0);
      const running = tasks.filter((t) => t.DesiredState === "running");
      // A task of a scaled-away slot (desired remove) is deleted by the task reaper a moment
      // after it stops, on its own tick: settled means gone.
      const still = tasks.every((t) =>
        t.DesiredState === "running"
          ? current(t)
          : t.DesiredState !== "remove" && STOPPED.has(t.Status.State),
      );
      return still && running.length === service.Spec.Mode.Replicated.Replicas ? tasks : undefined;
    });
  const update = async (id: string, change: (spec: Service["Spec"]) => void) => {
    const service = await call<Service>("GET", `/services/${id}`);
    const spec = structuredClone(service.Spec);
    change(spec);
    await call("POST", `/services/${id}/update?version=${service.Version.Index}`, spec);
    return settled(id);
  };
  return { call, tasksOf, statusOf, settled, update };
}

/** Per slot: how many tasks are kept, by desired state. */
function history(tasks: Task[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of tasks) {
    const slot = String(t.Slot);
    out[slot] = [...(out[slot] ?? []), `${t.DesiredState}/${t.Status.State}`];
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

async function completedOfReplicated(socketPath: string, image: string) {
  const s = side(socketPath);
  const name = uniqueName("fcount");
  const { ID } = await s.call<{ ID: string }>("POST", "/services/create", {
    Name: name,
    TaskTemplate: {
      ContainerSpec: { Image: image, Command: ["true"] },
      RestartPolicy: { Condition: "none" },
    },
    Mode: { Replicated: { Replicas: 2 } },
  });
  try {
    await eventually("both tasks to complete", 30, async () => {
      const tasks = await s.tasksOf(ID);
      return tasks.filter((t) => t.Status.State === "complete").length === 2 ? true : undefined;
    });
    return await s.statusOf(name);
  } finally {
    await s.call("DELETE", `/services/${ID}`);
  }
}

/** A replicated job of 3 completions, 2 at a time: its status once every run has completed. */
async function completedOfJob(socketPath: string, image: string) {
  const s = side(socketPath);
  const name = uniqueName("fjob");
  const { ID } = await s.call<{ ID: string }>("POST", "/services/create", {
    Name: name,
    TaskTemplate: { ContainerSpec: { Image: image, Command: ["true"] } },
    Mode: { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 3 } },
  });
  try {
    await eventually("the job's three runs to complete", 30, async () => {
      const tasks = await s.tasksOf(ID);
      return tasks.filter((t) => t.Status.State === "complete").length === 3 ? true : undefined;
    });
    return await s.statusOf(name);
  } finally {
    await s.call("DELETE", `/services/${ID}`);
  }
}

async function historyThroughUpdates(socketPath: string, images: { current: string; next: string }) {
  const s = side(socketPath);
  // sleep as PID 1 ignores SIGTERM: stopped by SIGKILL, each task stops at once.
  const { ID } = await s.call<{ ID: string }>("POST", "/services/create", {
    Name: uniqueName("fhist"),
    TaskTemplate: {
      ContainerSpec: {
        Image: images.current,
        Command: ["sleep", "3600"],
        StopSignal: "SIGKILL",
      },
    },
    Mode: { Replicated: { Replicas: 3 } },
  });
  const steps: Record<string, Record<string, string[]>> = {};
  try {
    await s.settled(ID);
    await s.update(ID, (spec) => (spec.Mode.Replicated.Replicas = 5));
    steps.scaledDown = history(await s.update(ID, (spec) => (spec.Mode.Replicated.Replicas = 2)));
    steps.imageAndEnv = history(
      await s.update(ID, (spec) => {
        spec.TaskTemplate.ContainerSpec.Image = images.next;
        spec.TaskTemplate.ContainerSpec.Env = ["STEP=1"];
      }),
    );
    steps.fullSpec = history(
      await s.update(ID, (spec) => {
        spec.Labels = { ...spec.Labels, step: "2" };
        spec.TaskTemplate.ContainerSpec.Env = ["STEP=2"];
      }),
    );
    steps.forced = history(
      await s.update(
        ID,
        (spec) => (spec.TaskTemplate.ForceUpdate = (spec.TaskTemplate.ForceUpdate ?? 0) + 1),
      ),
    );
    return steps;
  } finally {
    await s.call("DELETE", `/services/${ID}`);
  }
}

describe.skipIf(!engine)("task counts on the real engine and on the fake", () => {
  let fake: FakeSwarm | undefined;
  let fakeSocket = "";
  afterAll(() => fake?.close());
  const onFake = async () => {
    if (!fake) {
      fake = await createFakeSwarm({ clock: "real", start: Date.now(), timings: { step: 5, stop: 10 } });
      fakeSocket = (await fake.listen({ socketPath: `/tmp/${uniqueName("fcounts")}.sock` })).dockerHost.slice(
        "unix://".length,
      );
    }
    return fakeSocket;
  };

  it("counts completed tasks for jobs only, not for a replicated service", { timeout: 60_000 }, async () => {
    const real = await completedOfReplicated(engine!.socketPath, engine!.images.current);
    expect(real).toEqual({ RunningTasks: 0, DesiredTasks: 2, CompletedTasks: 0 });
    expect(await completedOfReplicated(await onFake(), engine!.images.current)).toEqual(real);
  });

  it("counts a job's completed tasks", { timeout: 60_000 }, async () => {
    const real = await completedOfJob(engine!.socketPath, engine!.images.current);
    expect(real).toMatchObject({ CompletedTasks: 3 });
    expect(await completedOfJob(await onFake(), engine!.images.current)).toEqual(real);
  });

  it("keeps the same task history through scaling and updates", { timeout: 120_000 }, async () => {
    // Both sides at once: each waits for its own settling, and the test takes the longer of the two.
    const [real, onFakeSide] = await Promise.all([
      historyThroughUpdates(engine!.socketPath, engine!.images),
      onFake().then((socket) => historyThroughUpdates(socket, engine!.images)),
    ]);
    // Scaled-away slots go with their tasks once stopped; each update leaves one shut-down task
    // per slot (the retention limit, 5 per slot, is not reached).
    expect(real.forced).toEqual({
      "1": ["running/running", "shutdown/shutdown", "shutdown/shutdown", "shutdown/shutdown"],
      "2": ["running/running", "shutdown/shutdown", "shutdown/shutdown", "shutdown/shutdown"],
    });
    expect(onFakeSide).toEqual(real);
  });
});
