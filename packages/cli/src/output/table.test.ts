import { describe, expect, it } from "vitest";
import { renderTable } from "./table.js";

describe("renderTable", () => {
  it("aligns columns with three spaces and no trailing blanks", () => {
    expect(
      renderTable([
        ["ID", "NAME"],
        ["a", "web"],
        ["bbbbbb", ""],
      ]),
    ).toBe("ID       NAME\na        web\nbbbbbb\n");
  });

  it("cuts the widest column to fit a terminal width", () => {
    const out = renderTable(
      [
        ["NAME", "IMAGE"],
        ["web", "registry.example.com/team/a-very-long-image-name:1.2.3"],
      ],
      { width: 40 },
    );
    for (const line of out.trimEnd().split("\n")) expect(line.length).toBeLessThanOrEqual(40);
    expect(out).toContain("…");
  });

  it("colours cells after aligning them, so escapes do not shift columns", () => {
    const out = renderTable(
      [
        ["A", "B"],
        ["x", "y"],
      ],
      { paint: (r, c, t) => (r === 1 && c === 0 ? `<${t}>` : t) },
    );
    expect(out).toBe("A   B\n<x>   y\n");
  });
});
