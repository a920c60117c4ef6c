import { describe, expect, it } from "vitest";
import { engineRuleIssues } from "./engine-rules.js";

// The rules one by one; test/bad-input/ shows each against the engine's own answer.

const container = { Image: "busybox" };
const service = (extra: object = {}, task: object = {}, spec: object = {}) => ({
  Name: "web",
  TaskTemplate: { ContainerSpec: { ...container, ...spec }, ...task },
  ...extra,
});
const paths = (name: Parameters<typeof engineRuleIssues>[0], body: unknown) =>
  engineRuleIssues(name, body).map((issue) => issue.path);

describe("engineRuleIssues", () => {
  it("finds nothing wrong with specs the engine takes", () => {
    const mounts = [
      { Type: "volume", Target: "/cache" },
      { Type: "bind", Source: "/srv", Target: "/srv", BindOptions: { Propagation: "rprivate" } },
      { Type: "tmpfs", Target: "/tmp", TmpfsOptions: { SizeBytes: 1024 } },
      { Type: "bind", Source: "C:\\data", Target: "C:\\data" },
    ];
    const body = service(
      {
        Name: "stack_web-1",
        Mode: { Replicated: { Replicas: 0 } },
        UpdateConfig: { Parallelism: 0, Delay: 0, MaxFailureRatio: 1 },
        EndpointSpec: {
          Mode: "dnsrr",
          Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: "host" }],
        },
      },
      { Placement: { Constraints: ["node.role==manager", "node.labels.zone != b"] } },
      { Mounts: mounts, Secrets: [{ SecretID: "s", File: { Name: "s" } }] },
    );
    expect(engineRuleIssues("ServiceSpec", body)).toEqual([]);
    expect(
      engineRuleIssues("SwarmSpec", { Name: "default", CAConfig: { NodeCertExpiry: 7_776_000e9 } }),
    ).toEqual([]);
    expect(engineRuleIssues("SecretSpec", { Name: "db.password", Data: "c2VjcmV0" })).toEqual([]);
  });

  it("names every field the engine would refuse, not only the first", () => {
    const body = service(
      { Name: "web!", Mode: { Replicated: { Replicas: -1 }, Global: {} } },
      { RestartPolicy: { Delay: -1 } },
      { Mounts: [{ Type: "tmpfs", Source: "x", Target: "tmp" }] },
    );
    expect(paths("ServiceSpec", body)).toEqual([
      "Name",
      "Mode",
      "Mode.Replicated.Replicas",
      "TaskTemplate.ContainerSpec.Mounts[0].Target",
      "TaskTemplate.ContainerSpec.Mounts[0].Source",
      "TaskTemplate.RestartPolicy.Delay",
    ]);
  });

  it("counts the bytes base64 data stands for, against each kind's limit", () => {
    const justUnder = btoa("x".repeat(500 * 1024 - 1));
    expect(paths("SecretSpec", { Name: "s", Data: justUnder })).toEqual([]);
    expect(paths("SecretSpec", { Name: "s", Data: btoa("x".repeat(500 * 1024)) })).toEqual(["Data"]);
    expect(paths("ConfigSpec", { Name: "c", Data: btoa("x".repeat(500 * 1024)) })).toEqual([]);
    expect(paths("SecretSpec", { Name: "s", Data: "", Driver: { Name: "vault" } })).toEqual([]);
  });

  it("leaves bodies it has no rules for alone", () => {
    expect(engineRuleIssues("NodeSpec", { Role: "manager" })).toEqual([]);
  });
});
