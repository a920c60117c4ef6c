import { isFlotillaError } from "@flotilla/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { affinityToConstraint } from "./affinity.js";
import { parseKeyValue } from "./key-values.js";
import { parseMount, parseVolume } from "./mounts.js";
import { parsePort } from "./ports.js";
import { parseSecret } from "./secrets.js";
import {
  parseBytes,
  parseCount,
  parseDuration,
  parseInterval,
  parseNanoCpus,
  parseRatio,
  parseSeconds,
  splitCommand,
} from "./units.js";

// Every option parser, given any text: a value, or a usage error whose message starts with the
// flag's name. Never a TypeError or RangeError, never NaN or Infinity handed on.

const RUNS = { seed: 18, numRuns: 1500, interruptAfterTimeLimit: 10_000 };

/** Text shaped like the option's syntax, with random pieces in it, or anything at all. */
function near(pieces: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string(),
    fc
      .array(
        fc.oneof(fc.constantFrom(...pieces), fc.stringMatching(/^\d{1,25}$/), fc.string({ maxLength: 3 })),
        { maxLength: 8 },
      )
      .map((p) => p.join("")),
  );
}

function noJavaScriptValue(value: unknown): void {
  if (typeof value === "number") expect(Number.isFinite(value), String(value)).toBe(true);
  else if (typeof value === "string") expect(value).not.toMatch(/\[native code\]|\[object /);
  else if (typeof value === "object" && value !== null) Object.values(value).forEach(noJavaScriptValue);
  else expect(typeof value === "boolean" || value === undefined, typeof value).toBe(true);
}

function outcome(run: () => unknown, flag: string): void {
  let value: unknown;
  try {
    value = run();
  } catch (error) {
    expect(isFlotillaError(error), String((error as Error)?.stack ?? error)).toBe(true);
    expect((error as Error).message.startsWith(flag), (error as Error).message).toBe(true);
    return;
  }
  noJavaScriptValue(value);
}

const UNITS = ["ns", "us", "ms", "s", "m", "h", "k", "g", "b", "kib", ".", "e", "-", "0x", " "];
const PORT = [
  ":",
  "/",
  "tcp",
  "udp",
  "sctp",
  "=",
  ",",
  "target",
  "published",
  "protocol",
  "mode",
  "host",
  "ingress",
  "0",
  "65535",
  "65536",
];
const MOUNT = [
  ",",
  "=",
  "type",
  "volume",
  "bind",
  "tmpfs",
  "source",
  "target",
  "/",
  "ro",
  "readonly",
  "volume-driver",
  "tmpfs-size",
  "1e400",
  ":",
];
const CONSTRAINT = ["node", "label", "==", "!=", "=", "service", "container", " ", "constructor"];

describe("option parsers, fuzzed", () => {
  it.each([
    ["--memory", parseBytes],
    ["--stop-grace-period", parseDuration],
    ["--timeout", parseSeconds],
    ["--interval", parseInterval],
    ["--replicas", parseCount],
    ["--limit-cpu", parseNanoCpus],
    ["--update-failure-ratio", parseRatio],
  ] as const)("%s gives a value or names the flag", (flag, parse) => {
    fc.assert(
      fc.property(near(UNITS), (text) => outcome(() => parse(text, flag), flag)),
      RUNS,
    );
  });

  it("--publish gives a port or names the flag", () => {
    fc.assert(
      fc.property(near(PORT), (text) => outcome(() => parsePort(text, "--publish"), "--publish")),
      RUNS,
    );
  });

  it("--mount and --volume give a mount or name the flag", () => {
    fc.assert(
      fc.property(near(MOUNT), (text) => {
        outcome(() => parseMount(text), "--mount");
        outcome(() => parseVolume(text), "--volume");
      }),
      RUNS,
    );
  });

  it("--affinity gives a constraint or names the flag", () => {
    fc.assert(
      fc.property(near(CONSTRAINT), (text) => outcome(() => affinityToConstraint(text), "--affinity")),
      RUNS,
    );
  });

  it("--secret, --env and --command give values or name the flag", () => {
    const env = { FOO: "bar" };
    fc.assert(
      fc.property(
        near(["=", ",", "source", "target", "uid", "mode", "0777", "constructor", "toString", "__proto__"]),
        (text) => {
          outcome(() => parseSecret(text), "--secret");
          outcome(() => parseKeyValue(text, "--env", env), "--env");
          outcome(() => splitCommand(text, "--command"), "--command");
        },
      ),
      RUNS,
    );
  });

  // Regressions the fuzzing found.
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "-e %s takes no value from Object.prototype: it is unset in the shell",
    (name) => {
      expect(() => parseKeyValue(name, "--env", {})).toThrow(/^--env: .* no .* is set in this shell/);
    },
  );

  it.each([
    ["--memory", () => parseBytes("9".repeat(400), "--memory")],
    ["--memory", () => parseBytes("99999999999p", "--memory")],
    ["--stop-grace-period", () => parseDuration(`${"9".repeat(400)}s`, "--stop-grace-period")],
    ["--limit-cpu", () => parseNanoCpus("1e300", "--limit-cpu")],
    ["--limit-cpu", () => parseNanoCpus("0x10", "--limit-cpu")],
    ["--timeout", () => parseSeconds("9".repeat(400), "--timeout")],
    ["--mount", () => parseMount(`type=tmpfs,target=/t,tmpfs-size=${"9".repeat(400)}`)],
    ["--secret", () => parseSecret("source=s,mode=abc")],
    ["--secret", () => parseSecret("source=s,mode=0777x")],
    ["--secret", () => parseSecret("source=s,mode=99999")],
  ])("%s refuses a number the engine cannot hold (%#)", (flag, run) => {
    expect(run).toThrow(new RegExp(`^${flag.replace("-", "\\-")}`));
  });
});
