import { type GoTypeNode, goTypes, operationVersions } from "@flotilla/types";
import fc from "fast-check";

// Requests generated from spec/: for every operation its path (with names of objects the harness
// made, random IDs and broken encodings), random query strings and filters, and for every write
// operation a body that is valid by the spec's schema (packages/types' goTypes graph) and then,
// most of the time, broken: wrong types, missing and extra fields, huge and negative numbers,
// deep nesting, invalid UTF-8, truncated JSON, duplicate keys. A case is a plain value, so the
// same case can be sent to the fake and to a real engine and the answers compared.

/** One request, as bytes on the wire would carry it. */
export interface FuzzCase {
  method: string;
  /** Path and query, starting with `/`, as written on the request line. */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** What the generator did, for a failure's report: `"ServiceSpec: wrong type at TaskTemplate"`. */
  note: string;
}

/** Names of objects the harness creates before sending cases, so that `{id}` often finds one. */
export const FIXTURE_NAMES = {
  service: "fuzz-parsers-web",
  secret: "fuzz-parsers-secret",
  config: "fuzz-parsers-config",
  network: "fuzz-parsers-net",
} as const;

type OperationKey = keyof typeof operationVersions;
const OPERATIONS = Object.keys(operationVersions) as OperationKey[];

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);

// --- Values valid by the schema -------------------------------------------------------------

const NUMBER_RANGES: Record<string, [number, number]> = {
  int: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 40), 2 ** 40],
  uint32: [0, 2 ** 32 - 1],
  uint64: [0, 2 ** 40],
};

const shortText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    "",
    "flotilla-test/busybox:latest",
    "any",
    "none",
    "global",
    "replicated",
    "tcp",
    "ingress",
  ),
  // Keys and expressions that reach lookups by the user's names (labels, constraints, filters).
  fc.constantFrom(
    "constructor",
    "__proto__",
    "toString",
    "node.labels.constructor==x",
    "node.role==manager",
    "engine.labels.toString!=1",
  ),
);

/** A value of Go type `node`, `depth` levels of nesting left. */
export function schemaValue(node: GoTypeNode, depth = 4): fc.Arbitrary<unknown> {
  switch (node.kind) {
    case "string":
      return node.go === "[]uint8" ? fc.base64String({ maxLength: 24 }) : shortText;
    case "boolean":
      return fc.boolean();
    case "integer": {
      const [min, max] = NUMBER_RANGES[node.number ?? "int64"] ?? NUMBER_RANGES.int64!;
      return fc.oneof(
        fc.integer({ min: Math.max(min, -100), max: Math.min(max, 100) }),
        fc.integer({ min, max }),
      );
    }
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    case "array":
      return depth <= 0
        ? fc.constant([])
        : fc.array(schemaValue(node.items ?? { kind: "any" }, depth - 1), { maxLength: 3 });
    case "ref": {
      const target = node.ref ? goTypes[node.ref] : undefined;
      return target && depth > 0 ? schemaValue(target, depth - 1) : fc.constant({});
    }
    case "object": {
      if (depth <= 0) return fc.constant({});
      if (node.fields) {
        const fields = Object.entries(node.fields).map(
          ([key, field]) => [key, schemaValue(field, depth - 1)] as const,
        );
        return fc.record(Object.fromEntries(fields), { requiredKeys: [] });
      }
      return fc.dictionary(
        fc.string({ maxLength: 8 }),
        schemaValue(node.values ?? { kind: "string" }, depth - 1),
        { maxKeys: 3 },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A start that gets past the first checks, so that the generated fields reach deeper ones. */
const SEEDS: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  ServiceSpec: fc.record({
    Name: fc.stringMatching(/^fuzz-parsers-[a-z0-9]{1,8}$/),
    TaskTemplate: fc.constant({ ContainerSpec: { Image: "flotilla-test/busybox:latest" } }),
  }),
  SecretSpec: fc.record({
    Name: fc.stringMatching(/^fuzz-parsers-[a-z0-9]{1,8}$/),
    Data: fc.constant("aGVsbG8="),
  }),
  ConfigSpec: fc.record({
    Name: fc.stringMatching(/^fuzz-parsers-[a-z0-9]{1,8}$/),
    Data: fc.constant("aGVsbG8="),
  }),
  NetworkCreateRequest: fc.record({
    Name: fc.stringMatching(/^fuzz-parsers-[a-z0-9]{1,8}$/),
    Driver: fc.constant("overlay"),
  }),
};

/** A body of schema `schema`: often a seed with generated fields laid over it, sometimes generated alone. */
export function validBody(schema: string): fc.Arbitrary<unknown> {
  const generated = schemaValue({ kind: "ref", ref: schema }, 5);
  const seed = SEEDS[schema];
  if (!seed) return generated;
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(seed, generated).map(([s, g]) => deepMerge(g, s)) },
    { weight: 1, arbitrary: seed },
    { weight: 1, arbitrary: generated },
  );
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(out[key], value);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

// --- Mutations ------------------------------------------------------------------------------

/** Every path to a value inside `value` (objects and arrays), the root first. */
function pathsIn(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(value)) for (const [i, item] of value.entries()) pathsIn(item, [...prefix, i], out);
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) pathsIn(v, [...prefix, k], out);
  return out;
}

function replaceAt(
  value: unknown,
  path: readonly (string | number)[],
  replace: (old: unknown) => unknown,
): unknown {
  if (path.length === 0) return replace(value);
  const [head, ...rest] = path;
  if (Array.isArray(value))
    return value.map((item, i) => (i === head ? replaceAt(item, rest, replace) : item));
  if (isObject(value)) return { ...value, [head!]: replaceAt(value[head as string], rest, replace) };
  return value;
}

const DELETE = Symbol("delete");
function withoutDeleted(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== DELETE).map(withoutDeleted);
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== DELETE)
        .map(([k, v]) => [k, withoutDeleted(v)]),
    );
  return value;
}

const oddNumber = fc.constantFrom(
  -1,
  -0,
  0.5,
  -(2 ** 31) - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 63,
  2 ** 64,
  -(2 ** 63) - 1e4,
  1e308,
  -1e308,
  5e-324,
);
/** A value of any JSON kind, to stand where another kind belongs. */
const wrongValue = fc.oneof(
  oddNumber,
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, true, "", "x", [], {}, [1, "a"], { "": 1 }),
);

type Mutation = (value: unknown, at: number) => { value: unknown; note: string };
function pick(value: unknown, at: number): (string | number)[] {
  const paths = pathsIn(value);
  return paths[at % paths.length]!;
}
const describePath = (path: readonly (string | number)[]) => path.join(".") || "(root)";

const MUTATIONS: fc.Arbitrary<Mutation> = fc.oneof(
  wrongValue.map(
    (wrong): Mutation =>
      (value, at) => {
        const path = pick(value, at);
        return { value: replaceAt(value, path, () => wrong), note: `wrong value at ${describePath(path)}` };
      },
  ),
  fc.constant<Mutation>((value, at) => {
    const path = pick(value, at);
    if (path.length === 0) return { value: {}, note: "all fields missing" };
    return {
      value: withoutDeleted(replaceAt(value, path, () => DELETE)),
      note: `missing ${describePath(path)}`,
    };
  }),
  fc.tuple(fc.string({ maxLength: 10 }), wrongValue).map(
    ([key, extra]): Mutation =>
      (value, at) => {
        const objects = pathsIn(value).filter((p) =>
          isObject(p.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], value)),
        );
        const path = objects[at % Math.max(objects.length, 1)] ?? [];
        return {
          value: replaceAt(value, path, (old) => (isObject(old) ? { ...old, [key]: extra } : old)),
          note: `extra field ${JSON.stringify(key)} at ${describePath(path)}`,
        };
      },
  ),
  oddNumber.map(
    (number): Mutation =>
      (value, at) => {
        const numbers = pathsIn(value).filter(
          (p) => typeof p.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], value) === "number",
        );
        const path = numbers.length > 0 ? numbers[at % numbers.length]! : pick(value, at);
        return {
          value: replaceAt(value, path, () => number),
          note: `number ${number} at ${describePath(path)}`,
        };
      },
  ),
);

/** JSON text of `value`, its first key written twice (`{"Name":1,"Name":"x"}`): the last one wins in Go. */
function withDuplicateKey(value: unknown, first: unknown): string {
  const text = JSON.stringify(value);
  if (!isObject(value) || Object.keys(value).length === 0) return text;
  const key = Object.keys(value)[0]!;
  return `{${JSON.stringify(key)}:${JSON.stringify(first)},${text.slice(1)}`;
}

/** Ways to break the bytes of a body rather than its value. */
const BREAKAGES = fc.oneof(
  fc.nat().map((cut) => ({
    kind: "truncated",
    apply: (b: Uint8Array) => b.subarray(0, cut % Math.max(b.length, 1)),
  })),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x00]),
    )
    .map(([at, bad]) => ({
      kind: `invalid UTF-8 ${bad.map((x) => x.toString(16)).join(" ")}`,
      apply: (b: Uint8Array) => {
        // Inside a string when there is one: after the first quote past `at`.
        const quote = b.indexOf(0x22, at % Math.max(b.length, 1));
        const where = quote === -1 ? at % (b.length + 1) : quote + 1;
        return Uint8Array.from([...b.subarray(0, where), ...bad, ...b.subarray(where)]);
      },
    })),
);

/** Bodies that are not the schema's at all. */
const FOREIGN_BODY = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom("[", '{"a":', '[{"Name":'), fc.boolean())
    .map(([depth, open, closed]) => {
      const close = open === "[" ? "]" : open.startsWith("[") ? "}]" : "}";
      const text = open.repeat(depth) + (closed ? (open === "[" ? "" : "1") + close.repeat(depth) : "");
      return { bytes: bytes(text), note: `nested ${depth} deep${closed ? "" : ", unclosed"}` };
    }),
  fc
    .jsonValue({ maxDepth: 3 })
    .map((v) => ({ bytes: bytes(JSON.stringify(v)), note: "a JSON value of another shape" })),
  fc.uint8Array({ maxLength: 64 }).map((b) => ({ bytes: b, note: "random bytes" })),
  fc
    .constantFrom("", " ", "null", "{}", "[]", "{", "}", '"', "{}{}", '{"a":1}x', "\uFEFF{}")
    .map((t) => ({ bytes: bytes(t), note: `body ${JSON.stringify(t)}` })),
);

/** A body for schema `schema`: valid, or valid then broken. */
export function bodyFor(schema: string): fc.Arbitrary<{ bytes: Uint8Array; note: string }> {
  const valid = validBody(schema);
  return fc.oneof(
    {
      weight: 2,
      arbitrary: valid.map((v) => ({ bytes: bytes(JSON.stringify(v)), note: `valid ${schema}` })),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(valid, fc.array(MUTATIONS, { minLength: 1, maxLength: 3 }), fc.nat())
        .map(([v, mutations, at]) => {
          let value = v;
          const notes: string[] = [];
          for (const mutate of mutations) {
            const next = mutate(value, at);
            value = next.value;
            notes.push(next.note);
          }
          return { bytes: bytes(JSON.stringify(value)), note: `${schema}: ${notes.join("; ")}` };
        }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, wrongValue).map(([v, first]) => ({
        bytes: bytes(withDuplicateKey(v, first)),
        note: `${schema}: duplicate key`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, BREAKAGES).map(([v, breakage]) => ({
        bytes: breakage.apply(bytes(JSON.stringify(v))),
        note: `${schema}: ${breakage.kind}`,
      })),
    },
    { weight: 1, arbitrary: FOREIGN_BODY },
  );
}

// --- Paths and queries ----------------------------------------------------------------------

function pathValue(operation: string): fc.Arbitrary<string> {
  const fixture = operation.includes("/services/")
    ? FIXTURE_NAMES.service
    : operation.includes("/secrets/")
      ? FIXTURE_NAMES.secret
      : operation.includes("/configs/")
        ? FIXTURE_NAMES.config
        : operation.includes("/networks/")
          ? FIXTURE_NAMES.network
          : "fuzz-parsers-none";
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(fixture) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]{25}$/) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map(encodeURIComponent) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("", "%", "%zz", "%00", "..", ".", "a%2Fb", "%E2%82", "x".repeat(300)),
    },
  );
}

const QUERY_KEYS = [
  "filters",
  "insertDefaults",
  "rollback",
  "registryAuthFrom",
  "version",
  "force",
  "status",
  "follow",
  "stdout",
  "stderr",
  "tail",
  "since",
  "until",
  "timestamps",
  "details",
  "rotateWorkerToken",
  "rotateManagerToken",
  "rotateManagerUnlockKey",
  "verbose",
  "scope",
  "stream",
] as const;
const FILTER_KEYS = [
  "constructor",
  "__proto__",
  "name",
  "id",
  "label",
  "mode",
  "service",
  "node",
  "desired-state",
  "role",
  "membership",
  "driver",
  "type",
  "scope",
  "until",
  "dangling",
  "x",
];

const filters = fc.oneof(
  fc
    .dictionary(
      fc.constantFrom(...FILTER_KEYS),
      fc.oneof(
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.boolean(), { maxKeys: 2 }),
      ),
    )
    .map((f) => JSON.stringify(f)),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc.constantFrom("", "{", "[]", "null", '{"name":"x"}', '{"name":{"x":"yes"}}', "%zz"),
);
const queryValue = fc.oneof(
  fc.constantFrom(
    "",
    "1",
    "0",
    "true",
    "false",
    "yes",
    "all",
    "-1",
    "99999999999999999999",
    "1.5",
    "NaN",
    "x",
    "%zz",
  ),
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
);
const query = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constant("filters"), filters.map(encodeURIComponent)),
      fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => (pairs.length === 0 ? "" : `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}`));

const versionPrefix = fc.constantFrom(
  "",
  "",
  "/v1.41",
  "/v1.41",
  "/v1.24",
  "/v1.12",
  "/v1.11",
  "/v9.99",
  "/v1.56",
  "/vx",
);

/** A path that no operation has, or one that is nearly an operation's. */
const randomPath = fc.oneof(
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          "services",
          "tasks",
          "nodes",
          "swarm",
          "secrets",
          "configs",
          "networks",
          "update",
          "logs",
          "create",
          "",
        ),
        fc.string({ maxLength: 6 }).map(encodeURIComponent),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((parts) => `/${parts.join("/")}`),
  fc.constantFrom(
    "/",
    "//services",
    "/services/",
    "/services//update",
    "/services/create/",
    "/_ping/x",
    "/v1.41/v1.41/info",
  ),
);

const METHODS = fc.constantFrom("GET", "POST", "DELETE", "PUT", "HEAD", "PATCH", "OPTIONS");
const contentType = fc.constantFrom<Record<string, string>>(
  { "content-type": "application/json" },
  { "content-type": "application/json" },
  { "content-type": "application/json; charset=utf-8" },
  {},
  { "content-type": "text/plain" },
);

function operationCase(operation: OperationKey): fc.Arbitrary<FuzzCase> {
  const [method, template] = operation.split(" ") as [string, string];
  const schema = (operationVersions[operation] as { body?: string }).body;
  const params = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const path = fc
    .tuple(...params.map(() => pathValue(template)))
    .map((values) => values.reduce<string>((p, value, i) => p.replace(`{${params[i]}}`, value), template));
  const body = schema
    ? fc
        .option(bodyFor(schema), { freq: 12 })
        .map((b) => b ?? { bytes: undefined, note: `${schema}: no body` })
    : method === "POST" || method === "DELETE"
      ? fc.option(FOREIGN_BODY, { freq: 1 }).map((b) => b ?? { bytes: undefined, note: "no body" })
      : fc.constant({ bytes: undefined, note: "no body" });
  return fc.record({ prefix: versionPrefix, path, query, headers: contentType, body }).map((c) => ({
    method,
    path: `${c.prefix}${c.path}${c.query}`,
    headers: c.headers,
    ...(c.body.bytes !== undefined && { body: c.body.bytes }),
    note: `${operation}: ${c.body.note}`,
  }));
}

const strayCase: fc.Arbitrary<FuzzCase> = fc
  .record({
    method: METHODS,
    prefix: versionPrefix,
    path: randomPath,
    query,
    body: fc.option(FOREIGN_BODY, { freq: 2 }),
  })
  .map((c) => ({
    method: c.method,
    path: `${c.prefix}${c.path}${c.query}`,
    headers: { "content-type": "application/json" },
    ...(c.body && c.method !== "GET" && c.method !== "HEAD" && { body: c.body.bytes }),
    note: `stray ${c.method} ${c.path}: ${c.body?.note ?? "no body"}`,
  }));

/** Any case: an operation of spec/ (most of the time), or a method and path that are none. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 9, arbitrary: fc.oneof(...OPERATIONS.map(operationCase)) },
  { weight: 1, arbitrary: strayCase },
);

/** `count` cases from `seed`, in batches, without fast-check's shrinking: for long runs that count failures. */
export function* cases(seed: number, count: number, batch = 1000): Generator<FuzzCase> {
  for (let done = 0, round = 0; done < count; round++) {
    const size = Math.min(batch, count - done);
    yield* fc.sample(fuzzCase, { seed: seed + round, numRuns: size });
    done += size;
  }
}
