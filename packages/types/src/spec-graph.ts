import { isAvailableAt } from "./api-version.js";
import { schemaGraph } from "./generated/spec-tables.js";

/** What spec/ says of one field: since when it exists, and where its value leads. */
export interface SchemaNode {
  min?: string;
  removed?: string;
  /** The named schema the value is. */
  ref?: string;
  /** What each element of an array value is. */
  items?: SchemaNode;
  /** What each value of a map is. */
  values?: SchemaNode;
  /** An inline object's fields. */
  fields?: Record<string, SchemaNode>;
}

/** How Go's encoding/json reads one field: its JSON kind, Go type, and where its value leads. */
export interface GoTypeNode {
  kind: "string" | "integer" | "number" | "boolean" | "array" | "object" | "ref" | "any";
  /** The Go type as dockerd's messages name it (`uint64`, `time.Duration`, `swarm.PortConfig`). */
  go?: string;
  /** A number's Go kind, which bounds what it reads (`uint64`, `int`, `float32`...). */
  number?: string;
  ref?: string;
  items?: GoTypeNode;
  values?: GoTypeNode;
  fields?: Record<string, GoTypeNode>;
  min?: string;
  removed?: string;
}

export interface UnsupportedField {
  /** Where in the value, as `TaskTemplate.ContainerSpec.Sysctls`. */
  path: string;
  /** The API version the field appeared in. */
  min?: string;
  /** The API version that no longer has it. */
  removed?: string;
}

/**
 * The fields set in `value` (a body of schema `schema`) that an engine speaking `version` does not
 * have, found by walking the value along spec/'s annotations. Unset fields cost nothing.
 */
export function findUnsupportedFields(schema: string, value: unknown, version: string): UnsupportedField[] {
  const found: UnsupportedField[] = [];
  walk({ ref: schema }, value, "", version, found);
  return found;
}

function walk(
  node: SchemaNode,
  value: unknown,
  path: string,
  version: string,
  found: UnsupportedField[],
): void {
  if (value === undefined || value === null) return;
  if (!isAvailableAt(version, node.min, node.removed)) {
    found.push({
      path,
      ...(node.min ? { min: node.min } : {}),
      ...(node.removed ? { removed: node.removed } : {}),
    });
    return;
  }
  const target = node.ref ? schemaGraph[node.ref] : undefined;
  if (target) walk({ ...target, min: undefined, removed: undefined }, value, path, version, found);
  if (Array.isArray(value)) {
    const items = node.items;
    if (items) for (const [i, item] of value.entries()) walk(items, item, `${path}[${i}]`, version, found);
    return;
  }
  if (typeof value !== "object") return;
  const entries = Object.entries(value as Record<string, unknown>);
  if (node.fields) {
    for (const [key, child] of entries) {
      const field = node.fields[key];
      if (field) walk(field, child, path ? `${path}.${key}` : key, version, found);
    }
  }
  if (node.values) {
    for (const [key, child] of entries)
      walk(node.values, child, `${path}[${JSON.stringify(key)}]`, version, found);
  }
}
