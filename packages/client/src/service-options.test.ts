import type { ServiceSpec } from "@flotilla/types";
import { ValidationError } from "@flotilla/types";
import { describe, expect, it } from "vitest";
import { toServiceSpec } from "./service-options.js";
import { applyPatch } from "./service-patch.js";

function issuePath(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues[0]?.path;
    throw error;
  }
  return undefined;
}

describe("toServiceSpec", () => {
  it("splits options into TaskTemplate, ContainerSpec and the service's own fields", () => {
    const spec = toServiceSpec("web:1", {
      name: "web",
      labels: { tier: "front" },
      env: { A: 1, B: "two" },
      networks: ["front", { target: "back", aliases: ["api"] }],
      platforms: ["linux/amd64"],
      secrets: [{ name: "token", target: "token.txt", mode: 0o400 }],
      configs: ["nginx.conf"],
      endpointSpec: { ports: ["8080:80", "53:53/udp", { target: 9000, publishMode: "host" }] },
      privileges: { noNewPrivileges: true },
    });
    expect(spec).toEqual({
      Name: "web",
      Labels: { tier: "front" },
      TaskTemplate: {
        ContainerSpec: {
          Image: "web:1",
          Env: ["A=1", "B=two"],
          Secrets: [{ SecretName: "token", File: { Name: "token.txt", UID: "0", GID: "0", Mode: 0o400 } }],
          Configs: [
            { ConfigName: "nginx.conf", File: { Name: "nginx.conf", UID: "0", GID: "0", Mode: 0o444 } },
          ],
          Privileges: { NoNewPrivileges: true },
        },
        Placement: { Platforms: [{ OS: "linux", Architecture: "amd64" }] },
        Networks: [{ Target: "front" }, { Target: "back", Aliases: ["api"] }],
      },
      EndpointSpec: {
        Ports: [
          { Protocol: "tcp", TargetPort: 80, PublishedPort: 8080 },
          { Protocol: "udp", TargetPort: 53, PublishedPort: 53 },
          { Protocol: "tcp", TargetPort: 9000, PublishMode: "host" },
        ],
      },
    });
  });

  it.each([
    [{ mode: "global" }, { Global: {} }],
    [{ mode: "global-job" }, { GlobalJob: {} }],
    [{ replicas: 3 }, { Replicated: { Replicas: 3 } }],
    [
      { mode: "replicated-job", maxConcurrent: 2, totalCompletions: 4 },
      { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 4 } },
    ],
  ] as const)("writes mode %j as %j", (options, mode) => {
    expect(toServiceSpec("x", options).Mode).toEqual(mode);
  });

  it.each([
    ["/srv/data:/data", { Type: "bind", Source: "/srv/data", Target: "/data", ReadOnly: false }],
    ["cache:/cache:ro", { Type: "volume", Source: "cache", Target: "/cache", ReadOnly: true }],
  ])("reads docker-py's mount string %j", (given, want) => {
    expect(toServiceSpec("x", { mounts: [given] }).TaskTemplate?.ContainerSpec?.Mounts).toEqual([want]);
  });

  it("names the option path of a value it cannot read", () => {
    expect(issuePath(() => toServiceSpec("x", { mounts: ["nocolon"] }))).toBe("mounts[0]");
    expect(issuePath(() => toServiceSpec("x", { mounts: ["a:/b:rx"] }))).toBe("mounts[0]");
    expect(issuePath(() => toServiceSpec("x", { resources: { limits: { memory: "big" } } }))).toBe(
      "resources.limits.memory",
    );
    expect(issuePath(() => toServiceSpec("x", { endpointSpec: { ports: ["eighty"] } }))).toBe(
      "endpointSpec.ports[0]",
    );
    expect(issuePath(() => toServiceSpec("x", { preferences: ["pack=node.id"] }))).toBe("preferences[0]");
    expect(issuePath(() => toServiceSpec(""))).toBe("image");
  });
});

describe("applyPatch", () => {
  const current: ServiceSpec = {
    Name: "web",
    Labels: { keep: "1", drop: "1" },
    Mode: { Replicated: { Replicas: 1 } },
    TaskTemplate: {
      ContainerSpec: { Image: "web:1", Env: ["KEEP=1", "DROP=1", "CHANGE=old"], Labels: { c: "1" } },
      RestartPolicy: { Condition: "any", MaxAttempts: 0 },
    },
  };

  it("adds, replaces and removes env entries and labels, keeping the rest", () => {
    const next = applyPatch(current, {
      image: "web:2",
      envAdd: { CHANGE: "new", ADDED: "1" },
      envRemove: ["DROP"],
      labelsAdd: { added: "1" },
      labelsRemove: ["drop"],
      containerLabelsRemove: ["c"],
      restartPolicy: { condition: "on-failure" },
    });
    expect(next.TaskTemplate?.ContainerSpec).toEqual({
      Image: "web:2",
      Env: ["KEEP=1", "CHANGE=new", "ADDED=1"],
      Labels: {},
    });
    expect(next.Labels).toEqual({ keep: "1", added: "1" });
    expect(next.TaskTemplate?.RestartPolicy).toEqual({ Condition: "on-failure", MaxAttempts: 0 });
    expect(current.TaskTemplate?.ContainerSpec?.Image).toBe("web:1");
  });

  it("replaces the mode rather than merging two modes", () => {
    expect(applyPatch(current, { mode: "global" }).Mode).toEqual({ Global: {} });
    expect(applyPatch(current, { replicas: 4 }).Mode).toEqual({ Replicated: { Replicas: 4 } });
  });

  it("refuses replicas for a service that is not replicated", () => {
    expect(issuePath(() => applyPatch({ ...current, Mode: { Global: {} } }, { replicas: 2 }))).toBe(
      "replicas",
    );
  });
});
