import { describe, expect, it } from "vitest";
import { compareApiVersions, isAvailableAt } from "./api-version.js";
import { operationVersions } from "./generated/spec-tables.js";
import { findUnsupportedFields } from "./spec-graph.js";

describe("compareApiVersions", () => {
  it.each([
    ["1.41", "1.9", 1],
    ["1.24", "1.24", 0],
    ["1.30", "1.41", -1],
  ])("orders %s against %s numerically", (a, b, sign) => {
    expect(Math.sign(compareApiVersions(a, b))).toBe(sign);
  });

  it("treats a removed field as absent from its removal on", () => {
    expect(isAvailableAt("1.43", "1.24", "1.44")).toBe(true);
    expect(isAvailableAt("1.44", "1.24", "1.44")).toBe(false);
  });
});

describe("findUnsupportedFields", () => {
  const jobSpec = {
    Name: "batch",
    TaskTemplate: { ContainerSpec: { Image: "busybox", CapabilityAdd: ["CAP_NET_ADMIN"] } },
    Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 3 } },
  };

  it("finds the fields an older engine lacks, with the version each needs", () => {
    expect(findUnsupportedFields("ServiceSpec", jobSpec, "1.40")).toEqual([
      { path: "TaskTemplate.ContainerSpec.CapabilityAdd", min: "1.41" },
      { path: "Mode.ReplicatedJob", min: "1.41" },
    ]);
  });

  it("finds nothing when the engine is new enough", () => {
    expect(findUnsupportedFields("ServiceSpec", jobSpec, "1.41")).toEqual([]);
  });

  it("walks arrays: a field inside the second mount is named with its index", () => {
    const spec = {
      TaskTemplate: {
        ContainerSpec: {
          Mounts: [
            { Type: "volume", Target: "/a" },
            { Type: "volume", Target: "/b", VolumeOptions: { Subpath: "x" } },
          ],
        },
      },
    };
    const found = findUnsupportedFields("ServiceSpec", spec, "1.41");
    expect(found.map((f) => f.path)).toEqual(["TaskTemplate.ContainerSpec.Mounts[1].VolumeOptions.Subpath"]);
  });

  it("knows the gates docker-py and the docker CLI apply: Groups, GenericResources, FailureAction rollback", () => {
    const spec = {
      TaskTemplate: {
        ContainerSpec: { Image: "busybox", Groups: ["users"] },
        Resources: {
          Reservations: { GenericResources: [{ DiscreteResourceSpec: { Kind: "gpu", Value: 1 } }] },
        },
      },
      UpdateConfig: { FailureAction: "rollback" },
    };
    expect(findUnsupportedFields("ServiceSpec", spec, "1.24")).toEqual([
      { path: "TaskTemplate.ContainerSpec.Groups", min: "1.25" },
      { path: "TaskTemplate.Resources.Reservations.GenericResources", min: "1.32" },
      { path: "UpdateConfig.FailureAction", min: "1.28", value: "rollback" },
    ]);
    expect(
      findUnsupportedFields("ServiceSpec", { UpdateConfig: { FailureAction: "pause" } }, "1.24"),
    ).toEqual([]);
  });

  it("given the document a body was made from, counts only what differs from it", () => {
    const read = {
      Name: "web",
      TaskTemplate: {
        ContainerSpec: { Image: "busybox", Isolation: "default", Mounts: [{ Type: "volume", Target: "/a" }] },
        Runtime: "container",
      },
      Mode: { Replicated: { Replicas: 1 } },
    };
    const scaled = { ...read, Mode: { Replicated: { Replicas: 3 } } };
    expect(findUnsupportedFields("ServiceSpec", scaled, "1.34")).toEqual([
      { path: "TaskTemplate.ContainerSpec.Isolation", min: "1.35" },
    ]);
    expect(findUnsupportedFields("ServiceSpec", scaled, "1.34", read)).toEqual([]);
    const container = read.TaskTemplate.ContainerSpec;
    const changed = {
      ...read,
      TaskTemplate: {
        ...read.TaskTemplate,
        ContainerSpec: {
          ...container,
          Isolation: "process",
          Init: true,
          // A mount kept from the read, now second, is no change; the new first one is.
          Mounts: [{ Type: "volume", Target: "/b", VolumeOptions: { Subpath: "x" } }, ...container.Mounts],
        },
      },
    };
    expect(findUnsupportedFields("ServiceSpec", changed, "1.34", read).map((f) => f.path)).toEqual([
      "TaskTemplate.ContainerSpec.Isolation",
      "TaskTemplate.ContainerSpec.Mounts[0].VolumeOptions.Subpath",
      "TaskTemplate.ContainerSpec.Init",
    ]);
  });

  it("costs nothing for fields that are not set", () => {
    expect(findUnsupportedFields("ServiceSpec", { Name: "plain" }, "1.24")).toEqual([]);
  });
});

describe("operationVersions", () => {
  it("knows when each endpoint appeared", () => {
    expect(operationVersions["GET /configs"].min).toBe("1.30");
    expect(operationVersions["GET /secrets"].min).toBe("1.25");
    expect(operationVersions["POST /services/create"].min).toBe("1.24");
    expect(operationVersions["POST /services/create"].body).toBe("ServiceSpec");
  });
});
