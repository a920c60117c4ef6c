import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueName } from "../support/raw-engine.js";
import { createFixtures, removeAll } from "./fixtures.js";
import { type BadRequest, badRequests, type Fixtures } from "./requests.js";
import { messageOf, overHandler, overSocket, placeholders, type Send, toWire } from "./send.js";

// Every bad request of the table, sent byte for byte to the real engine and to the fake (through
// its handler in this process and through its socket): each must answer with the status and
// message recorded from the engine.

const engine = inject("engine");

interface Target {
  send: Send;
  prefix: string;
  fixtures: Fixtures;
  count: number;
}

async function answerOf(target: Target, entry: BadRequest) {
  const values = placeholders(target.fixtures, `${target.prefix}-u${target.count++}`);
  const answer = await target.send(toWire(entry, values));
  const message = messageOf(answer, values);
  return message === undefined || answer.status < 300
    ? { status: answer.status }
    : { status: answer.status, message };
}

/** The table against one target, set up in `open` and torn down after. */
function answersLikeTheEngine(open: () => Promise<Send>, close: () => Promise<void>, fake: boolean) {
  const target = {} as Target;
  beforeAll(async () => {
    target.send = await open();
    target.prefix = uniqueName("fbad");
    target.count = 0;
    target.fixtures = await createFixtures(target.send, target.prefix);
  });
  afterAll(async () => {
    if (target.send) await removeAll(target.send, target.prefix);
    await close();
  });
  it("has at least 50 bad requests to send", () => {
    expect(badRequests.length).toBeGreaterThanOrEqual(50);
    expect(new Set(badRequests.map((e) => e.name)).size).toBe(badRequests.length);
  });
  it.each(badRequests.map((entry) => [entry.name, entry] as const))("%s", async (_name, entry) => {
    const want = (fake && entry.fake?.want) || entry.want;
    expect(await answerOf(target, entry)).toEqual(want);
  });
}

describe.skipIf(!engine)("the real engine answers each bad request as the table records", () => {
  answersLikeTheEngine(
    async () => overSocket(engine!.socketPath),
    async () => {},
    false,
  );
});

describe("the fake's handler answers each bad request as the engine does", () => {
  let swarm: FakeSwarm;
  answersLikeTheEngine(
    async () => {
      swarm = await createFakeSwarm();
      return overHandler(swarm.handle);
    },
    async () => swarm?.[Symbol.asyncDispose](),
    true,
  );
});

describe("the fake's socket answers each bad request as the engine does", () => {
  let swarm: FakeSwarm;
  let dir: string;
  answersLikeTheEngine(
    async () => {
      swarm = await createFakeSwarm();
      dir = mkdtempSync(join(tmpdir(), "flotilla-bad-input-"));
      const socketPath = join(dir, "engine.sock");
      await swarm.listen({ socketPath });
      return overSocket(socketPath);
    },
    async () => {
      await swarm?.[Symbol.asyncDispose]();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    true,
  );
});
