// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose files write their variables ${VAR}.
import { describe, expect, it } from "vitest";
import { InterpolationProblem, interpolate, substitute } from "./interpolate.js";

// The docker CLI's documented cases (its template tests), with FOO set and BAR set but empty.
const env: Record<string, string> = { FOO: "first", BAR: "" };
const lookup = (name: string) => env[name];

describe("substitute", () => {
  it.each([
    ["$${foo}", "${foo}"],
    ["$$HOME", "$HOME"],
    ["foo", "foo"],
    ["This ${missing} var", "This  var"],
    ["This ${BAR} var", "This  var"],
    ["This $FOO var", "This first var"],
    ["This ${FOO} var", "This first var"],
    ["ok ${missing:-def}", "ok def"],
    ["ok ${missing-def}", "ok def"],
    ["ok ${BAR:-def}", "ok def"],
    ["ok ${FOO:-def}", "ok first"],
    ["ok ${BAR-def}", "ok "],
    ["ok ${BAR:-/non:-alphanumeric}", "ok /non:-alphanumeric"],
    ["ok ${FOO:?err}", "ok first"],
    ["ok ${FOO?err}", "ok first"],
    ["ok ${BAR?err}", "ok "],
    // Unbraced, an operator still applies and runs to the end (there is no `}` to stop it).
    ["$missing-fallback text", "fallback text"],
    ["${foo}", ""],
    ["${FOO}${FOO}", "firstfirst"],
  ])("%s → %s", (template, expected) => {
    expect(substitute(template, lookup)).toBe(expected);
  });

  it.each(["${", "$}", "${}", "${ }", "${ foo}", "${foo }", "${foo!}", "trailing $"])(
    "refuses the invalid template %s",
    (template) => {
      expect(() => substitute(template, lookup)).toThrow(InterpolationProblem);
      expect(() => substitute(template, lookup)).toThrow(/invalid template/);
    },
  );

  it.each([
    [
      "not ok ${UNSET_VAR:?Mandatory Variable Unset}",
      "required variable UNSET_VAR is missing a value: Mandatory Variable Unset",
    ],
    [
      "not ok ${BAR:?Mandatory Variable Empty}",
      "required variable BAR is missing a value: Mandatory Variable Empty",
    ],
    ["not ok ${UNSET_VAR:?}", "required variable UNSET_VAR is missing a value"],
    [
      "not ok ${UNSET_VAR?Mandatory Variable Unset}",
      "required variable UNSET_VAR is missing a value: Mandatory Variable Unset",
    ],
    ["not ok ${UNSET_VAR?}", "required variable UNSET_VAR is missing a value"],
  ])("%s fails: %s", (template, message) => {
    expect(() => substitute(template, lookup)).toThrow(message);
  });
});

describe("interpolate", () => {
  const fail = (path: readonly (string | number)[], problem: InterpolationProblem) =>
    new Error(`${path.join(".")}: ${problem.message}`);

  it("substitutes values, never keys, and casts the fields the docker CLI casts", () => {
    const out = interpolate(
      {
        services: {
          web: {
            image: "${FOO}",
            "${FOO}": "key stays",
            deploy: { replicas: "${N}", placement: { max_replicas_per_node: "${N}" } },
            read_only: "${YES}",
            ports: [{ target: "${N}", published: "8${N}" }],
            healthcheck: { retries: "3" },
          },
        },
        networks: { front: { external: "${YES}" } },
      },
      (name) => ({ FOO: "first", N: "2", YES: "on" })[name],
      fail,
    );
    expect(out).toEqual({
      services: {
        web: {
          image: "first",
          "${FOO}": "key stays",
          deploy: { replicas: 2, placement: { max_replicas_per_node: 2 } },
          read_only: true,
          ports: [{ target: 2, published: 82 }],
          // Not substituted, so not cast: the schema and loader judge it as written.
          healthcheck: { retries: "3" },
        },
      },
      networks: { front: { external: true } },
    });
  });

  it("names the path of a value it cannot substitute or cast", () => {
    expect(() =>
      interpolate({ services: { web: { environment: ["A=${X:?needed}"] } } }, () => undefined, fail),
    ).toThrow("services.web.environment.0: required variable X is missing a value: needed");
    expect(() =>
      interpolate({ services: { web: { deploy: { replicas: "${N}" } } } }, () => "two", fail),
    ).toThrow('services.web.deploy.replicas: "two" is not an integer');
  });
});
