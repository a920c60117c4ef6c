import { describe, expect, it } from "vitest";
import { base64ErrorOffset, scanJson } from "./go-json.js";

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
