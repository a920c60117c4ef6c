import { ValidationError } from "@flotilla/types";
import { describe, expect, it } from "vitest";
import { checkOptionKeys, nearest } from "./option-keys.js";
import { SERVICE_OPTION_KEYS, SERVICE_PATCH_KEYS } from "./service-option-keys.js";
import { swarmSpec } from "./swarm-spec.js";

function issues(what: () => void) {
  try {
    what();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error("nothing was refused");
}

describe("checkOptionKeys", () => {
  it("refuses an unknown option, naming the nearest valid one", () => {
    expect(issues(() => checkOptionKeys("service options", { replcas: 2 }, SERVICE_OPTION_KEYS))).toEqual([
      { path: "replcas", message: 'is not an option; did you mean "replicas"?' },
    ]);
  });

  it("looks inside nested options and lists of them", () => {
    const options = {
      updateConfig: { failure_action: "rollback" },
      mounts: ["data:/data", { target: "/x", readonly: true }],
      endpointSpec: { ports: [{ target: 80, publised: 8080 }] },
      labels: { "any.key": "is the caller's own" },
    };
    expect(issues(() => checkOptionKeys("service options", options, SERVICE_OPTION_KEYS))).toEqual([
      { path: "updateConfig.failure_action", message: 'is not an option; did you mean "failureAction"?' },
      { path: "mounts[1].readonly", message: 'is not an option; did you mean "readOnly"?' },
      { path: "endpointSpec.ports[0].publised", message: 'is not an option; did you mean "published"?' },
    ]);
  });

  it("names no option when none is near, and takes every real one", () => {
    expect(issues(() => checkOptionKeys("service options", { colour: "red" }, SERVICE_OPTION_KEYS))).toEqual([
      { path: "colour", message: "is not an option" },
    ]);
    expect(() =>
      checkOptionKeys("service patch", { image: "x", envAdd: { A: 1 } }, SERVICE_PATCH_KEYS),
    ).not.toThrow();
    expect(() => checkOptionKeys("service options", { unset: undefined }, SERVICE_OPTION_KEYS)).not.toThrow();
    expect(() => checkOptionKeys("service options", { image: "x" }, SERVICE_OPTION_KEYS)).toThrow(/image/);
  });

  it("checks swarm spec options too", () => {
    expect(issues(() => swarmSpec({ autolockManager: true } as never))).toEqual([
      { path: "autolockManager", message: 'is not an option; did you mean "autolockManagers"?' },
    ]);
  });

  it("suggests by edit distance, ignoring case", () => {
    expect(nearest("Replicas", ["replicas", "mode"])).toBe("replicas");
    expect(nearest("stopgraceperiod", ["stopGracePeriod", "stopSignal"])).toBe("stopGracePeriod");
    expect(nearest("xyz", ["replicas"])).toBeUndefined();
  });
});
