// Variable substitution in compose values, as `docker stack deploy` does it: `$VAR`, `${VAR}`,
// `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?message}` (required, not
// empty), `${VAR?message}` (required) and `$$` for a literal `$`. Only string values are touched,
// never keys. A few fields the schema types as numbers or booleans are cast after substitution,
// as the docker CLI casts them, so `replicas: ${N}` validates.

/** Looks a variable up: undefined when unset (which differs from empty). */
export type Lookup = (name: string) => string | undefined;

/** One substitution that could not be made; `path` is filled in by the caller. */
export class InterpolationProblem extends Error {}

// The docker CLI's grammar: a name is a letter or underscore then letters, digits and
// underscores; after it, optionally `:-`, `-`, `:?` or `?` and anything but `}`. The unbraced
// form takes the same operators (so `$A-b` means "A, or b when unset"). Case-insensitive.
const NAME_WITH_OPERATOR = "[_a-z][_a-z0-9]*(?::?[-?][^}]*)?";
const TEMPLATE = new RegExp(`\\$(?:(\\$)|(${NAME_WITH_OPERATOR})|\\{(${NAME_WITH_OPERATOR})\\}|())`, "gi");

/** Substitutes every variable in `text`; throws InterpolationProblem for a bad template or a missing required variable. */
export function substitute(text: string, lookup: Lookup): string {
  return text.replace(
    TEMPLATE,
    (_match, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
      if (escaped) return "$";
      const expression = named || braced;
      if (!expression) throw new InterpolationProblem(`invalid template "${text}"; write $$ for a literal $`);
      return evaluate(expression, lookup);
    },
  );
}

// The operators are tried in the docker CLI's order, each found anywhere in the expression, so
// `${A?x-y}` reads as "A?x, or y when unset", as it does there.
function evaluate(expression: string, lookup: Lookup): string {
  if (expression.includes(":-")) {
    const [name, fallback] = split(expression, ":-");
    const value = lookup(name);
    return value === undefined || value === "" ? fallback : value;
  }
  if (expression.includes("-")) {
    const [name, fallback] = split(expression, "-");
    return lookup(name) ?? fallback;
  }
  if (expression.includes(":?")) return required(expression, ":?", lookup, (v) => v !== "");
  if (expression.includes("?")) return required(expression, "?", lookup, () => true);
  return lookup(expression) ?? "";
}

function required(
  expression: string,
  operator: string,
  lookup: Lookup,
  valid: (v: string) => boolean,
): string {
  const [name, message] = split(expression, operator);
  const value = lookup(name);
  if (value === undefined || !valid(value)) {
    throw new InterpolationProblem(
      `required variable ${name} is missing a value${message ? `: ${message}` : ""}`,
    );
  }
  return value;
}

function split(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + separator.length)];
}

type Cast = (value: string) => unknown;

function toInteger(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw new InterpolationProblem(`"${value}" is not an integer`);
  return Number(value);
}

function toFloat(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || Number.isNaN(number))
    throw new InterpolationProblem(`"${value}" is not a number`);
  return number;
}

// YAML 1.1's spellings, which the docker CLI accepts here.
function toBoolean(value: string): boolean {
  const lower = value.toLowerCase();
  if (["y", "yes", "true", "on"].includes(lower)) return true;
  if (["n", "no", "false", "off"].includes(lower)) return false;
  throw new InterpolationProblem(`"${value}" is not a boolean`);
}

// Patterns of key paths; `*` is any key, `[]` any list item.
const SERVICE_CASTS: ReadonlyArray<[string, Cast]> = [
  ["configs.[].mode", toInteger],
  ["secrets.[].mode", toInteger],
  ["healthcheck.retries", toInteger],
  ["healthcheck.disable", toBoolean],
  ["deploy.replicas", toInteger],
  ["deploy.update_config.parallelism", toInteger],
  ["deploy.update_config.max_failure_ratio", toFloat],
  ["deploy.rollback_config.parallelism", toInteger],
  ["deploy.rollback_config.max_failure_ratio", toFloat],
  ["deploy.restart_policy.max_attempts", toInteger],
  ["deploy.placement.max_replicas_per_node", toInteger],
  ["ports.[].target", toInteger],
  ["ports.[].published", toInteger],
  ["ulimits.*", toInteger],
  ["ulimits.*.hard", toInteger],
  ["ulimits.*.soft", toInteger],
  ["privileged", toBoolean],
  ["oom_score_adj", toInteger],
  ["read_only", toBoolean],
  ["stdin_open", toBoolean],
  ["tty", toBoolean],
  ["init", toBoolean],
  ["volumes.[].read_only", toBoolean],
  ["volumes.[].volume.nocopy", toBoolean],
];
const CASTS: ReadonlyArray<[string[], Cast]> = [
  ...SERVICE_CASTS.map(([path, cast]): [string[], Cast] => [["services", "*", ...path.split(".")], cast]),
  ...["networks.*.external", "networks.*.internal", "networks.*.attachable"].map((path): [string[], Cast] => [
    path.split("."),
    toBoolean,
  ]),
  ...["volumes", "secrets", "configs"].map((kind): [string[], Cast] => [[kind, "*", "external"], toBoolean]),
];

function castFor(pattern: readonly string[]): Cast | undefined {
  for (const [candidate, cast] of CASTS) {
    if (
      candidate.length === pattern.length &&
      candidate.every((part, i) => part === "*" || part === pattern[i])
    )
      return cast;
  }
  return undefined;
}

/** Where a problem is, as a path of keys and indexes. */
export type KeyPath = ReadonlyArray<string | number>;

/** Substitutes throughout a parsed document; `onProblem` turns a problem at a path into the error to throw. */
export function interpolate(
  document: Record<string, unknown>,
  lookup: Lookup,
  onProblem: (path: KeyPath, problem: InterpolationProblem) => Error,
): Record<string, unknown> {
  const walk = (value: unknown, path: (string | number)[], pattern: string[]): unknown => {
    if (typeof value === "string") {
      try {
        const replaced = substitute(value, lookup);
        if (replaced === value) return value;
        const cast = castFor(pattern);
        return cast ? cast(replaced) : replaced;
      } catch (error) {
        if (error instanceof InterpolationProblem) throw onProblem(path, error);
        throw error;
      }
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i], [...pattern, "[]"]));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value))
        out[key] = walk(item, [...path, key], [...pattern, key]);
      return out;
    }
    return value;
  };
  return walk(document, [], []) as Record<string, unknown>;
}
