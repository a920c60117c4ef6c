import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StaleVersionError } from "@flotilla/client";
import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { type Transport, UnixSocketTransport } from "@flotilla/transport";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  countWriterLabels,
  describeFigures,
  type RaceResult,
  type RaceTarget,
  raceUpdates,
} from "./update-race.js";

// 100 writers add a label each to one service at the same moment, through the client's
// read-modify-write update: on the main engine, on the fake in this process and on the fake
// served over a unix socket. No change may be lost: every writer succeeds, every label is there,
// and the service went through exactly one version per applied update.

const WRITERS = 100;
/** 100 writers on the engine take a few seconds; the margin is for a busy machine. */
const RACE_TIMEOUT_MS = 120_000;

const engine = inject("engine");
const image = engine?.images.current ?? "flotilla-test/busybox:latest";

/**
 * What every target must show. `exclusiveIndex`: nothing but the race writes to the engine, so the
 * version counter, which all objects share as the raft index does, moves only with its updates.
 */
function expectNoUpdateLost(result: RaceResult, options: { exclusiveIndex: boolean }): void {
  const { recorder } = result;
  expect(result.failures).toEqual([]);
  expect(countWriterLabels(result)).toBe(WRITERS);
  expect(result.labelsAfter["load.base"]).toBe("1");
  expect(recorder.count("applied")).toBe(WRITERS);
  expect(recorder.count("failed")).toBe(0);
  expect(recorder.attempts.length).toBe(WRITERS + recorder.count("out-of-sequence"));
  // The engine reports one update event per update it applied: exactly as many as succeeded.
  expect(result.updateEvents).toBe(WRITERS);
  // Each applied update was sent with the version its writer read. Together they must be the
  // versions the service had before each of them, in one chain from the version before the race:
  // 100 distinct versions, the first being the one before the race, all below the one after it. A
  // write applied over a version that was already replaced, which loses the change before it,
  // would repeat a version or leave the chain.
  const basedOn = recorder.attempts.filter((a) => a.outcome === "applied").map((a) => a.version);
  const chain = [...new Set(basedOn)].sort((a, b) => a - b);
  expect(chain).toHaveLength(WRITERS);
  expect(chain[0]).toBe(result.versionBefore);
  expect(chain[chain.length - 1]).toBeLessThan(result.versionAfter);
  if (options.exclusiveIndex) {
    // Alone on the engine, the chain is the counter itself: each update took the next index.
    expect(chain).toEqual(Array.from({ length: WRITERS }, (_, i) => result.versionBefore + i));
    expect(result.versionAfter - result.versionBefore).toBe(WRITERS);
  } else {
    // On a shared engine the raft index also moves for other objects (other tests' services and
    // tasks) between two of our updates, so the versions in the chain are not consecutive and the
    // difference before/after only bounds the count from above. The exact count is the events'
    // and the chain's: 100 updates, each on the version the one before it made.
    expect(result.versionAfter - result.versionBefore).toBeGreaterThanOrEqual(WRITERS);
  }
}

describe.skipIf(!engine)("100 concurrent read-modify-write updates on the engine", () => {
  it(
    "lose no update",
    async () => {
      const target: RaceTarget = {
        image,
        now: () => new Date(),
        client: (wrap) =>
          new Client({
            transport: wrap(new UnixSocketTransport({ socketPath: engine!.socketPath })),
            registryAuth: false,
          }),
      };
      const result = await raceUpdates(target, { writers: WRITERS });
      console.info(describeFigures("engine", result));
      expectNoUpdateLost(result, { exclusiveIndex: false });
    },
    RACE_TIMEOUT_MS,
  );
});

describe("100 concurrent read-modify-write updates on the fake", () => {
  let swarm: FakeSwarm;
  let socketDir: string;

  beforeAll(async () => {
    swarm = await createFakeSwarm({ seed: 10 });
    socketDir = mkdtempSync(join(tmpdir(), "flotilla-load-"));
  });

  afterAll(async () => {
    await swarm?.close();
    rmSync(socketDir, { recursive: true, force: true });
  });

  const fakeTarget = (transport: () => Transport): RaceTarget => ({
    image,
    now: () => swarm.now(),
    client: (wrap) => new Client({ transport: wrap(transport()), registryAuth: false }),
  });

  it(
    "in this process lose no update",
    async () => {
      const result = await raceUpdates(
        fakeTarget(() => swarm.transport()),
        { writers: WRITERS },
      );
      console.info(describeFigures("fake, in process", result));
      expectNoUpdateLost(result, { exclusiveIndex: true });
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "over a unix socket lose no update",
    async () => {
      const server = await swarm.listen({ socketPath: join(socketDir, "fake.sock") });
      try {
        const result = await raceUpdates(
          fakeTarget(() => new UnixSocketTransport({ socketPath: join(socketDir, "fake.sock") })),
          { writers: WRITERS },
        );
        console.info(describeFigures("fake, unix socket", result));
        expectNoUpdateLost(result, { exclusiveIndex: true });
      } finally {
        await server.close();
      }
    },
    RACE_TIMEOUT_MS,
  );

  it("writers that run out of attempts fail with StaleVersionError, and only their changes are missing", async () => {
    const result = await raceUpdates(
      fakeTarget(() => swarm.transport()),
      { writers: 20, retries: 1 },
    );
    console.info(describeFigures("fake, one attempt each", result));
    // Twenty writers read the same version at once: with one attempt each, only one can win.
    expect(result.failures.length).toBeGreaterThan(0);
    for (const { error } of result.failures) {
      expect(error).toBeInstanceOf(StaleVersionError);
      expect((error as StaleVersionError).message).toMatch(/kept changing during 1 attempt$/);
    }
    for (const { writer } of result.failures)
      expect(result.labelsAfter).not.toHaveProperty(`load.writer-${writer}`);
    const succeeded = 20 - result.failures.length;
    expect(countWriterLabels(result)).toBe(succeeded);
    expect(result.recorder.count("applied")).toBe(succeeded);
    expect(result.updateEvents).toBe(succeeded);
    expect(result.versionAfter - result.versionBefore).toBe(succeeded);
  });
});
