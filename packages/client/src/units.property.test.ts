import { isFlotillaError } from "@flotilla/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBytes, parseCpus, parseDuration, splitCommand } from "./units.js";

// Whatever a caller hands these (a JavaScript caller is not held to the types), the answer is a
// value the engine can hold or a validation error naming the option: never a TypeError, never
// Infinity or NaN passed on as a number.

const RUNS = { seed: 18, numRuns: 2000, interruptAfterTimeLimit: 10_000 };

/** Text that is often close to a duration or a size, and sometimes anything at all. */
const unitText = fc.oneof(
  fc.string(),
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.stringMatching(/^\d{1,30}(\.\d{0,5})?$/), fc.constantFrom("", ".", "1e400", "-1")),
        fc.constantFrom("ns", "us", "µs", "ms", "s", "m", "h", "", "k", "g", "p", "kib", "x"),
      ),
      { maxLength: 5 },
    )
    .map((parts) => parts.map(([n, u]) => n + u).join("")),
);
const anyInput = fc.oneof(unitText, fc.double(), fc.anything());

function outcome(run: () => number | string[], option: string): void {
  let value: unknown;
  try {
    value = run();
  } catch (error) {
    expect(isFlotillaError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe("ERR_VALIDATION");
    expect((error as { issues: { path: string }[] }).issues[0]?.path).toBe(option);
    return;
  }
  if (typeof value === "number") {
    // What Go's int64 reads: a whole number under 2^63.
    expect(Number.isInteger(value) && value < 2 ** 63, `${value}`).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
  } else expect(Array.isArray(value)).toBe(true);
}

describe("the client's unit parsers, fuzzed", () => {
  it("parseDuration gives whole nanoseconds or names the option", () => {
    fc.assert(
      fc.property(anyInput, (input) =>
        outcome(() => parseDuration(input as string, "stop_grace_period"), "stop_grace_period"),
      ),
      RUNS,
    );
  });

  it("parseBytes gives whole bytes or names the option", () => {
    fc.assert(
      fc.property(anyInput, (input) => outcome(() => parseBytes(input as string, "memory"), "memory")),
      RUNS,
    );
  });

  it("parseCpus gives whole nano-CPUs or names the option", () => {
    fc.assert(
      fc.property(anyInput, (input) => outcome(() => parseCpus(input as string, "cpus"), "cpus")),
      RUNS,
    );
  });

  it("splitCommand gives words or names the option", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (input) =>
        outcome(() => splitCommand(input as string, "command"), "command"),
      ),
      RUNS,
    );
  });

  // Regressions the fuzzing found.
  it.each([
    [() => parseDuration(`${"9".repeat(400)}h`, "d"), "d"],
    [() => parseDuration(1e300, "d"), "d"],
    [() => parseDuration(`${"9".repeat(20)}h`, "d"), "d"],
    [() => parseBytes(`${"9".repeat(400)}`, "m"), "m"],
    [() => parseBytes("99999999999p", "m"), "m"],
    [() => parseBytes(null as unknown as string, "m"), "m"],
    [() => parseBytes(1e300, "m"), "m"],
    [() => parseCpus("1e300", "c"), "c"],
    [() => parseCpus(null as unknown as string, "c"), "c"],
    [() => parseCpus({} as unknown as string, "c"), "c"],
    [() => splitCommand(42 as unknown as string, "c"), "c"],
  ] as const)("refuses out-of-range or mistyped input %#, naming the option", (run, option) => {
    expect(run).toThrow(
      expect.objectContaining({
        code: "ERR_VALIDATION",
        issues: [expect.objectContaining({ path: option })],
      }),
    );
  });
});
