import { describe, expect, it } from "vitest";
import { encodeFilters, withQuery } from "./query.js";

describe("query", () => {
  it("encodes scalars as text and objects as JSON, dropping undefined", () => {
    expect(withQuery("/services", { status: true, n: 3, skip: undefined, filters: { name: ["a"] } })).toBe(
      "/services?status=true&n=3&filters=%7B%22name%22%3A%5B%22a%22%5D%7D",
    );
    expect(withQuery("/x", {})).toBe("/x");
  });

  it("normalises filters to lists", () => {
    expect(
      encodeFilters({ label: "a=b", name: ["x", "y"], id: { z: true, w: false }, node: undefined }),
    ).toBe('{"label":["a=b"],"name":["x","y"],"id":["z"]}');
  });
});
