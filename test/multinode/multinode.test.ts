import { ConnectionError } from "@flotilla/transport";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { logStreamWhileManagerDies, updateWhileManagerDies } from "./failover.js";
import { type Outcome, SCENARIOS } from "./scenarios.js";
import { DEFAULT_SHAPE, EngineSwarmTarget, FakeSwarmTarget, type SwarmShape } from "./target.js";

// The multi-node scenarios (scenarios.ts) on the real swarm of scripts/swarm-up.sh, on the fake
// swarm with the same nodes, and then compared: where the fake ends up somewhere else than the
// engine, it is wrong. Known differences are written down below, each with what the engine does;
// when the fake is fixed, the comparison fails until its entry is removed.

const engine = inject("engine");
const swarm = engine?.swarm ?? null;
const image = engine?.images.current ?? "flotilla-test/busybox:latest";
const shape: SwarmShape = swarm
  ? { managers: swarm.managers.map((n) => n.hostname), workers: swarm.workers.map((n) => n.hostname) }
  : DEFAULT_SHAPE;

/**
 * Where the fake differs from the engine, by scenario: each outcome field it gets wrong, with what
 * the engine does instead. The fake's own run of such a scenario is skipped with these reasons.
 */
const FAKE_DIFFERENCES: Partial<Record<keyof typeof SCENARIOS, Record<string, string>>> = {};

const engineOutcomes = new Map<string, Outcome>();

describe.skipIf(!swarm)("the multi-node swarm of scripts/swarm-up.sh", () => {
  let target: EngineSwarmTarget;

  beforeAll(async () => {
    target = new EngineSwarmTarget(swarm!, image);
    // A run that was interrupted may have left an engine stopped: start from a whole swarm.
    await target.restartEngines();
  }, 180_000);

  afterAll(async () => {
    await target?.[Symbol.asyncDispose]();
  });

  for (const [key, scenario] of Object.entries(SCENARIOS)) {
    it(
      scenario.name,
      async () => {
        const outcome = await scenario.run(target);
        engineOutcomes.set(key, outcome);
        scenario.expectations(outcome, target.shape);
      },
      scenario.timeoutMs,
    );
  }

  // Managers killed under a running client (failover.ts). Here, in this describe, because only one
  // file may stop the swarm's engines at a time; each restores the swarm before it returns.
  it("a `flotilla service update` whose manager is killed finishes through another manager", async () => {
    const result = await updateWhileManagerDies(target, {
      current: image,
      next: engine?.images.next ?? "flotilla-test/busybox:next",
    });
    console.info(
      `failover: killed ${result.killed} (of ${result.hosts.join(", ")}) while the update was ` +
        `${result.stateAtKill}; the CLI exited ${result.cli.code} ` +
        `${Math.round(result.cli.exitedAt - result.killedAt)} ms later`,
    );
    expect(result.runningAtKill, "the CLI had finished before its manager was killed").toBe(true);
    expect(result.stateAtKill).toBe("updating");
    expect(result.cli.stderr).not.toMatch(/flotilla: /);
    expect(result.cli.code).toBe(0);
    expect(result.image).toBe(engine?.images.next ?? "flotilla-test/busybox:next");
    expect(result.updateState).toBe("completed");
  }, 180_000);

  it("a followed log stream ends with a ConnectionError when its manager is killed", async () => {
    const result = await logStreamWhileManagerDies(target, image);
    console.info(`log stream: ended ${Math.round(result.ms)} ms after its manager was killed`);
    expect(result.linesBeforeKill).toBeGreaterThanOrEqual(5);
    expect(result.error).toBeInstanceOf(ConnectionError);
    expect(result.error).toMatchObject({ code: "ERR_CONNECTION_LOST" });
    // A liveness bound (the stream must end, not hang), not a speed measure.
    expect(result.ms).toBeLessThan(1000);
  }, 120_000);
});

async function runOnFake(key: string): Promise<Outcome> {
  await using target = await FakeSwarmTarget.create(shape, image);
  return await SCENARIOS[key]!.run(target);
}

describe("the fake swarm with the same nodes", () => {
  for (const [key, scenario] of Object.entries(SCENARIOS)) {
    const known = FAKE_DIFFERENCES[key as keyof typeof SCENARIOS];
    const reason =
      known &&
      `the fake differs from the engine: ${Object.entries(known)
        .map(([k, v]) => `${k}: ${v}`)
        .join("; ")}`;
    it.skipIf(reason)(`${scenario.name}${reason ? ` (skipped: ${reason})` : ""}`, async () => {
      scenario.expectations(await runOnFake(key), shape);
    });
  }
});

describe.skipIf(!swarm)("the fake ends where the engine ends", () => {
  for (const [key, scenario] of Object.entries(SCENARIOS)) {
    it(scenario.name, async (context) => {
      const real = engineOutcomes.get(key);
      if (!real) return context.skip("the engine's run of this scenario did not finish");
      const fake = await runOnFake(key);
      const known = FAKE_DIFFERENCES[key as keyof typeof SCENARIOS] ?? {};
      for (const path of Object.keys(known)) {
        expect(at(fake, path), `the fake now agrees on ${path}: remove it from FAKE_DIFFERENCES`).not.toEqual(
          at(real, path),
        );
      }
      expect(without(fake, Object.keys(known))).toEqual(without(real, Object.keys(known)));
    });
  }
});

function at(outcome: Outcome, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], outcome);
}

/** A deep copy of the outcome without the given dotted paths. */
function without(outcome: Outcome, paths: string[]): Outcome {
  const copy = structuredClone(outcome);
  for (const path of paths) {
    const keys = path.split(".");
    const last = keys.pop()!;
    const parent = keys.reduce<Record<string, unknown> | undefined>(
      (value, key) => value?.[key] as Record<string, unknown> | undefined,
      copy,
    );
    if (parent) delete parent[last];
  }
  return copy;
}
