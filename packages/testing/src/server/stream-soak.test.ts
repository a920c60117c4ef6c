import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { type ClientRequest, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The soak: 1,000 streams held on the served fake for 60 s while its services update, 500
// `/events` (each until a time 60 s on, so the fake ends it) and 500 `service logs --follow` (each
// ended by its client after 60 s, as `docker service logs -f` by ^C: dockerd 20.10 never ends one,
// not even when its service is removed). Then nothing is left: no subscriber, no timer or handle,
// and memory (after gc) where it was. The fake runs in a process of its own
// (test/fixtures/soak-fake.mjs) so that what is measured is the fake alone; the figures are printed.

const FIXTURE = new URL("../../test/fixtures/soak-fake.mjs", import.meta.url).pathname;
const SOAK_MS = 60_000;
const SERVICES = 10;
const EVENT_STREAMS = 500;
const LOG_STREAMS = 500;
const MiB = 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), "flotilla-soak-"));
const socketPath = join(dir, "engine.sock");
let fake: ChildProcess;
let lines: Interface;

interface Report {
  memory: ReturnType<typeof process.memoryUsage>;
  resources: Record<string, number>;
  eventListeners: number;
  pendingTimers: number;
}

async function measure(): Promise<Report> {
  const answer = new Promise<string>((resolve) => lines.once("line", resolve));
  fake.stdin!.write("measure\n");
  return JSON.parse(await answer) as Report;
}

/** One call whose answer is read whole. */
function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method, agent: false }, (res) => {
      let text = "";
      res.on("data", (data) => {
        text += data;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    if (body !== undefined) req.setHeader("Content-Type", "application/json");
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

interface Stream {
  req: ClientRequest;
  status?: number;
  bytes: number;
  /** The body ended as HTTP ends one (the chunked terminator), not cut off. */
  ended: boolean;
  error?: string;
  /** Our own leaving, which is no error of the stream. */
  leftByUs: boolean;
}

function follow(path: string): Stream {
  const req = request({ socketPath, path, agent: false });
  const stream: Stream = { req, bytes: 0, ended: false, leftByUs: false };
  req.on("response", (res) => {
    stream.status = res.statusCode;
    res.on("data", (data: Buffer) => {
      stream.bytes += data.byteLength;
    });
    res.on("end", () => {
      stream.ended = true;
    });
    res.on("error", (error) => {
      if (!stream.leftByUs) stream.error = error.message;
    });
  });
  req.on("error", (error) => {
    if (!stream.leftByUs) stream.error = error.message;
  });
  req.end();
  return stream;
}

const held = (r: Report) => r.memory.heapUsed + r.memory.external;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

beforeAll(async () => {
  fake = spawn(process.execPath, ["--expose-gc", FIXTURE, socketPath], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  lines = createInterface({ input: fake.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.once("line", (line) => (line.includes("DOCKER_HOST") ? resolve() : reject(new Error(line))));
    fake.once("exit", (code) => reject(new Error(`the soak fake exited with ${code}`)));
  });
});

afterAll(async () => {
  if (fake && fake.exitCode === null) {
    const exited = new Promise((resolve) => fake.once("exit", resolve));
    fake.stdin!.end();
    fake.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("1,000 streams on the served fake for 60 s", () => {
  it("all end cleanly and leave nothing behind", { timeout: SOAK_MS + 90_000 }, async () => {
    const ids: string[] = [];
    for (let i = 0; i < SERVICES; i++) {
      const created = await call("POST", "/v1.41/services/create", {
        Name: `soak-${i}`,
        TaskTemplate: { ContainerSpec: { Image: "soak/ticker:1" } },
      });
      expect(created.status).toBe(201);
      ids.push((JSON.parse(created.body) as { ID: string }).ID);
    }
    await sleep(1_000);
    const before = await measure();

    const until = Math.ceil((Date.now() + SOAK_MS) / 1000);
    const events = Array.from({ length: EVENT_STREAMS }, () => follow(`/v1.41/events?until=${until}`));
    const logs = Array.from({ length: LOG_STREAMS }, (_, i) =>
      follow(`/v1.41/services/${ids[i % SERVICES]}/logs?follow=1&stdout=1&stderr=1`),
    );
    // One service update a second, each a new spec and a rolling replacement of its task.
    let updates = 0;
    let during: Report | undefined;
    const soakEnd = Date.now() + SOAK_MS;
    while (Date.now() < soakEnd - 1_000) {
      const id = ids[updates % SERVICES]!;
      const current = JSON.parse((await call("GET", `/v1.41/services/${id}`)).body) as {
        Version: { Index: number };
        Spec: { TaskTemplate: { ContainerSpec: { Env?: string[] } } };
      };
      current.Spec.TaskTemplate.ContainerSpec.Env = [`ROUND=${updates}`];
      const updated = await call(
        "POST",
        `/v1.41/services/${id}/update?version=${current.Version.Index}`,
        current.Spec,
      );
      expect(updated.status).toBe(200);
      updates++;
      if (!during && Date.now() > soakEnd - SOAK_MS / 2) during = await measure();
      await sleep(1_000);
    }
    // The fake ends each /events stream at `until`.
    await expect
      .poll(() => events.filter((s) => s.ended || s.error).length, { timeout: 20_000, interval: 250 })
      .toBe(EVENT_STREAMS);
    // Each logs stream followed for the whole soak, then its client leaves.
    await sleep(Math.max(0, soakEnd - Date.now()));
    for (const stream of logs) {
      stream.leftByUs = true;
      stream.req.destroy();
    }

    // Nothing of the streams is left: no subscriber, no handle or timer, no memory.
    const baseline = JSON.stringify(before.resources);
    let after = await measure();
    for (
      let wait = 0;
      wait < 40 && (after.eventListeners > 0 || JSON.stringify(after.resources) !== baseline);
      wait++
    ) {
      await sleep(250);
      after = await measure();
    }
    process.stdout.write(
      [
        `soak: ${EVENT_STREAMS} /events + ${LOG_STREAMS} logs --follow for ${SOAK_MS / 1000} s, ${updates} service updates`,
        `  heap+external: before ${mib(held(before))}, with the streams ${mib(held(during!))}, after ${mib(held(after))}`,
        `  rss: before ${mib(before.memory.rss)}, with the streams ${mib(during!.memory.rss)}, after ${mib(after.memory.rss)}`,
        `  events received per stream: min ${Math.min(...events.map((s) => s.bytes))} bytes; logs: min ${Math.min(...logs.map((s) => s.bytes))} bytes`,
        `  active resources before ${baseline}, with the streams ${JSON.stringify(during!.resources)}, after ${JSON.stringify(after.resources)}`,
        `  event subscribers with the streams ${during!.eventListeners}, after ${after.eventListeners}`,
        "",
      ].join("\n"),
    );

    for (const stream of [...events, ...logs]) {
      expect(stream.error).toBeUndefined();
      expect(stream.status).toBe(200);
    }
    expect(events.every((s) => s.ended)).toBe(true);
    // Every stream carried what happened while it was open: each update's events, and log lines.
    expect(Math.min(...events.map((s) => s.bytes))).toBeGreaterThan(1_000);
    expect(Math.min(...logs.map((s) => s.bytes))).toBeGreaterThan(0);
    // What is counted did count the streams while they were open.
    expect(during!.eventListeners).toBe(EVENT_STREAMS);
    expect(after.eventListeners).toBe(0);
    expect(after.resources).toEqual(before.resources);
    // Flat: what the streams held is given back; what stays is the state the updates added.
    expect(held(after) - held(before)).toBeLessThan(16 * MiB);
  });
});
