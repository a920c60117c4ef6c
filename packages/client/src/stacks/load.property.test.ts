// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose files write their variables ${VAR}.
import { isFlotillaError } from "@flotilla/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadCompose } from "./index.js";
import { parsePort, parseVolume, SyntaxProblem } from "./short-syntax.js";

// Compose files as a user might mistype them: every field a service takes, holding interpolations
// (`${VAR:-x}`, `$$`, names that are Object.prototype's keys), numbers out of range and values of
// the wrong kind. Loading gives a document or a ValidationError naming the file and field.

const RUNS = { seed: 18, numRuns: 400, interruptAfterTimeLimit: 15_000 };

const name = fc.oneof(
  fc.constantFrom("FOO", "EMPTY", "UNSET", "constructor", "toString", "__proto__", "hasOwnProperty", "N"),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/),
);
const interpolation = fc.oneof(
  fc
    .tuple(name, fc.constantFrom("", ":-", "-", ":?", "?"), fc.string({ maxLength: 6 }))
    .map(([n, op, rest]) => (op === "" ? `\${${n}}` : `\${${n}${op}${rest.replaceAll("}", "")}}`)),
  name.map((n) => `$${n}`),
  fc.constantFrom("$$", "$", "${", "${}", "}"),
);
const text = fc
  .array(fc.oneof(interpolation, fc.string({ maxLength: 5 })), { maxLength: 4 })
  .map((parts) => parts.join(""));
const scalar = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 64, -1, 0, 65536, 1e300, true, null),
  fc.bigInt().map(String),
);
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), scalar, { maxKeys: 3 }),
);

const FIELDS = [
  "image",
  "command",
  "entrypoint",
  "environment",
  "labels",
  "ports",
  "volumes",
  "secrets",
  "configs",
  "networks",
  "healthcheck",
  "stop_grace_period",
  "user",
  "working_dir",
  "hostname",
  "dns",
  "extra_hosts",
  "ulimits",
  "sysctls",
  "cap_add",
  "init",
  "tty",
  "read_only",
  "privileged",
  "logging",
  "env_file",
] as const;
const DEPLOY = [
  "replicas",
  "mode",
  "resources",
  "restart_policy",
  "update_config",
  "placement",
  "labels",
  "endpoint_mode",
] as const;

const service = fc.record(
  {
    image: fc.oneof(fc.constant("flotilla-test/busybox:latest"), text),
    ...Object.fromEntries(FIELDS.filter((f) => f !== "image").map((f) => [f, value])),
    deploy: fc.record(Object.fromEntries(DEPLOY.map((f) => [f, value])), { requiredKeys: [] }),
  },
  { requiredKeys: ["image"] },
);
const document = fc.record({
  version: fc.constantFrom("3.8", "3", 3.9, "${V}"),
  services: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/), service, { minKeys: 1, maxKeys: 2 }),
});
const env = { FOO: "first", EMPTY: "", N: "3" };

async function outcome(load: () => Promise<unknown>): Promise<void> {
  try {
    const loaded = await load();
    // A JavaScript value's text never stands in for a variable (Object.prototype's keys are unset).
    expect(JSON.stringify(loaded)).not.toMatch(/\[native code\]|\[object |function \w*\(/);
  } catch (error) {
    expect(isFlotillaError(error), String((error as Error)?.stack ?? error)).toBe(true);
    expect((error as Error).message).not.toMatch(
      /Cannot read properties|is not a function|\[native code\]|\[object /,
    );
  }
}

describe("loadCompose, fuzzed", () => {
  it("gives a document or a validation error, for parsed documents and their YAML", async () => {
    await fc.assert(
      fc.asyncProperty(document, fc.boolean(), async (doc, asText) => {
        await outcome(() => loadCompose(asText ? stringify(doc) : doc, { env, workingDir: "/tmp" }));
      }),
      RUNS,
    );
  });

  it("gives a document or a validation error for any YAML text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (source) => {
        await outcome(() =>
          loadCompose(`services:\n  web:\n    image: busybox\n${source}`, { env, workingDir: "/tmp" }),
        );
      }),
      RUNS,
    );
  });

  it("short port and volume syntax give values or a SyntaxProblem", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[\d:./\-[\]a-z]{0,20}$/)), (spec) => {
        for (const parse of [parsePort, parseVolume]) {
          try {
            parse(spec);
          } catch (error) {
            expect(error).toBeInstanceOf(SyntaxProblem);
          }
        }
      }),
      { ...RUNS, numRuns: 3000 },
    );
  });

  // Regressions the fuzzing found.
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "reads ${%s} as unset, not as Object.prototype's key",
    async (variable) => {
      const loaded = await loadCompose(
        { services: { web: { image: "busybox", environment: { X: `\${${variable}:-unset}` } } } },
        { env: {}, workingDir: "/tmp" },
      );
      expect(loaded.document.services.web?.environment).toEqual({ X: "unset" });
    },
  );
});
