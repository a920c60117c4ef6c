import { describe, expect, it } from "vitest";
import { base64ErrorOffset, MAX_NESTING_DEPTH, parseGoJson, scanJson } from "./go-json.js";

// Every message here was recorded from Docker 20.10 (filters go through json.Unmarshal, request
// bodies through a json.Decoder, secret data through base64).

describe("scanJson", () => {
  it.each([
    ["name=x", "invalid character 'a' in literal null (expecting 'u')"],
    ['{"name":["x"', "unexpected end of JSON input"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ["{1:2}", "invalid character '1' looking for beginning of object key string"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['{"a":[1 2]}', "invalid character '2' after array element"],
    ['{"a":-x}', "invalid character 'x' in numeric literal"],
    ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
    ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":["x"]} x', "invalid character 'x' after top-level value"],
    ['{"a":["x"]}}', "invalid character '}' after top-level value"],
    ['{"a":"\u0001"}', "invalid character '\\x01' in string literal"],
    ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
    ['{"a":"\\u12x4"}', "invalid character 'x' in \\u hexadecimal character escape"],
    ['{"a":"x', "unexpected end of JSON input"],
    ['{"a":01}', "invalid character '1' after object key:value pair"],
  ])("reads %j as json.Unmarshal does", (text, error) => {
    expect(scanJson(text, "unmarshal")).toEqual({ error });
  });

  it.each([
    ['{"Name": "x", "TaskTemplate": {', { error: "unexpected EOF" }],
    ["Name=x", { error: "invalid character 'N' looking for beginning of value" }],
    ['{"Name": "x"} {"Name": "y"}', { end: 13 }],
  ])("reads %j as a json.Decoder does", (text, result) => {
    expect(scanJson(text, "decoder")).toEqual(result);
  });

  it("finds where a whole value ends", () => {
    const text = ' {"a": [1, -2.5e3, "\\"x", true, null, {}]} ';
    expect(scanJson(text, "unmarshal")).toEqual({ end: text.length - 1 });
  });
});

describe("base64ErrorOffset", () => {
  it.each([
    ["not base64!", 3],
    ["abc", 0],
    ["YWJj=", 4],
    ["c2VjcmV0", undefined],
    ["b3RoZXI=", undefined],
  ])("places the first error in %j at %j", (text, offset) => {
    expect(base64ErrorOffset(text)).toBe(offset);
  });
});

describe("parseGoJson", () => {
  const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

  it("takes nesting up to Go's limit and refuses one level more, with Go's message", () => {
    expect("value" in parseGoJson(nested(MAX_NESTING_DEPTH), "decoder")).toBe(true);
    expect(parseGoJson(nested(MAX_NESTING_DEPTH + 1), "decoder")).toEqual({
      error: "invalid character '[' exceeded max depth",
    });
    expect(parseGoJson(`{"a":${'{"a":'.repeat(MAX_NESTING_DEPTH)}1}`, "decoder")).toMatchObject({
      error: "invalid character '{' exceeded max depth",
    });
  });

  it("reads a million open brackets without reaching JavaScript's stack", () => {
    expect(parseGoJson("[".repeat(1_000_000), "decoder")).toEqual({
      error: "invalid character '[' exceeded max depth",
    });
  });

  it("keeps each number's text beside its value, by holder and key or index", () => {
    const parsed = parseGoJson('{"a": 1e3, "b": [1.0, -0, 100000000000000000000], "c": {"d": 5}}', "decoder");
    if (!("value" in parsed)) throw new Error(parsed.error);
    const value = parsed.value as { a: number; b: number[]; c: { d: number } };
    expect(value).toEqual({ a: 1000, b: [1, -0, 1e20], c: { d: 5 } });
    expect(parsed.literals.get(value)?.get("a")).toBe("1e3");
    expect([0, 1, 2].map((i) => parsed.literals.get(value.b)?.get(i))).toEqual([
      "1.0",
      "-0",
      "100000000000000000000",
    ]);
    expect(parsed.literals.get(value.c)?.get("d")).toBe("5");
  });

  it("keeps a __proto__ key as data", () => {
    const parsed = parseGoJson('{"__proto__": {"polluted": true}}', "decoder");
    if (!("value" in parsed)) throw new Error(parsed.error);
    expect(Object.keys(parsed.value as object)).toEqual(["__proto__"]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("says how a text cut inside a string or before a value would close", () => {
    expect(parseGoJson('{"a": {"b": "xx', "decoder")).toEqual({ error: "unexpected EOF", completion: '"}}' });
    expect(parseGoJson('{"a": [1, ', "decoder")).toEqual({ error: "unexpected EOF", completion: "null]}" });
    expect(parseGoJson('{"a', "decoder")).toEqual({ error: "unexpected EOF" });
  });
});
