import { describe, expect, it } from "vitest";
import { affinityToConstraint } from "./affinity.js";
import { parseMount, parseVolume } from "./mounts.js";
import { parsePort } from "./ports.js";
import { parseSecret } from "./secrets.js";
import {
  parseBytes,
  parseCount,
  parseDuration,
  parseInterval,
  parseNanoCpus,
  splitCommand,
} from "./units.js";

describe("option parsers", () => {
  it.each([
    ["80", { Protocol: "tcp", TargetPort: 80, PublishMode: "ingress" }],
    ["8080:80", { Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: "ingress" }],
    ["53:53/udp", { Protocol: "udp", TargetPort: 53, PublishedPort: 53, PublishMode: "ingress" }],
    [
      "published=8080,target=80,mode=host",
      { Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: "host" },
    ],
  ])("reads port %s", (text, want) => expect(parsePort(text)).toEqual(want));

  it.each(["80:80:80", "abc", "99999", "80/icmp", "published=80"])("refuses port %s", (text) =>
    expect(() => parsePort(text)).toThrow(/is not a port/),
  );

  it.each([
    ["512m", 512 * 1024 ** 2],
    ["1g", 1024 ** 3],
    ["1.5G", 1.5 * 1024 ** 3],
    ["64k", 65536],
    ["1024", 1024],
    ["256MiB", 256 * 1024 ** 2],
  ])("reads size %s", (text, want) => expect(parseBytes(text, "--memory")).toBe(want));

  it.each(["12q", "m", "-1m", "1.2.3g"])("refuses size %s", (text) =>
    expect(() => parseBytes(text, "--memory")).toThrow(`--memory: "${text}" is not a size`),
  );

  it.each([
    ["10s", 10e9],
    ["1m30s", 90e9],
    ["500ms", 500e6],
    ["0", 0],
  ])("reads duration %s", (text, want) => expect(parseDuration(text, "--d")).toBe(want));

  it.each([
    ["node==node-1", "node.hostname==node-1"],
    ["node!=node-2", "node.hostname!=node-2"],
    ["label==az=a", "node.labels.az==a"],
    ["label!=disk=ssd", "node.labels.disk!=ssd"],
  ])("maps affinity %s to a constraint", (rule, want) => expect(affinityToConstraint(rule)).toBe(want));

  it.each([
    ["service==db", /cannot place a task next to/],
    ["container!=x", /cannot place a task next to/],
    ["nodes==x", /unknown subject "nodes"/],
    ["node=x", /is not an affinity rule/],
    ["label==az", /needs KEY=VALUE/],
  ])("refuses affinity %s", (rule, message) => expect(() => affinityToConstraint(rule)).toThrow(message));

  it.each([
    ["/data", { Type: "volume", Target: "/data" }],
    ["data:/data", { Type: "volume", Source: "data", Target: "/data" }],
    ["/srv:/data:ro", { Type: "bind", Source: "/srv", Target: "/data", ReadOnly: true }],
    ["/data:ro", { Type: "volume", Target: "/data", ReadOnly: true }],
  ])("reads volume %s", (text, want) => expect(parseVolume(text)).toEqual(want));

  it("reads a long-form mount", () =>
    expect(parseMount("type=bind,source=/a,target=/b,readonly")).toEqual({
      Type: "bind",
      Source: "/a",
      Target: "/b",
      ReadOnly: true,
    }));

  it("reads Kontena's env-type secrets as a file the wrapper reads, and refuses other types", () => {
    expect(parseSecret("DB_PASS:PASSWORD:env")).toEqual({
      SecretName: "DB_PASS",
      File: { Name: "flotilla-env-PASSWORD", UID: "0", GID: "0", Mode: 0o400 },
    });
    expect(() => parseSecret("DB_PASS:NOT-A-NAME:env")).toThrow(
      /"NOT-A-NAME" is not an environment variable name/,
    );
    expect(() => parseSecret("DB_PASS:PASSWORD:vault")).toThrow(/swarm delivers secrets as files/);
  });

  it("reads SECRET:FILE", () => expect(parseSecret("db:password").File?.Name).toBe("password"));

  it("splits commands like a shell", () =>
    expect(splitCommand(`sh -c 'echo "hi there"' a\\ b`, "--cmd")).toEqual([
      "sh",
      "-c",
      'echo "hi there"',
      "a b",
    ]));

  // Values that used to be rounded into something else: "no limit" (0), or a lost digit.
  it.each([
    ["0.5b", "--memory", /less than one byte/],
    ["0.9", "--limit-memory", /less than one byte/],
  ])("refuses size %s, which would round to no limit", (text, option, message) =>
    expect(() => parseBytes(text, option)).toThrow(message),
  );

  it("keeps an explicit 0 size (no limit, as the engine reads it)", () =>
    expect(parseBytes("0", "--memory")).toBe(0));

  it.each(["0.0000000001", "1.0000000001", "1e-10"])("refuses CPUs %s, finer than a billionth", (text) =>
    expect(() => parseNanoCpus(text, "--limit-cpu")).toThrow(`--limit-cpu: "${text}" is too precise`),
  );

  it.each([
    ["0.5", 5e8],
    ["0.123456789", 123456789],
    ["2", 2e9],
    ["0", 0],
  ])("reads CPUs %s", (text, want) => expect(parseNanoCpus(text, "--limit-cpu")).toBe(want));

  it("refuses a count beyond what a number holds exactly", () => {
    expect(parseCount("9007199254740991", "--replicas")).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseCount("9007199254740992", "--replicas")).toThrow(/--replicas: .* is too large/);
    expect(() => parseCount("99999999999999999999", "--replicas")).toThrow(/too large/);
  });

  it("holds live views' --interval to at least 0.1 s", () => {
    expect(parseInterval("0.1", "--interval")).toBe(100);
    expect(parseInterval("2", "--interval")).toBe(2000);
    for (const text of ["0", "0.05", "0s", "1ms"])
      expect(() => parseInterval(text, "--interval")).toThrow(`--interval: "${text}" is too short`);
  });
});
