import { describe, expect, it } from "vitest";
import { sameDocument } from "./same-document.js";

describe("sameDocument", () => {
  it("ignores key order and keys set to undefined", () => {
    expect(sameDocument({ a: 1, b: { c: [1, { d: "x" }] } }, { b: { c: [1, { d: "x" }] }, a: 1 })).toBe(true);
    expect(sameDocument({ a: 1, gone: undefined }, { a: 1 })).toBe(true);
  });

  it("tells apart values, array order and lengths, arrays from objects, and null from absent", () => {
    expect(sameDocument({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameDocument([1, 2], [2, 1])).toBe(false);
    expect(sameDocument([1], [1, 1])).toBe(false);
    expect(sameDocument({ 0: 1 }, [1])).toBe(false);
    expect(sameDocument({ a: null }, {})).toBe(false);
    expect(sameDocument({ a: { b: 1 } }, { a: { b: 1, c: 2 } })).toBe(false);
  });
});
