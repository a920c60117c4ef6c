import { describe, expect, it } from "vitest";
import { settled } from "./task-settle.js";

describe("settled", () => {
  it("waits for the orchestrator after a task's own state has ended", () => {
    // Read from Docker 20.10 under load (issue 15): the task complete, its desired state not yet set.
    expect(settled(["complete|finished||0|running"], 1)).toBe(false);
    expect(settled(["complete|finished||0|shutdown"], 1)).toBe(true);
  });

  it("waits for as many ended tasks as the case expects, whatever else is still pending", () => {
    const first = "failed|task: non-zero exit (1)|task: non-zero exit (1)|1|shutdown";
    expect(settled([first, "ready|ready|||ready"], 2)).toBe(false);
    expect(settled([first, "failed|task: non-zero exit (1)|task: non-zero exit (1)|1|shutdown"], 2)).toBe(
      true,
    );
    expect(settled([first, "failed|task: non-zero exit (1)|task: non-zero exit (1)|1|ready"], 2)).toBe(false);
  });
});
