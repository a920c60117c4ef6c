import { describe, expect, it } from "vitest";
import { goDuration } from "./print.js";

describe("goDuration", () => {
  it.each([
    ["2m", "2m0s"],
    ["90s", "1m30s"],
    ["1m30s", "1m30s"],
    ["1h", "1h0m0s"],
    ["10s", "10s"],
    ["1.5s", "1.5s"],
    ["500ms", "500ms"],
    ["0s", "0s"],
  ])("%s prints as %s", (written, printed) => {
    expect(goDuration(written)).toBe(printed);
  });
});
