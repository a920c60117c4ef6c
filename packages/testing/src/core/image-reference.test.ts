import { describe, expect, it } from "vitest";
import { isNormalizedNamed } from "./image-reference.js";

// References as swarmkit takes them (docker/distribution's ParseNormalizedNamed); each one here
// was sent to Docker 20.10 as a service's image (201 or 400 "... is not a valid repository/tag").

describe("isNormalizedNamed", () => {
  it.each([
    "busybox",
    "busybox:latest",
    "flotilla-test/busybox:LATEST",
    "library/busybox",
    "docker.io/library/busybox:1.36",
    "localhost/a/b",
    "localhost:5000/a/b:tag",
    "Registry.Example.com:443/team/app",
    "a__b/c.d/e---f",
    `busybox@sha256:${"a".repeat(64)}`,
    `busybox:1@sha512:${"f".repeat(128)}`,
    "a".repeat(237),
  ])("takes %s", (image) => {
    expect(isNormalizedNamed(image)).toBe(true);
  });

  it.each([
    "UPPER:case",
    "Busybox",
    "busybox:",
    ":latest",
    "busybox@sha256:abc",
    `busybox@md5:${"a".repeat(32)}`,
    "a".repeat(64),
    "a___b",
    "a-",
    "a//b",
    "busybox:-tag",
    `busybox:${"t".repeat(129)}`,
    `busybox:1@sha512:${"F".repeat(128)}`,
    "a".repeat(238),
  ])("refuses %s", (image) => {
    expect(isNormalizedNamed(image)).toBe(false);
  });

  it("refuses long names that fail late without backtracking (the npm port hangs on these)", () => {
    expect(isNormalizedNamed(`${"a".repeat(100_000)}!`)).toBe(false);
    expect(isNormalizedNamed(`${"a-".repeat(50_000)}!`)).toBe(false);
    expect(isNormalizedNamed(`${"a.".repeat(50_000)}a/b!`)).toBe(false);
    expect(isNormalizedNamed(`localhost:5000/${"a_".repeat(50_000)}`)).toBe(false);
  });
});
