// Emits src/generated/zod.ts: a zod schema for the body of every request Flotilla sends, and for
// every schema those bodies use, translated from spec/openapi.yaml so they cannot drift from it.
// Objects are strict: a misspelt field is an error naming it, not something the engine ignores.
import { writeFileSync } from "node:fs";
import { BANNER, loadSpec, operations, refName, typesOf } from "./spec-model.mjs";

const spec = loadSpec();
const schemas = spec.components?.schemas ?? {};

// Bodies come from the operations, so a new write operation in spec/ gets its schema for free.
const roots = new Set();
for (const { op } of operations(spec)) {
  const body = op.requestBody?.content?.["application/json"]?.schema;
  if (!body) continue;
  if (!body.$ref) throw new Error(`${op.operationId}: give its request body a named schema in components`);
  roots.add(refName(body.$ref));
}

// Everything the roots reach, in an order where each schema comes after those it uses.
const ordered = [];
const state = new Map();
const cyclic = new Set();
function visit(name) {
  if (state.get(name) === "done") return;
  if (state.get(name) === "visiting") {
    cyclic.add(name);
    return;
  }
  state.set(name, "visiting");
  for (const dep of refsIn(schemas[name])) visit(dep);
  state.set(name, "done");
  ordered.push(name);
}
function refsIn(node, out = new Set()) {
  if (Array.isArray(node)) for (const n of node) refsIn(n, out);
  else if (node && typeof node === "object") {
    if (typeof node.$ref === "string") out.add(refName(node.$ref));
    for (const value of Object.values(node)) refsIn(value, out);
  }
  return out;
}
for (const root of [...roots].sort()) visit(root);

const ident = (name) => `${name}Schema`;

function zodOf(node) {
  if (node === true || node === undefined) return "z.unknown()";
  if (node.$ref) {
    const name = refName(node.$ref);
    return cyclic.has(name) ? `z.lazy(() => ${ident(name)})` : ident(name);
  }
  if (node.oneOf || node.anyOf) {
    const variants = (node.oneOf ?? node.anyOf).map(zodOf);
    return variants.length === 1 ? variants[0] : `z.union([${variants.join(", ")}])`;
  }
  if (node.allOf) {
    if (node.allOf.length === 1) return zodOf(node.allOf[0]);
    throw new Error("allOf with several members is not used in request bodies; extend gen-zod.mjs if it is");
  }
  if (node.const !== undefined) return `z.literal(${JSON.stringify(node.const)})`;
  const types = typesOf(node);
  const nullable = types.includes("null");
  const kinds = types.filter((t) => t !== "null");
  let out;
  if (node.enum) {
    const values = node.enum.filter((v) => v !== null);
    out = values.every((v) => typeof v === "string")
      ? `z.enum(${JSON.stringify(values)})`
      : `z.union([${values.map((v) => `z.literal(${JSON.stringify(v)})`).join(", ")}])`;
  } else if (kinds.length > 1) {
    out = `z.union([${kinds.map((k) => zodOf({ ...node, type: k })).join(", ")}])`;
  } else {
    out = zodOfKind(kinds[0], node);
  }
  return nullable ? `${out}.nullable()` : out;
}

function zodOfKind(kind, node) {
  switch (kind) {
    case "string":
      return "z.string()";
    case "integer": {
      let out = "z.number().int()";
      if (node.minimum !== undefined) out += `.min(${node.minimum})`;
      if (node.maximum !== undefined) out += `.max(${node.maximum})`;
      return out;
    }
    case "number":
      return node.minimum !== undefined ? `z.number().min(${node.minimum})` : "z.number()";
    case "boolean":
      return "z.boolean()";
    case "array":
      return `z.array(${zodOf(node.items)})`;
    case "object":
    case undefined:
      return zodOfObject(node);
    default:
      throw new Error(`unsupported type ${kind}`);
  }
}

function zodOfObject(node) {
  if (node.properties) {
    const required = new Set(node.required ?? []);
    const fields = Object.entries(node.properties).map(([key, prop]) => {
      const value = zodOf(prop);
      return `${JSON.stringify(key)}: ${required.has(key) ? value : `${value}.optional()`}`;
    });
    const shape = `{ ${fields.join(", ")} }`;
    if (node.additionalProperties && typeof node.additionalProperties === "object") {
      return `z.object(${shape}).catchall(${zodOf(node.additionalProperties)})`;
    }
    return node.additionalProperties === true ? `z.looseObject(${shape})` : `z.strictObject(${shape})`;
  }
  if (node.additionalProperties && typeof node.additionalProperties === "object") {
    return `z.record(z.string(), ${zodOf(node.additionalProperties)})`;
  }
  return "z.record(z.string(), z.unknown())";
}

const lines = [
  BANNER("gen-zod.mjs"),
  'import { z } from "zod";',
  'import type { components } from "./openapi.js";',
  "",
];
for (const name of ordered) {
  const annotation = cyclic.has(name) ? `: z.ZodType<components["schemas"][${JSON.stringify(name)}]>` : "";
  lines.push(`export const ${ident(name)}${annotation} = ${zodOf(schemas[name])};`);
}
lines.push("", "/** The schema of each request body Flotilla sends, by the spec's schema name. */");
lines.push(
  `export const requestBodySchemas = { ${[...roots]
    .sort()
    .map((n) => `${n}: ${ident(n)}`)
    .join(", ")} } as const;`,
);
lines.push("", "export type RequestBodyName = keyof typeof requestBodySchemas;", "");
writeFileSync(new URL("../src/generated/zod.ts", import.meta.url), lines.join("\n"));
