import { describe, expect, it } from "vitest";
import { isFlotillaError, ValidationError } from "./errors.js";
import { validateRequestBody } from "./validate.js";

const spec = {
  Name: "web",
  TaskTemplate: {
    ContainerSpec: {
      Image: "busybox",
      Mounts: [{ Type: "volume", Source: "data", Target: "/data" }],
    },
  },
  Mode: { Replicated: { Replicas: 2 } },
};

function issuesOf(value: unknown) {
  try {
    validateRequestBody("ServiceSpec", value);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(isFlotillaError(error)).toBe(true);
    return (error as ValidationError).issues;
  }
  throw new Error("expected the body to be refused");
}

describe("validateRequestBody", () => {
  it("returns a body that fits the spec unchanged", () => {
    expect(validateRequestBody("ServiceSpec", spec)).toEqual(spec);
  });

  it("names the field path of a bad enum value and what was expected", () => {
    const bad = structuredClone(spec);
    (bad.TaskTemplate.ContainerSpec.Mounts[0] as { Type: string }).Type = "volumes";
    const [issue] = issuesOf(bad);
    expect(issue?.path).toBe("TaskTemplate.ContainerSpec.Mounts[0].Type");
    expect(issue?.message).toMatch(/"bind".*"volume"/);
  });

  it("refuses a field the engine does not know, naming it", () => {
    const bad = { ...spec, Mode: { Replicated: { Replica: 2 } } };
    expect(issuesOf(bad)).toContainEqual({
      path: "Mode.Replicated.Replica",
      message: "is not a field the engine knows",
    });
  });

  it("refuses a wrong type, naming the path", () => {
    const bad = { ...spec, Mode: { Replicated: { Replicas: "two" } } };
    const [issue] = issuesOf(bad);
    expect(issue?.path).toBe("Mode.Replicated.Replicas");
    expect(issue?.message).toMatch(/expected number/);
  });

  it("says which body and which field in the error message", () => {
    const bad = { ...spec, Labels: { tier: 1 } };
    expect(() => validateRequestBody("ServiceSpec", bad)).toThrow(
      /invalid ServiceSpec: Labels\.tier: .*expected string/,
    );
  });

  it("validates every body the client sends", () => {
    expect(
      validateRequestBody("SwarmInitRequest", { ListenAddr: "0.0.0.0:2377", AdvertiseAddr: "127.0.0.1" }),
    ).toBeTruthy();
    expect(validateRequestBody("NodeSpec", { Availability: "drain", Role: "worker" })).toBeTruthy();
    expect(() => validateRequestBody("NodeSpec", { Availability: "away" })).toThrow(/Availability/);
    expect(() => validateRequestBody("SecretSpec", { Name: "s", Data: 42 })).toThrow(/Data/);
  });
});
