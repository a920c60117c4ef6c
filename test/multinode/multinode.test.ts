import { StackDeployInterruptedError } from "@flotilla/client";
import { ConnectionError } from "@flotilla/transport";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { logStreamWhileManagerDies, updateWhileManagerDies } from "./failover.js";
import { type Outcome, SCENARIOS } from "./scenarios.js";
import {
  deployCutWhileWaiting,
  deployWhileLeaderDies,
  inFirstDeploy,
  parseStanding,
  SERVICES,
  serviceKey,
} from "./stack-faults.js";
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

  // Faults in stack deploys (stack-faults.ts).
  it("a stack deploy whose connection is cut while it waits for convergence ends with a typed error at once", async () => {
    const result = await deployCutWhileWaiting(target, image);
    const error = result.error as StackDeployInterruptedError;
    console.info(
      `stack deploy (${result.services} services), connection cut in the convergence wait: ` +
        `${error?.name} (${(error?.cause as { code?: string } | undefined)?.code}) ${Math.round(result.ms)} ms after the cut`,
    );
    expect(error).toBeInstanceOf(StackDeployInterruptedError);
    expect(error).toMatchObject({ code: "ERR_STACK_DEPLOY_INTERRUPTED", stage: "wait", notDone: [] });
    expect(error.created).toHaveLength(result.services);
    expect(error.cause).toBeInstanceOf(ConnectionError);
    // A liveness bound (the wait must end, not poll a dead connection), not a speed measure.
    expect(result.ms).toBeLessThan(1000);
  }, 120_000);

  it("a stack deploy whose leader is killed completes through failover or says which services it wrote; again, it converges", async () => {
    const next = engine?.images.next ?? "flotilla-test/busybox:next";
    const result = await deployWhileLeaderDies(target, { 1: image, 2: next });
    // The CLI's progress goes to stderr too; its error is the one line it starts with "flotilla: ".
    const errors = result.cli.stderr.split("\n").filter((line) => line.startsWith("flotilla: "));
    const failedWith = errors.join("\n");
    console.info(
      `stack deploy of ${SERVICES} services: killed the leader ${result.killed} (context: ${result.hosts.join(", ")}) ` +
        `after ${result.linesAtKill} services were being written; the CLI exited ${result.cli.code} ` +
        `${Math.round(result.cli.exitedAt - result.killedAt)} ms later ` +
        `(${result.cli.code === 0 ? "completed through failover" : `failed: ${failedWith}`}); ` +
        `a new leader answered ${Math.round(result.electionMs)} ms after the kill; ` +
        `the second deploy exited ${result.again.code}; the swarm healed in ${Math.round(result.healMs)} ms`,
    );
    expect(result.linesAtKill, "the kill came after the deploy had finished writing").toBeLessThan(SERVICES);
    // Each service is at the old spec, the new one, or (a create not done) absent: never a mix.
    const name = (i: number) => `${result.stack}_${serviceKey(i)}`;
    for (let i = 1; i <= SERVICES; i++) {
      expect(["2", inFirstDeploy(i) ? "1" : "absent"]).toContain(result.afterKill?.[name(i)]);
    }
    const everyService = Array.from({ length: SERVICES }, (_, i) => name(i + 1));
    if (result.cli.code === 0 || / every service was created or updated /.test(failedWith)) {
      // The writes completed through failover (and at most the wait for convergence was cut).
      expect(everyService.map((s) => result.afterKill?.[s])).toEqual(Array(SERVICES).fill("2"));
    } else {
      expect(result.cli.code).toBe(1);
      expect(errors).toHaveLength(1);
      expect(failedWith).toMatch(/^flotilla: stack \S+ was deployed only in part because /);
      const said = parseStanding(failedWith);
      expect(said, failedWith).toBeDefined();
      for (const service of [...said!.created, ...said!.updated])
        expect(result.afterKill?.[service]).toBe("2");
      for (const service of said!.notDone) expect(result.afterKill?.[service]).not.toBe("2");
      const named = [
        ...said!.created,
        ...said!.updated,
        ...said!.notDone,
        ...(said!.inDoubt ? [said!.inDoubt] : []),
      ];
      expect(named.sort()).toEqual(everyService.sort());
    }
    expect(failedWith).not.toMatch(/Error\b|\bat \S+:\d+|undefined|NaN|Cannot read|Maximum call stack/);
    expect(result.again.code, result.again.stderr).toBe(0);
    expect(Object.values(result.afterAgain ?? {})).toEqual(Array(SERVICES).fill("2"));
    expect(result.runningAfterAgain).toBe(SERVICES);
    expect(result.healed).toEqual({ reachable: target.shape.managers.length, leaders: 1 });
  }, 420_000);
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
