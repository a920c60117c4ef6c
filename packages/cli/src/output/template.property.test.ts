import { isFlotillaError } from "@flotilla/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CompiledTemplate } from "./template.js";

// `--format` templates as a user might type them: fields, functions (known, unknown, and
// Object.prototype's names), literals, pipes and broken delimiters. Each renders to text or is
// refused with a usage error that starts with "template:"; never a JavaScript error or value.

const RUNS = { seed: 18, numRuns: 3000, interruptAfterTimeLimit: 15_000 };

const row = {
  ID: "abc123",
  Name: "web",
  Replicas: 3,
  Ports: ["*:80->80/tcp"],
  Labels: { a: "1", b: "2" },
  Spec: { Name: "web", Mode: { Replicated: { Replicas: 3 } } },
  Empty: null,
};

const piece = fc.oneof(
  fc.constantFrom(
    "{{",
    "}}",
    "{{-",
    "-}}",
    " ",
    "|",
    ".",
    ".Name",
    ".Spec.Name",
    ".Labels",
    ".Ports",
    ".Replicas",
    ".Empty",
    ".constructor",
    ".__proto__",
    ".Ports.length",
    ".Name.length",
    ".toString",
    "json",
    "join",
    "split",
    "upper",
    "lower",
    "title",
    "truncate",
    "pad",
    "printf",
    "print",
    "println",
    "len",
    "constructor",
    "toString",
    "hasOwnProperty",
    "__proto__",
    "valueOf",
    "range",
    "if",
    "end",
    '"%s"',
    '"%d"',
    '"%.1000f"',
    '"%999999999999s"',
    '"%x"',
    '"%q"',
    '"%t"',
    '"%5.2f"',
    '"%-10s|"',
    '"\\x41"',
    '"\\q"',
    '"\\u00"',
    '"ok"',
    "`raw`",
    '"',
    "`",
    "-1",
    "0",
    "3",
    "99999999999",
    "1.5",
    "\\t",
    "\\n",
    "table ",
  ),
  fc.string({ maxLength: 4 }),
);
const template = fc.array(piece, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(""));

function outcome(source: string): void {
  let text: string;
  try {
    const compiled = new CompiledTemplate(source);
    text = compiled.render(row);
    if (compiled.isTable) text += compiled.header();
  } catch (error) {
    expect(isFlotillaError(error), String((error as Error)?.stack ?? error)).toBe(true);
    expect((error as Error).message).toMatch(/^template: /);
    expect((error as Error).message).not.toMatch(/\[native code\]|\[object |Cannot read properties|NaN/);
    return;
  }
  expect(text).not.toMatch(/\[native code\]|\[object |function \w*\(|NaN/);
}

describe("--format templates, fuzzed", () => {
  it("render text or refuse with a template: error", () => {
    fc.assert(fc.property(template, outcome), RUNS);
  });

  it("the same for any text inside an action", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (body) => outcome(`{{${body}}}`)),
      RUNS,
    );
  });

  // Regressions the fuzzing found.
  it.each([
    "{{constructor}}",
    "{{toString}}",
    "{{hasOwnProperty}}",
    "{{upper valueOf}}",
    "{{.constructor}}",
    "{{.__proto__}}",
    "{{.Ports.length}}",
    "{{.Name.length}}",
    '{{"\\x41"}}',
    '{{"\\q"}}',
    "{{pad .Name -1 0}}",
    "{{pad .Name 99999999999 0}}",
    '{{printf "%.1000f" 1}}',
    '{{printf "%999999999999s" .Name}}',
    "{{truncate .Name 99999999999}}",
  ])("%s is refused with a template: error, or renders plain text", (source) => outcome(source));

  it.each([
    ["{{constructor}}", /function "constructor" not defined/],
    ["{{.constructor}}", /field \.constructor does not exist/],
    ["{{.Ports.length}}", /field \.Ports\.length does not exist/],
    ['{{"\\q"}}', /template: cannot read/],
    ["{{pad .Name -1 0}}", /template: pad/],
  ])("%s is refused by name", (source, message) => {
    expect(() => new CompiledTemplate(source).render(row)).toThrow(message);
  });

  it.each([
    ['{{printf "%.1000f" 1}}', `1.${"0".repeat(1000)}`],
    ['{{printf "%f" .Name}}', "%!f(string=web)"],
    ['{{printf "%9999999s" .Name}}', "%!(BADWIDTH)"],
    ['{{"\\x41\\t\\u00e9"}}', "A\té"],
  ])("%s renders as Go's fmt prints it", (source, want) => {
    expect(new CompiledTemplate(source).render(row)).toBe(want);
  });
});
