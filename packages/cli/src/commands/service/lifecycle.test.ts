import type { ServiceSpec } from "@flotilla/types";
import { describe, expect, it } from "vitest";
import { editDefinition, isParked, lifecycleOf, PARKED_CONSTRAINT, park, unpark } from "./lifecycle.js";

const replicated: ServiceSpec = { Name: "web", Mode: { Replicated: { Replicas: 3 } }, TaskTemplate: {} };
const global: ServiceSpec = {
  Name: "agent",
  Mode: { Global: {} },
  TaskTemplate: { Placement: { Constraints: ["node.role==worker"] } },
};

describe("registered and stopped services", () => {
  it("parks a replicated service at zero replicas and brings its count back", () => {
    const parked = park(replicated, "registered");
    expect(parked.Mode).toEqual({ Replicated: { Replicas: 0 } });
    expect(lifecycleOf(parked)).toBe("registered");
    expect(unpark(parked).Mode).toEqual({ Replicated: { Replicas: 3 } });
    expect(lifecycleOf(unpark(parked))).toBe("deployed");
  });

  it("parks a global service with a constraint no node meets, keeping its own", () => {
    const parked = park(global, "stopped");
    expect(parked.TaskTemplate?.Placement?.Constraints).toEqual(["node.role==worker", PARKED_CONSTRAINT]);
    expect(lifecycleOf(parked)).toBe("stopped");
    expect(unpark(parked).TaskTemplate?.Placement?.Constraints).toEqual(["node.role==worker"]);
  });

  it("reads a parked service that someone scaled up with another client as deployed", () => {
    const parked = park(replicated, "registered");
    const scaledElsewhere = { ...parked, Mode: { Replicated: { Replicas: 2 } } };
    expect(isParked(scaledElsewhere)).toBe(false);
    expect(lifecycleOf(scaledElsewhere)).toBe("deployed");
  });

  it("edits what a parked service will be without starting it", () => {
    const parked = park(replicated, "stopped");
    const edited = editDefinition(parked, (s) => ({ ...s, Mode: { Replicated: { Replicas: 5 } } }));
    expect(edited.Mode).toEqual({ Replicated: { Replicas: 0 } });
    expect(unpark(edited).Mode).toEqual({ Replicated: { Replicas: 5 } });
  });
});
