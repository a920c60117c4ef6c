import { describe, expect, it } from "vitest";
import { affinityToConstraint } from "./affinity.js";
import { parseMount, parseVolume } from "./mounts.js";
import { parsePort } from "./ports.js";
import { parseSecret } from "./secrets.js";
import { splitCommand } from "./split-command.js";
import { parseBytes, parseDuration } from "./units.js";

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

  it("refuses Kontena's env-type secrets: swarm gives files", () =>
    expect(() => parseSecret("DB_PASS:PASSWORD:env")).toThrow(/swarm delivers secrets as files/));

  it("reads SECRET:FILE", () => expect(parseSecret("db:password").File?.Name).toBe("password"));

  it("splits commands like a shell", () =>
    expect(splitCommand(`sh -c 'echo "hi there"' a\\ b`, "--cmd")).toEqual([
      "sh",
      "-c",
      'echo "hi there"',
      "a b",
    ]));
});
