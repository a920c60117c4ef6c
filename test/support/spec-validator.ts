import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { parse } from "yaml";

// Validates what the engine sends against spec/, strictly: every object schema that lists its
// properties is closed, so a field the engine returns that spec/ lacks is a failure.

interface Spec {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown> };
}

const spec = parse(readFileSync(new URL("../../spec/openapi.yaml", import.meta.url), "utf8")) as Spec;

function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = closeObjects(value);
  if ("properties" in out && !("additionalProperties" in out)) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
ajv.addSchema({ $id: "spec", components: closeObjects(spec.components) });
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: unknown, key: string): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    const rewritten = JSON.parse(
      JSON.stringify(closeObjects(schema)).replaceAll('"#/components/', '"spec#/components/'),
    );
    validate = ajv.compile(rewritten as object);
    compiled.set(key, validate);
  }
  return validate;
}

/** The problems with `value` as the named schema of spec/, as readable lines; empty when it fits. */
export function schemaProblems(schemaName: string, value: unknown): string[] {
  if (!spec.components.schemas[schemaName]) return [`spec/ has no schema ${schemaName}`];
  return problems(
    validatorFor({ $ref: `#/components/schemas/${schemaName}` }, `schema:${schemaName}`),
    value,
  );
}

/** The problems with `value` as the success body of an operation ("GET /services/{id}"). */
export function responseProblems(route: string, status: number, value: unknown): string[] {
  const [method, path] = route.split(" ") as [string, string];
  const response = spec.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)];
  const schema = response?.content?.["application/json"]?.schema;
  if (!schema) return [`spec/ describes no JSON ${status} answer for ${route}`];
  return problems(validatorFor(schema, `${route} ${status}`), value);
}

/** Whether spec/ lists `status` among the answers of an operation. */
export function documentsStatus(route: string, status: number): boolean {
  const [method, path] = route.split(" ") as [string, string];
  return String(status) in (spec.paths[path]?.[method.toLowerCase()]?.responses ?? {});
}

function problems(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === "additionalProperties" ? ` "${String(e.params.additionalProperty)}"` : "";
    return `${e.instancePath || "(root)"} ${e.message ?? e.keyword}${extra}`;
  });
}
