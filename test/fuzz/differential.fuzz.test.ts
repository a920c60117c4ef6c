import { FakeSwarm } from "@flotilla/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { checkAnswer } from "./checks.js";
import { prepareEngine, releaseEngine, sendToEngine } from "./engine-target.js";
import { fixtures, send } from "./fake-target.js";
import { KNOWN_MISMATCHES } from "./known-mismatches.js";
import { cases, type FuzzCase } from "./requests.js";

// The same generated cases, in the same order, to the fake and to a real engine (the scratch
// engine `differential`, in a swarm of its own for this file): the statuses must agree. A
// difference is allowed only when KNOWN_MISMATCHES names it, with why; the test prints every
// such difference it let through, and fails on any other.

const engine = inject("engine");
const socket = engine?.scratch.differential;
const CASES = Number(process.env.FLOTILLA_DIFFERENTIAL_CASES ?? 300);
const SEED = Number(process.env.FLOTILLA_FUZZ_SEED ?? 18);

/** Operations that would take the engine out of its swarm or out of step with the fake for good. */
const LEAVES_THE_SWARM =
  /^(POST \/swarm\/(init|join|leave|unlock|update)|DELETE \/nodes\/\{id\}|POST \/nodes\/\{id\}\/update):/;

function message(text: string): string {
  try {
    return String((JSON.parse(text) as { message?: unknown }).message ?? text);
  } catch {
    return text.slice(0, 160);
  }
}

describe.skipIf(!engine)("the fake against the engine, on generated requests", () => {
  let swarm: FakeSwarm;

  beforeAll(async () => {
    await prepareEngine(socket!);
    swarm = new FakeSwarm({ seed: SEED, clock: "virtual" });
    await fixtures(swarm);
  }, 120_000);

  afterAll(async () => {
    await swarm?.[Symbol.asyncDispose]();
    if (socket) await releaseEngine(socket);
  }, 120_000);

  it("has its scratch engine", () => {
    expect(socket, "scripts/engine-up.sh starts one named differential").toBeTruthy();
  });

  it(
    `answers ${CASES} generated requests with the engine's statuses (seed ${SEED})`,
    async () => {
      const unexplained: string[] = [];
      const known = new Map<string, number>();
      let sent = 0;
      for (const fuzz of cases(SEED, CASES * 2)) {
        if (sent >= CASES) break;
        if (LEAVES_THE_SWARM.test(fuzz.note)) continue;
        sent++;
        const [fake, real] = [await send(swarm, fuzz), await sendToEngine(socket!, fuzz)];
        expect(checkAnswer(fuzz, fake), caseText(fuzz)).toEqual([]);
        if (fake.status === real.status) continue;
        const line = `${caseText(fuzz)}\n  fake ${fake.status} ${message(fake.text)}\n  engine ${real.status} ${message(real.text)}`;
        const reason = KNOWN_MISMATCHES.find((k) => k.matches(fuzz, fake, real));
        if (reason) known.set(reason.why, (known.get(reason.why) ?? 0) + 1);
        else unexplained.push(line);
      }
      console.log(`differential: ${sent} cases, ${unexplained.length} unexplained status mismatches`);
      for (const [why, count] of known) console.log(`  known mismatch (${count}): ${why}`);
      for (const line of unexplained) console.log(line);
      expect(unexplained, unexplained.join("\n")).toEqual([]);
    },
    Math.max(120_000, CASES * 500),
  );
});

function caseText(fuzz: FuzzCase): string {
  const body = fuzz.body ? Buffer.from(fuzz.body.subarray(0, 160)).toString("utf8") : "";
  return `${fuzz.method} ${fuzz.path.slice(0, 160)} (${fuzz.note})${body ? `\n  body: ${body}` : ""}`;
}
