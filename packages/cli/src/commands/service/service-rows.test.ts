import type { Service } from "@flotilla/types";
import { describe, expect, it } from "vitest";
import { paintState, palette } from "../../output/color.js";
import { serviceState } from "./service-rows.js";

// UpdateStatus's states, each to its word; test/e2e/service-states.test.ts brings about the ones
// an engine holds long enough to read (all but rollback paused, which needs a rollback to fail).

const service = (state: string): Service => ({
  Spec: { Name: "web", Mode: { Replicated: { Replicas: 2 } } },
  UpdateStatus: { State: state as NonNullable<Service["UpdateStatus"]>["State"] },
});
const counts = { running: 2, desired: 2, completed: 0 };

describe("serviceState during an update", () => {
  it.each([
    ["updating", "updating"],
    ["paused", "update paused"],
    ["rollback_started", "rolling back"],
    ["rollback_paused", "rollback paused"],
    ["completed", "running"],
    ["rollback_completed", "running"],
  ])("%s reads as %s", (state, word) => {
    expect(serviceState(service(state), counts)).toBe(word);
  });
});

describe("a service state's colour", () => {
  const colors = palette(true);
  it.each([
    ["running", colors.green],
    ["complete", colors.green],
    ["update paused", colors.red],
    ["rollback paused", colors.red],
    ["scaled to 0", colors.dim],
    ["stopped", colors.dim],
    ["starting", colors.yellow],
    ["no nodes", colors.yellow],
  ])("%s", (state, paint) => {
    expect(paintState(colors, state)).toBe(paint(state));
  });
});
