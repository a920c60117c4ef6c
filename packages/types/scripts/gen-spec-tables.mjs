// Emits src/generated/spec-tables.ts: the API version of every operation and parameter, and a
// compact graph of the schemas (which field leads to which schema, and since which version), so
// the client can tell before sending that a request uses something the engine is too old for.
import { writeFileSync } from "node:fs";
import { BANNER, loadSpec, operations, refName, typesOf, versionsOf } from "./spec-model.mjs";

const spec = loadSpec();
const schemas = spec.components?.schemas ?? {};
const FIRST_VERSION = "1.24";

// A field node: { min?, removed?, valueMin?, ref?, items?, values?, fields? } where `valueMin` gives
// enum values that came later than their field, `items` describes array elements, `values` map
// values, and `fields` an inline object's properties.
function describe(node) {
  if (!node || typeof node !== "object") return {};
  const out = { ...versionsOf(node) };
  if (node.$ref) out.ref = refName(node.$ref);
  const valueVersions = node["x-min-api-version-of-values"];
  if (valueVersions)
    out.valueMin = Object.fromEntries(Object.entries(valueVersions).map(([k, v]) => [k, String(v)]));
  const variants = node.oneOf ?? node.anyOf ?? node.allOf;
  const single = variants?.filter((v) => !(v.type === "null"));
  if (single?.length === 1) Object.assign(out, describe(single[0]), versionsOf(node));
  const types = typesOf(node);
  if (types.includes("array") && node.items) {
    const items = describe(node.items);
    if (Object.keys(items).length) out.items = items;
  }
  if (node.properties) {
    const fields = describeFields(node.properties);
    if (Object.keys(fields).length) out.fields = fields;
  }
  if (node.additionalProperties && typeof node.additionalProperties === "object") {
    const values = describe(node.additionalProperties);
    if (Object.keys(values).length) out.values = values;
  }
  return out;
}

function describeFields(properties) {
  const fields = {};
  for (const [name, prop] of Object.entries(properties)) {
    const d = describe(prop);
    if (Object.keys(d).length) fields[name] = d;
  }
  return fields;
}

const graph = {};
for (const [name, schema] of Object.entries(schemas)) {
  graph[name] = describe(schema);
}

// What Go's encoding/json needs to read a body and write an answer as dockerd does: each schema's
// Go type, and each field's JSON kind and Go type (`format` is an integer's Go kind; `x-go-type`
// names the rest), in the Go struct's field order, with `omitempty` (`x-go-omitempty`) and
// whether the field is a pointer (`x-go-pointer`: nil is written as null or left out, a zero
// value behind it is written).
const goOf = (node) => node?.["x-go-type"];
function describeGo(node) {
  if (!node || typeof node !== "object") return { kind: "any" };
  const out = {};
  const variants = (node.oneOf ?? node.anyOf ?? node.allOf)?.filter((v) => v.type !== "null");
  if (variants?.length === 1) Object.assign(out, describeGo(variants[0]));
  if (node.$ref) {
    out.kind = "ref";
    out.ref = refName(node.$ref);
  }
  const types = typesOf(node).filter((t) => t !== "null");
  if (types.length === 1) {
    const [type] = types;
    out.kind = type;
    if (type === "integer")
      out.go = out.number = node.format && node.format !== "int32" ? node.format : "int64";
    if (type === "number") out.go = out.number = node.format === "float" ? "float32" : "float64";
    if (type === "string") out.go = node.format === "date-time" ? "time.Time" : "string";
    if (type === "boolean") out.go = "bool";
    if (type === "array" && node.items) out.items = describeGo(node.items);
    if (type === "object" && node.properties) out.fields = describeGoFields(node.properties);
    if (type === "object" && node.additionalProperties && typeof node.additionalProperties === "object")
      out.values = describeGo(node.additionalProperties);
  } else if (types.length > 1 && !out.kind) out.kind = "any";
  out.kind ??= "any";
  if (goOf(node)) out.go = goOf(node);
  if (node["x-go-omitempty"]) out.omitempty = true;
  if (node["x-go-pointer"]) out.pointer = true;
  Object.assign(out, versionsOf(node));
  if (node["x-dropped-for-older-api"]) out.droppedForOlderApi = true;
  return out;
}
function describeGoFields(properties) {
  return Object.fromEntries(Object.entries(properties).map(([name, prop]) => [name, describeGo(prop)]));
}
// What a request body or a JSON answer can reach: the fake decodes the one and encodes the other.
const goTable = {};
const refsIn = (node) => JSON.stringify(node).match(/#\/components\/schemas\/[^"]+/g) ?? [];
const jsonAnswers = (op) =>
  Object.values(op.responses ?? {}).map((r) => r.content?.["application/json"]?.schema ?? {});
const pending = operations(spec).flatMap(({ op }) => [
  ...refsIn(op.requestBody?.content?.["application/json"]?.schema ?? {}),
  ...jsonAnswers(op).flatMap(refsIn),
]);
while (pending.length) {
  const name = refName(pending.pop());
  if (goTable[name]) continue;
  goTable[name] = { ...describeGo(schemas[name]), go: goOf(schemas[name]) ?? `swarm.${name}` };
  pending.push(...refsIn(schemas[name]));
}

// Each operation's JSON answer on success, as a Go type: what the fake's encoder writes it as.
const answerTable = {};
for (const { key, op } of operations(spec)) {
  const [, answer] =
    Object.entries(op.responses ?? {}).find(
      ([status, r]) => status.startsWith("2") && r.content?.["application/json"]?.schema,
    ) ?? [];
  if (answer) answerTable[key] = describeGo(answer.content["application/json"].schema);
}

const operationTable = {};
for (const { key, op, parameters } of operations(spec)) {
  const entry = { min: versionsOf(op).min ?? FIRST_VERSION };
  if (versionsOf(op).removed) entry.removed = versionsOf(op).removed;
  const params = {};
  for (const p of parameters) {
    const v = versionsOf(p);
    if (v.min || v.removed) params[`${p.in}:${p.name}`] = v;
  }
  if (Object.keys(params).length) entry.parameters = params;
  const body = op.requestBody?.content?.["application/json"]?.schema;
  if (body?.$ref) entry.body = refName(body.$ref);
  operationTable[key] = entry;
}

const json = (value) => JSON.stringify(value, null, 2);
const out = `${BANNER("gen-spec-tables.mjs")}
import type { GoTypeNode, SchemaNode } from "../spec-nodes.js";

/** The newest API version spec/ describes; what Flotilla asks for unless the engine is older. */
export const NEWEST_API_VERSION = ${JSON.stringify(spec.info["x-api-version"] ?? spec.info.version)};
/** The oldest API version Flotilla supports. */
export const OLDEST_API_VERSION = ${JSON.stringify(FIRST_VERSION)};

/** Since which API version each operation exists; parameters that came later; its body's schema. */
export const operationVersions = ${json(operationTable)} as const satisfies Record<
  string,
  { min: string; removed?: string; parameters?: Record<string, { min?: string; removed?: string }>; body?: string }
>;

export type OperationKey = keyof typeof operationVersions;

/** Each schema's Go type and its fields' JSON kinds and Go types, to decode bodies as dockerd does. */
export const goTypes: Record<string, GoTypeNode> = ${json(Object.fromEntries(Object.entries(goTable).sort()))};

/** Each operation's JSON answer on success, as a Go type, to encode it as dockerd does. */
export const answerTypes: Partial<Record<OperationKey, GoTypeNode>> = ${json(answerTable)};

/** Each schema's fields that lead somewhere or carry a version, as a graph to walk values along. */
export const schemaGraph: Record<string, SchemaNode> = ${json(graph)};
`;
writeFileSync(new URL("../src/generated/spec-tables.ts", import.meta.url), out);
