import { ValidationError } from "@flotilla/types";
import { describe, expect, it } from "vitest";
import { parseBytes, parseCpus, parseDuration, splitCommand } from "./units.js";

describe("parseDuration", () => {
  it.each([
    ["10s", 10e9],
    ["1m30s", 90e9],
    ["500ms", 5e8],
    ["1.5h", 5400e9],
    ["2us", 2000],
    ["0", 0],
    // A bare number is milliseconds, as everywhere in the client (and in setTimeout).
    [5000, 5e9],
    [1.5, 1.5e6],
    [0, 0],
  ] as const)("reads %s as %d nanoseconds", (given, want) => {
    expect(parseDuration(given)).toBe(want);
  });

  it.each(["10", "soon", "5x", "", -1, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses %j, naming the option",
    (given) => {
      const error = (() => {
        try {
          parseDuration(given, "healthcheck.interval");
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe("healthcheck.interval");
    },
  );
});

describe("parseBytes", () => {
  it.each([
    ["512m", 512 * 1024 ** 2],
    ["1g", 1024 ** 3],
    ["1.5G", 1.5 * 1024 ** 3],
    ["64k", 65536],
    ["64KiB", 65536],
    ["100", 100],
    ["100b", 100],
    [4096, 4096],
  ] as const)("reads %s as %d bytes", (given, want) => {
    expect(parseBytes(given)).toBe(want);
  });

  it("refuses text that is not a size", () => {
    expect(() => parseBytes("lots", "resources.limits.memory")).toThrow(
      /resources\.limits\.memory: "[^"]*" is not a size/,
    );
  });
});

describe("parseCpus", () => {
  it.each([
    [0.5, 5e8],
    ["1.5", 1.5e9],
    [2, 2e9],
  ] as const)("reads %s CPUs as %d nano-CPUs", (given, want) => {
    expect(parseCpus(given)).toBe(want);
  });

  it("refuses text that is not a number", () => {
    expect(() => parseCpus("half")).toThrow(ValidationError);
  });
});

describe("splitCommand", () => {
  it.each([
    ["echo hello", ["echo", "hello"]],
    ["sh -c 'echo one; echo two'", ["sh", "-c", "echo one; echo two"]],
    ['echo "a \\"b\\"" c\\ d', ["echo", 'a "b"', "c d"]],
    ["  spaced   out  ", ["spaced", "out"]],
    ["empty ''", ["empty", ""]],
  ] as const)("splits %j as a shell would", (given, want) => {
    expect(splitCommand(given)).toEqual(want);
  });

  it("refuses an unterminated quote", () => {
    expect(() => splitCommand("echo 'oops")).toThrow(/unterminated/);
  });
});
