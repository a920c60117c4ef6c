import { isDeepStrictEqual } from "node:util";
import { isAvailableAt } from "./api-version.js";
import { schemaGraph } from "./generated/spec-tables.js";
import type { SchemaNode } from "./spec-nodes.js";

export interface UnsupportedField {
  /** Where in the value, as `TaskTemplate.ContainerSpec.Sysctls`. */
  path: string;
  /** The API version the field appeared in. */
  min?: string;
  /** The API version that no longer has it. */
  removed?: string;
  /** Set when the field exists but this value of it came later (`FailureAction: "rollback"`). */
  value?: string;
}

/** No document to compare with: every field set counts. */
const NOTHING = Symbol("no baseline");

/**
 * The fields set in `value` (a body of schema `schema`) that an engine speaking `version` does not
 * have, found by walking the value along spec/'s annotations. Unset fields cost nothing.
 *
 * Given `basedOn` (the document `value` was made from, as a read-modify-write reads it), only what
 * differs from it counts: an engine fills fields into what it returns (`Isolation`, `Runtime`) that
 * an older API version lacks, and sending them back unchanged is not asking for them.
 */
export function findUnsupportedFields(
  schema: string,
  value: unknown,
  version: string,
  basedOn?: unknown,
): UnsupportedField[] {
  const found: UnsupportedField[] = [];
  walk({ ref: schema }, value, basedOn === undefined ? NOTHING : basedOn, "", version, found);
  return found;
}

function walk(
  node: SchemaNode,
  value: unknown,
  base: unknown,
  path: string,
  version: string,
  found: UnsupportedField[],
): void {
  if (value === undefined || value === null) return;
  if (base !== NOTHING && isDeepStrictEqual(value, base)) return;
  if (!isAvailableAt(version, node.min, node.removed)) {
    found.push({
      path,
      ...(node.min ? { min: node.min } : {}),
      ...(node.removed ? { removed: node.removed } : {}),
    });
    return;
  }
  const valueMin = typeof value === "string" ? node.valueMin?.[value] : undefined;
  if (valueMin && !isAvailableAt(version, valueMin))
    found.push({ path, min: valueMin, value: value as string });
  const target = node.ref ? schemaGraph[node.ref] : undefined;
  if (target) walk({ ...target, min: undefined, removed: undefined }, value, base, path, version, found);
  const child = (key: string | number): unknown =>
    base === NOTHING ? NOTHING : (base as Record<string | number, unknown> | null | undefined)?.[key];
  if (Array.isArray(value)) {
    const items = node.items;
    if (!items) return;
    const before = Array.isArray(base) ? base : [];
    for (const [i, item] of value.entries()) {
      // An element kept from the document, wherever it now stands, is not a change.
      if (base !== NOTHING && before.some((old) => isDeepStrictEqual(old, item))) continue;
      walk(items, item, child(i), `${path}[${i}]`, version, found);
    }
    return;
  }
  if (typeof value !== "object") return;
  const entries = Object.entries(value as Record<string, unknown>);
  if (node.fields) {
    for (const [key, field] of entries) {
      const spec = node.fields[key];
      if (spec) walk(spec, field, child(key), path ? `${path}.${key}` : key, version, found);
    }
  }
  if (node.values) {
    for (const [key, field] of entries)
      walk(node.values, field, child(key), `${path}[${JSON.stringify(key)}]`, version, found);
  }
}
