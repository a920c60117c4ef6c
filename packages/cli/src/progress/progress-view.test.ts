import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { palette } from "../output/color.js";
import { createProgressView, type ProgressReport } from "./progress-view.js";

function capture(isTTY: boolean, columns = 100) {
  const chunks: string[] = [];
  return { out: { write: (t: string) => chunks.push(t), isTTY, columns }, text: () => chunks.join("") };
}

const report = (
  states: string[],
  running = states.filter((s) => s === "running").length,
): ProgressReport => ({
  mode: "replicated",
  desired: states.length,
  running,
  converged: running === states.length,
  tasks: states.map((state, i) => ({ key: String(i + 1), state })),
});

describe("progress views", () => {
  it("writes one line per change when not a TTY", () => {
    const { out, text } = capture(false);
    const view = createProgressView(out, "web", palette(false));
    view.update(report(["preparing", "preparing"]));
    view.update(report(["preparing", "preparing"]));
    view.update(report(["running", "preparing"]));
    view.update(report(["running", "running"]));
    view.finish("Service converged");
    expect(text()).toBe(
      [
        "web: 1/2: preparing",
        "web: 2/2: preparing",
        "web: 0/2 running",
        "web: 1/2: running",
        "web: 1/2 running",
        "web: 2/2: running",
        "web: 2/2 running",
        "web: Service converged",
        "",
      ].join("\n"),
    );
  });

  it("names global tasks by node and shows errors", () => {
    const { out, text } = capture(false);
    const view = createProgressView(out, "agent", palette(false));
    view.update({
      mode: "global",
      desired: 1,
      running: 0,
      converged: false,
      tasks: [{ key: "node0000000001xyz", state: "failed", error: "boom" }],
    });
    expect(text()).toBe("agent: node00000000: failed: boom\nagent: 0/1 running\n");
  });

  it("redraws bars in place on a TTY", () => {
    const { out, text } = capture(true);
    const view = createProgressView(out, "web", palette(false));
    view.update(report(["preparing"]));
    view.update(report(["running"]));
    const frames = text();
    expect(frames).toContain("web: overall progress: 0 out of 1 tasks");
    expect(frames).toContain("\x1b[2A");
    expect(frames).toContain(`1/1: running   [${"=".repeat(49)}>]`);
  });

  it("on a zero-width terminal (script -c in CI) writes plain lines, not a cut frame", () => {
    const { out, text } = capture(true, 0);
    const view = createProgressView(out, "web", palette(true));
    view.update(report(["preparing"]));
    view.update(report(["running"]));
    view.finish("Service converged");
    expect(text()).toBe(
      "web: 1/1: preparing\nweb: 0/1 running\nweb: 1/1: running\nweb: 1/1 running\nweb: Service converged\n",
    );
  });

  it("cuts each line of a narrow terminal to its width, never inside a colour escape", () => {
    for (const columns of [12, 17, 24, 31, 40, 57]) {
      const { out, text } = capture(true, columns);
      const view = createProgressView(out, "web", palette(true));
      view.update({
        mode: "replicated",
        desired: 2,
        running: 1,
        converged: false,
        tasks: [
          { key: "1", state: "running" },
          { key: "2", state: "failed", error: "task: non-zero exit (1)" },
        ],
      });
      const rows = text().split("\n").slice(0, -1);
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        const shown = stripVTControlCharacters(row);
        // A cut escape leaves an ESC (or a bare "[31") behind once the whole ones are removed.
        expect(shown).not.toContain("\x1b");
        expect(shown.length).toBeLessThanOrEqual(columns);
      }
      expect(text()).toContain("\x1b[");
    }
  });
});
