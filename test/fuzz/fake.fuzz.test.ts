import { describe, expect, it } from "vitest";
import { describeFailure, runOnFake } from "./fake-target.js";

// Requests generated from spec/ (test/fuzz/requests.ts), sent to the in-process fake: every
// answer is a status the engine gives, an error is {"message": string}, no JavaScript error text
// reaches the wire, and the fake's state stays consistent after every case. CI runs a few
// thousand cases; `pnpm fuzz` runs a million (FLOTILLA_FUZZ_CASES), figures in BENCHMARKS.md.

const CASES = Number(process.env.FLOTILLA_FUZZ_CASES ?? 3000);
const SEED = Number(process.env.FLOTILLA_FUZZ_SEED ?? 18);

describe("the fake, fuzzed with requests from spec/", () => {
  it(
    `answers ${CASES} generated requests as the engine's API would (seed ${SEED})`,
    async () => {
      const figures = await runOnFake({
        seed: SEED,
        count: CASES,
        progress: (line) => process.stderr.write(`fuzz: ${line}\n`),
      });
      console.log(
        `fuzz: ${figures.cases} cases in ${figures.seconds.toFixed(1)} s ` +
          `(${Math.round(figures.cases / figures.seconds)} cases/s), ${figures.failures} failures; ` +
          `statuses ${JSON.stringify(figures.byStatus)}`,
      );
      console.log(`slowest: ${figures.slowest.map((s) => `${s.ms.toFixed(0)} ms ${s.note}`).join("; ")}`);
      for (const failure of figures.examples) console.log(describeFailure(failure));
      expect(figures.failures, figures.examples.map(describeFailure).join("\n\n")).toBe(0);
    },
    // A bound for the long run too: a few milliseconds a case, with room for a loaded machine.
    Math.max(60_000, CASES * 20),
  );
});
